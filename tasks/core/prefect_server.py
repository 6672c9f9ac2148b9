"""Prefect's temporary API server, spawned the moment a run knows it needs one.

Prefect starts its temporary server from `prefect.server.api.server.SubprocessASGIServer`: a
uvicorn subprocess serving `prefect.server.api.server:create_app`. Importing that module costs the
calling process ~1.7 s and ~80 MB (FastAPI, the database models) before it can spawn anything,
and the subprocess then imports all of it again itself. A run spawns the same command instead
(the same arguments and environment as prefect==3.8.8's `_run_uvicorn_command`; a test compares
the two) as soon as it has read Prefect's settings, so the server boots on one core while the run
imports and validates on the other, and points its flow runs at it through PREFECT_API_URL, as it
would at a long-lived server. The run's process never imports the server's code, and spawns the
server before it imports Prefect at all (`spawn_early`, ~0.8 s sooner).

The server lives as long as the run: it is stopped at exit (`atexit`), and by
`flows._startup.stop_children` on SIGINT or SIGTERM. It is also the server Dask workers share
when no API is configured (`tasks.sources.models.user_cards_fanout.prefect_api_for_workers`).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tasks.core.settings import environment_variable

# What Prefect's temporary server is started with besides the caller's environment: no UI, and
# the markers of an ephemeral server (prefect==3.8.8, SubprocessASGIServer._run_uvicorn_command).
SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
# uvicorn exits with 3 when it cannot bind its port (taken between our check and its bind).
EXIT_PORT_TAKEN = 3
# How long a temporary server may take to answer: at least this, or Prefect's own
# PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS when that is longer. Prefect's default (20 s)
# is measured on an idle machine; on a fresh clone the server also creates its database, and with
# two cores busy that took 40-90 s (issue 16).
STARTUP_DEADLINE_S = 240
# A server process that dies while starting (a port taken between the check and the bind, a
# database locked by another process) is started again once, on a fresh port.
STARTUP_ATTEMPTS = 2
POLL_S = 0.1
STOP_WAIT_S = 5.0


class ServerDidNotStart(RuntimeError):
    """Prefect's temporary API server did not answer in time, or died while starting."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def startup_deadline() -> int:
    """How long the server may take: STARTUP_DEADLINE_S, or Prefect's own
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS when that is longer."""
    # deferred: read once a run has imported Prefect (this module is imported before it)
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    return max(STARTUP_DEADLINE_S, int(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()))


def server_command(port: int) -> list[str]:
    """The command Prefect runs for its temporary server, on `port` (found without importing
    Prefect: the run spawns it before its own imports)."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("the prefect package is not installed")
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(next(iter(spec.submodule_search_locations))).parent),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


def server_environment() -> dict[str, str]:
    """The server's environment: ours and the ephemeral markers. Prefect also exports every
    setting set in a profile or prefect.toml; the server reads those itself from the same
    PREFECT_HOME and directory, to the same settings (a test compares the two)."""
    return {**os.environ, **SERVER_ENV}


def spawn_early() -> TemporaryServer | None:
    """The temporary server, spawned now, before Prefect is imported, unless the environment
    names an API or turns the temporary server off. `flows._startup.start_server_while` keeps it,
    or stops it when Prefect's settings (a profile) name an API after all."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    if os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "").lower() in ("0", "false", "no"):
        return None
    server = TemporaryServer()
    try:
        server.spawn()
    except OSError:  # no port or no process now: start_server_while tries again and says why
        return None
    return server


class TemporaryServer:
    """One temporary Prefect API server process: spawned on a free port, waited for until its
    health endpoint answers, stopped at exit. `command` builds the process's argv for a port
    (Prefect's by default; tests pass a small stand-in)."""

    def __init__(self, command: Callable[[int], list[str]] = server_command) -> None:
        self.command = command
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def spawn(self) -> None:
        """Start the process on a free port (returns at once; `wait` for it to answer)."""
        self.port = free_port()
        self.process = subprocess.Popen(self.command(self.port), env=server_environment())
        if self not in STARTED:
            STARTED.append(self)
            atexit.register(self.stop)

    def start(self) -> None:
        """`spawn`, unless its process was spawned already (`spawn_early`)."""
        if self.process is None:
            self._spawn_or_fail()

    def _spawn_or_fail(self) -> None:
        """`spawn`; no free port or no process is a ServerDidNotStart with a one-line reason."""
        try:
            self.spawn()
        except OSError as err:
            raise ServerDidNotStart(server_failure(str(err))) from err

    def wait(self, deadline_s: float, attempts: int) -> None:
        """Until the server answers /health, for up to `deadline_s` in all. A process that cannot
        bind its port is spawned again on another; one that exits otherwise is replaced until
        `attempts` processes have died. Raises ServerDidNotStart with a one-line reason."""
        deadline = time.monotonic() + deadline_s
        died = 0
        while time.monotonic() < deadline:
            code = self.process.poll() if self.process is not None else None
            if code is not None:
                died += code != EXIT_PORT_TAKEN
                if died >= attempts:
                    self.stop()
                    raise ServerDidNotStart(server_failure(f"its process exited with code {code}"))
                self._spawn_or_fail()
            elif self.answers():
                return
            time.sleep(POLL_S)
        self.stop()
        raise ServerDidNotStart(server_failure(f"no answer within {deadline_s:.0f} s"))

    def answers(self) -> bool:
        """Whether the server's health endpoint answers 200 now (never through a proxy)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"{self.api_url}/health", timeout=2) as response:
                return int(response.status) == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        """Terminate the process (killed if it has not exited within STOP_WAIT_S)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def pid(self) -> int | None:
        """The running server process's id (None when there is none)."""
        process = self.process
        return process.pid if process is not None and process.poll() is None else None


def server_failure(why: str) -> str:
    """The one line a run fails with when its temporary server does not start."""
    return (
        f"Prefect's temporary API server did not start ({why}); start one with "
        "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api, or raise "
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
    )


# The servers this process started, for `flows._startup.stop_children`.
STARTED: list[TemporaryServer] = []


@contextmanager
def using_api(url: str | None) -> Iterator[None]:
    """Flow runs inside use the API at `url` (the temporary server), and so do the processes
    they start (Dask workers read PREFECT_API_URL from the environment). None: as configured.

    Against the temporary server a flow run sends no heartbeats: they tell a long-lived server
    that a run's process died, and this server dies with the run. Prefect's heartbeat thread
    sleeps in one-second steps and the run waits for it at its end (~0.5 s per run, measured)."""
    if url is None:
        yield
        return
    # deferred: imported already by the flow's imports; this module is imported before Prefect
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_RUNNER_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    updates = {PREFECT_API_URL: url, PREFECT_RUNNER_HEARTBEAT_FREQUENCY: None}
    with environment_variable("PREFECT_API_URL", url), temporary_settings(updates=updates):
        yield
