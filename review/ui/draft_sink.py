"""Typed text reaches the server as a draft while the reviewer types, without a click.

Streamlit sends a text box's value only on blur or Ctrl+Enter. This script watches typing in
the open editors (the current segment's and the summary's) and, about a second after the last
keystroke, blurs the box and gives it the focus back at once, caret and selection kept: the
blur makes Streamlit send the text, and the page stores it as the reviewer's draft
(``review.ui.session.keep``), so it survives a reload, a closed tab, another browser and a
server restart. While a keystroke has not been sent yet, leaving the page asks first (the
browser's leave-page prompt). It is plain script, drawn once per page (a custom component
tried first made the glossary dialog's grid lose its edits).
"""
from __future__ import annotations

DELAY_MS = 800  # after the last keystroke; the issue allows about 2 s end to end

# No '<' anywhere: Streamlit's sanitizer drops a script with '<' before a letter.
_JS = """
(function () {
  if (window.__reviewDrafts) { return; }
  var drafts = window.__reviewDrafts = {timer: null, unsent: false};
  var editor = function (el) {
    return el && el.tagName === "TEXTAREA"
      && el.closest('[class*="st-key-current-"], .st-key-summary-panel') !== null;
  };
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!editor(el)) { return; }
    drafts.unsent = true;
    clearTimeout(drafts.timer);
    drafts.timer = setTimeout(function () {
      if (document.activeElement === el) {
        var start = el.selectionStart, end = el.selectionEnd;
        el.blur();  // Streamlit sends the text
        el.focus({preventScroll: true});
        el.setSelectionRange(start, end);
      }
      drafts.unsent = false;
    }, %d);
  }, true);
  document.addEventListener("focusout", function (e) {
    if (editor(e.target)) { clearTimeout(drafts.timer); drafts.unsent = false; }
  }, true);
  window.addEventListener("beforeunload", function (e) {
    if (drafts.unsent) { e.preventDefault(); e.returnValue = ""; }
  });
})();
""" % DELAY_MS

SCRIPT = f"<script>{_JS}</script>"
