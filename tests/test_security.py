"""Security fixes: login throttling across sessions, redacted errors, WebSocket origins and
the model allow-list."""
from __future__ import annotations

import base64
import logging
import os
import socket
import tomllib
from pathlib import Path

import pytest

from review import auth
from review.ui import models as ui_models
from review.bench import appserver

ROOT = Path(__file__).resolve().parent.parent


# -- 5. login throttling ------------------------------------------------------------------------

class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    clock = FakeTime()
    monkeypatch.setattr(auth, "ITERATIONS", 1000)
    monkeypatch.setattr(auth, "_clock", clock.clock)
    monkeypatch.setattr(auth, "_sleep", clock.sleep)
    auth.reset_throttle()
    yield clock
    auth.reset_throttle()


ENV = {auth.PASSWORD_ENV: "team-pass"}


def told_wait(err) -> int:
    return int(str(err).split("try again in ")[1].split(" s")[0])


def test_wrong_passwords_from_many_sessions_are_throttled_then_locked_out(fake_time, caplog):
    caplog.set_level(logging.WARNING, logger="review.auth")
    checked = refused = 0
    for attempt in range(8):  # eight sessions at once: nothing is carried between the calls
        with pytest.raises(auth.LoginError) as err:
            auth.login("anna", f"guess{attempt}", ENV, client=f"10.0.0.{attempt}")
        if "too many failed sign-ins" in str(err.value):
            refused += 1
        else:
            checked += 1
            fake_time.now -= auth.FAILED_LOGIN_DELAY  # parallel sessions sleep side by side
    assert checked == 1 and refused == 7
    # An attacker who waits as told gets LOCKOUT_AFTER guesses, then a long lockout.
    waited, guesses = [], 1
    while True:
        try:
            auth.login("anna", "guess", ENV, client="10.0.1.1")
        except auth.LoginError as err:
            if "too many failed sign-ins" not in str(err):
                guesses += 1
                continue
            wait = told_wait(err)
            if wait > auth.MAX_DELAY:
                break
            waited.append(wait)
            fake_time.now += wait
    assert guesses == auth.LOCKOUT_AFTER and waited == sorted(waited) and len(waited) >= 3
    with pytest.raises(auth.LoginError, match=r"try again in \d+ s \(after \d\d:\d\d:\d\d\)"):
        auth.login("anna", "team-pass", ENV, client="10.9.9.9")  # even the right password
    fake_time.now += auth.LOCKOUT_SECONDS + 1
    assert auth.login("anna", "team-pass", ENV, client="10.9.9.9") == "anna"
    text = caplog.text
    assert text.count("failed sign-in:") == auth.LOCKOUT_AFTER and "locked out" in text
    assert "guess" not in text and "team-pass" not in text


def test_one_address_is_throttled_across_names(fake_time):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        with pytest.raises(auth.LoginError):
            auth.login(name, "x", ENV, client="203.0.113.7")
        fake_time.now += auth.MAX_DELAY + 1
    with pytest.raises(auth.LoginError, match="too many failed"):
        auth.login("fresh-name", "team-pass", ENV, client="203.0.113.7")
    # Another address and the name are unaffected.
    assert auth.login("fresh-name", "team-pass", ENV, client="198.51.100.1") == "fresh-name"


def test_a_good_login_clears_the_name_and_open_mode_is_not_throttled(fake_time):
    with pytest.raises(auth.LoginError):
        auth.login("carl", "x", ENV)
    fake_time.now += 5
    assert auth.login("carl", "team-pass", ENV) == "carl"
    for _ in range(10):
        assert auth.login("dora", "", {}) == "dora"


# -- 7. error details ---------------------------------------------------------------------------

def config():
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_tracebacks_do_not_reach_the_browser():
    from streamlit.config import ShowErrorDetailsConfigOptions as Options

    value = config().get("client", {}).get("showErrorDetails")
    assert value in {Options.NONE.value, Options.TYPE.value}, value


# -- 8. WebSocket origins -----------------------------------------------------------------------

