"""scripts/load_review.py on a small scale: two reviewers in one article on two servers that
share a store lose no decision, and the store stays readable."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

pytestmark = pytest.mark.browser


def test_two_servers_on_one_store_lose_no_decision():
    from load_review import measure

    result = measure(sessions=2, seconds=12, pace=1.0, shared=True, servers=2)
    assert result["attempted"] >= 4
    assert result["lost"] == 0 and result["unreadable"] == 0
    assert result["stored"] + result["refused_stale"] + result["already_approved_moved_on"] \
        == result["attempted"]
    assert result["refused_text_kept"] == result["refused_stale"]
