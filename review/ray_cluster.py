"""Connecting this process to Ray: importing it, finding and reaching a cluster, its token.

The driver side of ``translate --ray`` (``review.distributed``) uses these; Ray itself is
imported only by ``import_ray``, when a pool starts.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from models.base import one_line
from review.errors import ReviewError

LOCAL = "local"
RAY_PIN = "ray==2.60.0"  # as in requirements.txt
# The driver's variables an actor needs to find and run the model as the driver would, set on
# every actor (Ray writes them into its logs, so never a token or password: HF_TOKEN stays
# here; a private hub model is pulled on each node, or given as a folder every node has).
ACTOR_ENV = (
    "REVIEW_MT_MODEL",  # the model when the run names none (models.registry.mt_model_id)
    "REVIEW_TORCH_THREADS",  # torch threads of the transformers engine (models.marian)
    "REVIEW_CACHE",  # where CTranslate2 copies are (models.ct2.convert)
    "HF_HOME", "HF_HUB_CACHE",  # the Hugging Face cache (models.hub)
    "HF_HUB_OFFLINE",  # never download (models.hub.offline, and the hub client)
    "HF_ENDPOINT",  # a hub mirror to download from (models.hub.fetch)
)
CONNECT_TIMEOUT_S = 5.0  # for the head's port to answer before Ray is even asked


class RayUnavailable(ReviewError):
    """Ray is not installed, or the cluster cannot be reached; exit 2 like other bad input."""


def cores() -> int:
    """CPUs this process may use (its affinity, which a container may limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def import_ray():
    """Ray itself, imported on first need, with its usage stats off; one line if missing."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # never phone home from a CLI run
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray, which is not installed: pip install {RAY_PIN} "
                             "(it is in requirements.txt)") from None
    return ray


def actor_env() -> dict[str, str]:
    """The driver's variables set on every actor: those of ``ACTOR_ENV`` it has set."""
    return {name: os.environ[name] for name in ACTOR_ENV if name in os.environ}


@contextmanager
def stderr_silenced() -> Iterator[None]:
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


def driver_job_config(ray):
    """Workers import this project from the folder it lives in here (Ray adds only the
    driver's working directory on its own), so `python -m review` works from any folder as
    long as every node has the project at the same path, or installed."""
    try:
        return ray.job_config.JobConfig(_py_driver_sys_path=[str(PROJECT_ROOT)])
    except Exception:  # noqa: BLE001 - a Ray without it: the working directory must do
        return None


def auto_address(fix: str) -> str | None:
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


def host_port(address: str, fix: str) -> tuple[str, int]:
    """(host, port) of a cluster's address, "HOST:PORT" with an optional scheme."""
    text = address.split("://", 1)[-1]
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(f"--ray {address}: give `local` or the head's HOST:PORT, "
                             "e.g. --ray 10.0.0.5:6379")
    return host.strip("[]"), int(port)


def use_auth_token_if_any() -> None:
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


def root_cause(err: BaseException) -> BaseException:
    """The first exception of the chain that ended in ``err``."""
    seen = set()
    while (err.__cause__ or err.__context__) is not None and id(err) not in seen:
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return err
