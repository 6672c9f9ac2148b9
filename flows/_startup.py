"""Starting a refresh: Prefect's temporary API server and the refresh's own slow start side by side.

Without `PREFECT_API_URL`, the first API call of a flow starts a temporary Prefect server (a
uvicorn subprocess, ~5 s) and the calling thread only polls its health meanwhile. Importing Great
Expectations and building its context (~3 s) needs nothing from that server, so a refresh that
will validate anything does it while the server starts, on the machine's other core, instead of
after it. The server object is Prefect's own singleton: the flow run finds it started.

Every import here is deferred into the function that needs it, on purpose: the refresh's own
imports (DuckDB, polars, pyarrow, the tasks) must run while the server starts, not before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


def uses_temporary_server() -> bool:
    """Whether this process's flow runs will start Prefect's temporary server."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def start_server_while(work: Callable[[], object]) -> None:
    """Run `work` in this thread while Prefect's temporary server starts in the background; return
    when both are done. With a configured API (a long-lived server) `work` just runs."""
    if not uses_temporary_server():
        work()
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    failure: list[BaseException] = []

    def start() -> None:
        try:
            server.start()
        except BaseException as err:  # re-raised in the calling thread
            failure.append(err)

    starting = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    starting.start()
    try:
        work()
    finally:
        starting.join()
    if failure:
        raise failure[0]


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
