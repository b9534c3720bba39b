"""Translation on a Ray cluster: a pool of actors, each holding the model once.

``RayTranslator`` is a ``models.base.Translator`` like the local engines, so the batch run
(``review.batch``) keeps doing everything else as it does locally: ingesting, the job lock per
article, translation memory fills, checks, summaries, and every store write (atomic, locked,
revision-checked), all in the driver process. Only the model call goes to the cluster.

Each call ``translate(texts)`` is sent whole to one actor, which runs the same registry code as
a local run on exactly those texts (``models.registry``: same engine choice, cleaning,
splitting, length-sorted batches, beam), so the English is the local run's. Parallelism comes
from sending the chunks the run will ask for next ahead of time (``expect``): while the driver
waits for one chunk, the chunks after it (the rest of the article, then the next articles) are
already being translated by the other actors. A prediction that turns out wrong (a reviewer
decided a segment meanwhile) only costs the work: results are used only for identical texts.

Ray is imported only here, and only when a pool starts: ``--help`` and the app never pay for it.
"""
from __future__ import annotations

import os
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from models.base import ModelUnavailable, Output, Progress, Translator, one_line
from review.errors import ReviewError

LOCAL = "local"
RAY_PIN = "ray==2.60.0"  # as in requirements.txt
# The driver's variables of these families are set on every actor too (model ids and folders,
# offline mode, caches, thread counts), so a worker resolves the model as the driver would.
ENV_PREFIXES = ("REVIEW_", "HF_", "TRANSFORMERS_", "TOKENIZERS_")
MAX_DEFAULT_ACTORS = 32  # CPU pools: one actor per CPU, up to this many, unless told otherwise
CONNECT_TIMEOUT_S = 5.0  # for the head's port to answer before Ray is even asked
SLOW_START_S = 30.0  # after this long waiting for actors, say why it may take longer

Note = Callable[[str], None]


class RayUnavailable(ReviewError):
    """Ray is not installed, or the cluster cannot be reached; exit 2 like other bad input."""


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


@dataclass
class _Job:
    tag: str | None  # the article the chunk was predicted for; None when asked for directly
    texts: list[str]
    ref: object  # the ray ObjectRef of the actor's answer
    actor: int  # index into RayTranslator._actors


@dataclass
class Stats:
    """Counts for tests and curious users: how the work was spread."""
    calls: int = 0  # translate() calls answered
    prefetched: int = 0  # chunks sent ahead of being asked for
    hits: int = 0  # calls answered by a chunk sent ahead
    resent: int = 0  # chunks sent again because their actor died
    per_actor: dict[int, int] = field(default_factory=dict)  # chunks sent to each actor


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


