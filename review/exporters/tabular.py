"""Records as JSON (one array), JSONL (one object a line) and CSV (a header row, then rows)."""
from __future__ import annotations

import csv
import io
import json
import math
import numbers
from typing import Any

# JSON leaves these raw, yet str.splitlines() and many JSONL readers break lines at them.
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# Cell starts that spreadsheets treat as a formula (OWASP "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(records: list[dict[str, Any]]) -> str:
    lines = [_one_line(json.dumps(record, ensure_ascii=False)) for record in records]
    return "".join(line + "\n" for line in lines)


def to_csv(records: list[dict[str, Any]], fields: tuple[str, ...], delimiter: str = ",") -> str:
    """RFC 4180 CSV: CRLF rows, fields with delimiters/quotes/newlines quoted.

    A text cell that a spreadsheet would read as a formula gets a leading ``'`` (see
    ``neutralise``), so opening the export never runs what an article or reviewer wrote.
    Numbers are not text: a negative score stays a number.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(fields)
    for record in records:
        writer.writerow([_cell(value) if _finite_number(value) else neutralise(_cell(value))
                         for value in (record[f] for f in fields)])
    return buffer.getvalue()


def neutralise(cell: str) -> str:
    """``cell`` with a ``'`` in front when it starts like a formula (OWASP CSV injection).

    Excel, LibreOffice and Google Sheets evaluate a cell starting with ``=``, ``+``, ``-``
    or ``@``, and a leading tab or carriage return can hide such a start; the quote makes
    the spreadsheet show the text as it is.
    """
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _finite_number(value: Any) -> bool:
    """A number that prints as digits (numpy's too): no formula to guard. "-inf" is text."""
    return isinstance(value, numbers.Real) and math.isfinite(value)


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
