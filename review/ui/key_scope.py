"""Where a key acts, and in what order: the page's capture-phase key listener.

Streamlit's button shortcuts are page-wide (hotkeys on the document, bubble phase), and a
press while the page is still answering the last one hits buttons that are about to be
replaced. This listener sees every key first:

- In the open segment's editor (or the page body, with a segment open) a decision key joins a
  queue: each is applied in order, by clicking its button in the editor open at the time it is
  applied, once the page has answered the one before (the article is drawn to its end again:
  its last element, ``drawn_mark``, counts the drawings). Five quick Ctrl+Enter confirm five
  segments, as in MateCat. A decision that leaves the editor as it was (refused, or nothing to
  do) empties the queue: the reviewer reads the message first. Navigation keys pressed
  meanwhile queue behind it.
- In the summary's editor the key clicks the summary's button.
- In any other input (sidebar, dialogs, search boxes) a decision key does nothing.
- While the error picker is open (after a reject or a correction), digits, Enter and Escape
  pressed in the open editor or on the page answer it; any other key there closes it and acts
  as usual. Keys in a dialog or another box are left alone.

It reads no page text; it clicks only buttons found by their widget keys.
"""
from __future__ import annotations


# Wrapped in a function: a script's top-level names are the page's globals. No '<' before a
# letter anywhere: Streamlit's sanitizer drops such a script.
_JS = """
(function () {
  if (window.__reviewKeys) { return; }
  var keys = window.__reviewKeys = {queue: [], busy: null, waiting: null};
  var DECISIONS = {"ctrl+enter": "accept", "alt+x": "reject", "alt+z": "undo", "alt+m": "machine"};
  var MOVES = {"alt+arrowup": "prev-", "alt+arrowdown": "next-", "alt+n": "next_pending"};
  var POLL = 15, GIVE_UP = 8000;  // ms
  var combo = function (e) {
    var key = e.key === "Enter" ? "enter" : (e.code || "").replace(/^Key/, "").toLowerCase();
    return (e.ctrlKey || e.metaKey ? "ctrl+" : "") + (e.altKey ? "alt+" : "") + key;
  };
  var button = function (within, prefix) {
    var holder = within.querySelector('[class*="st-key-' + prefix + '"]');
    return holder && holder.querySelector("button");
  };
  var summaryButton = function (panel, action) {
    var pattern = new RegExp("^st-key-" + action + "-.+-summary$");
    var holders = panel.querySelectorAll('[class*="st-key-' + action + '-"]:not([data-stale="true"])');
    for (var i = 0; i !== holders.length; i++) {
      for (var j = 0; j !== holders[i].classList.length; j++) {
        if (pattern.test(holders[i].classList[j])) { return holders[i].querySelector("button"); }
      }
    }
    return null;
  };
  // The summary's button for ``action``, once the page has drawn it afresh (a press right
  // after the last decision finds the old, stale or disabled one first: wait for the new).
  var pressSummary = function (action, tries) {
    var panel = document.querySelector(".st-key-summary-panel");
    var target = panel && summaryButton(panel, action);
    if (target && !target.disabled) { target.click(); return; }
    if (tries < 100) { setTimeout(function () { pressSummary(action, tries + 1); }, 20); }
  };
  // The open segment's container, drawn by the last run (its last button is not stale).
  var current = function () {
    var all = document.querySelectorAll('[class*="st-key-current-"]');
    for (var i = 0; i !== all.length; i++) {
      if (all[i].querySelector('[class*="st-key-undo-"]:not([data-stale="true"])')) {
        return all[i];
      }
    }
    return null;
  };
  var boxOf = function (cur) {
    var holder = cur && cur.querySelector('[class*="st-key-en-"]');
    return holder ? holder.className : null;
  };
  var settling = function () {
    return document.querySelector('.st-key-segment-list [data-stale="true"]') !== null;
  };
  var pump = function () {
    if (keys.busy || !keys.queue.length) { return; }
    var cur = current();
    if (!cur || settling()) {
      if (!keys.waiting) { keys.waiting = Date.now(); }
      if (Date.now() - keys.waiting > GIVE_UP) { keys.queue = []; keys.waiting = null; return; }
      setTimeout(pump, POLL);
      return;
    }
    keys.waiting = null;
    var item = keys.queue.shift();
    var target = item.move ? button(document, item.move) : button(cur, item.action + "-");
    if (!target || target.disabled) { keys.queue = []; return; }
    var box = cur.querySelector("textarea");
    keys.busy = {item: item, box: boxOf(cur), since: Date.now(), drawn: drawn()};
    if (box && document.activeElement === box) { box.blur(); }  // Streamlit sends the text
    target.click();
    setTimeout(watch, POLL);
  };
  // How many times a part was drawn to its end (its last element, keyed NAME-COUNT, says);
  // -1 while it is being drawn again.
  var count = function (name) {
    var marks = document.querySelectorAll('[class*="st-key-' + name + '-"]');
    var pattern = new RegExp("st-key-" + name + "-([0-9]+)");
    for (var i = 0; i !== marks.length; i++) {
      var found = pattern.exec(marks[i].className);
      if (found && !marks[i].closest('[data-stale="true"]')) { return parseInt(found[1], 10); }
    }
    return -1;
  };
  var drawn = function () { return count("drawn"); };
  // Until the page has answered the click: drawn to its end again.
  var watch = function () {
    var busy = keys.busy;
    if (drawn() === busy.drawn || settling()) {
      if (Date.now() - busy.since > GIVE_UP) { keys.busy = null; keys.queue = []; return; }
      setTimeout(watch, POLL);
      return;
    }
    keys.busy = null;
    var cur = current(), moved = cur !== null && boxOf(cur) !== busy.box;
    if (!moved && busy.item.action && busy.item.action !== "machine") {
      keys.queue = [];  // refused, or nothing to do: the reviewer reads the page first
      var box = cur && cur.querySelector("textarea");
      if (box && document.activeElement === document.body) { box.focus({preventScroll: true}); }
    }
    pump();
  };
  // The error picker offered after a reject or a correction: digits, Enter and Escape are
  // its answers wherever the cursor is; any other key closes it and goes on as typed.
  // The question on show: its "pickid-" class (one per decision and error), or null.
  var question = function () {
    var open = document.querySelector('.st-key-picker [class*="st-key-pick-"]:not([data-stale="true"])');
    var id = open && open.closest('[class*="st-key-pickid-"]');
    if (!id) { return null; }
    for (var i = 0; i !== id.classList.length; i++) {
      if (id.classList[i].indexOf("st-key-pickid-") === 0) { return id.classList[i]; }
    }
    return null;
  };
  var picker = function (e, el) {
    var open = question();
    if (!open || open === keys.passed || e.ctrlKey || e.metaKey || e.altKey) { return false; }
    // Only from the page or the open editor: a dialog's or another box's keys are their own.
    var typing = el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.isContentEditable);
    if (document.querySelector('[role="dialog"]')) { return false; }
    if (typing && !el.closest('[class*="st-key-current-"]')) { return false; }
    var name = /^[0-9]$/.test(e.key) ? e.key : {Enter: "enter", Escape: "skip"}[e.key];
    if (!name || name === "skip") {  // typed past it, or Escape: it gets no more keys
      keys.passed = open;
      closePicker(0);
      if (!name) { return false; }
      e.preventDefault();
      e.stopImmediatePropagation();
      return true;
    }
    var target = button(document.querySelector("." + open), "pick-" + name);
    e.preventDefault();
    e.stopImmediatePropagation();
    if (target && !target.disabled && !e.repeat) { target.click(); }
    return true;
  };
  // Click the picker's skip until it is gone: a click on a copy the page was replacing is
  // lost, so a new copy still asking gets the click again (the same one is only waited for).
  var closePicker = function (tries) {
    var open = question();
    if (!open) { return; }
    var skip = button(document.querySelector("." + open), "pick-skip");
    if (skip && skip !== keys.skipClicked) { keys.skipClicked = skip; skip.click(); }
    if (tries < 40) { setTimeout(function () { closePicker(tries + 1); }, 100); }
  };
  document.addEventListener("keydown", function (e) {
    if (["Alt", "Control", "Shift", "Meta", "AltGraph"].indexOf(e.key) !== -1) { return; }
    var el = document.activeElement;
    if (picker(e, el)) { return; }
    var typing = el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.isContentEditable);
    var name = combo(e), action = DECISIONS[name], move = MOVES[name];
    var inSegment = !typing || el.closest('[class*="st-key-current-"]') !== null;
    if (action && inSegment && document.querySelector('[class*="st-key-current-"]')) {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (!e.repeat) { keys.queue.push({action: action}); pump(); }  // a held key: once
      return;
    }
    if (move && inSegment && (keys.busy || keys.queue.length)) {
      e.preventDefault();
      e.stopImmediatePropagation();
      keys.queue.push({move: move});
      return;
    }
    if (typing && action) {  // not the segment's editor: the summary's, or none
      e.preventDefault();
      e.stopImmediatePropagation();
      if (el.tagName === "TEXTAREA" && el.closest(".st-key-summary-panel")) {
        el.blur();
        pressSummary(action, 0);
      }
      return;
    }
    if (e.altKey && el && el.tagName === "TEXTAREA") { el.blur(); }  // send the text first
  }, true);
})();
"""

SCRIPT = f"<script>{_JS}</script>"

