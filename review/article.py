"""The review domain: an article, its segments, machine output, checks and decisions.

These are plain dataclasses that round-trip through JSON (``to_dict``/``from_dict``); the store
decides where and how they are written.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from review.article_validation import (KINDS, LONE_SURROGATE,  # noqa: F401 - named here too
                                       STATUSES, VERDICTS, validate)

# 2: Segment.dismissed; history "before" also keeps the replaced reviewer and time; "undo"
# history entries. 3: Segment.agreement/agreement_of and Segment.second (a second model's
# translation). 4: Summary.sentences (claims with evidence and verdicts); Article.date and
# Article.url. 5: Decision.errors (MQM error annotations), SummarySentence.errors, comments
# on segments and the summary. 6: Segment.similarity_of (what the similarity was computed
# for, so a re-check of unchanged English reuses it). Older files load unchanged (the store
# brings their flags' words and risks up to date: review.legacy) and are written back as the
# current version.
SCHEMA_VERSION = 6
# STATUSES, KINDS and LONE_SURROGATE live with the validation of stored JSON that uses them.
APPROVED = ("accepted", "corrected")
ACTIONS = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
UNDO = "undo"  # the history action of an undo; not a status, so not in ACTIONS
ERRORS = "errors"  # the history action of errors noted on a summary sentence: no decision
DRAFT = "[draft]"  # marks unreviewed machine output in Article.reviewed_text(drafts=True)
GERMAN_TITLE = "[German] "  # marks an English title that is still the German headline


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Flag:
    code: str
    detail: str


@dataclass
class Dismissal:
    """A reviewer's word that a flag is a false alarm; it matches flags by (code, detail)."""
    code: str
    detail: str
    reviewer: str
    time: str

    def matches(self, flag: Flag) -> bool:
        return (self.code, self.detail) == (flag.code, flag.detail)


@dataclass
class MachineOutput:
    text: str
    model: str
    confidence: float | None = None  # mean log-probability of the output tokens
    engine: str = "transformers"  # or "ctranslate2"; "memory" for a translation memory match
    # Where a memory match came from: "article:<id>#<index>" or "tmx:<file>"; None for a model.
    origin: str | None = None

    @classmethod
    def from_output(cls, output) -> MachineOutput:
        """From an engine's models.base.Output."""
        return cls(output.text, output.model, output.confidence, output.engine)


@dataclass
class QualityError:
    """One error a reviewer found (MQM): a type of the profile's typology and a severity,
    optionally the span of English it concerns and a note (``review.lqa``)."""
    type: str  # e.g. "accuracy/mistranslation"
    severity: str  # minor | major | critical (the profile's severities)
    span: str | None = None
    note: str | None = None
    reviewer: str | None = None
    time: str | None = None


@dataclass
class Comment:
    """One message of the comment thread on a segment or the summary."""
    author: str
    time: str
    text: str
    resolved: bool = False


@dataclass
class Decision:
    status: str = "pending"
    text: str | None = None  # the approved English; None while pending or when rejected
    reviewer: str | None = None
    time: str | None = None
    revision: int = 0  # bumped by every decision; a write based on an older one is stale
    errors: list[QualityError] = field(default_factory=list)  # what the reviewer found wrong


@dataclass
class Segment:
    index: int
    start: int  # offsets into Article.text: source == text[start:end]
    end: int
    source: str
    kind: str = "text"
    paragraph: int = 0
    machine: MachineOutput | None = None
    flags: list[Flag] = field(default_factory=list)
    similarity: float | None = None
    similarity_of: str | None = None  # review.checks.core.pair_key of the pair it measures
    risk: float | None = None  # from the active flags: dismissed ones do not count
    # Mean log-probability per token of the English given the German under the translation
    # model (``Translator.score``); None when not scored or the English changed since.
    agreement: float | None = None
    agreement_of: str | None = None  # review.checks.core.english_key of the English scored
    # A second translation model's English (a second opinion), when one is configured.
    second: MachineOutput | None = None
    decision: Decision = field(default_factory=Decision)
    dismissed: list[Dismissal] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def approved(self) -> str | None:
        """The English a reviewer approved (``approved_text``); None unless approved."""
        return approved_text(self.decision, self.machine.text if self.machine else None)

    @property
    def english(self) -> str | None:
        """The best English we have: the approved text, else the machine output."""
        if self.decision.status in APPROVED:
            return self.approved
        return self.machine.text if self.machine else None

    @property
    def second_due(self) -> bool:
        """Pending model output with no second opinion yet (memory matches get none)."""
        return (self.kind != "boilerplate" and self.decision.status == "pending"
                and self.second is None and self.machine is not None
                and self.machine.engine != "memory" and bool(self.machine.text.strip())
                and bool(self.source.strip()))

    @property
    def needs_review(self) -> bool:
        return self.kind != "boilerplate" and self.decision.status == "pending"

    @property
    def active_flags(self) -> list[Flag]:
        """The flags no reviewer dismissed as a false alarm."""
        return [f for f in self.flags if self.dismissal_of(f.code, f.detail) is None]

    def dismissal_of(self, code: str, detail: str) -> Dismissal | None:
        """The dismissal of the flag (code, detail), if a reviewer dismissed it."""
        flag = Flag(code, detail)
        return next((d for d in self.dismissed if d.matches(flag)), None)


