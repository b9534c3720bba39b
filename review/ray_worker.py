"""What runs on Ray's workers for ``translate --ray``: the actor that holds the model, and the
plan of how many actors a cluster gets and on what (``review.distributed`` drives them).

A plain module: importing it never imports Ray.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from models.base import ModelUnavailable, Translator, one_line
from review.ray_cluster import LOCAL

MAX_DEFAULT_ACTORS = 32  # CPU pools: one actor per CPU, up to this many, unless told otherwise


@dataclass
class PoolInfo:
    """What the pool runs on, as the actors reported it once loaded."""
    address: str
    actors: int
    nodes: int
    device: str  # "GPU" or "CPU"
    per_actor: float  # GPUs or CPUs reserved by each actor
    engine: str
    model: str

    def describe(self) -> str:
        share = f"{self.per_actor:g} {self.device}"
        where = "in-process Ray" if self.address == LOCAL else f"Ray at {self.address}"
        return (f"{where}: {self.actors} actors ({share} each) on {self.nodes} "
                f"node{'s' if self.nodes != 1 else ''}, {self.engine} engine, model {self.model}")


class TranslatorActor:
    """Runs in a Ray worker: loads the translator once, then translates lists of texts.

    A plain class here (made a Ray actor by ``RayTranslator.start``), so importing this module
    never imports Ray. A model that cannot be loaded is reported by ``ready`` rather than
    raised, so the driver can print the same one line as a local run.
    """

    def __init__(self, model: str | None, engine: str | None, threads: int | None,
                 cwd: str | None):
        if cwd and Path(cwd).is_dir():
            os.chdir(cwd)  # a relative model folder means what it means to the driver
        self.error: tuple[str, str] | None = None
        self.translator = None
        try:
            self.translator = load_translator(model, engine, threads)
        except ModelUnavailable as err:
            self.error = ("model", str(err))
        except Exception as err:  # noqa: BLE001 - reported to the driver as one line
            self.error = ("other", one_line(err))

    def ready(self) -> dict:
        import socket as _socket

        info = {"host": _socket.gethostname(), "pid": os.getpid()}
        try:
            import ray

            info["node"] = ray.get_runtime_context().get_node_id()
            info["ip"] = ray.util.get_node_ip_address()
        except Exception:  # noqa: BLE001 - only for the description
            pass
        if self.error:
            info["error"] = self.error
        else:
            info.update(engine=self.translator.engine, model=self.translator.model_id,
                        device=str(getattr(self.translator, "device", "cpu")))
        return info

    def translate(self, texts: list[str]) -> list[tuple]:
        outputs = self.translator.translate(texts)
        return [(o.text, o.confidence, o.model, o.engine) for o in outputs]


def load_translator(model: str | None, engine: str | None, threads: int | None) -> Translator:
    """The translator an actor holds: the registry's, with ``threads`` CPU threads when given.

    ``threads`` None (GPU actors) loads exactly as a local run does. With a thread count, the
    transformers engine gets REVIEW_TORCH_THREADS (unless the driver set it) and CTranslate2
    that many threads; the English does not depend on either.
    """
    from models import registry

    if threads is None:
        return registry.get_translator(model, engine)
    os.environ.setdefault("REVIEW_TORCH_THREADS", str(threads))
    name = registry.mt_model_id(model)
    path = registry.resolve(name, "translation")
    chosen, ct2_path = registry.choose_engine(path, name, "translation", engine)
    if chosen == "ctranslate2":
        from models import ct2
        from models.ct2 import runtime

        return ct2.CT2Translator(ct2_path, path, name, threads=runtime.thread_layout(threads))
    return registry.get_translator(model, "transformers")



def plan_pool(resources: dict, engine: str | None, actors: int | None
              ) -> tuple[int, bool, float, int | None, str | None] | None:
    """(actors, on GPUs, GPUs or CPUs per actor, CPU threads per actor, engine) for a cluster
    with ``resources`` (``ray.cluster_resources()``); None when it has nothing to run on.

    GPUs when the cluster has any, one actor each, with the transformers engine unless
    CTranslate2 was asked for (it runs on CPUs here, so it gets CPU actors); else one actor per
    CPU, at most ``MAX_DEFAULT_ACTORS``. More actors than GPUs or CPUs share them.
    """
    gpus = float(resources.get("GPU", 0))
    cpus = float(resources.get("CPU", 0))
    if gpus >= 1 and engine != "ctranslate2":
        count = actors or int(gpus)
        return count, True, min(1.0, gpus / count), None, engine or "transformers"
    if cpus < 1:
        return None
    count = actors or max(1, min(int(cpus), MAX_DEFAULT_ACTORS))
    share = float(max(1, int(cpus) // count)) if count <= cpus else cpus / count
    return count, False, share, max(1, int(share)), engine