class RayTranslator(Translator):
    """A ``Translator`` whose model runs in a pool of Ray actors.

    ``address`` is "local" (start Ray in this process, with ``cpus`` CPUs, default all) or the
    address of a running cluster (``HOST:PORT`` of its head, or "auto"). ``actors`` defaults to
    one per GPU when the cluster has GPUs (and the engine is not CTranslate2, which runs on
    CPUs), else one per CPU (at most 32). Nothing starts until ``start`` or the first
    ``translate``; ``close`` stops the actors, and Ray when it was started here. A process
    that called ``ray.init`` itself keeps its connection: the pool uses it, whatever
    ``address`` says, and leaves it running.
    """

    def __init__(self, address: str = LOCAL, model: str | None = None,
                 engine: str | None = None, actors: int | None = None,
                 cpus: int | None = None, on_note: Note | None = None):
        from models import registry

        if actors is not None and actors < 1:
            raise RayUnavailable(f"--ray-actors {actors}: give at least 1")
        self.address = (address or LOCAL).strip()
        self.model = model
        self.requested_engine = engine if engine not in (None, "auto") else None
        self.model_id = registry.mt_model_id(model)
        self.engine = self.requested_engine or "auto"
        self.requested_actors = actors
        self.cpus = cpus
        self.on_note = on_note
        self.info: PoolInfo | None = None
        self.stats = Stats()
        self._ray = None
        self._owns_ray = False
        self._actors: list = []
        self._alive: list[bool] = []
        self._inflight: dict = {}  # ObjectRef -> actor index, not answered yet
        self._ahead: Iterator[tuple[str, list[str]]] | None = None
        self._sent: dict[tuple[str, ...], list[_Job]] = {}  # sent ahead, not yet asked for
        self._unclaimed = 0
        self._failed: Exception | None = None

    # -- the Translator interface -------------------------------------------------------

    def translate(self, segments: Sequence[str], progress: Progress | None = None
                  ) -> list[Output]:
        texts = list(segments)
        if not texts:
            return []
        self.start()
        self._refill()
        job = self._claim(texts) or self._send(None, texts)
        rows = self._answer(job)
        self.stats.calls += 1
        self._refill()
        if progress:
            progress(len(texts), len(texts))
        return [Output(text=t, confidence=c, model=m, engine=e) for t, c, m, e in rows]

    # -- pipelining ------------------------------------------------------------------------

    def expect(self, chunks: Iterable[tuple[str, list[str]]]) -> None:
        """The (article id, texts) chunks ``translate`` will probably be asked for, in order.

        Read lazily, a few ahead of the actors: enough that every actor has work queued.
        """
        self._ahead = iter(chunks)

    def forget(self, tag: str) -> None:
        """Drop what was sent ahead for article ``tag`` and never asked for (it is finished)."""
        for key in list(self._sent):
            jobs = self._sent[key]
            keep = [job for job in jobs if job.tag != tag]
            for job in jobs:
                if job.tag == tag:
                    self._drop(job)
            if keep:
                self._sent[key] = keep
            else:
                del self._sent[key]

    def _refill(self) -> None:
        if self._ahead is None or not self._actors:
            return
        self._prune()
        width = max(1, sum(self._alive))
        while len(self._inflight) < 2 * width and self._unclaimed < 8 * width:
            try:
                tag, texts = next(self._ahead)
            except StopIteration:
                self._ahead = None
                return
            except Exception:  # noqa: BLE001 - a failed guess must never fail the run
                self._ahead = None
                return
            texts = list(texts)
            if not texts:
                continue
            job = self._send(tag, texts)
            self._sent.setdefault(tuple(texts), []).append(job)
            self._unclaimed += 1
            self.stats.prefetched += 1

    def _claim(self, texts: list[str]) -> _Job | None:
        jobs = self._sent.get(tuple(texts))
        if not jobs:
            return None
        job = jobs.pop(0)
        if not jobs:
            del self._sent[tuple(texts)]
        self._unclaimed -= 1
        self.stats.hits += 1
        return job

    def _drop(self, job: _Job) -> None:
        self._unclaimed -= 1
        if job.ref in self._inflight:
            self._inflight.pop(job.ref, None)
            try:
                self._ray.cancel(job.ref)
            except Exception:  # noqa: BLE001 - actor tasks may not be cancellable: harmless
                pass

    def _prune(self) -> None:
        if not self._inflight:
            return
        refs = list(self._inflight)
        done, _ = self._ray.wait(refs, num_returns=len(refs), timeout=0)
        for ref in done:
            self._inflight.pop(ref, None)

    # -- sending and answers -------------------------------------------------------------

    def _send(self, tag: str | None, texts: list[str]) -> _Job:
        self._prune()
        load = {i: 0 for i, alive in enumerate(self._alive) if alive}
        if not load:
            raise ReviewError(self._all_gone())
        for actor in self._inflight.values():
            if actor in load:
                load[actor] += 1
        actor = min(load, key=lambda i: (load[i], self.stats.per_actor.get(i, 0)))
        ref = self._actors[actor].translate.remote(texts)
        self._inflight[ref] = actor
        self.stats.per_actor[actor] = self.stats.per_actor.get(actor, 0) + 1
        return _Job(tag, texts, ref, actor)

    def _answer(self, job: _Job) -> list[tuple]:
        from ray.exceptions import RayActorError, RayTaskError

        while True:
            try:
                rows = self._ray.get(job.ref)
                self._inflight.pop(job.ref, None)
                return rows
            except RayActorError as err:  # its worker or node died: others take the chunk
                self._inflight.pop(job.ref, None)
                self._alive[job.actor] = False
                self._last_death = one_line(err)
                self.stats.resent += 1
                job = self._send(job.tag, job.texts)
            except RayTaskError as err:  # the translator raised: as a local run would
                self._inflight.pop(job.ref, None)
                cause = getattr(err, "cause", None)
                if isinstance(cause, Exception):
                    raise cause from None
                raise

    def _all_gone(self) -> str:
        why = getattr(self, "_last_death", "")
        return (f"every Ray actor of the pool at {self.address} is gone"
                f"{f' ({why})' if why else ''}: check the cluster with `ray status`, then run "
                "the same command again to resume")

    # -- starting and stopping -------------------------------------------------------------

    def start(self) -> PoolInfo:
        """Connect to Ray and load the model in every actor; idempotent."""
        if self.info is not None:
            return self.info
        if self._failed is not None:  # don't start Ray again for every article
            raise self._failed
        try:
            return self._start()
        except (ReviewError, ModelUnavailable) as err:
            self._failed = err
            raise

    def _start(self) -> PoolInfo:
        if self.address not in (LOCAL, "auto"):
            _use_auth_token_if_any()  # read by Ray when it is imported
        ray = _import_ray()
        self._ray = ray
        if not ray.is_initialized():
            _connect(ray, self.address, self.cpus)
            self._owns_ray = True
        try:
            self.info = self._start_actors(ray)
        except BaseException:
            self.close()
            raise
        if self.on_note:
            self.on_note(self.info.describe())
        return self.info

    def _start_actors(self, ray) -> PoolInfo:
        plan = plan_pool(ray.cluster_resources(), self.requested_engine, self.requested_actors)
        if plan is None:
            raise RayUnavailable(f"the Ray cluster at {self.address} has no CPUs to run "
                                 "translators on: start workers with `ray start --address`")
        count, use_gpu, share, threads, engine = plan
        resources = {"num_gpus": share, "num_cpus": 0} if use_gpu else {"num_cpus": share}
        remote = ray.remote(TranslatorActor).options(
            scheduling_strategy="SPREAD", max_restarts=0, max_task_retries=0, **resources)
        cwd = os.getcwd()
        self._actors = [remote.remote(self.model, engine, threads, cwd) for _ in range(count)]
        self._alive = [True] * count
        infos = self._wait_ready(ray, [a.ready.remote() for a in self._actors])
        for info in infos:
            if "error" in info:
                kind, message = info["error"]
                if kind == "model":
                    raise ModelUnavailable(message)
                raise ModelUnavailable(
                    f"translation model {self.model_id} could not be loaded on Ray worker "
                    f"{info.get('host', '?')} ({message})")
        first = infos[0]
        self.engine = first["engine"]
        nodes = len({info.get("node", info.get("host")) for info in infos})
        return PoolInfo(self.address, count, nodes, "GPU" if use_gpu else "CPU", share,
                        first["engine"], first["model"])

    def _wait_ready(self, ray, refs: list) -> list[dict]:
        started = time.monotonic()
        told = False
        pending = list(refs)
        while pending:
            _, pending = ray.wait(pending, num_returns=len(pending), timeout=1.0)
            if pending and not told and time.monotonic() - started > SLOW_START_S:
                told = True
                if self.on_note:
                    self.on_note(f"waiting for {len(pending)} of {len(refs)} Ray actors to load "
                                 "the model (a first download, or the cluster lacks free "
                                 "resources: see `ray status`)")
        return ray.get(refs)

    def close(self) -> None:
        """Stop the actors, and Ray if this translator started it."""
        ray = self._ray
        if ray is None:
            return
        for actor in self._actors:
            try:
                ray.kill(actor)
            except Exception:  # noqa: BLE001 - already gone
                pass
        self._actors, self._alive, self._inflight, self._sent = [], [], {}, {}
        self._unclaimed = 0
        self._ahead = None
        if self._owns_ray and ray.is_initialized():
            ray.shutdown()
        self._owns_ray = False
        self._ray = None
        self.info = None


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


