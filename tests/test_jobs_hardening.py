"""Hardening of translate jobs and model names: what a Ray cluster is told, unfinished work
resumed from the app, and model names that are no folder and no hub id (``~user/…``, too
long) refused with one line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review.article import MachineOutput
from review.ingest import article_from_text
from review.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.\n"
          "Die Opposition kritisierte den Plan scharf und kündigte Widerstand an.")
LONG_NAME = "a" * 5000


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m review ARGS`` in a real process (the store: env REVIEW_STORE)."""
    return subprocess.run([sys.executable, "-m", "review", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception[0].message
    return at


def wait_for_jobs(at: AppTest) -> AppTest:
    from review.ui import jobs_panel

    runner = jobs_panel._runner(str(ArticleStore().root.resolve()))
    for view in runner.views():
        assert runner.wait(view.id, timeout=120).state == "done", view
    at = at.run()
    assert not at.exception, at.exception[0].message
    return at


def warnings(at: AppTest) -> str:
    return "\n".join(str(w.value) for w in [*at.warning, *at.error])


# -- 6: translate --ray tells its actors model settings, never secrets ---------------------


def test_ray_actors_get_the_model_settings_and_no_secrets(monkeypatch, tmp_path):
    from review.ray_cluster import actor_env

    wanted = {"REVIEW_MT_MODEL": str(tmp_path / "mt"), "REVIEW_TORCH_THREADS": "2",
              "REVIEW_CACHE": str(tmp_path / "cache"), "HF_HOME": str(tmp_path / "hf"),
              "HF_HUB_CACHE": str(tmp_path / "hf" / "hub"), "HF_HUB_OFFLINE": "1",
              "HF_ENDPOINT": "https://mirror.example"}
    secrets = {"HF_TOKEN": "hf_secret", "HUGGING_FACE_HUB_TOKEN": "hf_secret2",
               "REVIEW_PASSWORD": "hunter2", "REVIEW_USERS_FILE": str(tmp_path / "users"),
               "REVIEW_STORE": str(tmp_path / "store"), "TRANSFORMERS_OFFLINE": "1",
               "TOKENIZERS_PARALLELISM": "false"}
    for name, value in {**wanted, **secrets}.items():
        monkeypatch.setenv(name, value)
    env = actor_env()
    assert env == wanted
    assert not {"hf_secret", "hf_secret2", "hunter2"} & set(env.values())


# -- 7: an article translated but not finished is finished from the app --------------------


@pytest.fixture
def no_model(monkeypatch):
    """No translation model anywhere: finishing an article must not need one."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("REVIEW_MT_MODEL", "nobody/not-downloaded-mt")
    monkeypatch.setenv("REVIEW_SUM_MODEL", "nobody/not-downloaded-sum")
    monkeypatch.delenv("REVIEW_SECOND_MODEL", raising=False)


def stopped_after_last_chunk() -> str:
    """An article as a job leaves it when stopped after its last machine chunk: every segment
    has the model's English, none is checked, no summary."""
    store = ArticleStore()
    article = store.add(article_from_text(GERMAN, title="Neue Regeln"))

    def translate(a):
        for seg in a.segments:
            seg.machine = MachineOutput(f"Machine sentence {seg.index}.", "test-mt", -0.2)

    store.update(article.id, translate)
    return article.id


def test_translate_button_finishes_an_unchecked_article_without_translating_again(no_model):
    article_id = stopped_after_last_chunk()
    at = open_app()
    button = at.button(key="translate")
    assert not button.disabled and "check" in button.label.lower()
    at = wait_for_jobs(button.click().run())
    article = ArticleStore().get(article_id)
    assert [s.machine.text for s in article.reviewable()] == [
        f"Machine sentence {s.index}." for s in article.reviewable()]
    assert all(s.risk is not None for s in article.reviewable())
    assert article.summary is not None and article.summary.method == "extractive"
    assert at.button(key="translate").disabled  # nothing left to do


def test_translate_button_adds_missing_second_opinions(no_model, monkeypatch, tiny_marian):
    from review.pipeline import run_checks, make_summary

    article_id = stopped_after_last_chunk()
    run_checks(ArticleStore(), article_id)
    make_summary(ArticleStore(), article_id, "extractive")
    at = open_app()
    assert at.button(key="translate").disabled  # done, while no second model is set
    monkeypatch.setenv("REVIEW_SECOND_MODEL", str(tiny_marian))
    at = at.run()
    assert not at.button(key="translate").disabled
    wait_for_jobs(at.button(key="translate").click().run())
    article = ArticleStore().get(article_id)
    assert all(s.second is not None for s in article.reviewable())
    assert [s.machine.text for s in article.reviewable()] == [
        f"Machine sentence {s.index}." for s in article.reviewable()]


def test_translate_all_waits_for_every_unfinished_article(no_model):
    from review.listing import summaries
    from review.ui.translate_bar import waiting

    unchecked = stopped_after_last_chunk()
    untranslated = ArticleStore().add(article_from_text(
        "Im Hafen von Hamburg legten weniger Schiffe an als im Vorjahr.", title="Hafen")).id
    found = waiting(summaries(ArticleStore())[0], "extractive")
    assert sorted(found.ids) == sorted([unchecked, untranslated])
    assert found.untranslated == {untranslated}  # only it needs the model


def test_a_job_on_an_unchecked_article_says_it_is_checking(no_model, store_dir):
    from review.jobs import JobRunner

    article_id = stopped_after_last_chunk()
    runner = JobRunner(store_dir)
    try:
        job = runner.translate([article_id], mt_model=None, summary="extractive")
        messages = []
        while True:
            view = runner.wait(job.id, timeout=0.01)
            messages.append(view.message)
            if not view.unfinished:
                break
    finally:
        runner.close(timeout=60)
    assert view.state == "done" and not view.errors, view
    assert not any("translating 0 segments" in m for m in messages), messages


# -- 11 and 21: model names that are no folder and no hub id -------------------------------


@pytest.mark.parametrize("name", ["~nosuchuser/x", "~root/x", LONG_NAME])
def test_model_status_of_a_strange_name_is_one_line(name):
    from models import registry

    status = registry.model_status("translation", name)
    assert not status.usable and "\n" not in status.problem
    assert len(status.problem) < 400  # the name is shortened, not repeated in full


def test_a_tilde_name_says_the_same_whether_the_user_exists_or_not():
    from models import registry

    missing = registry.model_status("translation", "~nosuchuser/x").problem
    existing = registry.model_status("translation", "~root/x").problem
    assert missing.replace("nosuchuser", "U") == existing.replace("root", "U")
    assert "does not exist" in missing


@pytest.mark.parametrize("box", ["~nosuchuser/x", LONG_NAME])
def test_the_apps_model_box_takes_a_strange_name_without_breaking(no_model, box):
    stopped_after_last_chunk()
    ArticleStore().add(article_from_text(
        "Im Hafen von Hamburg legten weniger Schiffe an als im Vorjahr.", title="Hafen"))
    at = open_app()
    at = at.sidebar.text_input(key="mt_model").input(box).run()
    assert not at.exception, at.exception[0].message
    assert "translation model" in warnings(at).lower()
    assert LONG_NAME not in warnings(at)


def test_the_apps_model_box_takes_a_too_long_folder_name_while_online(no_model, monkeypatch):
    """Online, a name that is no hub id is looked for on disk: a part longer than a file name
    may be must not reach the file system (which refuses it with an OSError)."""
    monkeypatch.delenv("HF_HUB_OFFLINE")
    ArticleStore().add(article_from_text(GERMAN, title="Neue Regeln"))  # Translate asks
    at = open_app()
    at = at.sidebar.text_input(key="mt_model").input("b" * 300).run()
    assert not at.exception, at.exception[0].message
    assert "300 characters long" in warnings(at)


@pytest.mark.parametrize("option", ["--second-model", "--mt-model", "--sum-model"])
def test_translate_refuses_a_too_long_model_name_with_one_line(option, tmp_path, store_dir,
                                                               seed_files):
    done = cli("translate", str(seed_files[0]), option, LONG_NAME, "--silent", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and "Traceback" not in done.stderr
    assert "OSError" not in lines[0] and len(lines[0]) < 400
    assert not list(store_dir.glob("*.json"))  # refused before anything was added


def test_translate_refuses_a_tilde_user_model_with_one_line(tmp_path, store_dir, seed_files):
    done = cli("translate", str(seed_files[0]), "--mt-model", "~nosuchuser/x", "--silent",
               cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "~nosuchuser/x" in lines[0] and "does not exist" in lines[0]
    assert "RuntimeError" not in done.stderr
