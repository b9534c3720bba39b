"""`python -m review segment`: print the segments of a German text, one per line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from review.errors import BadInputError
from review.ingest import decode_text


@click.command("segment")
@click.argument("source", required=False, default="-", metavar="[FILE|-]")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per segment: text, kind, paragraph, start, end.")
def command(source, as_json):
    """Split German news text into headings, boilerplate lines and sentences.

    Reads FILE, or standard input for '-' or no argument (UTF-8, a BOM is fine). Line breaks
    are paragraph boundaries, so each segment fits on one output line. With --json the
    offsets point into the text as read (after the BOM).

    \b
    Example:
      python -m review segment seeds/000_aed0e7e85b1c3751.txt
      echo "Am 2. Januar kam Dr. Meier. Er blieb." | python -m review segment -
    """
    from review.segment import segment_text

    name = "stdin" if source == "-" else source
    text = decode_text(read_bytes(source), name)
    for span in segment_text(text):
        if as_json:
            click.echo(json.dumps({"text": span.text, "kind": span.kind,
                                   "paragraph": span.paragraph, "start": span.start,
                                   "end": span.end}, ensure_ascii=False))
        else:
            click.echo(span.text)


def read_bytes(source: str) -> bytes:
    """The raw input; a missing or unreadable file is a one-line BadInputError."""
    if source == "-":
        return sys.stdin.buffer.read()  # bytes, so a bad encoding is reported, not guessed
    try:
        return Path(source).read_bytes()
    except IsADirectoryError:
        raise BadInputError(f"{source}: is a folder; give one text file, or '-' for stdin") \
            from None
    except OSError as err:
        raise BadInputError(f"{source}: cannot read ({err.strerror}); check the path") from None
