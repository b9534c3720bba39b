"""Model lookup: ids from arguments and env, folders, the HF cache offline, engines, the CLI."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from models import registry
from models.base import ModelUnavailable
from review.cli import main

MISSING = "nobody-here/no-such-model"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No configured models, an empty HF cache and CTranslate2 cache, nothing loaded."""
    monkeypatch.delenv("REVIEW_MT_MODEL", raising=False)
    monkeypatch.delenv("REVIEW_SUM_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("REVIEW_CACHE", str(tmp_path / "review-cache"))
    monkeypatch.setenv("REVIEW_TORCH_THREADS", "1")  # tiny models, shared machine
    registry.cache_clear()
    yield
    registry.cache_clear()


@pytest.fixture
def marian_copy(tiny_marian, tmp_path):
    """A private copy, so converting it or breaking it affects no other test."""
    folder = tmp_path / "marian"
    shutil.copytree(tiny_marian, folder, ignore=shutil.ignore_patterns("ctranslate2*"))
    return folder


def run_cli(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_one_line_fix(message: str, *parts: str):
    assert "\n" not in message
    for part in parts:
        assert part in message


# --- which model ------------------------------------------------------------------------------

def test_default_then_env_then_explicit(monkeypatch):
    assert registry.mt_model_id() == "Helsinki-NLP/opus-mt-de-en"
    assert registry.sum_model_id() == "sshleifer/distilbart-cnn-12-6"
    monkeypatch.setenv("REVIEW_MT_MODEL", "acme/mt")
    monkeypatch.setenv("REVIEW_SUM_MODEL", "acme/sum")
    assert registry.mt_model_id() == "acme/mt"
    assert registry.sum_model_id() == "acme/sum"
    assert registry.mt_model_id("./mine") == "./mine"
    assert registry.sum_model_id("./mine") == "./mine"


# --- where it is ------------------------------------------------------------------------------

def test_missing_hub_model_offline_names_model_and_both_fixes():
    with pytest.raises(ModelUnavailable) as err:
        registry.get_translator(MISSING)
    assert_one_line_fix(str(err.value), MISSING, "python -m review models pull",
                        "REVIEW_MT_MODEL")
    with pytest.raises(ModelUnavailable) as err:
        registry.get_summarizer(MISSING)
    assert_one_line_fix(str(err.value), MISSING, "python -m review models pull",
                        "REVIEW_SUM_MODEL")


def test_folder_without_config_json_is_reported_as_such(tmp_path):
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    with pytest.raises(ModelUnavailable) as err:
        registry.resolve(str(folder), "translation")
    assert_one_line_fix(str(err.value), str(folder), "config.json", "REVIEW_MT_MODEL")


def test_folder_without_weights_and_missing_folder_are_reported(marian_copy, tmp_path):
    (marian_copy / "model.safetensors").unlink()
    with pytest.raises(ModelUnavailable) as err:
        registry.resolve(str(marian_copy), "translation")
    assert_one_line_fix(str(err.value), str(marian_copy), "no weights")
    gone = str(tmp_path / "gone")
    with pytest.raises(ModelUnavailable) as err:
        registry.resolve(gone, "summary")
    assert_one_line_fix(str(err.value), gone, "does not exist", "REVIEW_SUM_MODEL")


def test_hub_id_found_in_the_hf_cache_offline(tiny_marian, tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hf-cache" / "models--acme--tiny-mt"
    shutil.copytree(tiny_marian, repo / "snapshots" / commit,
                    ignore=shutil.ignore_patterns("ctranslate2*"))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    assert registry.resolve("acme/tiny-mt") == repo / "snapshots" / commit
    out = registry.get_translator("acme/tiny-mt", engine="transformers").translate(["Hallo."])
    assert out[0].model == "acme/tiny-mt" and out[0].confidence <= 0


# --- loading ------------------------------------------------------------------------------------

def test_env_model_is_loaded_once_per_process(marian_copy, monkeypatch):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(marian_copy))
    first = registry.get_translator(engine="transformers")
    assert registry.get_translator(engine="transformers") is first
    assert registry.get_translator(str(marian_copy), engine="transformers") is first
    assert first.model_id == str(marian_copy) and first.engine == "transformers"


def test_forcing_ctranslate2_without_a_conversion_says_how_to_convert(marian_copy):
    with pytest.raises(ModelUnavailable) as err:
        registry.get_translator(str(marian_copy), engine="ctranslate2")
    assert_one_line_fix(str(err.value), str(marian_copy), "models pull")
    with pytest.raises(ModelUnavailable) as err:
        registry.get_translator(str(marian_copy), engine="fast")
    assert_one_line_fix(str(err.value), "fast", "transformers")


def test_pull_converts_and_auto_then_picks_ctranslate2(marian_copy, tiny_bart, tmp_path,
                                                       monkeypatch):
    bart_copy = tmp_path / "bart"
    shutil.copytree(tiny_bart, bart_copy, ignore=shutil.ignore_patterns("ctranslate2*"))
    monkeypatch.setenv("REVIEW_MT_MODEL", str(marian_copy))
    monkeypatch.setenv("REVIEW_SUM_MODEL", str(bart_copy))
    assert registry.get_translator().engine == "transformers"
    result = run_cli("models", "pull")
    assert result.exit_code == 0, result.output
    assert "CTranslate2" in result.output
    translator = registry.get_translator()
    assert translator.engine == "ctranslate2"
    assert translator.translate(["Guten Morgen."])[0].engine == "ctranslate2"
    assert registry.get_translator(engine="transformers").engine == "transformers"


# --- the CLI ------------------------------------------------------------------------------------

def test_models_check_exit_0_when_all_usable(tiny_marian, tiny_bart, monkeypatch):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tiny_marian))
    monkeypatch.setenv("REVIEW_SUM_MODEL", str(tiny_bart))
    result = run_cli("models", "check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("translation") and str(tiny_marian) in lines[0]
    assert lines[1].startswith("summary") and str(tiny_bart) in lines[1]
    assert all(line.endswith("usable") for line in lines)


def test_models_check_exit_1_names_the_unusable_model_and_fix(tiny_marian, monkeypatch):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tiny_marian))
    monkeypatch.setenv("REVIEW_SUM_MODEL", MISSING)
    result = run_cli("models", "check")
    assert result.exit_code == 1
    translation, summary = result.output.splitlines()
    assert translation.endswith("usable")
    assert_one_line_fix(summary, MISSING, "not available offline", "models pull",
                        "REVIEW_SUM_MODEL")


