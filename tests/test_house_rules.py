"""The test suite's own rules: a missing Chromium stops a browser run with one line, the
helpers the scripts share with the tests live in the product tree and import nothing heavy."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "tokenizers", "sentencepiece", "playwright", "streamlit")


def test_browser_tests_without_chromium_stop_with_one_line_naming_the_install(tmp_path):
    env = dict(os.environ, REVIEW_CHROMIUM=str(tmp_path / "no-chromium"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "browser", "-q", "-p", "no:cacheprovider",
         "tests/test_browser.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    naming = [line for line in output.splitlines() if "apt-get install chromium" in line]
    assert len(naming) == 1, output
    assert str(tmp_path / "no-chromium") in naming[0]
    assert not re.search(r"\d+ (error|passed|failed|skipped)", output), output  # none ran


def test_the_shared_helpers_import_nothing_heavy():
    code = ("import json, sys; import review.bench.tiny, review.bench.appserver; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_scripts_do_not_import_from_tests():
    # What they share with the tests is in review/bench (tiny.py, appserver.py).
    reference = re.compile(r"""["']tests["'/]|\btests/"""
                           r"|\b(from|import) +(tests|tiny_models|appserver)\b")
    for path in sorted((ROOT / "scripts").glob("*.py")):
        assert not reference.search(path.read_text(encoding="utf-8")), path.name
