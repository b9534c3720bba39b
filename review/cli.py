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
from review.article import LONE_SURROGATE
from review.errors import ReviewError

COMMANDS = ["add", "translate", "segment", "summarize", "check", "decide", "status", "export",
            "models", "bench", "memory", "qa", "drafts", "lqa"]


class ReviewGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in COMMANDS if importlib.util.find_spec(f"review.commands.{name}")]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        return importlib.import_module(f"review.commands.{name}").command

    def main(self, args=None, *rest, **options):
        """Refuse an argument that is not valid UTF-8 (the shell passed bytes such as
        $'\\xff', which Python keeps as lone surrogates) before any command runs: one line
        naming the option, exit 2, instead of a UnicodeEncodeError later."""
        args = sys.argv[1:] if args is None else list(args)
        problem = undecodable_argument(args)
        if problem:
            click.echo(f"error: {problem}", err=True)
            sys.exit(2)
        return super().main(args, *rest, **options)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UnicodeEncodeError as err:  # text that is not valid Unicode got past the checks
            if (ctx.obj and ctx.obj.get("debug")) or os.environ.get("REVIEW_DEBUG"):
                raise
            click.echo(f"error: input holds text that is not valid Unicode ({err.reason}); "
                       "give it as UTF-8", err=True)
            sys.exit(2)
        except (ReviewError, ModelUnavailable) as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(getattr(err, "exit_code", 2))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click prints help and usage errors itself, with its own exit codes
        except BrokenPipeError as err:
            if not _stdout_gone():  # another pipe (a worker's, a socket): a failure to say
                _last_resort(ctx, err)
            # The reader went away (`| head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
            sys.exit(128 + 13)  # as if killed by SIGPIPE
        except KeyboardInterrupt:
            click.echo("interrupted: finished work is saved; run the same command again to resume",
                       err=True)
            sys.exit(130)
        except Exception as err:  # the last resort: still one line unless --debug
            _last_resort(ctx, err)


def _last_resort(ctx, err: Exception) -> None:
    """An unexpected error as one line and exit 1; raised as it is with --debug."""
    if (ctx.obj and ctx.obj.get("debug")) or os.environ.get("REVIEW_DEBUG"):
        raise err
    click.echo(f"error: {type(err).__name__}: {err} (run with --debug for details)", err=True)
    sys.exit(1)


def _stdout_gone() -> bool:
    """Whether standard output is a pipe whose reader has gone away (poll says POLLERR)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no fd, or no poll() on this system
        return True  # assume the reader: the old quiet way out


def undecodable_argument(args: list[str]) -> str | None:
    """A one-line message naming the first argument with a lone surrogate, else None."""
    for i, arg in enumerate(args):
        if not isinstance(arg, str) or not LONE_SURROGATE.search(arg):
            continue
        what, value = None, arg
        if arg.startswith("--") and "=" in arg:
            what, value = arg.split("=", 1)
        shown = value.encode("utf-8", "surrogateescape" if _escaped(value) else "backslashreplace")
        shown = shown.decode("utf-8", "backslashreplace")
        if what is None and i > 0 and args[i - 1].startswith("-") and "=" not in args[i - 1]:
            what = args[i - 1]
        if what is None:
            what = f"argument {i + 1}"
        return (f"{what}: {shown[:60]!r} is not valid UTF-8; give the text in UTF-8 (check "
                "the terminal's or script's encoding)")
    return None


def _escaped(arg: str) -> bool:
    """Whether every surrogate in ``arg`` is an undecodable byte kept by surrogateescape."""
    return all("\udc80" <= c <= "\udcff" for c in LONE_SURROGATE.findall(arg))




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
