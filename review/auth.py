"""Optional access control for team use: a shared password, or a users file of salted hashes.

Users file (env ``REVIEW_USERS_FILE``): one ``name:salt_hex:pbkdf2_sha256_hex`` line per
reviewer, made by ``python -m review.auth hash NAME``. With only ``REVIEW_PASSWORD`` set,
reviewers give a name and the shared password. With neither, the app is open.

Failed logins are throttled per reviewer name and per client address across all browser
sessions of the process: each failure makes the next attempt wait longer (1, 2, 4, ... s), and
``LOCKOUT_AFTER`` failures in a row lock that name or address out for ``LOCKOUT_SECONDS``.
An attempt is counted, under the lock, as soon as it passes the throttle, so simultaneous
sign-ins never check more than ``LOCKOUT_AFTER`` passwords. The counters live in memory (a
module-level dict under a lock): they are per process and start afresh when the app restarts.

Reviewer names are data shown to other reviewers: ``check_name`` is the one rule for every
place a name enters (sign-in, users file, links, the sidebar, the CLI, the store).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from review.errors import BadInputError, ReviewError

PASSWORD_ENV = "REVIEW_PASSWORD"
USERS_ENV = "REVIEW_USERS_FILE"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
SALT_BYTES = 16
# Slows down guessing passwords through the login form: every failure waits this long, and
# the next attempt for the same name or client address waits 1x, 2x, 4x ... this (at most
# MAX_DELAY) until LOCKOUT_AFTER failures in a row lock it out for LOCKOUT_SECONDS.
FAILED_LOGIN_DELAY = 1.0
MAX_DELAY = 60.0
LOCKOUT_AFTER = 5
LOCKOUT_SECONDS = 15 * 60.0
FORGET_AFTER = 60 * 60.0  # failures older than this no longer count
NAME_MAX = 80  # characters in a reviewer name
# Markup in Markdown or HTML (links, images, code, tags, LaTeX, directives), and ':' (the
# users file's separator). Plain names ("Anna-Lena Müller", "O'Brien", "anna_s") pass.
NAME_MARKUP = "<>[]()`*~#|\\{}$:"
# Control and format characters, line and paragraph separators, unassigned code points.
_NOT_TEXT = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

log = logging.getLogger(__name__)


class AuthConfigError(ReviewError):
    """A users file that is missing or malformed."""


class LoginError(ReviewError):
    """A wrong name or password."""


class BadNameError(LoginError, BadInputError):
    """A reviewer name that is empty, too long, or holds control characters or markup."""


def mode(env: Mapping[str, str] | None = None) -> str:
    """'users' (per-reviewer passwords), 'password' (one shared password) or 'open'."""
    env = os.environ if env is None else env
    if env.get(USERS_ENV):
        return "users"
    return "password" if env.get(PASSWORD_ENV) else "open"


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS)


def make_line(name: str, password: str, salt: bytes | None = None) -> str:
    """One users-file line for ``name``; a fresh random salt unless one is given."""
    name = check_name(name)
    if not password:
        raise LoginError("empty password: choose a password for the reviewer")
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    return f"{name}:{salt.hex()}:{hash_password(password, salt).hex()}"


def load_users(path: str | Path) -> dict[str, tuple[bytes, bytes]]:
    """name -> (salt, hash); a bad line is reported by file and line number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise AuthConfigError(f"{USERS_ENV}={path}: cannot read the users file; create it with "
                              f"`python -m review.auth hash NAME >> {path}`") from None
    users = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            name, salt, digest = _parse_line(line.strip(), f"{path}:{number}")
            users[name] = (salt, digest)
    return users


def _parse_line(line: str, where: str) -> tuple[str, bytes, bytes]:
    parts = line.split(":")
    try:
        name, salt, digest = parts[0], bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        if len(parts) != 3 or not name or not salt or len(digest) != 32:
            raise ValueError
    except (ValueError, IndexError):
        raise AuthConfigError(f"{where}: expected name:salt_hex:pbkdf2_sha256_hex; make lines "
                              "with `python -m review.auth hash NAME`") from None
    try:
        check_name(name)
    except BadNameError as err:
        raise AuthConfigError(f"{where}: {err}") from None
    return name, salt, digest


