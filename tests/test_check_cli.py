"""`python -m review check`: JSON shape, readable output and exit codes."""
from __future__ import annotations

import json

from click.testing import CliRunner

from review.cli import main

DE = ["Es kamen 10.000 Besucher zum Fest in der Stadt.", "", "Der Zug fuhr um 14.13 Uhr ab."]
EN_GOOD = ["10,000 visitors came to the festival in the town.", "", "The train left at 2:13 p.m."]


def run(tmp_path, de, en, *extra):
    (tmp_path / "a.de").write_text("\n".join(de) + "\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    args = ["check", "--source", str(tmp_path / "a.de"), "--target", str(tmp_path / "a.en"), *extra]
    return CliRunner().invoke(main, args)


def test_json_has_one_object_per_line_in_order(tmp_path):
    result = run(tmp_path, DE, EN_GOOD, "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert all(set(r) == {"line", "flags", "similarity", "risk"} for r in rows)
    assert rows[1]["similarity"] is None and rows[1]["flags"] == []
    assert rows[0]["similarity"] > 0.8 and 0 <= rows[0]["risk"] < 0.2


def test_flagged_line_exits_1_and_is_reported(tmp_path):
    bad = [EN_GOOD[0].replace("10,000", "10,500"), "", EN_GOOD[2]]
    result = run(tmp_path, DE, bad, "--json")
    assert result.exit_code == 1
    first = json.loads(result.output.splitlines()[0])
    assert any("number" in f["code"] and f["detail"] for f in first["flags"])

    text = run(tmp_path, DE, bad)
    assert text.exit_code == 1
    assert text.output.startswith("line 1 ")
    assert "1 of 3 lines flagged" in text.output


def test_clean_text_output_says_none_flagged(tmp_path):
    result = run(tmp_path, DE, EN_GOOD)
    assert result.exit_code == 0
    assert "none flagged" in result.output


def test_different_line_counts_exit_2_naming_both_counts(tmp_path):
    result = run(tmp_path, DE, EN_GOOD[:2])
    assert result.exit_code == 2
    assert "3 lines" in result.output and "has 2" in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(main, ["check", "--source", str(tmp_path / "none.de"),
                                       "--target", str(tmp_path / "none.en")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "none.de" in result.output


def test_glossary_option_flags_missing_term(tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text("de,en\nBesucher,guest\n", encoding="utf-8")
    result = run(tmp_path, DE, EN_GOOD, "--json", "--glossary", str(glossary))
    assert result.exit_code == 1
    first = json.loads(result.output.splitlines()[0])
    assert [f["code"] for f in first["flags"]] == ["glossary_term"]
    assert "guest" in first["flags"][0]["detail"]


def test_store_glossary_is_used_by_default(tmp_path, store_dir):
    store_dir.mkdir(parents=True)
    (store_dir / "glossary.csv").write_text("Besucher,guest\n", encoding="utf-8")
    result = run(tmp_path, DE, EN_GOOD, "--json")
    assert result.exit_code == 1 and "glossary_term" in result.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["check", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--json" in result.output


def test_only_newlines_separate_lines(tmp_path):
    source = tmp_path / "de.txt"
    target = tmp_path / "en.txt"
    source.write_text("Der Vertrag\u2028wurde am Montag unterzeichnet.\n", encoding="utf-8")
    target.write_text("The contract\u2028was signed on Monday.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--source", str(source), "--target",
                                       str(target), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == [1]