def _cores() -> int:
    """CPUs this process may use (its affinity, which a container may limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _import_ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # never phone home from a CLI run
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray, which is not installed: pip install {RAY_PIN} "
                             "(it is in requirements.txt)") from None
    return ray


def actor_env() -> dict[str, str]:
    """The driver's variables set on every actor (see ``ENV_PREFIXES``)."""
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)}


def _connect(ray, address: str, cpus: int | None) -> None:
    import logging

    env = actor_env()
    runtime_env = {"env_vars": env} if env else None
    quiet = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                 configure_logging=True, runtime_env=runtime_env)
    job_config = _job_config(ray)
    if job_config is not None:
        quiet["job_config"] = job_config
    if address == LOCAL:
        try:
            ray.init(address="local", num_cpus=cpus or _cores(),
                     object_store_memory=256 * 1024 ** 2, **quiet)
        except Exception as err:  # noqa: BLE001 - one line, exit 2
            raise RayUnavailable(f"cannot start Ray in this process ({one_line(err)}): check "
                                 "that /tmp is writable, or join a running cluster with "
                                 "--ray HOST:PORT") from None
        return
    fix = ("start it with `ray start --head --port=PORT` on the head node and run this "
           "command on a node of that cluster, or use --ray local")
    target = _auto_address(fix) if address == "auto" else address
    if target:
        host, port = _host_port(target, fix)
        try:
            socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
        except OSError as err:
            where = address if target == address else f"{address} ({target})"
            raise RayUnavailable(f"cannot reach a Ray cluster at {where}: "
                                 f"{err.strerror or one_line(err)}; {fix}") from None
    quiet.pop("include_dashboard")
    try:
        with _stderr_silenced():  # Ray's C++ client logs every retry there
            ray.init(address=address, **quiet)
    except Exception as err:  # noqa: BLE001 - one line, exit 2
        cause = _root_cause(err)
        if "auth" in type(cause).__name__.lower() or "token" in str(cause).lower():
            raise RayUnavailable(
                f"the Ray cluster at {address} wants its authentication token, which this "
                "machine does not have: copy ~/.ray/auth_token from the head node here, or "
                "set RAY_AUTH_TOKEN to its content (and RAY_AUTH_MODE not to disabled)"
            ) from None
        raise RayUnavailable(f"cannot join the Ray cluster at {address} ({one_line(cause)}): "
                             f"{fix}") from None


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 to /dev/null for the duration (C++ logs do not pass through Python)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