def check_name(name: str | None) -> str:
    """``name`` without surrounding spaces, if it is a plain reviewer name; else BadNameError.

    A name is recorded with decisions and shown to other reviewers, so it must be one line of
    text: not empty, at most ``NAME_MAX`` characters, no control characters or line breaks,
    and none of the markup characters ``NAME_MARKUP``.
    """
    name = (name or "").strip()
    problem = _name_problem(name)
    if problem:
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise BadNameError(f"reviewer name {shown!r} {problem}; give a plain name such as "
                           "anna or Anna Schmidt")
    return name


def _name_problem(name: str) -> str | None:
    """What is wrong with a stripped name, or None."""
    if not name:
        return "is empty"
    if len(name) > NAME_MAX:
        return f"is longer than {NAME_MAX} characters"
    odd = next((c for c in name if unicodedata.category(c) in _NOT_TEXT), None)
    if odd is not None:
        return f"holds a control character or line break (U+{ord(odd):04X})"
    markup = next((c for c in name if c in NAME_MARKUP), None)
    if markup is not None:
        return f"holds the markup character {markup!r} (none of {NAME_MARKUP} is allowed)"
    return None


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0  # monotonic time of the last failure
    not_before: float = 0.0  # no attempt before this monotonic time
    checking: int = 0  # attempts past the throttle whose password is being checked now


_throttle_lock = threading.Lock()
_failures: dict[tuple[str, str], _Failures] = {}
_clock = time.monotonic  # tests replace these two
_sleep = time.sleep


def reset_throttle() -> None:
    """Forget every failed login (tests; an admin can also restart the app)."""
    with _throttle_lock:
        _failures.clear()


def _keys(name: str, client: str | None) -> list[tuple[str, str]]:
    keys = [("name", name.casefold())] if name else []
    return keys + ([("client", client)] if client else [])


def _who(name: str, client: str | None) -> str:
    return f"name {name!r} from {client or 'local/unknown address'}"


def _begin_attempt(name: str, client: str | None) -> None:
    """Refuse a throttled attempt, else count it as being checked: one step under the lock,
    so simultaneous sign-ins cannot all pass the throttle before any failure is recorded.
    Attempts being checked count towards ``LOCKOUT_AFTER`` as if they had failed."""
    now = _clock()
    with _throttle_lock:
        wait = max([_wait(key, now) for key in _keys(name, client)], default=0.0)
        if wait <= 0:
            for key in _keys(name, client):
                _failures.setdefault(key, _Failures()).checking += 1
    if wait > 0:
        until = time.strftime("%H:%M:%S", time.localtime(time.time() + wait))
        seconds = math.ceil(wait)
        log.warning("sign-in refused while throttled: %s, %d s left", _who(name, client), seconds)
        raise LoginError(f"too many failed sign-ins for this name or address: try again in "
                         f"{seconds} s (after {until})")


def _wait(key: tuple[str, str], now: float) -> float:
    """Seconds before ``key`` may try again (0 or less: now); under the lock."""
    record = _failures.get(key)
    if record is None:
        return 0.0
    if not record.checking and now - record.last > FORGET_AFTER:
        del _failures[key]
        return 0.0
    wait = record.not_before - now
    if record.checking and record.count + record.checking >= LOCKOUT_AFTER:
        # the attempts left before a lockout are being checked now
        wait = max(wait, FAILED_LOGIN_DELAY)
    return wait


def _end_attempt(name: str, client: str | None, ok: bool | None) -> None:
    """The checked attempt's outcome, under the lock: a failure counts, a success clears the
    name's record (only the name's: one good account must not clear a guessing address's
    record), None (the check itself failed) only ends the attempt."""
    now, count = _clock(), 0
    with _throttle_lock:
        for key in _keys(name, client):
            record = _failures.setdefault(key, _Failures())
            record.checking = max(record.checking - 1, 0)
            if ok is False:
                count = max(count, _count_failure(record, now))
            elif ok and key[0] == "name":
                record.count, record.not_before = 0, 0.0
            if not record.count and not record.checking:
                del _failures[key]
    if ok is False:
        log.warning("failed sign-in: %s (%d in a row)", _who(name, client), count)
    if ok is False and count >= LOCKOUT_AFTER:
        log.warning("sign-in locked out for %.0f s: %s after %d failures", LOCKOUT_SECONDS,
                    _who(name, client), count)


