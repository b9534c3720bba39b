"""Drafts: text a reviewer typed into an editor but has not decided on, kept on the server.

A draft belongs to one reviewer and one target (a segment index or ``"summary"``) of one
article. Drafts live beside the articles, one file per article (``<store>/.drafts/<id>.json``),
written atomically under their own lock, so saving one never touches the article file: they
are never exported, never counted as reviewed and never in the translation memory. The
decision that saves a reviewer's text clears that reviewer's draft (``review.recheck``); a
decision refused as stale keeps the refused text as the draft. A drafts file that cannot be
read is reported by name and never written over.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from review.article import LONE_SURROGATE, now
from review.errors import BadInputError, CorruptArticleError

FOLDER = ".drafts"
MAX_CHARS = 100_000  # far above any segment or summary; bounds what a tab can make us store


@dataclass(frozen=True)
class Draft:
    article: str
    target: int | str  # a segment index, or "summary"
    reviewer: str
    text: str
    saved_at: str

    def to_dict(self) -> dict:
        """The entry of ``python -m review drafts --json`` (a contract: keep its keys)."""
        return asdict(self)


class Drafts:
    """The drafts of one store (an ``ArticleStore``)."""

    def __init__(self, store):
        self.store = store

    def save(self, article_id: str, target: int | str, reviewer: str, text: str) -> Draft:
        """Keep ``text`` as the reviewer's draft of ``target``, replacing an older one."""
        target, reviewer = _target(target), _reviewer(reviewer)
        _check_text(text)
        self.store.existing_path(article_id)  # UnknownArticleError naming the known ones
        draft = Draft(article_id, target, reviewer, text, now())
        self._change(article_id, lambda found: {**found, (target, reviewer): draft})
        return draft

    def discard(self, article_id: str, target: int | str, reviewer: str) -> bool:
        """Drop the reviewer's draft of ``target``; False when there was none."""
        key = (_target(target), _reviewer(reviewer))
        if key not in self._read(article_id):
            return False
        self._change(article_id, lambda found: {k: v for k, v in found.items() if k != key})
        return True

    def get(self, article_id: str, target: int | str, reviewer: str) -> Draft | None:
        return self._read(article_id).get((_target(target), _reviewer(reviewer)))

    def of(self, article_id: str | None = None, reviewer: str | None = None) -> list[Draft]:
        """Drafts of one article (or all), of one reviewer (or all), by article and target."""
        ids = [article_id] if article_id is not None else self._articles()
        found = [draft for one in ids for draft in self._read(one).values()
                 if reviewer is None or draft.reviewer == reviewer.strip()]
        return sorted(found, key=lambda d: (d.article, _order(d.target), d.reviewer))

    # -- the drafts file -------------------------------------------------------------------

    def _path(self, article_id: str):
        return self.store.root / FOLDER / f"{article_id}.json"

    def _articles(self) -> list[str]:
        folder = self.store.root / FOLDER
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))

    def _read(self, article_id: str) -> dict[tuple, Draft]:
        path = self._path(article_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as err:
            raise _corrupt(path, err.strerror or str(err)) from None
        try:
            items = json.loads(data.decode("utf-8"))["drafts"]
            drafts = [Draft(article_id, _target(d["target"]), str(d["reviewer"]), str(d["text"]),
                            str(d["saved_at"])) for d in items]
        except (ValueError, TypeError, KeyError, RecursionError, BadInputError) as err:
            raise _corrupt(path, str(err).splitlines()[0][:80] or "not a drafts file") from None
        return {(d.target, d.reviewer): d for d in drafts}

    def _change(self, article_id: str, change) -> None:
        from review.atomic import write_atomic

        path = self._path(article_id)
        with self.store._lock(f"{article_id}.drafts"):
            drafts = change(self._read(article_id))
            items = [{k: v for k, v in d.to_dict().items() if k != "article"}
                     for d in drafts.values()]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                if items:
                    write_atomic(path, json.dumps({"drafts": items}, ensure_ascii=False))
                else:
                    path.unlink(missing_ok=True)
            except OSError as err:
                raise self.store._unwritable(err) from None


def _target(target) -> int | str:
    if target == "summary":
        return target
    if isinstance(target, bool) or not isinstance(target, int) or target < 0:
        raise BadInputError(f"draft target {target!r} is neither a segment number nor "
                            "'summary'")
    return target


def _reviewer(reviewer: str | None) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise BadInputError("reviewer name is empty; give your name, e.g. --reviewer alice")
    return name


def _check_text(text: str) -> None:
    if not isinstance(text, str) or LONE_SURROGATE.search(text):
        raise BadInputError("the draft is not valid Unicode text; type it again")
    if len(text) > MAX_CHARS:
        raise BadInputError(f"the draft has {len(text):,} characters, over the limit of "
                            f"{MAX_CHARS:,}; shorten it")


def _order(target: int | str) -> tuple[int, int]:
    return (1, 0) if target == "summary" else (0, int(target))


def _corrupt(path, reason: str) -> CorruptArticleError:
    return CorruptArticleError(f"{path}: unreadable drafts ({reason}); it is left untouched: "
                               "fix it or move it away")
