"""Every check, found beside its function, and the loop that runs them on a German/English pair.

A ``Check`` (``review.checks.base``) is the function that raises flags, each ``Code`` it may
raise (weight in the risk, plain words), what it needs of the pair and its ``rank`` in the run
order. Each check module of this package declares its checks beside their functions, as a
module-level ``CHECKS`` tuple; ``discover`` imports every module here whose source declares
one and registers its checks, and CHECKS below is all of them, sorted by rank. ``run`` runs
them in that order: ``core.text_flags`` and ``core.check_pairs`` call it. ``risk.WEIGHTS``,
``describe.DESCRIPTIONS`` and ``python -m review check --list`` read CODES, built from them.

To add a check, write its function in a module of this package (an existing one or a new
file) and, in the same module, a ``Check`` with a free rank in its ``CHECKS``; then a test that
raises each of its codes. Nothing else lists it. Two checks of one rank, or one code declared
twice, are refused when the registry is imported; a code the function raises but its Check
does not declare is refused when it is raised (``UndeclaredCode``). ``register`` adds a check
at run time (after the others unless it has a rank).
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from types import ModuleType

from review.article import Flag
from review.checks.base import Check, Code, Pair, UndeclaredCode

__all__ = ["CHECKS", "CODES", "Check", "Code", "DESCRIPTIONS", "LIST_ORDER", "Pair",
           "SUMMARY_CODES", "UndeclaredCode", "WEIGHTS", "discover", "register",
           "register_module", "run", "unregister"]

# Every registered check, in the order they run (by rank; unranked ones, added by
# ``register``, last in the order they came). Filled by ``discover`` at the end of this module.
CHECKS: list[Check] = []

# Raised on a machine summary by review.faithfulness.faithfulness_flags, never by ``run``:
# listed for reviewers, without a weight (they flag a summary, not a segment's risk).
SUMMARY_CODES = (
    Code("summary_number_unsupported", None, "A number in the summary is not in the article",
         "The summary gives a figure found neither in the English nor in the German article: "
         "the summary model may have invented it."),
    Code("summary_name_unsupported", None, "A name in the summary is not in the article",
         "The summary names someone or something the article does not mention: the summary "
         "model may have invented it."),
)

# The order of ``check --list``, which outside tools read, for the codes it listed when the
# checks moved beside their functions: it never changes. A code added since follows these in
# run order, so the listing only grows at its end (LIST_ORDER is the whole listing).
LISTED = ("empty_output", "untranslated", "repetition", "number_mismatch", "number_scale",
          "number_missing", "number_added", "number_format", "length_short", "length_long",
          "low_similarity", "name_added", "glossary_term", "low_confidence", "low_agreement",
          "second_opinion_differs", "quote_missing", "empty_source",
          "inconsistent_translation", "inconsistent_source", "summary_number_unsupported",
          "summary_name_unsupported")
LIST_ORDER: tuple[str, ...] = LISTED

# Built from CHECKS and SUMMARY_CODES by _index, in LIST_ORDER; updated in place, since
# risk.WEIGHTS and describe.DESCRIPTIONS are these very dicts.
CODES: dict[str, Code] = {}
WEIGHTS: dict[str, float] = {}
DESCRIPTIONS: dict[str, tuple[str, str]] = {}


def _run_order(check: Check) -> tuple[bool, float]:
    return check.rank is None, check.rank or 0


def _refuse_twins() -> None:
    """A code declared twice, or two checks of one rank, is a ValueError naming them."""
    names = [code.code for check in CHECKS for code in check.codes]
    names += [code.code for code in SUMMARY_CODES]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"declared by more than one check: {', '.join(twice)}")
    ranks = [check.rank for check in CHECKS if check.rank is not None]
    shared = sorted({rank for rank in ranks if ranks.count(rank) > 1})
    if shared:
        holders = [f"{c.name} (rank {c.rank:g})" for c in CHECKS if c.rank in shared]
        raise ValueError(f"more than one check has the same rank: {', '.join(holders)}; give "
                         "each check its own rank")


def _index() -> None:
    """Sort CHECKS by rank and rebuild CODES, WEIGHTS, DESCRIPTIONS and LIST_ORDER; a code
    declared twice or a rank held twice is refused (ValueError)."""
    global LIST_ORDER
    CHECKS.sort(key=_run_order)
    _refuse_twins()
    codes = [code for check in CHECKS for code in check.codes] + list(SUMMARY_CODES)
    place = {name: i for i, name in enumerate(LISTED)}
    codes.sort(key=lambda code: place.get(code.code, len(place)))
    CODES.clear()
    CODES.update((code.code, code) for code in codes)
    WEIGHTS.clear()
    WEIGHTS.update((code.code, code.weight) for code in codes if code.weight is not None)
    DESCRIPTIONS.clear()
    DESCRIPTIONS.update((code.code, (code.title, code.why)) for code in codes)
    LIST_ORDER = tuple(CODES)


def run(pair: Pair) -> list[Flag]:
    """Every flag for ``pair``: each check whose needs it meets, in rank order.

    A final check that raises a flag ends the run, and its flags are the pair's only ones.
    """
    flags: list[Flag] = []
    for check in CHECKS:
        if not check.applies(pair):
            continue
        found = check.run(pair)
        if found and check.final:
            return found
        flags += found
    return flags


def register(check: Check) -> Check:
    """Run ``check`` at its rank (after the others without one) and list its codes; a code
    already listed or a rank already held is refused, and the table kept."""
    _add((check,))
    return check


def unregister(check: Check) -> None:
    """Take a registered ``check`` out of the table and its codes out of the lists."""
    CHECKS.remove(check)
    _index()


def register_module(module: ModuleType) -> tuple[Check, ...]:
    """Register every check in ``module.CHECKS``, all or none, and return them.

    Each must be a ``Check`` with a rank; with a code or a rank another check holds, none is
    registered (ValueError naming the module).
    """
    checks = tuple(getattr(module, "CHECKS", ()))
    for check in checks:
        if not isinstance(check, Check):
            raise TypeError(f"{module.__name__}.CHECKS holds {check!r}, not a Check")
        if check.rank is None:
            raise ValueError(f"{module.__name__}: {check.name} has no rank; give it its place "
                             "in the run order (Check(..., rank=N))")
    try:
        _add(checks)
    except ValueError as err:
        raise ValueError(f"{module.__name__}: {err}") from None
    return checks


def _add(checks: tuple[Check, ...]) -> None:
    """Add ``checks`` to the table, or, when one is refused, none of them."""
    CHECKS.extend(checks)
    try:
        _index()
    except ValueError:
        for check in checks:
            CHECKS.remove(check)
        _index()
        raise


# A module declares checks when a line of its source starts with "CHECKS =" or "CHECKS:".
_DECLARES = re.compile(r"^CHECKS\s*[:=]", re.MULTILINE)


def declaring_modules(package: str) -> list[str]:
    """The modules of ``package`` whose source declares CHECKS at top level, by name.

    Read, not imported, to find them: core, risk and describe import this registry, so
    importing every module of the package from here would import them half-made.
    """
    found = []
    for folder in importlib.import_module(package).__path__:
        for info in pkgutil.iter_modules([folder]):
            path = Path(folder) / f"{info.name}.py"
            name = f"{package}.{info.name}"
            if name != __name__ and path.is_file() and \
                    _DECLARES.search(path.read_text(encoding="utf-8")):
                found.append(name)
    return found


def discover(package: str) -> list[Check]:
    """Import each module of ``package`` that declares CHECKS and register its checks; an
    ImportError when none is found (say, an install without the .py sources)."""
    found = [check for name in declaring_modules(package)
             for check in register_module(importlib.import_module(name))]
    if not found:
        raise ImportError(f"no module of {package} declares CHECKS: reinstall the review tool")
    return found


discover(__package__)
