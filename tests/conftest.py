"""Session-wide fixtures: tiny real models built once, and a store in a temp folder per test.

Browser tests (marked `browser`) stop the whole run at once, with one line, when Chromium is
missing; the markers are described in pytest.ini.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from review.bench import appserver, tiny

ROOT = Path(__file__).resolve().parent.parent

# No test may reach the network: every model comes from a folder built below.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tiny models gain nothing from threads, and several test processes share the cores.
os.environ.setdefault("REVIEW_TORCH_THREADS", "1")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Without Chromium, a run that selected browser tests stops here with one line that says
    how to install it, instead of an error per test (never a skip: CI must run them)."""
    if any(item.get_closest_marker("browser") for item in session.items):
        problem = appserver.missing_chromium()
        if problem:
            pytest.exit(problem, returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory) -> Path:
    """A random MarianMTModel with a SentencePiece vocabulary trained on the seeds."""
    return tiny.build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory) -> Path:
    """A random BartForConditionalGeneration with a BPE vocabulary trained on the seeds."""
    return tiny.build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty store; nothing touches ./reviews."""
    folder = tmp_path / "store"
    monkeypatch.setenv("REVIEW_STORE", str(folder))
    return folder


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted((ROOT / "seeds").glob("*.txt"))
