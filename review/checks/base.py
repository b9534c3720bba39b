"""What a check is: a function, the codes it may raise, what it needs of a pair, its rank.

A check module declares its checks beside their functions, as a module-level ``CHECKS`` tuple
of ``Check`` objects; ``review.checks.registry`` finds those modules, orders the checks by rank
and runs them. This module only defines what a check is (it imports no check).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Callable

from review.article import Flag


@dataclass(frozen=True)
class Code:
    """One flag code as a reviewer meets it."""
    code: str
    weight: float | None  # in the segment risk; None for summary flags
    title: str  # plain words, as a reviewer reads them
    why: str  # one sentence: why a reviewer should look

    def to_dict(self) -> dict:
        """The entry of ``python -m review check --list --json`` (a contract: keep its keys)."""
        return {"code": self.code, "weight": self.weight, "description": self.title}


@dataclass(frozen=True)
class Pair:
    """Everything the checks may read about one German/English pair."""
    source: str
    target: str
    similarity: float | None = None  # cosine of the e5 embeddings
    confidence: float | None = None  # the model's mean log-probability of its own output
    agreement: float | None = None  # the English scored under the translation model
    second_chrf: float | None = None  # chrF between the English and a second model's
    second_model: str | None = None
    glossary: Any = None  # a review.checks.glossary.Glossary
    memory: Any = None  # a review.memory.Memory
    origin: str | None = None  # the pair's own memory origin, never held against it
    reviewed: bool = False  # the English is a reviewer's (a correction, typed text), not a model's


PAIR_FIELDS = frozenset(f.name for f in fields(Pair))

# What a check may need beyond the English: without it the check is skipped.
NEEDS: dict[str, Callable[[Pair], bool]] = {
    "german": lambda pair: bool(pair.source.strip()),
    "similarity": lambda pair: pair.similarity is not None,
    "confidence": lambda pair: pair.confidence is not None,
    "agreement": lambda pair: pair.agreement is not None,
    "second opinion": lambda pair: pair.second_chrf is not None,
    "glossary": lambda pair: bool(pair.glossary),
    "memory": lambda pair: pair.memory is not None,
    "reviewer": lambda pair: pair.reviewed,
}


class UndeclaredCode(LookupError):
    """A check raised a code it does not declare, so no weight or plain words exist for it."""


@dataclass(frozen=True)
class Check:
    """One check: the function that raises its flags, every code it may raise, what it needs.

    ``function`` is called with the ``reads`` fields of the Pair, in order. The check runs only
    when each of its ``needs`` (keys of NEEDS) is there. A ``final`` check that raises a flag
    ends the run: its flags are the pair's only ones. ``rank`` is its place in the run order
    (lowest first; the registry refuses two checks of one rank); a check declared in a module
    must have one, and one given to ``registry.register`` without a rank runs after the others.
    """
    function: Callable[..., list[Flag]]
    codes: tuple[Code, ...]
    reads: tuple[str, ...] = ("source", "target")
    needs: tuple[str, ...] = ("german",)
    final: bool = False
    rank: float | None = None

    def __post_init__(self):
        if not self.codes:
            raise ValueError(f"{self.name} declares no code")
        if self.rank is not None and (isinstance(self.rank, bool)
                                      or not isinstance(self.rank, (int, float))
                                      or not math.isfinite(self.rank)):
            raise ValueError(f"{self.name}: the rank must be a finite number, not "
                             f"{self.rank!r}")
        unknown = [r for r in self.reads if r not in PAIR_FIELDS]
        unknown += [n for n in self.needs if n not in NEEDS]
        if unknown:
            raise ValueError(f"{self.name}: no such input {', '.join(map(repr, unknown))}")

    @property
    def name(self) -> str:
        """The function's dotted path, as in messages and the docs."""
        return f"{self.function.__module__}.{self.function.__qualname__}"

    def applies(self, pair: Pair) -> bool:
        return all(NEEDS[need](pair) for need in self.needs)

    def run(self, pair: Pair) -> list[Flag]:
        """The check's flags for ``pair``; a code it does not declare raises UndeclaredCode."""
        flags = self.function(*(getattr(pair, name) for name in self.reads))
        undeclared = {f.code for f in flags} - {c.code for c in self.codes}
        if undeclared:
            raise UndeclaredCode(f"{self.name} raised {', '.join(sorted(undeclared))}, which "
                                 "it does not declare")
        return flags
