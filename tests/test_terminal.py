"""Text printed on a terminal carries no escape sequence."""
from review.terminal import printable


def test_escape_sequences_become_visible_text():
    hostile = "Titel\x1b]0;pwned\x07 \x1b[2J\x9b31m\u202eevil\r\n"
    shown = printable(hostile)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "\u202e" not in shown
    assert shown == "Titel\\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m\\u202eevil\\x0d\\x0a"


def test_plain_german_is_unchanged():
    text = "Die Behörde teilte mit: „12 Millionen Euro“ – ß, é, 北京"
    assert printable(text) == text
    assert printable(None) == ""
