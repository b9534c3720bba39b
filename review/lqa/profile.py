"""The LQA profile: which error types a reviewer may record, the severities and their penalty
weights, and the pass threshold.

A store may hold ``lqa.toml`` (TOML); without one the default applies: the MQM-Core subset
below, minor/major/critical weighing 1/5/25, a pass at no more than 10 penalty points per
1,000 source words, and any critical error failing. Every key is optional::

    name = "House profile"
    types = ["accuracy/mistranslation", "terminology", "style/awkward"]
    pass_per_thousand = 10
    fail_on = ["critical"]

    [severities]
    minor = 1
    major = 5
    critical = 25

A profile that cannot be used is a ``BadProfileError``: one line naming the file and the fault.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from review.errors import BadInputError

PROFILE_FILE = "lqa.toml"
MAX_BYTES = 1 << 20  # far above any typology; bounds what a stray file can make us parse
DEFAULT_TYPES = ("accuracy/mistranslation", "accuracy/omission", "accuracy/addition",
                 "accuracy/untranslated", "terminology", "linguistic/grammar",
                 "linguistic/spelling", "linguistic/punctuation", "style/awkward",
                 "locale/number-date-unit", "audience/culture")
DEFAULT_SEVERITIES = {"minor": 1, "major": 5, "critical": 25}
DEFAULT_PASS = 10  # penalty points per 1,000 source words at most
KEYS = ("name", "types", "severities", "pass_per_thousand", "fail_on")
# Type and severity names are CLI tokens (TYPE:SEVERITY[:NOTE]) and CSV cells: no ":" or spaces.
_NAME = re.compile(r"[a-z0-9][a-z0-9_/-]{0,63}")


class BadProfileError(BadInputError):
    """An lqa.toml that cannot be used; the message names the file and the fault."""


@dataclass(frozen=True)
class Profile:
    """A typology with severities and their weights, and when a document passes."""
    name: str = "MQM-Core (default)"
    types: tuple[str, ...] = DEFAULT_TYPES
    severities: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    pass_per_thousand: float = DEFAULT_PASS
    fail_on: tuple[str, ...] = ("critical",)  # one error of these severities fails a document
    path: str | None = None  # the file it was read from; None for the default

    def weight(self, severity: str) -> float:
        """The penalty points of one error of ``severity`` (0 for one the profile lacks)."""
        return self.severities.get(severity, 0)

    def its_severity(self, severity: str) -> float:
        """``severity`` on ITS's 0-100 scale: its weight against the heaviest, rounded."""
        top = max(self.severities.values(), default=0)
        return round(100 * self.weight(severity) / top, 1) if top else 0.0

    def describe(self) -> str:
        """The profile in one line: its name, weights and when a document passes."""
        weights = ", ".join(f"{name} {weight:g}" for name, weight in self.severities.items())
        fails = f"; any {' or '.join(self.fail_on)} error fails" if self.fail_on else ""
        return (f"{self.name} ({weights}): pass at no more than {self.pass_per_thousand:g} "
                f"penalty points per 1,000 words{fails}")

    def check(self, type_: str, severity: str) -> None:
        """BadInputError naming a type or severity the profile lacks and listing the valid."""
        if type_ not in self.types:
            raise BadInputError(f"unknown error type {type_!r}; valid types: "
                                f"{', '.join(self.types)}")
        if severity not in self.severities:
            raise BadInputError(f"unknown severity {severity!r}; valid severities: "
                                f"{', '.join(self.severities)}")


DEFAULT = Profile()


def load(root: str | os.PathLike) -> Profile:
    """The profile of the store folder ``root``: its lqa.toml, else the default."""
    path = Path(root) / PROFILE_FILE
    if not os.path.lexists(path):
        return DEFAULT
    return parse(_read(path), str(path))


def parse(text: str, where: str = PROFILE_FILE) -> Profile:
    """The profile ``text`` (TOML) describes; BadProfileError naming ``where`` and the fault."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _bad(where, f"not valid TOML ({' '.join(str(err).split())})") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise _bad(where, f"unknown key {unknown[0]!r} (known: {', '.join(KEYS)})")
    severities = _severities(data.get("severities", DEFAULT_SEVERITIES), where)
    return Profile(name=_text(data.get("name", f"{PROFILE_FILE} of the store"), "name", where),
                   types=_names(data.get("types", list(DEFAULT_TYPES)), "types", where),
                   severities=severities,
                   pass_per_thousand=_number(data.get("pass_per_thousand", DEFAULT_PASS),
                                             "pass_per_thousand", where),
                   fail_on=_fail_on(data.get("fail_on", _failing(severities)), severities,
                                    where),
                   path=where)


def _read(path: Path) -> str:
    from review.store_files import open_regular

    handle = open_regular(path, follow=True)
    if handle is None:
        raise _bad(str(path), "not a readable regular file")
    with handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _bad(str(path), f"larger than {MAX_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad(str(path), "not UTF-8 text") from None


def _severities(value: object, where: str) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise _bad(where, "severities: give a table of name = weight, e.g. minor = 1")
    for name, weight in value.items():
        _name(name, "severities", where)
        _number(weight, f"severities.{name}", where)
    return dict(value)


def _names(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _bad(where, f"{key}: give a list of names, e.g. [\"terminology\"]")
    for name in value:
        _name(name, key, where)
    if len(set(value)) != len(value):
        twice = next(name for name in value if value.count(name) > 1)
        raise _bad(where, f"{key}: {twice!r} is listed twice")
    return tuple(value)


def _failing(severities: dict) -> list[str]:
    """What fails a document unless the profile says: a critical error, if it has those."""
    return ["critical"] if "critical" in severities else []


def _fail_on(value: object, severities: dict, where: str) -> tuple[str, ...]:
    if value == []:
        return ()
    names = _names(value, "fail_on", where)
    missing = [name for name in names if name not in severities]
    if missing:
        raise _bad(where, f"fail_on: {missing[0]!r} is not one of the severities "
                          f"({', '.join(severities)})")
    return names


def _name(name: object, key: str, where: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _bad(where, f"{key}: {name!r:.40} is not a name of lowercase letters, digits, "
                          "/, - or _ (at most 64)")
    return name


def _number(value: object, key: str, where: str) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise _bad(where, f"{key}: {value!r:.40} is not a number of 0 or more")
    return value


def _text(value: object, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise _bad(where, f"{key}: give a line of text (at most 200 characters)")
    return " ".join(value.split())


def _bad(where: str, fault: str) -> BadProfileError:
    return BadProfileError(f"{where}: {fault}; fix it, or remove the file to use the default "
                           "profile")
