"""Access control for team use: users-file logins, a shared password, and the hash command."""
import subprocess
import sys
from pathlib import Path

import pytest

from review import auth

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    # Real PBKDF2 with fewer rounds: the tests are about behaviour, not the cost factor.
    monkeypatch.setattr(auth, "ITERATIONS", 1000)
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY", 0)
    auth.reset_throttle()  # failed logins are counted process-wide
    yield
    auth.reset_throttle()


def users_file(tmp_path, *lines) -> dict:
    path = tmp_path / "users.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {auth.USERS_ENV: str(path)}


def test_no_configuration_means_open_and_the_typed_name_is_used():
    assert auth.mode({}) == "open"
    assert auth.login(" anna ", "", env={}) == "anna"


def test_users_file_login_gives_the_name_and_refuses_wrong_passwords(tmp_path):
    env = users_file(tmp_path, "# reviewers", auth.make_line("anna", "s3cret"),
                     auth.make_line("ben", "other"))
    assert auth.mode(env) == "users"
    assert auth.login("anna", "s3cret", env) == "anna"
    with pytest.raises(auth.LoginError, match="wrong name or password"):
        auth.login("anna", "other", env)  # ben's password does not open anna's account
    with pytest.raises(auth.LoginError):
        auth.login("carl", "s3cret", env)


def test_users_file_wins_over_the_shared_password(tmp_path):
    env = {**users_file(tmp_path, auth.make_line("anna", "mine")), auth.PASSWORD_ENV: "shared"}
    with pytest.raises(auth.LoginError):
        auth.login("anna", "shared", env)
    assert auth.login("anna", "mine", env) == "anna"


def test_lines_are_salted():
    one, two = auth.make_line("anna", "same"), auth.make_line("anna", "same")
    assert one != two and one.startswith("anna:") and len(one.split(":")) == 3


def test_shared_password_needs_a_name_and_the_right_password():
    env = {auth.PASSWORD_ENV: "team-pass"}
    assert auth.mode(env) == "password"
    assert auth.login("Anna K.", "team-pass", env) == "Anna K."
    for name, password in (("anna", "team-pas"), ("anna", "team-pass "), ("  ", "team-pass")):
        with pytest.raises(auth.LoginError):
            auth.login(name, password, env)


def test_a_malformed_users_file_names_the_line(tmp_path):
    env = users_file(tmp_path, auth.make_line("anna", "pw"), "ben:nothex:abc")
    with pytest.raises(auth.AuthConfigError, match=r"users.txt:2: expected name:salt_hex"):
        auth.login("anna", "pw", env)
    with pytest.raises(auth.AuthConfigError, match="cannot read the users file"):
        auth.login("anna", "pw", {auth.USERS_ENV: str(tmp_path / "missing.txt")})


def test_names_with_colons_cannot_be_written():
    with pytest.raises(auth.LoginError):
        auth.make_line("a:b", "pw")


def test_hash_command_prints_a_line_that_logs_in(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "ITERATIONS", 600_000)  # the real cost, as the command uses it
    done = subprocess.run([sys.executable, "-m", "review.auth", "hash", "anna"], cwd=ROOT,
                          input="horse battery\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    env = users_file(tmp_path, done.stdout.strip())
    assert auth.login("anna", "horse battery", env) == "anna"
    bad = subprocess.run([sys.executable, "-m", "review.auth", "hash"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "usage: python -m review.auth hash NAME" in bad.stderr
