"""The sidebar's article list: progress per article, the filter, and where to open."""
from __future__ import annotations

from review.article import Article
from review.listing import ArticleEntry

FILTERS = ("all", "needs review", "flagged", "done")


def matches(item: ArticleEntry, which: str) -> bool:
    """Whether an article belongs under the sidebar filter ``which``."""
    if which == "needs review":
        return item.needs_review
    if which == "flagged":
        return item.flagged > 0
    if which == "done":
        return not item.needs_review
    return True


def filtered(entries: list[ArticleEntry], which: str) -> list[ArticleEntry]:
    return [e for e in entries if matches(e, which)]


def search(entries: list[ArticleEntry], query: str | None) -> list[ArticleEntry]:
    """Entries whose id or title contains ``query`` (case-insensitive); all when empty."""
    needle = (query or "").strip().casefold()
    if not needle:
        return list(entries)
    return [e for e in entries if needle in e.id.casefold() or needle in e.title.casefold()]


def page_of(entries: list[ArticleEntry], page: int, size: int) -> tuple[list[ArticleEntry], int]:
    """The entries on ``page`` (clamped) and the number of pages."""
    pages = max(1, -(-len(entries) // size))
    page = min(max(page, 0), pages - 1)
    return entries[page * size:(page + 1) * size], pages


def opening_article(entries: list[ArticleEntry]) -> str | None:
    """The article a reviewer starts on: the first that needs review, else the first."""
    for item in entries:
        if item.needs_review:
            return item.id
    return entries[0].id if entries else None


def effort_text(article: Article) -> str:
    """Acceptance rate and post-edit effort (chrF, TER) of the decisions so far, or ""."""
    from review.metrics import acceptance_rate, edit_pairs, post_edit_effort

    rate = acceptance_rate(article.counts())
    if rate is None:
        return ""
    effort = post_edit_effort(edit_pairs([article]))
    parts = [f"{rate:.0%} accepted as is"]
    if effort["chrf"] is not None:
        parts.append(f"post-edit chrF {effort['chrf']:.1f}, TER {effort['ter']:.1f}")
    return " · ".join(parts)