@dataclass
class SummarySentence:
    """One sentence (claim) of a summary, the segments that support it and a reviewer's word."""
    text: str
    evidence: list[int] = field(default_factory=list)  # segment indexes, best first
    verdict: str | None = None  # one of VERDICTS; None until judged
    note: str | None = None
    errors: list[QualityError] = field(default_factory=list)


@dataclass
class Summary:
    method: str  # extractive | abstractive | human
    text: str | None
    model: str | None = None
    source_segments: list[int] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    note: str | None = None
    decision: Decision = field(default_factory=Decision)
    sentences: list[SummarySentence] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def approved(self) -> str | None:
        """The summary a reviewer approved (``approved_text``); None unless approved."""
        return approved_text(self.decision, self.text)


@dataclass
class HistoryEntry:
    target: str  # "segment:N" or "summary"
    action: str  # accept | correct | reject | undo
    reviewer: str
    time: str
    before: dict[str, Any]  # status, text; since schema 2 also the replaced reviewer and time
    after: dict[str, Any]  # status, text
    machine: str | None = None  # the machine output the decision replaced or approved


@dataclass
class Article:
    id: str
    title: str
    text: str
    content_hash: str
    source_path: str | None = None
    date: str | None = None  # the article's date, when its input gave one
    url: str | None = None  # where the article was published, when its input gave it
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    revision: int = 0
    segments: list[Segment] = field(default_factory=list)
    summary: Summary | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def segment(self, index: int) -> Segment:
        """The segment with ``index``; IndexError when there is none."""
        for seg in self.segments:
            if seg.index == index:
                return seg
        raise IndexError(index)

    def reviewable(self) -> list[Segment]:
        return [s for s in self.segments if s.kind != "boilerplate"]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for seg in self.reviewable():
            counts[seg.decision.status] += 1
        return counts

    def summary_state(self) -> str:
        return self.summary.decision.status if self.summary else "missing"

    def english_text(self) -> str:
        """The reviewed English article, paragraphs kept; untranslated segments are skipped."""
        return _paragraphs((seg, seg.english) for seg in self.segments
                           if seg.kind != "boilerplate" and seg.decision.status != "rejected")

    def reviewed_text(self, drafts: bool = False) -> str:
        """The English a reviewer approved (accepted or corrected), paragraphs kept.

        With ``drafts``, segments nobody decided on yet add their machine output marked
        ``[draft]``; rejected segments and boilerplate are always left out.
        """
        return _paragraphs((seg, _reviewed(seg, drafts)) for seg in self.segments
                           if seg.kind != "boilerplate")

    def headline(self) -> list[Segment]:
        """The segments that make up the title, in order; [] when the title is not the text of
        consecutive segments near the start (a title given apart from the text)."""
        want = _squashed(self.title)
        # A long first sentence became the title shortened with "…" (ingest.first_line_title).
        cut = want[:-1].rstrip() if want.endswith("…") else None
        body = [s for s in self.segments if s.kind != "boilerplate"][:HEADLINE_SEARCH]
        for start in range(len(body)):
            joined, picked = "", []
            for seg in body[start:]:
                joined = f"{joined} {_squashed(seg.source)}".strip()
                picked.append(seg)
                if joined == want or (cut and joined.startswith(cut)):
                    return picked
                if not want.startswith(joined):
                    break
        return []

    def english_title(self) -> tuple[str, str]:
        """(title, state): the headline's reviewed English ("reviewed"), else its English
        with machine output where not reviewed ("machine"), else the German title marked
        with GERMAN_TITLE ("german")."""
        headline = self.headline()
        english = [_usable(seg.english) if seg.decision.status != "rejected" else None
                   for seg in headline]
        if headline and all(english):
            reviewed = all(seg.decision.status in APPROVED for seg in headline)
            return " ".join(english), ("reviewed" if reviewed else "machine")
        return GERMAN_TITLE + self.title, "german"

    def source_name(self) -> str | None:
        """Where the article came from, for readers: its URL, else its input file's name
        (with ":line" for a JSON Lines record); never a folder of the machine it was added on."""
        if self.url:
            return self.url
        if not self.source_path:
            return None
        return self.source_path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or None

    def history_of(self, target: int | str) -> list[HistoryEntry]:
        """History entries on a segment index or ``"summary"``, oldest first (undos included)."""
        key = history_target(target)
        return [entry for entry in self.history if entry.target == key]

    def undoable(self, target: int | str) -> HistoryEntry | None:
        """The decision an undo on ``target`` would revert; None when there is none left."""
        stack = decision_stack(self.history_of(target))
        return stack[-1] if stack else None

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives, made without its deep copies (an 11,000-segment
        article in a tenth of the time)."""
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], validated: bool = False) -> Article:
        """From stored JSON of this or an older schema; the result is of the current schema.

        ``validated``: the caller knows these very bytes passed ``validate`` before.
        """
        if not validated:
            validate(data)  # ValueError naming the first wrong field: nothing below can crash
        data = dict(data)
        data["schema_version"] = SCHEMA_VERSION  # older files lack only fields with defaults
        data["segments"] = [_segment(s) for s in data.get("segments", [])]
        data["summary"] = _summary(data["summary"]) if data.get("summary") else None
        data["history"] = [HistoryEntry(**h) for h in data.get("history", [])]
        return cls(**data)


def _plain(value: Any) -> Any:
    """Dataclasses as dicts of their fields, lists and dicts copied, tuples kept: as asdict."""
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def trial_copy(article: Article, index: int) -> tuple[Article, Segment]:
    """A copy of ``article`` to try a change to segment ``index`` on, and that segment: the
    segment and the history list are its own, the rest is shared with ``article`` (a shared
    reading, ``ArticleStore.view``, stays as it was). IndexError for an unknown segment."""
    seg = _segment(_plain(article.segment(index)))
    segments = [seg if s.index == index else s for s in article.segments]
    return replace(article, segments=segments, history=list(article.history)), seg


def history_target(target: int | str) -> str:
    """The history key of a segment index or ``"summary"``: "segment:N" or "summary"."""
    return "summary" if target == "summary" else f"segment:{target}"


def decision_stack(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """The decisions on one target still in effect, oldest first: each undo drops the last."""
    stack: list[HistoryEntry] = []
    for entry in entries:
        if entry.action in ACTIONS:
            stack.append(entry)
        elif entry.action == UNDO and stack:
            stack.pop()
    return stack


def approved_text(decision: Decision, machine: str | None) -> str | None:
    """The one definition of approved English, for a segment (``machine``: its machine
    output) or a summary (its generated text): what the reviewer accepted or corrected.

    An accept may leave the decision's text empty and mean "the machine output as it stands".
    """
    if decision.status not in APPROVED:
        return None
    return decision.text if decision.text is not None else machine


def _reviewed(seg: Segment, drafts: bool) -> str | None:
    if seg.decision.status in APPROVED:
        return seg.approved
    if drafts and seg.decision.status == "pending" and seg.machine and seg.machine.text.strip():
        return f"{DRAFT} {seg.machine.text}"
    return None


def _paragraphs(pieces) -> str:
    """(segment, English or None) pairs joined: one line per paragraph, in paragraph order."""
    paragraphs: dict[int, list[str]] = {}
    for seg, english in pieces:
        if english:
            paragraphs.setdefault(seg.paragraph, []).append(english)
    return "\n".join(" ".join(parts) for _, parts in sorted(paragraphs.items()))


HEADLINE_SEARCH = 8  # segments from the start that may begin the headline


def _squashed(text: str) -> str:
    return " ".join(text.split())


def _usable(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _flags(items: list[dict]) -> list[Flag]:
    return [Flag(**f) for f in items or []]


def _decision(data: dict[str, Any]) -> Decision:
    if not data.get("errors"):
        return Decision(**data)
    return Decision(**{**data, "errors": [QualityError(**e) for e in data["errors"]]})


def _comments(items: list[dict] | None) -> list[Comment]:
    return [Comment(**c) for c in items or []]


def _segment(data: dict[str, Any]) -> Segment:
    data = dict(data)
    data["machine"] = MachineOutput(**data["machine"]) if data.get("machine") else None
    data["second"] = MachineOutput(**data["second"]) if data.get("second") else None
    data["flags"] = _flags(data.get("flags"))
    data["decision"] = _decision(data.get("decision", {}))
    data["dismissed"] = [Dismissal(**d) for d in data.get("dismissed") or []]
    if "comments" in data:
        data["comments"] = _comments(data["comments"])
    return Segment(**data)


def _summary(data: dict[str, Any]) -> Summary:
    data = dict(data)
    data["flags"] = _flags(data.get("flags"))
    data["decision"] = _decision(data.get("decision", {}))
    data["sentences"] = [_sentence(s) for s in data.get("sentences") or []]
    data["comments"] = _comments(data.get("comments"))
    return Summary(**data)


def _sentence(data: dict[str, Any]) -> SummarySentence:
    errors = [QualityError(**e) for e in data.get("errors") or []]
    return SummarySentence(**{**data, "errors": errors})
