"""Validation of stored article JSON, before it becomes an ``Article``.

A tampered or half-written file must fail here, by name, not later in status, export, decide or
the app: every field's type, statuses and kinds from their lists, non-negative counters,
segment offsets inside the text, unique segment indexes, and no lone surrogate (it cannot be
written back as UTF-8).
"""
from __future__ import annotations

import json
import re

STATUSES = ("pending", "accepted", "corrected", "rejected")
VERDICTS = ("supported", "unsupported", "contradicted")  # a summary sentence's; or null
KINDS = ("heading", "text", "boilerplate")
# A lone surrogate (a string from bytes that were not UTF-8) cannot be written as UTF-8.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

_STR, _OPT_STR = (str,), (str, type(None))


def validate(data: object) -> None:
    """Raise ValueError naming the first field of stored article JSON that is wrong."""
    no_surrogates(data)
    _require(isinstance(data, dict), "article", "not a JSON object")
    _fields(data, "", {"id": _STR, "title": _STR, "text": _STR, "content_hash": _STR,
                       "source_path": _OPT_STR, "date": _OPT_STR, "url": _OPT_STR,
                       "created": _STR, "updated": _STR,
                       "segments": (list,), "summary": (dict, type(None)),
                       "history": (list,)})
    _count(data, "revision", "")
    _count(data, "schema_version", "")
    text = data.get("text", "")
    seen: dict[int, int] = {}  # segment index -> position of the segment that has it
    for i, seg in enumerate(data.get("segments", [])):
        _segment_ok(seg, f"segments[{i}]", len(text) if isinstance(text, str) else 0)
        index = seg.get("index")
        if index in seen:
            _fail(f"segments[{i}].index",
                  f"duplicate index {index} (segments[{seen.get(index)}] has it too)")
        seen[index] = i
    if data.get("summary") is not None:
        _summary_ok(data["summary"], "summary")
    for i, entry in enumerate(data.get("history", [])):
        _history_ok(entry, f"history[{i}]")


_SEGMENT = {"source": _STR, "kind": _STR, "machine": (dict, type(None)),
            "second": (dict, type(None)), "flags": (list, type(None)),
            "dismissed": (list, type(None)), "decision": (dict,), "agreement_of": _OPT_STR,
            "similarity_of": _OPT_STR,
            "comments": (list, type(None))}
_OUTPUT = {"text": _STR, "model": _STR, "engine": _STR, "origin": _OPT_STR}
_DISMISSAL = {"code": _STR, "detail": _STR, "reviewer": _STR, "time": _STR}
_DECISION = {"status": _STR, "text": _OPT_STR, "reviewer": _OPT_STR, "time": _OPT_STR,
             "errors": (list, type(None))}
_ERROR = {"type": _STR, "severity": _STR, "span": _OPT_STR, "note": _OPT_STR,
          "reviewer": _OPT_STR, "time": _OPT_STR}
_COMMENT = {"author": _STR, "time": _STR, "text": _STR, "resolved": (bool,)}
_FLAG = {"code": _STR, "detail": _STR}


def _segment_ok(seg: object, where: str, text_length: int) -> None:
    _require(isinstance(seg, dict), where, "not a JSON object")
    _fields(seg, where, _SEGMENT)
    for name in ("similarity", "risk", "agreement"):
        _number(seg, name, where, optional=True)
    for name in ("index", "start", "end", "paragraph"):
        _count(seg, name, where)
    if seg.get("kind", "text") not in KINDS:
        _fail(f"{where}.kind", f"{seg.get('kind')!r} is not one of {', '.join(KINDS)}")
    start, end = seg.get("start", 0), seg.get("end", 0)
    if not start <= end <= text_length:
        _fail(f"{where}.end",
              f"offsets {start}-{end} are outside the text ({text_length} characters)")
    for name in ("machine", "second"):
        if seg.get(name) is not None:
            _fields(seg[name], f"{where}.{name}", _OUTPUT)
            _number(seg[name], "confidence", f"{where}.{name}", optional=True)
    _flags_ok(seg.get("flags"), f"{where}.flags")
    for i, item in enumerate(seg.get("dismissed") or []):
        _require(isinstance(item, dict), f"{where}.dismissed[{i}]", "not a JSON object")
        _fields(item, f"{where}.dismissed[{i}]", _DISMISSAL)
    if "decision" in seg:
        _decision_ok(seg["decision"], f"{where}.decision")
    _items_ok(seg.get("comments"), f"{where}.comments", _COMMENT)


def _items_ok(items: object, where: str, fields: dict[str, tuple]) -> None:
    """A list (or absent) of objects whose fields have the types ``fields`` gives."""
    _require(isinstance(items, (list, type(None))), where, "not a list")
    for i, item in enumerate(items or []):
        _require(isinstance(item, dict), f"{where}[{i}]", "not a JSON object")
        _fields(item, f"{where}[{i}]", fields)


