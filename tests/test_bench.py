"""A smoke run of `python -m review bench` on the tiny models (machinery only, no timings)."""
from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from review.bench import report, suite
from review.bench.build import ensure_models
from review.cli import main


def test_bench_json_and_table_on_tiny_models(tiny_marian, tiny_bart, tmp_path, monkeypatch):
    # Put the tiny models where the bench expects its full-size ones, so nothing is built.
    cache = tmp_path / "bench"
    folders = {"marian": cache / "opus-mt-de-en-random", "bart": cache / "distilbart-cnn-12-6-random"}
    shutil.copytree(tiny_marian, folders["marian"])
    shutil.copytree(tiny_bart, folders["bart"])
    monkeypatch.setattr(suite, "QUICK", suite.Plan(sentences=6, tokens=4, beams=(1,), article_segments=8))

    run = CliRunner().invoke(main, ["bench", "--quick", "--json", "--cache", str(cache)],
                             catch_exceptions=False)

    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    for key in ("baseline_tok_s", "engine_tok_s", "ratio", "summary_s", "baseline_summary_s",
                "load_s", "peak_rss_mb", "article_s", "engine_tok_s_beam1"):
        assert result[key] > 0, key
    assert abs(result["ratio"] - result["engine_tok_s"] / result["baseline_tok_s"]) < 1e-9
    # The tiny BART takes 128 tokens, so the summary input is cut to fit rather than failing.
    assert result["summary_tokens_in"] == 128
    assert result["article_segments"] >= 8 and result["article_summary"]
    assert all((folder / "ctranslate2-int8" / "model.bin").is_file() for folder in folders.values())
    assert ensure_models(cache, log=lambda m: None) == folders  # cached: nothing rebuilt

    table = report.table(result)
    assert "speed-up over transformers" in table and "peak memory" in table
    assert f"{result['load_s']:.2f}" in table


def test_unwritable_cache_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    run = CliRunner().invoke(main, ["bench", "--quick", "--cache", str(blocker / "bench")])
    assert run.exit_code == 2
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "--cache" in last and str(blocker) in last
    assert "Traceback" not in run.stderr


def test_a_server_log_names_the_app_s_own_tracebacks_only():
    from review.bench.appserver import ROOT, app_tracebacks

    server_only = ("Exception in ASGI application\nTraceback (most recent call last):\n"
                   '  File "/venv/site-packages/starlette/websockets.py", line 104, in send\n'
                   "starlette.websockets.WebSocketDisconnected: Cannot call send\n")
    ours = ("Traceback (most recent call last):\n"
            f'  File "{ROOT / "review" / "ui" / "page.py"}", line 9, in editor\n'
            "KeyError: 'x'\n")
    assert app_tracebacks(server_only) == []
    assert len(app_tracebacks("started\n" + ours + server_only)) == 1
    assert "KeyError" in app_tracebacks(ours)[0]
