"""The review page's logic without a browser: where Confirm goes, what it writes, filters."""
from __future__ import annotations

import pytest

from review.article import Flag
from review.errors import BadInputError
from review.ui import actions, navigation
from review.ui.rows import SegmentRow


def seg(index: int, status: str = "pending", flags: int = 0) -> SegmentRow:
    return SegmentRow(index=index, kind="text", source=f"Satz {index}.",
                      machine=f"Sentence {index}.", model="m", prefill=f"Sentence {index}.",
                      status=status, reviewer=None, revision=0,
                      flags=tuple(Flag("number_missing", "12") for _ in range(flags)),
                      risk=0.0, in_summary=False)


ROWS = [seg(0, "accepted"), seg(1), seg(2, "corrected"), seg(3, flags=1), seg(4, "rejected")]


def test_next_pending_skips_decided_rows_and_wraps_around():
    assert navigation.next_pending(ROWS, 1) == 3
    assert navigation.next_pending(ROWS, 3) == 1  # wraps to the top
    assert navigation.next_pending([seg(0), seg(1, "accepted")], 0) is None


def test_filters_keep_the_current_segment_in_view():
    assert [r.index for r in navigation.shown(ROWS, "pending", None)] == [1, 3]
    assert [r.index for r in navigation.shown(ROWS, "flagged", None)] == [3]
    assert [r.index for r in navigation.shown(ROWS, "decided", 1)] == [0, 1, 2, 4]
    assert len(navigation.shown(ROWS, "all", None)) == 5


def test_step_and_opening_follow_the_shown_order():
    assert navigation.step(ROWS, 2, 1) == 3 and navigation.step(ROWS, 2, -1) == 1
    assert navigation.step(ROWS, 4, 1) == 4 and navigation.step(ROWS, 0, -1) == 0
    assert navigation.opening(ROWS, 4) == 4  # a link to a segment opens it
    assert navigation.opening(ROWS, 99) == 1  # an unknown one: the first pending
    assert navigation.progress(ROWS) == (3, 5, 1)


@pytest.mark.parametrize("status, decided, box, plan", [
    ("pending", None, "Sentence 1.", ("accept", None)),
    ("pending", None, " Sentence 1.\n", ("accept", None)),
    ("pending", None, "The first sentence.", ("correct", "The first sentence.")),
    ("corrected", "My fix.", "My fix.", ("keep", None)),
    ("corrected", "My fix.", "Sentence 1.", ("accept", None)),
    ("accepted", "Sentence 1.", "Sentence 1.", ("keep", None)),
    ("rejected", None, "Sentence 1.", ("accept", None)),
])
def test_confirm_accepts_unchanged_text_and_saves_an_edit(status, decided, box, plan):
    assert actions.plan_confirm(status, "Sentence 1.", decided, box) == plan


def test_confirm_on_an_empty_box_says_what_to_do():
    with pytest.raises(BadInputError, match="box is empty"):
        actions.plan_confirm("pending", "Sentence 1.", None, "  ")


def test_glossary_terms_without_english_are_asked_about_not_guessed():
    rows = [{"de": "Bundestag", "en": "", "keep": False, "note": ""},
            {"de": "Kreml", "en": "Kremlin", "keep": False, "note": ""},
            {"de": "Tagesschau", "en": None, "keep": True, "note": ""},
            {"de": "", "en": "", "keep": False, "note": ""}]
    assert actions.unanswered_terms(rows) == ["Bundestag"]
    kept = actions.keep_unanswered(rows)
    assert kept[0]["keep"] is True and kept[1] == rows[1]
    assert actions.unanswered_terms(kept) == []


def test_a_long_article_shows_a_window_around_the_open_segment():
    many = [seg(i) for i in range(1000)]
    assert [r.index for r in navigation.window(many, 500, 60)] == list(range(480, 540))
    assert [r.index for r in navigation.window(many, 3, 60)] == list(range(0, 60))
    assert [r.index for r in navigation.window(many, 999, 60)] == list(range(940, 1000))
    assert navigation.window(ROWS, 2, 60) == ROWS


def test_article_search_and_pages():
    from review.ui.listing import ArticleEntry, page_of, search

    entries = [ArticleEntry(f"a{n}", f"Titel {n}", 0, 1, "missing", 0, 1) for n in range(30)]
    assert [e.id for e in search(entries, "TITEL 2")] == ["a2", *(f"a{n}" for n in range(20, 30))]
    assert search(entries, " ") == entries
    items, pages = page_of(entries, 5, 25)  # past the end: the last page
    assert pages == 2 and [e.id for e in items] == [f"a{n}" for n in range(25, 30)]


def test_bulk_accept_skips_english_the_model_finds_unlikely():
    from review.article import Article, Decision, MachineOutput, Segment
    from review.checks.risk import AGREEMENT_THRESHOLD
    from review.ui.rows import bulk_accept_targets

    def segment(index: int, agreement):
        return Segment(index, 0, 4, "Satz", machine=MachineOutput("Sentence.", "m", -0.2),
                       risk=0.1, agreement=agreement, decision=Decision())

    article = Article("a", "A", "Satz", "h", segments=[
        segment(0, None), segment(1, AGREEMENT_THRESHOLD + 0.5),
        segment(2, AGREEMENT_THRESHOLD - 0.5)])
    assert [index for index, _ in bulk_accept_targets(article)] == [0, 1]
