"""Session-wide fixtures: tiny real models built once, and a store in a temp folder per test."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import tiny_models

ROOT = Path(__file__).resolve().parent.parent

# No test may reach the network: every model comes from a folder built below.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tiny models gain nothing from threads, and several test processes share the cores.
os.environ.setdefault("REVIEW_TORCH_THREADS", "1")


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory) -> Path:
    """A random MarianMTModel with a SentencePiece vocabulary trained on the seeds."""
    return tiny_models.build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory) -> Path:
    """A random BartForConditionalGeneration with a BPE vocabulary trained on the seeds."""
    return tiny_models.build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty store; nothing touches ./reviews."""
    folder = tmp_path / "store"
    monkeypatch.setenv("REVIEW_STORE", str(folder))
    return folder


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted((ROOT / "seeds").glob("*.txt"))
