"""The review page's keyboard shortcuts, its compact-row styling and the focus-moving script.

Shortcuts are Streamlit button shortcuts; with Ctrl or Alt held they fire inside a text box
too, so a reviewer never leaves the editor, and a small listener keeps each decision key to
where the cursor is (the open segment's editor, or the summary's). The script only moves focus and scrolls: it reads
no page text and takes nothing but a segment's widget key, which is built from safe ids.
"""
from __future__ import annotations

import json
import re

CONFIRM = "Ctrl+Enter"
REJECT = "Alt+X"
UNDO = "Alt+Z"
NEXT = "Alt+Down"
PREVIOUS = "Alt+Up"
NEXT_PENDING = "Alt+N"
MACHINE_TEXT = "Alt+M"
SECOND_OPINION = "Alt+S"
NEXT_ARTICLE = "Alt+Shift+N"


def suggestion(number: int) -> str:
    """The key that takes translation-memory suggestion ``number`` (1-3) into the editor."""
    return f"Alt+{number}"


SHORTCUTS = (
    (CONFIRM, "confirm: accept the machine text, or save your edit; go to the next pending"),
    (REJECT, "reject the translation and go to the next pending"),
    (UNDO, "undo the last decision on this segment"),
    (NEXT, "next segment"),
    (PREVIOUS, "previous segment"),
    (NEXT_PENDING, "next pending segment"),
    (MACHINE_TEXT, "put the machine text back into the editor"),
    (SECOND_OPINION, "take the second model's English into the editor"),
    (NEXT_ARTICLE, "next article with pending work, once this one is reviewed"),
    ("Alt+1 … Alt+3", "take a translation-memory suggestion into the editor"),
)

# Compact rows: a few lines each, tight spacing; the summary column stays in view; the
# editor's own "Press Ctrl+Enter to apply" hint is replaced by the page's shortcut list.
CSS = """<style>
[data-testid="InputInstructions"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
.st-key-segment-list [data-testid="stVerticalBlock"] { gap: 0.3rem; }
[class*="st-key-row-"] { padding: 0.15rem 0.4rem; border-bottom: 1px solid rgba(128,128,128,0.18); }
[class*="st-key-row-"] [data-testid="stMarkdownContainer"] p {
  font-size: 0.9rem; line-height: 1.35; margin: 0;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
}
[class*="st-key-row-"] button { min-height: 1.6rem; padding: 0 0.4rem; }
[class*="st-key-row-"] [data-testid="stColumn"]:first-child { min-width: 2.2rem; }
[class*="st-key-row-"] [data-testid="stColumn"]:last-child p { -webkit-line-clamp: 1; }
[class*="st-key-current-"] { border: 2px solid #4a90d9; border-radius: 0.5rem; padding: 0.6rem;
  gap: 0.5rem; }
[class*="st-key-flags-"] { gap: 0.2rem; }
[class*="st-key-flags-"] [data-testid="stMarkdownContainer"] p {
  font-size: 0.88rem; line-height: 1.35; margin: 0; }
[class*="st-key-flags-"] button { min-height: 1.4rem; padding: 0 0.3rem; }
[class*="st-key-opinion-"] { margin-top: 0.4rem; }
:has(> .st-key-summary-panel) { position: sticky; top: 1rem; }
.st-key-summary-panel { max-height: calc(100vh - 2rem); overflow-y: auto; }
.st-key-focus-script, .st-key-keys-script { display: none; }
</style>"""

# A decision key acts where the cursor is. Streamlit's button shortcuts are page-wide (hotkeys
# on the document, bubble phase), so this capture-phase listener sees every key first:
# - in the open segment's editor the segment's own shortcuts act (Alt keys blur the box first,
#   so Streamlit commits the text before the button runs);
# - in the summary's editor the key is taken from Streamlit and clicks the summary's button;
# - in any other input (sidebar, dialogs, search boxes) a decision key does nothing.
# Keys pressed outside any input (the page body) keep Streamlit's page-wide shortcuts.
# Wrapped in a function: a script's top-level names are the page's globals.
_SCOPE_KEYS = """
(function () {
  if (window.__reviewKeys) { return; }
  window.__reviewKeys = true;
  var decisions = {"ctrl+enter": "accept", "alt+x": "reject", "alt+z": "undo", "alt+m": "machine"};
  var combo = function (e) {
    var key = e.key === "Enter" ? "enter" : (e.code || "").replace(/^Key/, "").toLowerCase();
    return (e.ctrlKey || e.metaKey ? "ctrl+" : "") + (e.altKey ? "alt+" : "") + key;
  };
  var summaryButton = function (panel, action) {
    var pattern = new RegExp("^st-key-" + action + "-.+-summary$");
    var holders = panel.querySelectorAll('[class*="st-key-' + action + '-"]');
    for (var i = 0; i !== holders.length; i++) {
      for (var j = 0; j !== holders[i].classList.length; j++) {
        if (pattern.test(holders[i].classList[j])) { return holders[i].querySelector("button"); }
      }
    }
    return null;
  };
  document.addEventListener("keydown", function (e) {
    if (["Alt", "Control", "Shift", "Meta", "AltGraph"].indexOf(e.key) !== -1) { return; }
    var el = document.activeElement;
    var typing = el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.isContentEditable);
    var action = decisions[combo(e)];
    if (typing && action && !el.closest('[class*="st-key-current-"]')) {
      e.preventDefault();
      e.stopImmediatePropagation();
      var panel = el.closest(".st-key-summary-panel");
      var button = panel && el.tagName === "TEXTAREA" && summaryButton(panel, action);
      if (button && !button.disabled) { el.blur(); button.click(); }
      return;
    }
    if (e.altKey && el && el.tagName === "TEXTAREA") { el.blur(); }
  }, true);
})();
"""

_FOCUS = """
(function () {
  var key = %s, tries = 0;
  function ready() {
    // The editor and its last button are drawn and current (not a stale copy).
    return document.querySelector("." + key + ' [class*="st-key-undo-"]:not([data-stale="true"])');
  }
  function focus() {
    // A dialog (the glossary) has the reviewer's attention: never take the focus from it.
    if (document.querySelector('[role="dialog"]')) { return; }
    var box = document.querySelector("." + key + " textarea");
    if (!box || !ready()) { if (tries++ < 100) { setTimeout(focus, 30); } return; }
    box.scrollIntoView({block: "center"});
    box.focus({preventScroll: true});
    box.setSelectionRange(box.value.length, box.value.length);
  }
  focus();
})();
"""


KEYS_SCRIPT = f"<script>{_SCOPE_KEYS}</script>"  # drawn once per page (app.py)


def css_class(key: str) -> str:
    """Streamlit's CSS class for a keyed element: st-key-<key> with other characters as '-'."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def focus_script(container_key: str, nonce: int) -> str:
    """A script that focuses the editor inside ``container_key`` and scrolls it into view.

    ``nonce`` changes the element, so Streamlit runs the script again for the same segment.
    (A '<' right before a letter or digit would make the sanitizer drop the script.)
    """
    return (f"<script>/* {int(nonce)} */"
            f"{_FOCUS % json.dumps(css_class(container_key))}</script>")
