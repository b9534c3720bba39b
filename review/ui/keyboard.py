"""The review page's keyboard shortcuts, its compact-row styling and the focus-moving script.

Shortcuts are Streamlit button shortcuts; with Ctrl or Alt held they fire inside a text box
too, so a reviewer never leaves the editor. ``review.ui.key_scope`` keeps each decision key to
where the cursor is and applies quick presses in order. The focus script only moves focus and
scrolls: it reads no page text and takes nothing but a segment's widget key, which is built
from safe ids.
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
ADD_ERROR = "Alt+E"
NEXT_SENTENCE = "Alt+J"
PREVIOUS_SENTENCE = "Alt+K"


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
    ("1 … 0, Enter, Esc", "after a reject or a correction: pick what was wrong (type, then "
                          "severity; Enter takes the suggestion ★), or skip"),
    (ADD_ERROR, "record another error on the open segment's rejection or correction"),
    (NEXT_SENTENCE, "next summary sentence: mark its evidence segments"),
    (PREVIOUS_SENTENCE, "previous summary sentence"),
)

# Compact rows: a few lines each, tight spacing; the summary column stays in view; the
# editor's own "Press Ctrl+Enter to apply" hint is replaced by the page's shortcut list. On a
# short screen (a 1280x800 laptop) rows and flags take one line each (a flag shows all of it
# under the pointer), so eight rows fit beside an open segment.
CSS = """<style>
[data-testid="InputInstructions"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 1rem 1.5rem 3rem; }
.st-key-article-head > div { min-width: 0; flex: 1 1 0; }
.st-key-article-head h5 { font-size: 1.05rem; padding: 0; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.st-key-toolbar { gap: 0.4rem; }
.st-key-toolbar button { min-height: 1.9rem; padding: 0 0.45rem; }
.st-key-toolbar button p { font-size: 0.85rem; }
.st-key-toolbar kbd { display: none; }
.st-key-segment-list, .st-key-segment-list [data-testid="stVerticalBlock"] { gap: 0.3rem; }
[class*="st-key-row-"] { padding: 0.15rem 0.4rem; border-bottom: 1px solid rgba(128,128,128,0.18); }
[class*="st-key-row-"] [data-testid="stMarkdownContainer"] p {
  font-size: 0.9rem; line-height: 1.35; margin: 0;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
}
[class*="st-key-row-"] button { min-height: 1.6rem; padding: 0 0.4rem; }
[class*="st-key-row-"] [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
[class*="st-key-row-"] [data-testid="stColumn"] { min-width: 0; }
[class*="st-key-row-"] [data-testid="stColumn"]:first-child { min-width: 2.2rem; }
[class*="st-key-row-"] [data-testid="stColumn"]:last-child p,
[class*="st-key-badges-"] p { display: block; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
[class*="st-key-current-"] { border: 2px solid #4a90d9; border-radius: 0.5rem; padding: 0.6rem;
  gap: 0.45rem; }
[class*="st-key-current-"] button { min-height: 2rem; padding: 0 0.45rem; }
[class*="st-key-current-"] kbd { margin-left: 0.3rem; font-size: 0.72rem; }
[class*="st-key-bar-"] { gap: 0.4rem; }
.german-text { font-size: 0.95rem; line-height: 1.45; }
.german-text mark.glossary-term { background: rgba(74,144,217,0.18); color: inherit;
  border-bottom: 1px dotted #4a90d9; padding: 0 0.1rem; cursor: help; }
[class*="st-key-flags-"] { gap: 0.2rem; }
[class*="st-key-flags-"] [data-testid="stMarkdownContainer"] p {
  font-size: 0.88rem; line-height: 1.35; margin: 0; }
[class*="st-key-current-"] [class*="st-key-flags-"] button { min-height: 1.3rem; padding: 0 0.3rem; }
[class*="st-key-opinion-"] { margin-top: 0.4rem; }
[class*="st-key-memory-"] { gap: 0.3rem; }
[class*="st-key-memory-"] [data-testid="stMarkdownContainer"] p { font-size: 0.88rem;
  line-height: 1.35; margin: 0; }
[class*="st-key-memory-"] button { min-height: 1.6rem; padding: 0 0.4rem; }
[class*="st-key-memory-"] [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
[class*="st-key-memory-"] [data-testid="stElementContainer"] { min-width: 0; }
[class*="st-key-memory-"] p, [class*="st-key-flags-"] p { overflow-wrap: anywhere; }
:has(> .st-key-summary-panel) { position: sticky; top: 1rem; }
.st-key-summary-panel { max-height: calc(100vh - 2rem); overflow-y: auto; }
.st-key-summary-panel > * { flex-shrink: 0; }
.st-key-focus-script, .st-key-keys-script, .st-key-claim-script, [class*="st-key-drawn-"] {
  display: none; }
[class*="st-key-evidence-"] { box-shadow: inset 4px 0 #1c83e1; background: rgba(28, 131, 225, 0.08);
  border-radius: 0.3rem; padding-left: 0.4rem; }
[class*="st-key-claim-"] button { text-align: left; justify-content: flex-start; }
[class*="st-key-claim-"] button p { font-size: 0.85rem; display: -webkit-box;
  -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.st-key-claims button { min-height: 1.6rem; padding: 0 0.3rem; }
.st-key-claims kbd { display: none; }
.st-key-picker-slot:not(:has(.st-key-picker)) { display: none; }
.st-key-picker { border: 1px solid #ff4b4b; border-radius: 0.5rem; padding: 0.4rem 0.6rem; }
.st-key-picker button, [class*="st-key-errors-"] button { min-height: 1.6rem; padding: 0 0.4rem; }
.st-key-picker kbd, [class*="st-key-errors-"] kbd { display: none; }
[class*="st-key-proof-"] { flex-wrap: nowrap; align-items: flex-start; }
[class*="st-key-proof-"] > div:last-child { min-width: 0; flex: 1 1 0; }
[class*="st-key-proof-"] button { min-height: 1.4rem; padding: 0 0.3rem; }
@media (max-height: 900px) {
  [class*="st-key-row-"] [data-testid="stMarkdownContainer"] p { -webkit-line-clamp: 1; }
  [class*="st-key-flags-"] [data-testid="stMarkdownContainer"] p,
  [class*="st-key-memory-"] [data-testid="stMarkdownContainer"] p { display: -webkit-box;
    -webkit-line-clamp: 1; -webkit-box-orient: vertical; overflow: hidden; }
  [class*="st-key-memory-"] [data-testid="stMarkdownContainer"] p { -webkit-line-clamp: 2; }
  [class*="st-key-flags-"] [data-testid="stMarkdownContainer"] p:hover,
  [class*="st-key-memory-"] [data-testid="stMarkdownContainer"] p:hover {
    -webkit-line-clamp: unset; }
}
</style>"""

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
    if (!box || !ready()) { if (tries++ < 300) { setTimeout(focus, 10); } return; }
    box.scrollIntoView({block: "center"});
    box.focus({preventScroll: true});
    box.setSelectionRange(box.value.length, box.value.length);
  }
  focus();
})();
"""


def css_class(key: str) -> str:
    """Streamlit's CSS class for a keyed element: st-key-<key> with other characters as '-'."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def scroll_script(container_key: str, nonce: int) -> str:
    """A script that scrolls the element ``container_key`` into view once it is drawn
    (``nonce`` as in ``focus_script``)."""
    return (f"<script>/* {int(nonce)} */"
            f"{_SCROLL % json.dumps(css_class(container_key))}</script>")


_SCROLL = """
(function () {
  var key = %s, tries = 0;
  function scroll() {
    var row = document.querySelector("." + key + ':not([data-stale="true"])');
    if (!row) { if (tries++ < 300) { setTimeout(scroll, 10); } return; }
    row.scrollIntoView({block: "center"});
  }
  scroll();
})();
"""


def focus_script(container_key: str, nonce: int) -> str:
    """A script that focuses the editor inside ``container_key`` and scrolls it into view.

    ``nonce`` changes the element, so Streamlit runs the script again for the same segment.
    (A '<' right before a letter or digit would make the sanitizer drop the script.)
    """
    return (f"<script>/* {int(nonce)} */"
            f"{_FOCUS % json.dumps(css_class(container_key))}</script>")

