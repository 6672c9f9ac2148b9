"""Starting a refresh: Prefect's temporary API server and the refresh's own slow start side by side.

Without `PREFECT_API_URL`, the first API call of a flow starts a temporary Prefect server (a
uvicorn subprocess, ~5 s) and the calling thread only polls its health meanwhile. Importing Great
Expectations and building its context (~3 s) needs nothing from that server, so a refresh that
will validate anything does it while the server starts, on the machine's other core, instead of
after it. The server object is Prefect's own singleton: the flow run finds it started.

On a busy machine the server can take minutes (a first run also creates its database): the
refresh waits for it, well past Prefect's 20 s default, saying every so often that it waits, and
starts it once more if its process dies; only then does it stop, with one line saying what to do.

Every import here is deferred into the function that needs it, on purpose: the refresh's own
imports (DuckDB, polars, pyarrow, the tasks) must run while the server starts, not before.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# How long a temporary server may take to answer: at least this, or Prefect's own
# PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS when that is longer. Prefect's default (20 s)
# is measured on an idle machine; on a fresh clone the server also creates its database, and with
# two cores busy that took 40-90 s (issue 16).
STARTUP_DEADLINE_S = 240
# A server process that dies while starting (a port taken between the check and the bind, a
# database locked by another process) is started again once, on a fresh port.
STARTUP_ATTEMPTS = 2
# While the refresh waits for the server: a first line after this long, then one per interval.
PROGRESS_AFTER_S = 10.0
PROGRESS_EVERY_S = 20.0


class ServerDidNotStart(RuntimeError):
    """Prefect's temporary API server did not answer in time, or died while starting."""


def uses_temporary_server() -> bool:
    """Whether this process's flow runs will start Prefect's temporary server."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def start_server_while(
    work: Callable[[], object], progress: Callable[[str], object] | None = None
) -> None:
    """Run `work` in this thread while Prefect's temporary server starts in the background; return
    when both are done. With a configured API (a long-lived server) `work` just runs. A server
    still starting when `work` is done is waited for with `progress` lines (stderr by default)."""
    if not uses_temporary_server():
        work()
        return
    failure: list[BaseException] = []

    def start() -> None:
        try:
            start_temporary_server()
        except BaseException as err:  # re-raised in the calling thread
            failure.append(err)

    began = time.monotonic()
    starting = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    starting.start()
    try:
        work()
    finally:
        wait_for_server(starting, began, progress or _to_stderr)
    if failure:
        raise failure[0]


def start_temporary_server() -> None:
    """Start Prefect's temporary API server (its singleton, which the flow run then finds running)
    and wait until it answers, for as long as a busy machine needs: `STARTUP_DEADLINE_S` or
    Prefect's own timeout, whichever is longer. A server process that exits while starting is
    replaced once, on a fresh port. Raises `ServerDidNotStart` with a one-line reason."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    prefect_timeout = int(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    deadline = max(STARTUP_DEADLINE_S, prefect_timeout)
    reason = ""
    for _attempt in range(STARTUP_ATTEMPTS):
        server = SubprocessASGIServer()
        try:
            server.start(timeout=deadline)
            return
        except Exception as err:
            process = server.server_process
            code = process.poll() if process is not None else None
            # stop() also forgets this instance, so the next SubprocessASGIServer() is a new one
            server.stop()
            if process is None:  # never started (no free port): the error says why
                reason = str(err)
            elif code is None:  # still starting after the whole deadline: no second try
                reason = f"no answer within {deadline} s"
                break
            else:
                reason = f"its process exited with code {code}"
    raise ServerDidNotStart(
        f"Prefect's temporary API server did not start ({reason}); start one with "
        "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api, or raise "
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
    )


def wait_for_server(
    starting: threading.Thread, began: float, progress: Callable[[str], object]
) -> None:
    """Join the thread starting the server; while it takes long, say so now and then, so a slow
    first run on a busy machine is seen to be waiting rather than hanging."""
    next_note = began + PROGRESS_AFTER_S
    while True:
        starting.join(timeout=max(0.0, next_note - time.monotonic()))
        if not starting.is_alive():
            return
        waited = time.monotonic() - began
        progress(
            f"waiting for Prefect's temporary API server to start ({waited:.0f} s; a busy "
            "machine or a first run, which creates its database, can take a few minutes)"
        )
        next_note = time.monotonic() + PROGRESS_EVERY_S


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def snapshot_refresh_lands_anything(warehouse: Path) -> bool:
    """Whether a snapshot refresh of this warehouse would validate anything: a new warehouse, or
    a bundled file that differs from what was last landed. Decides whether Great Expectations
    is worth importing ahead of the flow (a refresh with nothing new never imports it)."""
    from tasks.core.settings import get_settings
    from tasks.load.ingest import changed_snapshot_files
    from tasks.load.warehouse import WarehouseError, open_warehouse
    from tasks.sources.registry import ASSUMPTION_FILES, SNAPSHOT_FILES

    if not warehouse.exists():
        return True
    settings = get_settings(warehouse=warehouse)
    files = (*[f for kind in SNAPSHOT_FILES.values() for f in kind], *ASSUMPTION_FILES)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            return bool(changed_snapshot_files(con, files, settings=settings))
    except WarehouseError:
        return True  # the refresh will say what is wrong with it; warming up costs nothing then
