"""Starting a refresh: Prefect's temporary API server and the refresh's own slow start side by side.

Without `PREFECT_API_URL`, a run needs a temporary Prefect server (a uvicorn subprocess, ~3.5 s
to boot). It is spawned first (`tasks.core.prefect_server`), before the run's own imports, so it
boots on one core while this process imports DuckDB, polars and the flow and, when it will
validate anything, Great Expectations (~3 s), and starts validating the snapshot files that
changed; the flow run is then pointed at the server (`tasks.core.prefect_server.using_api`).

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
from contextlib import suppress
from pathlib import Path

from tasks.core.prefect_server import (
    STARTED,
    STARTUP_ATTEMPTS,
    TemporaryServer,
    startup_deadline,
)

# While the refresh waits for the server: a first line after this long, then one per interval.
PROGRESS_AFTER_S = 10.0
PROGRESS_EVERY_S = 20.0


def uses_temporary_server() -> bool:
    """Whether this process's flow runs need a temporary Prefect server (no API configured)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def start_server_while(
    work: Callable[[], object],
    progress: Callable[[str], object] | None = None,
    server: TemporaryServer | None = None,
) -> str | None:
    """Run `work` in this thread while Prefect's temporary server starts in its own process
    (`tasks.core.prefect_server`; `server` when the caller spawned it already); return its API
    URL once both are done, for `tasks.core.prefect_server.using_api`. With a configured API (a
    long-lived server) `work` just runs, a server spawned early is stopped, and None is returned.
    A server still starting when `work` is done is waited for with `progress` lines (stderr by
    default); one that does not start raises ServerDidNotStart with a one-line reason."""
    if not uses_temporary_server():
        if server is not None:
            server.stop()  # spawned before the settings were read: a profile names an API
        work()
        return None
    server = server or TemporaryServer()
    began = time.monotonic()
    server.start()  # first: the server boots on the other core while `work` runs here
    failure: list[BaseException] = []

    def wait() -> None:
        try:
            server.wait(startup_deadline(), STARTUP_ATTEMPTS)
        except BaseException as err:  # re-raised in the calling thread
            failure.append(err)

    starting = threading.Thread(target=wait, name="prefect-server-start", daemon=True)
    starting.start()
    try:
        work()
    finally:
        wait_for_server(starting, began, progress or _to_stderr)
    if failure:
        raise failure[0]
    from prefect.logging import get_logger  # deferred: set up by now, by the flow's imports

    # the line Prefect logs for its own temporary server (shown with -v)
    get_logger().info(f"Started a temporary server on {server.api_url.removesuffix('/api')}")
    return server.api_url


def import_what_the_flow_call_imports() -> None:
    """Import now, while the server boots, what Prefect imports at a process's first flow call,
    after the server answers: FastAPI's JSON encoder (and through it OpenTelemetry), with which it
    stores the flow's parameters, and graphviz, for flow visualisation. ~106 modules, 0.15-0.3 s
    measured between the server answering and the flow's first task."""
    # deferred: only a run calls a flow; prefect==3.8.8 imports these inside Flow.__call__
    import fastapi.encoders  # noqa: F401
    import prefect.utilities.visualization  # noqa: F401


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


def validate_snapshot_early(warehouse: Path) -> None:
    """Start validating the bundled files a snapshot refresh of this warehouse will land, on a
    thread of their own (`tasks.load.ingest.validate_early`), for the flow to find done: run
    after Great Expectations is imported, while the server is still starting and a core idles."""
    from tasks.core.settings import get_settings
    from tasks.load.ingest import validate_early
    from tasks.load.warehouse import WarehouseError
    from tasks.sources.registry import ASSUMPTION_FILES, SNAPSHOT_FILES

    files = (*[f for kind in SNAPSHOT_FILES.values() for f in kind], *ASSUMPTION_FILES)
    with suppress(WarehouseError):  # the refresh will say what is wrong with the warehouse
        validate_early(files, get_settings(warehouse=warehouse))


# --- stopping: a signal ends the run and its children within seconds --------------------------
#
# Kept apart from the start-up above on purpose: this part only answers SIGINT and SIGTERM.
# Left to Python and Prefect, Ctrl-C (SIGINT to the process group) stops the temporary server
# first, and the run then retries its event socket on the dead server for over a minute; a SIGTERM
# to the process alone ends it at once but leaves the server subprocess running, orphaned. A
# signal ending the run mid-load is the SIGKILL case the warehouse is built for (RELIABILITY.md
# case 6): the open transaction never commits, the raw area is written by rename only, and the
# next run converges.

STOP_GRACE_S = 3.0  # how long a child may take to exit on SIGTERM before it is killed


def stop_on_signals() -> None:
    """From now on, SIGINT or SIGTERM stops this process's children (the temporary Prefect
    server, Dask workers), says so on stderr and ends the process (exit 128 + the signal's
    number). Call from the main thread of a command-line run, never inside a library."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second signal must not interrupt this
            signal.signal(sig, signal.SIG_IGN)
        name = signal.Signals(signum).name
        stopped = stop_children()
        import os
        import sys

        sys.stderr.write(
            f"footprints: stopped by {name}: the load in progress rolls back, the warehouse "
            f"keeps its last commit; {stopped} child process(es) stopped; run again to finish\n"
        )
        sys.stderr.flush()
        os._exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    # During a flow run Prefect swaps in its own SIGTERM handler, which raises TerminationSignal
    # wherever the main thread is; inside a DuckDB query that becomes 'Query interrupted', a plain
    # error, so the run failed with exit 1 and our handler never ran. Prefect installs the
    # handler this module attribute names (prefect==3.8.8, pinned): point it at ours.
    try:
        import prefect.utilities.engine as prefect_engine

        prefect_engine._prefect_sigterm_handler = stop  # type: ignore[assignment]
    except (ImportError, AttributeError):  # another Prefect: its own bridge stays
        pass


def stop_children(grace: float = STOP_GRACE_S) -> int:
    """Terminate every descendant of this process (SIGTERM, then SIGKILL after `grace` seconds);
    returns how many there were."""
    import os
    import signal
    import time

    pids = _descendants(os.getpid()) | _server_pids()
    for pid in pids:
        _send(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if _running(pid)}
        time.sleep(0.05)
    for pid in alive:
        _send(pid, signal.SIGKILL)
    return len(pids)


def _server_pids() -> set[int]:
    """The temporary Prefect servers this process started (also where /proc is not)."""
    return {pid for pid in (s.pid() for s in STARTED) if pid is not None}


def _descendants(root: int) -> set[int]:
    """Every process below `root`, from /proc (empty where there is no /proc)."""
    parents: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) is in parentheses and may hold spaces; the parent's pid is
        # the second field after it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out: set[int] = set()
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _send(pid: int, sig: int) -> None:
    import os

    with suppress(OSError):  # gone already, or not ours
        os.kill(pid, sig)


def _running(pid: int) -> bool:
    """Whether `pid` still runs (a child that exited is reaped here, so it does not linger)."""
    import os

    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    except ChildProcessError:  # not our direct child: ask the kernel
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