def test_models_check_defaults_offline_with_empty_cache_fails():
    result = run_cli("models", "check")
    assert result.exit_code == 1
    assert "Helsinki-NLP/opus-mt-de-en" in result.output
    assert "sshleifer/distilbart-cnn-12-6" in result.output


def test_models_list_shows_id_origin_location_and_engine(tiny_marian, monkeypatch):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tiny_marian))
    result = run_cli("models", "list")
    assert result.exit_code == 0
    translation, summary = result.output.splitlines()
    assert "env REVIEW_MT_MODEL" in translation and "folder" in translation
    assert "transformers" in translation or "ctranslate2" in translation
    assert "sshleifer/distilbart-cnn-12-6" in summary and "(default)" in summary
    assert "not available" in summary


def test_models_pull_offline_says_hf_hub_offline_blocks_it(tiny_marian, monkeypatch):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tiny_marian))
    result = run_cli("models", "pull", "--no-convert")
    assert result.exit_code == 1
    assert str(tiny_marian) in result.stdout  # a folder needs no download
    assert_one_line_fix(result.stderr.strip(), "sshleifer/distilbart-cnn-12-6",
                        "HF_HUB_OFFLINE", "REVIEW_SUM_MODEL")


def test_corrupt_weights_give_one_line_instead_of_a_traceback(marian_copy):
    (marian_copy / "model.safetensors").write_bytes(b"half a download")
    with pytest.raises(ModelUnavailable) as err:
        registry.get_translator(str(marian_copy), engine="transformers")
    assert_one_line_fix(str(err.value), str(marian_copy), "cannot be loaded", "models pull")


def test_unreachable_hub_fails_at_once_in_one_line(monkeypatch, tmp_path):
    import time

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("HF_ENDPOINT", "https://hub.example.invalid")  # never resolves
    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as caught:
        registry.resolve("Helsinki-NLP/opus-mt-de-en", "translation")
    message = str(caught.value)
    assert "hub.example.invalid is not reachable" in message and "models pull" in message
    assert "\n" not in message and time.monotonic() - started < 10


def test_engines_are_one_table_and_the_cli_offers_exactly_them():
    import click
    from click.testing import CliRunner

    from review.commands.translate import command

    assert registry.ENGINES == tuple(registry.ENGINE_TABLE) == ("transformers", "ctranslate2")
    for engine, roles in registry.ENGINE_TABLE.items():
        assert set(roles) == {"translation", "summary"}
    choice = next(p for p in command.params if p.name == "engine").type
    assert isinstance(choice, click.Choice) and tuple(choice.choices) == ("auto",
                                                                          *registry.ENGINES)
    result = CliRunner().invoke(command, ["--engine", "onnx"])
    assert result.exit_code == 2 and "onnx" in result.output