def handshake(port: int, origin: str | None, host: str | None = None) -> int:
    """HTTP status of a raw WebSocket upgrade to /_stcore/stream (101 = accepted)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /_stcore/stream HTTP/1.1", f"Host: {host or f'127.0.0.1:{port}'}",
             "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
             "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: streamlit"]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(1024)
            if not chunk:
                return 0  # closed without an answer: refused
            reply += chunk
    return int(reply.split(b" ")[1])


@pytest.mark.browser  # a real `streamlit run` server
def test_the_websocket_refuses_other_hosts_and_origins(tmp_path):
    with appserver.streamlit_app(tmp_path / "store", tmp_path / "no-model",
                                 tmp_path / "app.log") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        assert handshake(port, f"http://127.0.0.1:{port}") == 101  # same origin
        assert handshake(port, f"http://localhost:{port}", f"localhost:{port}") == 101
        assert handshake(port, "http://attacker.example") != 101
        # DNS rebinding: the attacker's name resolves to 127.0.0.1, so Origin == Host.
        rebound = f"attacker.example:{port}"
        assert handshake(port, f"http://{rebound}", rebound) != 101
        assert handshake(port, None, rebound) != 101


def test_the_app_stops_sessions_opened_from_another_local_port():
    # Streamlit accepts Origin http://localhost:9999 (it compares host names only), so the
    # app refuses to serve such a session (auth.foreign_origin, checked first in app.main).
    assert auth.foreign_origin({"Origin": "http://localhost:9999", "Host": "127.0.0.1:8501"})
    assert auth.foreign_origin({"origin": "http://evil.example", "host": "127.0.0.1:8501"})
    assert auth.foreign_origin({"Origin": "http://127.0.0.1:8501", "Host": "127.0.0.1:8501"}) \
        is None
    assert auth.foreign_origin({"Origin": "https://Review.example.org",
                                "Host": "review.example.org"}) is None
    assert auth.foreign_origin({"Host": "127.0.0.1:8501"}) is None  # no browser


# -- 9. model allow-list ------------------------------------------------------------------------

LOGIN = {auth.PASSWORD_ENV: "pw"}


def test_with_login_the_model_box_cannot_probe_files(monkeypatch, tmp_path):
    from models import registry

    def no_probe(*args, **kwargs):
        raise AssertionError("the file system was probed")

    monkeypatch.setattr(registry, "model_status", no_probe)
    for secret in ("/etc/shadow", "/etc", "/nonexistent/x", "../../etc/passwd", "someone/else"):
        with pytest.raises(ui_models.ModelNotAllowed) as err:
            ui_models.allowed_choice(secret, "translation", LOGIN)
        assert str(err.value) == (f"model {secret} is not in the allowed list; ask an admin "
                                  "to add it to REVIEW_MODELS")
    lines = ui_models.report("/etc/shadow", "sshleifer/x", "abstractive", LOGIN)
    assert [fine for fine, _ in lines] == [False, False]
    assert all("is a file" not in line and "not in the allowed list" in line
               for _, line in lines)


def test_allowed_models_come_from_the_list_the_configuration_and_the_models_folder(tmp_path):
    from models import registry

    models_dir = tmp_path / "models"
    (models_dir / "opus").mkdir(parents=True)
    (models_dir / "escape").symlink_to("/etc")
    env = {**LOGIN, "REVIEW_MODELS": "org/a, org/b", "REVIEW_MT_MODEL": "/srv/mt",
           "REVIEW_MODELS_DIR": str(models_dir)}
    for ok in ("org/a", "org/b", "/srv/mt", registry.DEFAULT_MT_MODEL,
               registry.DEFAULT_SUM_MODEL):
        assert ui_models.allowed_choice(ok, "translation", env) == ok
    assert ui_models.allowed_choice(" ", "translation", env) == ""  # the configured one
    assert ui_models.allowed_choice("opus", "translation", env) == \
        os.path.realpath(models_dir / "opus")
    assert ui_models.allowed_choice(str(models_dir / "opus"), "translation", env) == \
        os.path.realpath(models_dir / "opus")
    for bad in ("escape", "escape/shadow", str(models_dir / ".." / "x"), "org/c"):
        with pytest.raises(ui_models.ModelNotAllowed):
            ui_models.allowed_choice(bad, "translation", env)


def test_open_mode_allows_any_model():
    assert ui_models.allowed_choice("/anything", "translation", {}) == "/anything"