def _count_failure(record: _Failures, now: float) -> int:
    """One more failure on ``record``: its wait grows, or it is locked out."""
    record.count += 1
    record.last = now
    if record.count >= LOCKOUT_AFTER:
        record.not_before = now + LOCKOUT_SECONDS
    else:
        record.not_before = now + min(FAILED_LOGIN_DELAY * 2 ** (record.count - 1), MAX_DELAY)
    return record.count


def login(name: str, password: str, env: Mapping[str, str] | None = None,
          client: str | None = None) -> str:
    """The reviewer name for a correct login; raises LoginError otherwise.

    ``client`` is the caller's address (``st.context.ip_address``); failures are throttled
    per name and per address across sessions, and a locked-out attempt is refused without
    checking the password, with a message saying when to try again. With a shared password,
    the name must pass ``check_name`` (it is recorded with decisions).
    """
    env = os.environ if env is None else env
    how = mode(env)
    if how == "open":
        return check_name(name)
    name = check_name(name) if how == "password" else (name or "").strip()
    _begin_attempt(name, client)
    ok = None
    try:
        ok = _check_user(name, password, env[USERS_ENV]) if how == "users" \
            else _same(password, env[PASSWORD_ENV])
    finally:
        _end_attempt(name, client, ok)
    if not ok:
        _sleep(FAILED_LOGIN_DELAY)
        raise LoginError("wrong name or password: try again, or ask whoever runs the app")
    return name


def foreign_origin(headers: Mapping[str, str]) -> str | None:
    """Why a session must not be served, or None: the page that opened it is another site.

    Streamlit itself accepts a WebSocket whose Origin host is localhost/127.0.0.1 on any port
    (a page at http://localhost:9999 may drive the app); the app stops such sessions at once.
    Same-origin (Origin host:port == Host), no Origin (non-browser clients) and the origins in
    ``server.corsAllowedOrigins`` are served. ``headers`` is ``st.context.headers``.
    """
    from urllib.parse import urlsplit

    lower = {k.lower(): v for k, v in headers.items()}
    origin, host = lower.get("origin"), (lower.get("host") or "").lower()
    if not origin:
        return None
    if urlsplit(origin).netloc.lower() == host:
        return None
    try:
        from streamlit import config

        allowed = {o.strip().rstrip("/") for o in config.get_option("server.corsAllowedOrigins")}
    except Exception:  # noqa: BLE001 - no Streamlit config: nothing extra is allowed
        allowed = set()
    if origin.strip().rstrip("/") in allowed:
        return None
    log.warning("session refused: Origin %r does not match Host %r", origin, host)
    return ("This page was opened from another site. Open the app at its own address; "
            "behind a proxy, pass the Host header on or list the public origin in "
            "server.corsAllowedOrigins.")


def _check_user(name: str, password: str, users_file: str) -> bool:
    users = load_users(users_file)
    # An unknown name costs the same hashing as a known one, so timing does not reveal names.
    salt, digest = users.get(name, (b"\0" * SALT_BYTES, b"\0" * 32))
    return hmac.compare_digest(hash_password(password, salt), digest) and name in users


def _same(given: str, expected: str) -> bool:
    # Hash first so compare_digest sees equal lengths and the length of the secret stays hidden.
    return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).digest(),
                               hashlib.sha256(expected.encode("utf-8")).digest())


def _read_password() -> str:
    import getpass

    if not sys.stdin.isatty():  # scripts: the password is the first line of stdin
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise LoginError("the two passwords differ: run the command again")
    return first


def main(argv: list[str] | None = None) -> int:
    """`python -m review.auth hash NAME`: print a users-file line for NAME."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "hash":
        print("usage: python -m review.auth hash NAME >> users.txt  (password from the prompt "
              "or the first line of stdin)", file=sys.stderr)
        return 2
    try:
        print(make_line(argv[1], _read_password()))
    except ReviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
