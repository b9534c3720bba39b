"""Records as JSON (one array), JSONL (one object a line) and CSV (a header row, then rows)."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

# JSON leaves these raw, yet str.splitlines() and many JSONL readers break lines at them.
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def to_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(records: list[dict[str, Any]]) -> str:
    lines = [_one_line(json.dumps(record, ensure_ascii=False)) for record in records]
    return "".join(line + "\n" for line in lines)


def to_csv(records: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    """RFC 4180 CSV: comma separated, CRLF rows, fields with commas/quotes/newlines quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for record in records:
        writer.writerow([_cell(record[name]) for name in fields])
    return buffer.getvalue()


def _one_line(text: str) -> str:
    for raw, escaped in _LINE_BREAKERS.items():
        text = text.replace(raw, escaped)
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # segment ids: "3 4 7" reads well and splits easily
        return " ".join(str(item) for item in value)
    return str(value)
