"""The word diff a reviewer sees under a correction, and markdown that shows text literally."""
import re

from review.diff import (DELETE, EQUAL, INSERT, Token, changed, diff_markdown, escape_markdown,
                         tokenize, word_diff)


def test_tokens_rebuild_both_texts():
    machine, final = "The chancellor met Macron on Monday.", "The Chancellor met Macron, Monday!"
    tokens = word_diff(machine, final)
    assert "".join(t.text for t in tokens if t.tag != DELETE) == final
    assert "".join(t.text for t in tokens if t.tag != INSERT).split() == machine.split()


def test_a_replaced_word_is_one_delete_and_one_insert():
    tokens = word_diff("the big dog runs", "the small dog runs")
    assert tokens == [Token(EQUAL, "the"), Token(DELETE, " big"), Token(INSERT, " small"),
                      Token(EQUAL, " dog runs")]


def test_punctuation_is_its_own_token():
    assert tokenize("Berlin, 12.5") == ["Berlin", ",", " 12", ".", "5"]
    tokens = word_diff("in Berlin.", "in Berlin,")
    assert [t for t in tokens if t.tag != EQUAL] == [Token(DELETE, "."), Token(INSERT, ",")]


def test_unchanged_text_has_no_changes_and_empty_machine_is_all_insert():
    assert not changed(word_diff("Same text.", "Same text."))
    assert not changed(word_diff("Same text.", "Same  text.\n"))  # spacing is not an edit
    assert word_diff("", "New text") == [Token(INSERT, "New text")]


def test_markdown_marks_changes_and_keeps_spaces_outside_the_markers():
    md = diff_markdown(word_diff("the big dog", "the dog barks"))
    assert md == "the :red[~~big~~] dog :green[**barks**]"
    md = diff_markdown(word_diff("Alpha beta", "Gamma beta"))
    assert md == ":red[~~Alpha~~] :green[**Gamma**] beta"  # a space between the two words
    md = diff_markdown(word_diff("met Macron on Monday.", "met Macron, Monday!"))
    assert md == "met Macron :red[~~on~~]:green[**,**] Monday:red[~~\\.~~]:green[**\\!**]"


def test_user_text_cannot_inject_markup():
    hostile = '<img src=x onerror=alert(1)> [click](javascript:alert(1)) $x^2$ :red[fake] **b**'
    assert re.search(r"(?<!\\)[<>\[\]()$*:]", escape_markdown(hostile)) is None
    md = diff_markdown(word_diff("harmless", hostile))
    inserted = md[md.index(":green[**") + 9:md.rindex("**]")]
    assert re.search(r"(?<!\\)[<>\[\]()$*:]", inserted) is None


def test_highlight_marks_each_span_and_escapes_the_rest():
    from review.diff import highlight_markdown

    text = "Kim Jong Un traf *Putin* in Moskau"
    at = text.index("Moskau")
    out = highlight_markdown(text, [(0, 3), (at, at + 6)])
    assert out.startswith(":orange-background[**Kim**]")
    assert out.endswith(":orange-background[**Moskau**]")
    assert "\\*Putin\\*" in out  # article text never becomes markdown emphasis
    assert highlight_markdown("abc", []) == "abc"
