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

The pool tells the run's observer (``review.run_options.RunObserver.message``) what it runs
on once it is up, and why when its actors are slow to start. The actors and the plan of the
pool are in ``review.ray_worker``; finding and joining a cluster in ``review.ray_cluster``.

Ray is imported only when a pool starts: ``--help`` and the app never pay for it.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from models.base import ModelUnavailable, Output, Progress, Translator, one_line
from review.errors import ReviewError
from review.ray_cluster import (CONNECT_TIMEOUT_S, LOCAL, RayUnavailable, actor_env,
                                auto_address, cores, driver_job_config, host_port,
                                import_ray, root_cause, stderr_silenced,
                                use_auth_token_if_any)
from review.ray_worker import PoolInfo, TranslatorActor, plan_pool
from review.run_options import NO_OBSERVER, RunObserver

SLOW_START_S = 30.0  # after this long waiting for actors, say why it may take longer


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


class RayTranslator(Translator):
    """A ``Translator`` whose model runs in a pool of Ray actors.

    ``address`` is "local" (start Ray in this process, with ``cpus`` CPUs, default all) or the
    address of a running cluster (``HOST:PORT`` of its head, or "auto"). ``actors`` defaults to
    one per GPU when the cluster has GPUs (and the engine is not CTranslate2, which runs on
    CPUs), else one per CPU (at most 32). Nothing starts until ``start`` or the first
    ``translate``; ``close`` stops the actors, and Ray when it was started here. A process
    that called ``ray.init`` itself keeps its connection: the pool uses it, whatever
    ``address`` says, and leaves it running. The ``observer`` gets a line describing the pool
    once it is up, and one when its actors are slow to start.
    """

    def __init__(self, address: str = LOCAL, model: str | None = None,
                 engine: str | None = None, actors: int | None = None,
                 cpus: int | None = None, observer: RunObserver = NO_OBSERVER):
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
        self.observer = observer
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
            use_auth_token_if_any()  # read by Ray when it is imported
        ray = import_ray()
        self._ray = ray
        if not ray.is_initialized():
            _connect(ray, self.address, self.cpus)
            self._owns_ray = True
        try:
            self.info = self._start_actors(ray)
        except BaseException:
            self.close()
            raise
        self.observer.message(self.info.describe())
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
                self.observer.message(f"waiting for {len(pending)} of {len(refs)} Ray actors "
                                      "to load the model (a first download, or the cluster "
                                      "lacks free resources: see `ray status`)")
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



def _connect(ray, address: str, cpus: int | None) -> None:
    import logging

    env = actor_env()
    runtime_env = {"env_vars": env} if env else None
    quiet = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                 configure_logging=True, runtime_env=runtime_env)
    job_config = driver_job_config(ray)
    if job_config is not None:
        quiet["job_config"] = job_config
    if address == LOCAL:
        try:
            ray.init(address="local", num_cpus=cpus or cores(),
                     object_store_memory=256 * 1024 ** 2, **quiet)
        except Exception as err:  # noqa: BLE001 - one line, exit 2
            raise RayUnavailable(f"cannot start Ray in this process ({one_line(err)}): check "
                                 "that /tmp is writable, or join a running cluster with "
                                 "--ray HOST:PORT") from None
        return
    fix = ("start it with `ray start --head --port=PORT` on the head node and run this "
           "command on a node of that cluster, or use --ray local")
    target = auto_address(fix) if address == "auto" else address
    if target:
        host, port = host_port(target, fix)
        try:
            socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
        except OSError as err:
            where = address if target == address else f"{address} ({target})"
            raise RayUnavailable(f"cannot reach a Ray cluster at {where}: "
                                 f"{err.strerror or one_line(err)}; {fix}") from None
    quiet.pop("include_dashboard")
    try:
        with stderr_silenced():  # Ray's C++ client logs every retry there
            ray.init(address=address, **quiet)
    except Exception as err:  # noqa: BLE001 - one line, exit 2
        cause = root_cause(err)
        if "auth" in type(cause).__name__.lower() or "token" in str(cause).lower():
            raise RayUnavailable(
                f"the Ray cluster at {address} wants its authentication token, which this "
                "machine does not have: copy ~/.ray/auth_token from the head node here, or "
                "set RAY_AUTH_TOKEN to its content (and RAY_AUTH_MODE not to disabled)"
            ) from None
        raise RayUnavailable(f"cannot join the Ray cluster at {address} ({one_line(cause)}): "
                             f"{fix}") from None