def _summary_ok(summary: object, where: str) -> None:
    _require(isinstance(summary, dict), where, "not a JSON object")
    _fields(summary, where, {"method": _STR, "text": _OPT_STR, "model": _OPT_STR,
                             "source_segments": (list,), "flags": (list, type(None)),
                             "note": _OPT_STR, "decision": (dict,)})
    for i, index in enumerate(summary.get("source_segments", [])):
        _require(type(index) is int and index >= 0, f"{where}.source_segments[{i}]",
                 "not a non-negative integer")
    _flags_ok(summary.get("flags"), f"{where}.flags")
    if "decision" in summary:
        _decision_ok(summary["decision"], f"{where}.decision")
    _sentences_ok(summary.get("sentences"), f"{where}.sentences")
    _items_ok(summary.get("comments"), f"{where}.comments", _COMMENT)


_SENTENCE = {"text": _STR, "evidence": (list,), "verdict": _OPT_STR, "note": _OPT_STR,
             "errors": (list, type(None))}


def _sentences_ok(sentences: object, where: str) -> None:
    """Summary sentences: a list (or absent) of {"text", "evidence", "verdict", "note"}."""
    _require(isinstance(sentences, (list, type(None))), where, "not a list")
    for i, item in enumerate(sentences or []):
        _require(isinstance(item, dict), f"{where}[{i}]", "not a JSON object")
        _fields(item, f"{where}[{i}]", _SENTENCE)
        for k, index in enumerate(item.get("evidence", [])):
            _require(type(index) is int and index >= 0, f"{where}[{i}].evidence[{k}]",
                     "not a non-negative integer")
        _items_ok(item.get("errors"), f"{where}[{i}].errors", _ERROR)
        if item.get("verdict") is not None and item["verdict"] not in VERDICTS:
            _fail(f"{where}[{i}].verdict",
                  f"{item['verdict']!r} is not one of {', '.join(VERDICTS)} or null")


def _decision_ok(decision: object, where: str) -> None:
    _require(isinstance(decision, dict), where, "not a JSON object")
    _fields(decision, where, _DECISION)
    _items_ok(decision.get("errors"), f"{where}.errors", _ERROR)
    if decision.get("status", "pending") not in STATUSES:
        _fail(f"{where}.status",
              f"{decision.get('status')!r} is not one of {', '.join(STATUSES)}")
    _count(decision, "revision", where)


def _history_ok(entry: object, where: str) -> None:
    _require(isinstance(entry, dict), where, "not a JSON object")
    _fields(entry, where, {"target": _STR, "action": _STR, "reviewer": _STR, "time": _STR,
                           "before": (dict,), "after": (dict,), "machine": _OPT_STR})
    for side in ("before", "after"):
        for key, value in (entry.get(side) or {}).items():
            if key == "sentences":  # a summary's sentences as the decision left them
                _sentences_ok(value, f"{where}.{side}.sentences")
            elif key == "errors":  # the errors recorded with the decision
                _items_ok(value, f"{where}.{side}.errors", _ERROR)
            elif not isinstance(value, _OPT_STR):
                _fail(f"{where}.{side}.{key}", f"{type(value).__name__} where text or null "
                                               "belongs")
        status = (entry.get(side) or {}).get("status", "pending")
        if status not in STATUSES:
            _fail(f"{where}.{side}.status", f"{status!r} is not one of {', '.join(STATUSES)}")


def _flags_ok(flags: object, where: str) -> None:
    for i, flag in enumerate(flags or []):
        _require(isinstance(flag, dict), f"{where}[{i}]", "not a JSON object")
        _fields(flag, f"{where}[{i}]", _FLAG)


# The checks below run once per field of every segment of every article read: each message is
# made only when it is raised (an 11,000-segment article is read in a fraction of a second).

def _fields(data: dict, where: str, types: dict[str, tuple]) -> None:
    """Each of ``types``' fields that is present has one of its types."""
    for name, allowed in types.items():
        if name in data and not isinstance(data[name], allowed):
            _fail(_at(where, name), f"{type(data[name]).__name__} where "
                                    f"{'/'.join(_NAMES[t] for t in allowed)} belongs")


def _count(data: dict, name: str, where: str) -> None:
    """A present ``name`` is a non-negative integer (true/false are not numbers here)."""
    if name in data:
        value = data[name]
        if type(value) is not int or value < 0:
            _fail(_at(where, name), f"{value!r:.40} is not a non-negative integer")


def _number(data: dict, name: str, where: str, optional: bool = False) -> None:
    value = data.get(name)
    if value is None and optional:
        return
    if type(value) not in (int, float):
        _fail(_at(where, name), f"{value!r:.40} is not a number")


def no_surrogates(data: object) -> None:
    """No string (or key) anywhere in JSON ``data`` holds a lone surrogate (ValueError);
    iterative, so any depth is safe."""
    try:  # the common case, at C speed: everything encodes as UTF-8, so no lone surrogate
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        return
    except (UnicodeEncodeError, RecursionError, TypeError, ValueError):
        pass  # look for it string by string (also what JSON could not write at all)
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _require(not LONE_SURROGATE.search(item), "text",
                     "lone surrogate (\\ud800-\\udfff), not valid Unicode")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _require(ok: bool, where: str, problem: str) -> None:
    if not ok:
        _fail(where, problem)


def _fail(where: str, problem: str) -> None:
    raise ValueError(f"{where}: {problem}")


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


_NAMES = {str: "text", type(None): "null", dict: "object", list: "list", bool: "true/false"}
