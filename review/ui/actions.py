"""What the app's buttons do, with the checks a reviewer needs: one ReviewError line each."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from review import recheck
from review.article import APPROVED, Article
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


def glossary_table(store: ArticleStore) -> list[dict]:
    """The glossary rows to edit (de, en, keep, note), with a blank row when there are none."""
    from review.checks.glossary import glossary_table as table

    return table(store.glossary_path) or [{"de": "", "en": "", "keep": False, "note": ""}]


def unanswered_terms(rows: list[dict]) -> list[str]:
    """German terms with no English and not marked keep-as-is: the editor asks about them."""
    return [str(r["de"]).strip() for r in rows
            if str(r.get("de") or "").strip() and not str(r.get("en") or "").strip()
            and not r.get("keep")]


def keep_unanswered(rows: list[dict]) -> list[dict]:
    """The rows with every unanswered term marked keep-as-is (do not translate)."""
    unanswered = set(unanswered_terms(rows))
    return [{**r, "keep": True} if str(r.get("de") or "").strip() in unanswered else r
            for r in rows]


def save_glossary(store: ArticleStore, rows: list[dict]) -> int:
    """Write the edited glossary atomically; returns the term count (re-checks are a job)."""
    from review.atomic import write_atomic
    from review.checks.glossary import load_glossary, table_csv

    text = table_csv(list(rows))
    store.glossary_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(store.glossary_path, text)
    return len(load_glossary(store.glossary_path))


class ReplacesCorrectionError(ReviewError):
    """An action that would throw away a saved correction, asked without the second step."""


def plan_confirm(status: str, machine: str | None, decided: str | None,
                 box: str | None) -> tuple[str, str | None]:
    """What Confirm does with the box: ("accept"|"correct"|"keep", correction text or None).

    Unchanged machine text is accepted, anything else typed is a correction, and the approved
    text left as it is stays ("keep": nothing to write, move on).
    """
    text = (box or "").strip()
    if not text:
        raise BadInputError("the English box is empty: type the translation, or use Reject")
    if status in APPROVED and decided is not None and text == decided.strip():
        return "keep", None
    if machine is not None and text == machine.strip():
        return "accept", None
    return "correct", text


def check_replace(status: str | None, action: str, replace: bool = False) -> None:
    """Accepting the machine text over, or rejecting, a saved correction (``status`` is the
    status the reviewer saw) needs ``replace``, the explicit second step; undo can bring it
    back."""
    if status == "corrected" and action in ("accept", "reject") and not replace:
        instead = "the machine text" if action == "accept" else "a rejection"
        raise ReplacesCorrectionError(f"this would replace the saved correction with {instead}: "
                                      "press Replace to do it, or Keep to leave it")


def decide(store: ArticleStore, article_id: str, target: int | str, action: str,
           reviewer: str | None, text: str | None = None,
           expected_revision: int | None = None, warnings: list[str] | None = None) -> Article:
    """Accept, correct or reject a segment or the summary, refused if the view was stale.

    A re-check that fails never costs the decision: it is saved, and ``warnings`` says so.
    """
    reviewer = require_reviewer(reviewer)
    if action == "correct" and not (text or "").strip():
        raise BadInputError("the English box is empty: type the translation, or use Reject")
    return recheck.decide(store, article_id, target, action, reviewer, text=text,
                          expected_revision=expected_revision, warnings=warnings)


def undo(store: ArticleStore, article_id: str, target: int | str, reviewer: str | None,
         expected_revision: int | None = None) -> Article:
    """Take back the last decision on a segment or the summary (recorded in the history)."""
    return recheck.undo(store, article_id, target, require_reviewer(reviewer),
                        expected_revision=expected_revision)


def dismiss(store: ArticleStore, article_id: str, index: int, code: str, detail: str,
            reviewer: str | None, restore: bool = False) -> Article:
    """Mark a flag as a false alarm (kept with who and when), or take that back."""
    reviewer = require_reviewer(reviewer)
    if restore:
        return store.restore_flag(article_id, index, code, detail, reviewer)
    return store.dismiss(article_id, index, code, detail, reviewer)


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
    from review.ingest import load_bytes_lines

    articles, errors = [], []
    for name, data in files:
        try:
            # An upload's name is user input: only its last part names the article.
            good, bad = load_bytes_lines(Path(name).name, data)
        except BadInputError as err:
            errors.append(str(err))
            continue
        articles += good
        errors += bad  # a JSONL file's bad lines, beside its good articles
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


def export_formats(what: str) -> tuple[str, ...]:
    """The formats that can carry ``what``, from the one FORMAT_TABLE."""
    from review.export import formats_for

    return formats_for(what)


def export_file(store: ArticleStore, summaries: list, what: str, fmt: str,
                drafts: bool = False) -> tuple[str, Callable[[], str | bytes], str]:
    """(file name, content maker, MIME type) of the approved ``what``; NothingToDoError when none.

    Whether anything is approved comes from the listing index (``summaries``); the articles
    are read, and the file made (text, or bytes for docx), only when the reviewer clicks
    Download. ``drafts``: articles with unreviewed machine English, marked [draft].
    """
    from review.errors import NothingToDoError
    from review.export import FORMAT_TABLE, check_choice, store_exporter

    check_choice(what, fmt, drafts and what == "articles")
    drafts = drafts and what == "articles"
    if not any(_has_approved(s, what, drafts) for s in summaries):
        item = "summary" if what == "summaries" else "segment"
        raise NothingToDoError(f"nothing approved yet: accept or correct a {item} to export "
                               f"{what}")
    exporter = store_exporter(store, what, fmt)  # a bad lqa.toml: said here, not on click
    return _file_name(what, fmt), \
        lambda: exporter.export(store.scan()[0], what, fmt, drafts=drafts), FORMAT_TABLE[fmt].mime


def _file_name(what: str, fmt: str) -> str:
    """E.g. approved-summaries.docx; bilingual-html gives approved-articles-bilingual.html."""
    kind, _, ending = fmt.rpartition("-")
    return f"approved-{what}{'-' + kind if kind else ''}.{ending}"


def _has_approved(summary, what: str, drafts: bool = False) -> bool:
    if what == "summaries":
        return summary.summary_state in APPROVED
    if what == "lqa":  # a report of what reviewers decided, rejections included
        return summary.accepted + summary.corrected + summary.rejected > 0
    if summary.accepted + summary.corrected > 0:
        return True
    # With none approved, undecided segments with machine output are at least those
    # translated but not rejected.
    return drafts and summary.translated > summary.rejected
