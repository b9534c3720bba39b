"""`translate --ray`: the model on a Ray actor pool gives a local run's English, saved the same way.

One in-process Ray with 2 CPUs serves the module (a RayTranslator reuses a Ray this process
already started and leaves it running); the CLI tests start their own Ray in a subprocess, and
the cluster test a `ray start --head` on 127.0.0.1 that it stops again.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from review.bench import tiny as tiny_models

from review.batch import translate_articles
from review.store import ArticleStore

pytestmark = pytest.mark.ray
ray = pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sharp_marian(tiny_marian, tmp_path_factory) -> Path:
    """The tiny Marian with its weights times 20, for this module alone: it tells sentences
    apart (the plain random model says the same thing to everything)."""
    return tiny_models.sharpen_marian(tiny_marian, tmp_path_factory.mktemp("sharp") / "marian")


@pytest.fixture(scope="module")
def local_ray():
    from review import distributed

    env = dict(os.environ)
    if not ray.is_initialized():
        distributed._connect(ray, distributed.LOCAL, 2)
    yield ray
    ray.shutdown()
    for name in set(os.environ) - set(env):  # e.g. RAY_AUTH_MODE, set by ray.init
        del os.environ[name]


def _machine(store_dir: Path) -> dict:
    """(article, segment) -> (text, confidence, model, engine) of every machine output."""
    articles, problems = ArticleStore(store_dir).scan()
    assert not problems
    return {(a.id, s.index): (s.machine.text, s.machine.confidence, s.machine.model,
                              s.machine.engine)
            for a in articles for s in a.segments if s.machine is not None}


def _assert_same_english(local: dict, remote: dict) -> None:
    assert local and local.keys() == remote.keys()
    for key, (text, confidence, model, engine) in local.items():
        assert remote[key][0] == text, key
        assert remote[key][2:] == (model, engine), key
        if confidence is None:
            assert remote[key][1] is None
        else:
            assert remote[key][1] == pytest.approx(confidence, abs=1e-5), key


def _seed_sentences(count: int) -> list[str]:
    lines = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        lines += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
                  if ln.strip()]
    return lines[:count]


def test_ray_local_gives_the_english_of_a_local_run(local_ray, sharp_marian, tmp_path,
                                                    seed_files):
    notes: list[str] = []
    started = time.perf_counter()
    local = translate_articles(seed_files[:3], store=tmp_path / "local",
                               mt_model=str(sharp_marian), summary="none")
    local_s = time.perf_counter() - started
    started = time.perf_counter()
    remote = translate_articles(seed_files[:3], store=tmp_path / "ray",
                                mt_model=str(sharp_marian), summary="none", ray="local",
                                on_note=notes.append)
    print(f"3 articles: local {local_s:.1f} s, ray local {time.perf_counter() - started:.1f} s")
    assert [r.status for r in remote] == ["translated"] * 3
    assert [(r.id, r.translated, r.segments) for r in remote] == \
        [(r.id, r.translated, r.segments) for r in local]
    assert len(notes) == 1 and "2 actors (1 CPU each)" in notes[0], notes
    _assert_same_english(_machine(tmp_path / "local"), _machine(tmp_path / "ray"))
    # The driver ran the checks and saved them, as in a local run.
    for article in ArticleStore(tmp_path / "ray").scan()[0]:
        assert all(s.risk is not None for s in article.reviewable() if s.machine)
    assert ray.is_initialized()  # a Ray the caller started is left running


def test_a_resumed_run_finishes_like_a_resumed_local_run(local_ray, sharp_marian, tmp_path,
                                                         seed_files):
    # Half of every article already translated (as after a kill), in two identical stores.
    full = tmp_path / "full"
    translate_articles(seed_files[:2], store=full, mt_model=str(sharp_marian), summary="none")
    done = _machine(full)
    stores = {}
    for name in ("local", "ray"):
        stores[name] = ArticleStore(tmp_path / name)
        for article in ArticleStore(full).scan()[0]:
            article_id = stores[name].add(article).id

            def half(a):
                texts = [s for s in a.segments if s.machine is not None]
                for seg in texts[len(texts) // 2:]:
                    seg.machine, seg.flags, seg.similarity, seg.risk = None, [], None, None

            stores[name].update(article_id, half)
    before = _machine(tmp_path / "ray")
    assert 0 < len(before) < len(done)
    translate_articles(None, store=stores["local"], mt_model=str(sharp_marian), summary="none")
    results = translate_articles(None, store=stores["ray"], mt_model=str(sharp_marian),
                                 summary="none", ray="local")
    assert [r.status for r in results] == ["translated", "translated"]
    after = _machine(tmp_path / "ray")
    assert after.keys() == done.keys()
    assert {k: after[k] for k in before} == before  # saved work is kept, not redone
    _assert_same_english(_machine(tmp_path / "local"), after)


def test_pool_sends_chunks_ahead_to_every_actor_and_survives_a_dead_one(local_ray,
                                                                        sharp_marian):
    from models.marian import MarianTranslator
    from review.distributed import RayTranslator

    sentences = _seed_sentences(48)
    chunks = [sentences[i:i + 8] for i in range(0, 48, 8)]
    local = MarianTranslator(sharp_marian, str(sharp_marian))
    pool = RayTranslator("local", str(sharp_marian), engine="transformers", actors=2)
    try:
        info = pool.start()
        assert (info.actors, info.device, info.engine) == (2, "CPU", "transformers")
        pool.expect([("a", c) for c in chunks[:4]] + [("b", ["Ein ganz anderer Satz."])])
        seen: list[tuple[int, int]] = []
        got = [pool.translate(c, progress=lambda d, t: seen.append((d, t))) for c in chunks[:4]]
        assert seen == [(8, 8)] * 4
        assert pool.stats.hits == 4 and set(pool.stats.per_actor) == {0, 1}
        pool.forget("b")  # a guess never asked for is dropped
        assert pool._unclaimed == 0 and not pool._sent
        # An actor dies (a lost node): its chunks go to the one left.
        ray.kill(pool._actors[0])
        pool.expect([("c", c) for c in chunks[4:]])
        got += [pool.translate(c) for c in chunks[4:]]
        assert pool.stats.resent >= 1 and pool._alive == [False, True]
        assert pool.translate([]) == []
    finally:
        pool.close()
    assert ray.is_initialized()
    for chunk, outputs in zip(chunks, got):
        expected = local.translate(chunk)
        assert [o.text for o in outputs] == [o.text for o in expected]
        assert [o.confidence for o in outputs] == pytest.approx(
            [o.confidence for o in expected], abs=1e-5)


def test_ctranslate2_on_cpu_actors_gives_the_local_english(local_ray, sharp_marian,
                                                           tmp_path):
    from models.ct2 import CT2Translator, convert
    from review.distributed import RayTranslator

    folder = tmp_path / "marian"
    shutil.copytree(sharp_marian, folder)
    local = CT2Translator(convert(folder, str(folder)), folder, str(folder))
    sentences = _seed_sentences(24)
    pool = RayTranslator("local", str(folder), engine="ctranslate2", actors=2)
    try:
        assert pool.start().engine == "ctranslate2"
        outputs = pool.translate(sentences)
    finally:
        pool.close()
    expected = local.translate(sentences)
    assert [(o.text, o.engine) for o in outputs] == [(o.text, o.engine) for o in expected]
    assert [o.confidence for o in outputs] == pytest.approx(
        [o.confidence for o in expected], abs=1e-5)


def test_a_model_the_actors_cannot_load_is_one_line(local_ray, seed_files):
    from models.base import ModelUnavailable
    from review.distributed import RayTranslator

    pool = RayTranslator("local", "nobody/no-such-model", actors=1)
    with pytest.raises(ModelUnavailable) as caught:
        pool.start()
    assert "nobody/no-such-model" in str(caught.value) and "models pull" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert pool._actors == []  # stopped again
    with pytest.raises(ModelUnavailable):  # not started again for every article
        pool.translate(["Ein Satz."])


def _cli(*args: str, timeout: float = 240, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "review", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_cli_ray_local_translates_and_a_missing_model_exits_2(sharp_marian, store_dir,
                                                              seed_files):
    started = time.perf_counter()
    done = _cli("translate", str(seed_files[1]), "--mt-model", str(sharp_marian), "--ray",
                "local", "--ray-actors", "2", "--summary", "none", "--json")
    print(f"CLI --ray local, one article: {time.perf_counter() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-2000:]
    (result,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert result["status"] == "translated" and result["translated"] == result["segments"]
    assert "in-process Ray: 2 actors" in done.stderr
    assert len(_machine(store_dir)) == result["translated"]

    missing = _cli("translate", "--mt-model", "nobody/no-such-model", "--ray", "local",
                   "--force")
    assert missing.returncode == 2, missing.stderr[-2000:]
    assert missing.stderr.strip().count("\n") == 0, missing.stderr
    assert "nobody/no-such-model" in missing.stderr and "models pull" in missing.stderr


def test_cli_unreachable_cluster_and_bad_usage_exit_2_in_one_line(tiny_marian, seed_files):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.perf_counter()
    done = _cli("translate", str(seed_files[0]), "--mt-model", str(tiny_marian), "--ray",
                f"127.0.0.1:{port}", timeout=60)
    assert time.perf_counter() - started < 30
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "ray start --head" in done.stderr

    from click.testing import CliRunner

    from review.cli import main

    result = CliRunner().invoke(main, ["translate", "--ray-actors", "2"])
    assert result.exit_code == 2 and "--ray-actors needs --ray" in result.output


def test_pool_plan_uses_gpus_where_there_are_some_else_cpus():
    from review.distributed import plan_pool

    # (actors, on GPUs, share per actor, CPU threads, engine)
    assert plan_pool({"CPU": 2.0}, None, None) == (2, False, 1.0, 1, None)
    assert plan_pool({"CPU": 16.0}, None, 4) == (4, False, 4.0, 4, None)
    assert plan_pool({"CPU": 2.0}, None, 4) == (4, False, 0.5, 1, None)
    assert plan_pool({"CPU": 256.0}, None, None)[0] == 32
    assert plan_pool({"CPU": 64.0, "GPU": 4.0}, None, None) == (4, True, 1.0, None,
                                                                  "transformers")
    assert plan_pool({"CPU": 64.0, "GPU": 2.0}, "transformers", 4) == (4, True, 0.5, None,
                                                                        "transformers")
    # CTranslate2 runs on CPUs here: it gets CPU actors even on a GPU cluster.
    assert plan_pool({"CPU": 8.0, "GPU": 2.0}, "ctranslate2", None) == (8, False, 1.0, 1,
                                                                         "ctranslate2")
    assert plan_pool({"GPU": 0.0}, None, None) is None


def test_help_and_the_batch_module_do_not_import_ray():
    code = ("import sys; from click.testing import CliRunner; import review.cli, review.batch, "
            "review.distributed; r = CliRunner().invoke(review.cli.main, ['translate', "
            "'--help']); assert r.exit_code == 0 and '--ray' in r.output; "
            "print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def _free_port() -> int:
    while True:  # Ray's own worker ports are 10002-19999
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if not 10002 <= port <= 19999:
            return port


@pytest.fixture
def ray_head(tmp_path):
    """`ray start --head` on 127.0.0.1 with 2 CPUs, stopped (with every process it started)
    afterwards. `ray stop` is not used: it would stop every Ray on this machine."""
    import psutil

    port = _free_port()
    log = tmp_path / "head.log"
    # Started elsewhere, without this project on its path: the workers find it because the
    # driver tells them where it lives.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    with open(log, "w") as out:
        head = subprocess.Popen(
            [str(Path(sys.executable).parent / "ray"), "start", "--head", f"--port={port}",
             "--node-ip-address=127.0.0.1", "--num-cpus=2", "--include-dashboard=false",
             "--disable-usage-stats", "--block"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "Ray runtime started" not in log.read_text():
            assert head.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        head.send_signal(signal.SIGTERM)  # --block: stops the node and its processes
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            head.kill()
        # Anything left of that node is in the session it was started in.
        left = [p for p in psutil.process_iter(["pid"]) if _session(p.pid) == head.pid]
        for proc in left:
            proc.kill()
        psutil.wait_procs(left, timeout=10)
        assert not [p for p in psutil.process_iter(["pid"]) if _session(p.pid) == head.pid]


def _session(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except OSError:
        return None


def test_cli_joins_a_running_cluster_with_the_english_of_a_local_run(ray_head, sharp_marian,
                                                                     tmp_path, seed_files):
    targets = [str(p) for p in seed_files[2:4]]
    local = _cli("translate", *targets, "--store", str(tmp_path / "local"), "--mt-model",
                 str(sharp_marian), "--summary", "none", "--json", "--silent")
    assert local.returncode == 0, local.stderr[-2000:]
    started = time.perf_counter()
    done = _cli("translate", *targets, "--store", str(tmp_path / "cluster"), "--mt-model",
                str(sharp_marian), "--ray", ray_head, "--summary", "none", "--json",
                cwd=tmp_path)  # not the project's folder
    print(f"CLI --ray {ray_head}, two articles: {time.perf_counter() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [json.loads(line)["status"] for line in done.stdout.splitlines()] == \
        ["translated", "translated"]
    assert f"Ray at {ray_head}: 2 actors (1 CPU each) on 1 node" in done.stderr
    _assert_same_english(_machine(tmp_path / "local"), _machine(tmp_path / "cluster"))