PROJECT_ROOT = Path(__file__).resolve().parent.parent  # holds the review and models packages


def _job_config(ray):
    """Workers import this project from the folder it lives in here (Ray adds only the
    driver's working directory on its own), so `python -m review` works from any folder as
    long as every node has the project at the same path, or installed."""
    try:
        return ray.job_config.JobConfig(_py_driver_sys_path=[str(PROJECT_ROOT)])
    except Exception:  # noqa: BLE001 - a Ray without it: the working directory must do
        return None


def _auto_address(fix: str) -> str | None:
    """The cluster `auto` means (RAY_ADDRESS, else the last `ray start` on this node), or None
    when Ray's way of finding it is not available in this version of Ray."""
    try:
        from ray._private.services import canonicalize_bootstrap_address_or_die
    except ImportError:
        return None
    try:
        return canonicalize_bootstrap_address_or_die("auto")
    except ConnectionError as err:
        raise RayUnavailable(f"--ray auto found no Ray cluster on this node ({one_line(err)}): "
                             f"{fix}") from None
    except Exception:  # noqa: BLE001 - let ray.init find it
        return None


def _host_port(address: str, fix: str) -> tuple[str, int]:
    text = address.split("://", 1)[-1]
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(f"--ray {address}: give `local` or the head's HOST:PORT, "
                             "e.g. --ray 10.0.0.5:6379")
    return host.strip("[]"), int(port)


def _use_auth_token_if_any() -> None:
    """Present the local Ray token when joining by address, as Ray does for `auto`.

    Clusters started with `ray start` (Ray 2.5x+) require a token, kept in ~/.ray/auth_token;
    Ray only offers it on its own for clusters it finds itself. RAY_AUTH_MODE set by the user
    is left alone.
    """
    if os.environ.get("RAY_AUTH_MODE"):
        return
    path = os.environ.get("RAY_AUTH_TOKEN_PATH") or str(Path("~/.ray/auth_token").expanduser())
    if not (os.environ.get("RAY_AUTH_TOKEN") or Path(path).is_file()):
        return
    os.environ["RAY_AUTH_MODE"] = "token"
    if "ray" in sys.modules:  # imported already (a script's own import): read the mode again
        try:
            from ray._raylet import Config

            Config.initialize("")
        except Exception:  # noqa: BLE001 - then RAY_AUTH_MODE=token must be set by the user
            pass


def _root_cause(err: BaseException) -> BaseException:
    seen = set()
    while (err.__cause__ or err.__context__) is not None and id(err) not in seen:
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return err
