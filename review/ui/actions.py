"""What the app's buttons do, with the checks a reviewer needs: one ReviewError line each."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from review.article import Article
from review.errors import BadInputError, DuplicateArticleError, ReviewError, StaleRevisionError
from review.store import ArticleStore

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


class MissingReviewerError(ReviewError):
    """A decision without a reviewer name."""


def require_reviewer(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise MissingReviewerError("no reviewer name: type your name in the sidebar first; "
                                   "every decision records who made it")
    return name


def glossary(store: ArticleStore):
    """The store's glossary (``glossary.csv``) when there is one."""
    if not store.glossary_path.is_file():
        return None
    from review.checks import load_glossary

    return load_glossary(store.glossary_path)


def glossary_table(store: ArticleStore) -> list[dict[str, str]]:
    """The glossary rows to edit, with one blank row to start from when there are none."""
    from review.checks.glossary import glossary_rows

    return glossary_rows(store.glossary_path) or [{"de": "", "en": "", "note": ""}]


def save_glossary(store: ArticleStore, rows: list[dict[str, str]],
                  recheck_id: str | None = None) -> int:
    """Write the edited glossary atomically, then re-check one article; returns the term count."""
    from review.atomic import write_atomic
    from review.checks.glossary import glossary_csv, load_glossary

    path = store.glossary_path
    text = glossary_csv(list(rows), "glossary")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    terms = load_glossary(path)
    if recheck_id:
        from review.pipeline import run_checks

        run_checks(store, recheck_id, terms)
    return len(terms)


def decide(store: ArticleStore, article_id: str, target: int | str, action: str,
           reviewer: str | None, text: str | None = None,
           expected_revision: int | None = None) -> Article:
    """Accept, correct or reject a segment or the summary, refused if the view was stale."""
    reviewer = require_reviewer(reviewer)
    if action == "correct" and not (text or "").strip():
        raise BadInputError("the English box is empty: type the translation, or use Reject")
    terms = glossary(store)

    def recheck(article: Article, changed) -> None:
        from review.pipeline import after_decision

        after_decision(article, changed, terms)

    return store.decide(article_id, target, action, reviewer, text=text,
                        expected_revision=expected_revision, on_change=recheck)


def accept_unflagged(store: ArticleStore, article_id: str, reviewer: str | None,
                     targets: list[tuple[int, int]]) -> tuple[int, int]:
    """Accept each (segment, revision) still as shown; returns (accepted, changed meanwhile)."""
    reviewer = require_reviewer(reviewer)
    accepted = stale = 0
    for index, revision in targets:
        try:
            # No re-check: accepting leaves the English as the checks already saw it.
            store.decide(article_id, index, "accept", reviewer, expected_revision=revision)
            accepted += 1
        except StaleRevisionError:
            stale += 1
    return accepted, stale


def add_articles(store: ArticleStore, articles: list[Article]) -> tuple[list[str], list[str]]:
    """Store new articles; an article already stored is an error line, not a failure."""
    ids, errors = [], []
    for article in articles:
        try:
            ids.append(store.add(article).id)
        except DuplicateArticleError as err:
            errors.append(f"{err} (already in the store)")
    return ids, errors


def add_uploads(store: ArticleStore,
                files: list[tuple[str, bytes]]) -> tuple[list[str], list[str]]:
    """Ingest uploaded (file name, content) pairs like files; one error line per bad file."""
    from review.ingest import load_bytes

    articles, errors = [], []
    for name, data in files:
        try:
            # An upload's name is user input: only its last part names the article.
            articles += load_bytes(Path(name).name, data)
        except BadInputError as err:
            errors.append(str(err))
    ids, duplicates = add_articles(store, articles)
    return ids, errors + duplicates


def add_pasted(store: ArticleStore, text: str, title: str | None = None) -> str:
    """Store pasted German text as one article; returns its id."""
    from review.ingest import article_from_text
    from review.language import ensure_german

    if not (text or "").strip():
        raise BadInputError("nothing pasted: paste the German article text into the box")
    ensure_german(text, "pasted text")
    ids, errors = add_articles(store, [article_from_text(text, title=title or None)])
    if errors:
        raise DuplicateArticleError(errors[0])
    return ids[0]


def add_seeds(store: ArticleStore) -> tuple[list[str], list[str]]:
    """The sample articles shipped in ``seeds/``, for a first start on an empty store."""
    from review.ingest import collect

    articles, errors = collect([SEEDS])
    ids, duplicates = add_articles(store, articles)
    return ids, errors + duplicates


MIME_TYPES = {"json": "application/json", "jsonl": "application/x-ndjson", "csv": "text/csv",
              "md": "text/markdown", "tmx": "application/x-tmx+xml",
              "xliff": "application/xliff+xml"}


def export_formats(what: str) -> tuple[str, ...]:
    """Formats that can carry ``what``: TMX and XLIFF hold segment pairs only."""
    from review.export import BILINGUAL_FORMATS, FORMATS

    return FORMATS if what == "translations" else tuple(
        f for f in FORMATS if f not in BILINGUAL_FORMATS)


def export_file(articles: list[Article], what: str,
                fmt: str) -> tuple[str, Callable[[], str], str]:
    """(file name, content maker, MIME type) of the approved ``what``; NothingToDoError when none.

    The content is made only when the reviewer clicks Download, not on every rerun.
    """
    from review.errors import NothingToDoError
    from review.export import export, has_approved

    if not has_approved(articles, what):
        item = "summary" if what == "summaries" else "segment"
        raise NothingToDoError(f"nothing approved yet: accept or correct a {item} to export "
                               f"{what}")
    return f"approved-{what}.{fmt}", lambda: export(articles, what, fmt), \
        MIME_TYPES.get(fmt, "text/plain")


def translate_all(store: ArticleStore, ids: list[str], translator, summary: str,
                  summarizer=None, progress=None) -> list:
    """Translate, check and summarize each article; one failure does not stop the others.

    ``progress(done, total, label)`` is called per segment; returns one ArticleResult each.
    """
    from review.batch import translate_one

    terms = glossary(store)
    results = []
    for number, article_id in enumerate(ids, 1):
        label = f"article {number} of {len(ids)}" if len(ids) > 1 else ""

        def tick(done: int, total: int, label=label) -> None:
            if progress:
                progress(done, total, label)

        results.append(translate_one(store, article_id, translator, summary, summarizer, terms,
                                     on_segment=tick))
    return results
