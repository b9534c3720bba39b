"""``python -m review``: parses arguments and calls the library; errors end as one line.

Each command lives in its own module under ``review/commands`` and exposes ``command``.
Exit codes: 0 done, 1 some work failed, 2 bad usage or bad input.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from models.base import ModelUnavailable
from review.errors import ReviewError

COMMANDS = ["add", "translate", "segment", "summarize", "check", "decide", "status", "export",
            "models", "bench", "memory", "qa"]


class ReviewGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in COMMANDS if importlib.util.find_spec(f"review.commands.{name}")]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        return importlib.import_module(f"review.commands.{name}").command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (ReviewError, ModelUnavailable) as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(getattr(err, "exit_code", 2))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click prints help and usage errors itself, with its own exit codes
        except KeyboardInterrupt:
            click.echo("interrupted: finished work is saved; run the same command again to resume",
                       err=True)
            sys.exit(130)
        except Exception as err:  # the last resort: still one line unless --debug
            if (ctx.obj and ctx.obj.get("debug")) or os.environ.get("REVIEW_DEBUG"):
                raise
            click.echo(f"error: {type(err).__name__}: {err} (run with --debug for details)",
                       err=True)
            sys.exit(1)


@click.group(cls=ReviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx, debug):
    """Review machine translations of German news into English.

    \b
    Example:
      python -m review add seeds/ && python -m review translate && python -m review status
    """
    ctx.obj = {"debug": debug}
