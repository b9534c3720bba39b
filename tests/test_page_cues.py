"""The article page's cues (AppTest on a temp store): Translate is off, with the reason, when
no translation model can be had; a failed job says why in the main area; a finished article
says so and offers the next one with pending work."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from review.ingest import article_from_text
from review.store import ArticleStore
from test_app import (APP, GERMAN, add_machine_article, click, messages,  # noqa: F401
                      offline_env, open_app, stored, wait_for_jobs)

SENTENCES = GERMAN.splitlines()


def main_lines(at: AppTest) -> list[str]:
    """Every error, warning and info box of the main area, as markdown source."""
    return [str(e.value) for kind in ("error", "warning", "info")
            for e in getattr(at.main, kind)]


def model_lines(at: AppTest) -> list[str]:
    return [line for line in main_lines(at) if "model" in line]


def untranslated_article(text: str, name: str) -> str:
    return ArticleStore().add(article_from_text(text, title=name, id=name)).id


@pytest.fixture
def missing_folder(monkeypatch, tmp_path):
    """A translation model folder that does not exist."""
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tmp_path / "no-such-model"))


@pytest.fixture
def broken_model(monkeypatch, tmp_path):
    """A folder that looks like a saved model (so Translate is on) but does not load."""
    folder = tmp_path / "broken-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"not a model")
    monkeypatch.setenv("REVIEW_MT_MODEL", str(folder))
    monkeypatch.setenv("REVIEW_SUM_MODEL", str(tmp_path / "no-summary-model"))


# -- no model: Translate says why ------------------------------------------------------------

@pytest.mark.parametrize("setting, fix", [
    ("offline_env", "`python -m review models pull`"),
    ("missing_folder", "`REVIEW_MT_MODEL`"),
])
def test_without_a_model_translate_is_off_and_one_line_says_why(setting, fix, request,
                                                                 store_dir):
    request.getfixturevalue(setting)
    add_machine_article(machine=False)
    untranslated_article(SENTENCES[0] + "\nIm Hafen legten weniger Schiffe an.", "zz-hafen")
    at = open_app()
    assert at.button(key="translate").disabled
    assert at.button(key="translate_all").disabled
    lines = model_lines(at)
    assert len(lines) == 1, lines
    assert lines[0].startswith("Translate is off") and fix in lines[0]
    assert "\\`" not in lines[0]  # the command is code, not literal backticks
    assert "running in the background" not in " ".join(main_lines(at))


def test_a_memory_only_article_translates_without_a_model(offline_env, store_dir):
    done = add_machine_article()
    for index in range(3):
        ArticleStore().decide(done, index, "accept", "anna")
    # The same German in another order: every segment has an approved translation.
    again = untranslated_article("\n".join(reversed(SENTENCES)), "zz-again")
    at = open_app()
    assert at.session_state["article_pick"] == again
    assert not at.button(key="translate").disabled and not model_lines(at)
    at = wait_for_jobs(click(at, "translate"))
    machine = [s["machine"] for s in stored(store_dir, again)["segments"]]
    assert all(m and m["engine"] == "memory" for m in machine)
    assert not messages(at, "error")


def test_a_translation_that_fails_says_why_in_the_main_area(broken_model, store_dir):
    add_machine_article(machine=False)
    at = open_app()
    assert not at.button(key="translate").disabled and not model_lines(at)
    at = wait_for_jobs(click(at, "translate"))
    at = at.run()  # a later rerun still shows it, not a stale "running in the background"
    errors = [str(e.value) for e in at.main.error]
    assert any(line.startswith("Translate 1 article failed") for line in errors), errors
    assert "running in the background" not in " ".join(main_lines(at))


# -- done cue ---------------------------------------------------------------------------------

def decide_all_but_last(article_id: str) -> None:
    for index in range(2):
        ArticleStore().decide(article_id, index, "accept", "anna")


def test_the_last_decision_says_the_article_is_done_and_offers_the_next(offline_env,
                                                                       store_dir):
    first = add_machine_article()
    decide_all_but_last(first)
    later = untranslated_article("Im Hafen legten weniger Schiffe an.", "zz-later")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["article_pick"] = first
    at = at.run()
    at = at.sidebar.text_input(key="reviewer").input("anna").run()
    assert not [b for b in at.button if b.key == "next_article"]
    at = click(at, f"accept:{first}:2")
    done = [str(s.value) for s in at.main.success]
    assert any("All 3 segments of this article are reviewed" in s for s in done), done
    assert "zz-later" in re.sub(r"\\(.)", r"\1", at.button(key="next_article").label)
    at = click(at, "next_article")
    assert at.session_state["article_pick"] == later
    assert at.query_params["article"] == later  # the address follows


def test_with_no_other_pending_article_the_cue_says_so(offline_env, store_dir):
    only = add_machine_article()
    for index in range(3):
        ArticleStore().decide(only, index, "accept", "anna")
    at = open_app()
    done = " ".join(str(s.value) for s in at.main.success)
    assert "All 3 segments of this article are reviewed" in done
    assert "No other article has pending work" in messages(at, "success") + messages(at, "info")
    assert not [b for b in at.button if b.key == "next_article"]
