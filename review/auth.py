"""Optional access control for team use: a shared password, or a users file of salted hashes.

Users file (env ``REVIEW_USERS_FILE``): one ``name:salt_hex:pbkdf2_sha256_hex`` line per
reviewer, made by ``python -m review.auth hash NAME``. With only ``REVIEW_PASSWORD`` set,
reviewers give a name and the shared password. With neither, the app is open.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Mapping

from review.errors import ReviewError

PASSWORD_ENV = "REVIEW_PASSWORD"
USERS_ENV = "REVIEW_USERS_FILE"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
SALT_BYTES = 16
# Slows down guessing the shared password through the login form.
FAILED_LOGIN_DELAY = 1.0


class AuthConfigError(ReviewError):
    """A users file that is missing or malformed."""


class LoginError(ReviewError):
    """A wrong name or password."""


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
    name = _clean_name(name)
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
    return name, salt, digest


def login(name: str, password: str, env: Mapping[str, str] | None = None) -> str:
    """The reviewer name for a correct login; raises LoginError otherwise."""
    env = os.environ if env is None else env
    how = mode(env)
    if how == "open":
        return _clean_name(name)
    name = name.strip()
    ok = _check_user(name, password, env[USERS_ENV]) if how == "users" \
        else _same(password, env[PASSWORD_ENV]) and bool(name)
    if not ok:
        time.sleep(FAILED_LOGIN_DELAY)
        raise LoginError("wrong name or password: try again, or ask whoever runs the app")
    return name


def _check_user(name: str, password: str, users_file: str) -> bool:
    users = load_users(users_file)
    # An unknown name costs the same hashing as a known one, so timing does not reveal names.
    salt, digest = users.get(name, (b"\0" * SALT_BYTES, b"\0" * 32))
    return hmac.compare_digest(hash_password(password, salt), digest) and name in users


def _same(given: str, expected: str) -> bool:
    # Hash first so compare_digest sees equal lengths and the length of the secret stays hidden.
    return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).digest(),
                               hashlib.sha256(expected.encode("utf-8")).digest())


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or ":" in name or "\n" in name:
        raise LoginError(f"reviewer name {name!r}: give a non-empty name without ':'")
    return name


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
