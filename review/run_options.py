"""One translate run: what it is asked to do (``TranslateOptions``) and whom it tells how it
goes (``RunObserver``).

The CLI's ``translate``, the app's translate jobs and the Python API (``translate_articles``)
each build one options object and one observer, and ``review.batch.run`` takes both down to
the pipeline and, with ``ray``, to the actor pool (``review.distributed``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from review.errors import BadInputError
from review.pipeline import CHUNK, SUMMARY_METHODS, ArticleResult

if TYPE_CHECKING:
    from review.store import ArticleStore


@dataclass(frozen=True)
class TranslateOptions:
    """What one translate run does; see ``review.batch.run`` for what each option means."""
    targets: tuple[str | Path, ...] = ()  # ids or files/folders; none: every unfinished one
    store: ArticleStore | str | Path | None = None  # a folder (None: REVIEW_STORE), or a store
    mt_model: str | None = None
    engine: str | None = None  # None: auto
    summary: str = "extractive"
    sum_model: str | None = None
    glossary: str | Path | None = None  # None: the store's glossary.csv
    force: bool = False
    save_every: int = CHUNK
    second_model: str | None = None  # None: env REVIEW_SECOND_MODEL; "none": off
    ray: str | None = None  # "local", a cluster's address, or None: no Ray
    ray_actors: int | None = None

    def __post_init__(self):
        if self.summary not in SUMMARY_METHODS:
            raise BadInputError(f"--summary {self.summary!r}: choose one of "
                                f"{', '.join(SUMMARY_METHODS)}")

    @property
    def second_id(self) -> str | None:
        """The second-opinion model's id, or None when there is none."""
        from models.registry import second_model_id

        return second_model_id(self.second_model)

    def resolved(self) -> TranslateOptions:
        """These options with the store opened and the second model fixed ("none" if off)."""
        from review.store import ArticleStore

        store = self.store if isinstance(self.store, ArticleStore) else ArticleStore(self.store)
        return replace(self, store=store, second_model=self.second_id or "none")


class RunObserver(Protocol):
    """What a translate run reports, as it goes, in the run's thread.

    Every method does nothing unless overridden: subclass this and override what you show.
    Articles are numbered in the order the run takes them (``number`` of ``total``).
    """

    def article_waiting(self, article_id: str, number: int, total: int) -> None:
        """Another run is translating the article; this one waits for it to finish."""

    def article_started(self, article_id: str, todo: int, number: int, total: int) -> None:
        """The article's translation starts, with ``todo`` segments to translate."""

    def segments_done(self, article_id: str, done: int, total: int) -> None:
        """``done`` of the article's ``total`` segments to translate are translated."""

    def article_finished(self, result: ArticleResult) -> None:
        """The article is translated, skipped or failed (``result.status``)."""

    def message(self, text: str) -> None:
        """A line about the run itself, e.g. the Ray pool it uses."""


class _Quiet(RunObserver):
    pass


NO_OBSERVER: RunObserver = _Quiet()  # the default: a run nobody follows


class CallbackObserver(RunObserver):
    """The observer of the keyword callbacks ``translate_articles`` takes: ``on_article(id,
    todo, number, total)``, ``on_segment(done, total)``, ``on_result(result)``,
    ``on_wait(id, number, total)``, ``on_note(line)``; any may be None."""

    def __init__(self, on_article: Callable | None = None, on_segment: Callable | None = None,
                 on_result: Callable | None = None, on_wait: Callable | None = None,
                 on_note: Callable | None = None):
        self.on_article, self.on_segment, self.on_result = on_article, on_segment, on_result
        self.on_wait, self.on_note = on_wait, on_note

    def article_waiting(self, article_id: str, number: int, total: int) -> None:
        if self.on_wait:
            self.on_wait(article_id, number, total)

    def article_started(self, article_id: str, todo: int, number: int, total: int) -> None:
        if self.on_article:
            self.on_article(article_id, todo, number, total)

    def segments_done(self, article_id: str, done: int, total: int) -> None:
        if self.on_segment:
            self.on_segment(done, total)

    def article_finished(self, result: ArticleResult) -> None:
        if self.on_result:
            self.on_result(result)

    def message(self, text: str) -> None:
        if self.on_note:
            self.on_note(text)


CALLBACKS = ("on_article", "on_segment", "on_result", "on_wait", "on_note")


def from_keywords(observer: RunObserver | None = None,
                  **keywords) -> tuple[TranslateOptions, RunObserver]:
    """The options and observer of the Python API's keywords: ``TranslateOptions`` fields and
    the callbacks of ``CallbackObserver`` (or an ``observer``, not both)."""
    callbacks = {name: keywords.pop(name) for name in CALLBACKS if name in keywords}
    if observer is not None and any(callbacks.values()):
        raise TypeError("give an observer or on_* callbacks, not both")
    if "targets" in keywords:
        keywords["targets"] = tuple(keywords["targets"] or ())
    if observer is None:
        observer = CallbackObserver(**callbacks) if any(callbacks.values()) else NO_OBSERVER
    return TranslateOptions(**keywords), observer
