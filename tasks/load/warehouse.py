"""The warehouse's connection point: the one place that opens DuckDB (`connect`,
`open_warehouse`), applies the DDL and reads the SQL files (`read_sql`, identifiers allow-listed).

The raw tables, their natural keys and their column types are declared here, from the DDL;
loading into them is `tasks.load.land`'s job.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import duckdb

from tasks.core.settings import Settings, get_settings
from tasks.load.sql import SQL_DIR as SQL_DIR
from tasks.load.sql import WarehouseCorruptError as WarehouseCorruptError
from tasks.load.sql import WarehouseError as WarehouseError
from tasks.load.sql import WarehouseLockedError as WarehouseLockedError
from tasks.load.sql import WarehousePathError as WarehousePathError
from tasks.load.sql import read_sql as read_sql

# Natural key of each raw table (docs/data-contracts.md). This registry is also the allow-list of
# identifiers that may be put into the loading SQL.
RAW_TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "raw_grid_intensity_annual": ("source", "zone_key", "year", "basis"),
    "raw_grid_intensity_monthly": ("source", "zone_key", "year", "month", "basis"),
    "raw_grid_intensity_hourly": ("zone_key", "ts_utc", "source"),
    "raw_zones": ("zone_key",),
    "raw_cloud_regions": ("provider", "region"),
    "raw_location_aliases": ("alias", "zone_key"),
    "raw_gpu_specs": ("gpu_id",),
    "raw_gpu_aliases": ("alias",),
    "raw_largest_clusters": ("as_of_date",),
    "raw_cloud_prices": ("accelerator", "year"),
    "raw_electricity_prices": ("country", "year"),
    "raw_purchase_prices": ("accelerator", "year"),
    "raw_model_disclosures": ("source_url", "model", "phase", "field", "source_locator"),
    "raw_model_aliases": ("alias",),
    "raw_training_sites": ("organization", "cloud_vendor", "location"),
    "raw_model_organizations": ("kind", "key"),
    "raw_organization_countries": ("organization",),
    "raw_inference_measurements": ("source", "task", "model_id", "gpu", "configuration"),
    "raw_model_parameters": ("source", "provider", "model_id"),
    "raw_assumptions": ("key",),
    "raw_equivalences": ("key",),
}
META_COLUMNS = (
    "_batch_scope",
    "_source_url",
    "_source_sha256",
    "_row_hash",
    "_load_id",
    "_loaded_at",
)


def lock_holder(err: Exception | str) -> tuple[int | None, str | None]:
    """(PID, command line) of the process DuckDB says holds the lock, from /proc when we can."""
    holder = re.search(r"\(PID (\d+)\)", str(err))
    if not holder:
        return None, None
    pid = int(holder.group(1))
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        cmdline = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip() or None
    except OSError:  # not Linux, or the process has just ended
        cmdline = None
    return pid, cmdline


def _lock_message(path: Path, err: Exception) -> str:
    pid, cmdline = lock_holder(err)
    who = f"process {pid}" if pid else "another process"
    if cmdline:
        who += f" ({cmdline[:200]})"
    return (
        f"warehouse {path} is locked by {who} (a refresh is probably writing). "
        f"Wait for it to finish, or stop it; DuckDB said: {err}"
    )


def _open_error(path: Path, err: Exception) -> WarehouseError:
    """A clear error naming the file that failed, and the documented recovery."""
    text = str(err)
    if "lock" in text.lower() and isinstance(err, duckdb.IOException):
        return WarehouseLockedError(_lock_message(path, err), lock_holder(err)[0])
    recovery = (
        "Recovery (RELIABILITY.md case 7): restore a backup (`footprints backup` makes one), or "
        "`footprints rebuild` to recreate the warehouse from the raw area; the damaged file is "
        "kept as .bak. Nothing was deleted."
    )
    wal = Path(f"{path}.wal")
    if "wal" in text.lower() and wal.exists():
        return WarehouseCorruptError(
            f"the write-ahead log {wal} of warehouse {path} cannot be replayed: {text}. "
            f"Do not delete it by hand (it may hold committed loads). {recovery}"
        )
    if "corrupt" in text.lower() or "not a valid duckdb" in text.lower():
        return WarehouseCorruptError(f"warehouse file {path} is damaged: {text}. {recovery}")
    return WarehouseError(f"cannot open warehouse {path}: {text}")


def _missing_error(path: Path) -> WarehouseError:
    """Why a warehouse to read is not there, and the one thing that would help: a run, or (a
    user error, exit 2) another path, when no run could create this one."""
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is not None and _can_create_in(folder):
        return WarehouseError(f"warehouse {path} does not exist yet: run `footprints run` first")
    return WarehousePathError(
        f"warehouse {path} does not exist and cannot be created there ({folder or path.anchor} "
        "is not a writable folder): set FOOTPRINTS_WAREHOUSE or --warehouse to a file in a "
        "folder you can write"
    )


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be created in `folder`: tried, since permission bits lie for root and
    for special file systems such as /proc (only on this error path, the file removed at once)."""
    if not folder.is_dir():
        return False
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".footprints-probe-")
    except OSError:
        return False
    os.close(fd)
    Path(probe).unlink(missing_ok=True)
    return True


def connect(
    path: Path | None = None, *, read_only: bool = False, settings: Settings | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-write connections get the DDL applied; read-only ones get no
    access to files or the network beyond the database itself."""
    settings = settings or get_settings()
    path = Path(path or settings.warehouse)
    try:
        if read_only:
            if not path.exists():
                raise _missing_error(path)
            con = duckdb.connect(
                str(path),
                read_only=True,
                config={"enable_external_access": False, "lock_configuration": True},
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(path))
    except duckdb.Error as err:
        raise _open_error(path, err) from err
    if not read_only:
        try:
            apply_ddl(con)
        except duckdb.Error as err:
            con.close()
            raise _open_error(path, err) from err
    return con


# Threads of one process share one DuckDB instance per file, so DuckDB's file lock does not keep
# two of them from writing at once (they would meet as transaction conflicts). One writer per
# file per process, then: a second thread waits for the first (RELIABILITY.md case 3).
WRITER_WAIT_S = 600.0
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    key = str(path.absolute())
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.RLock())


@contextmanager
def open_warehouse(
    path: Path | None = None,
    *,
    read_only: bool = False,
    settings: Settings | None = None,
    wait_s: float = WRITER_WAIT_S,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection closed on exit. A read-write one is the process's only writer of the file:
    another thread waits up to `wait_s` for it; another process fails at once, naming it."""
    if read_only:
        con = connect(path, read_only=True, settings=settings)
        try:
            yield con
        finally:
            con.close()
        return
    target = Path(path or (settings or get_settings()).warehouse)
    lock = _writer_lock(target)
    if not lock.acquire(timeout=wait_s):
        raise WarehouseLockedError(
            f"warehouse {target} is being written by another thread of this process "
            f"(PID {os.getpid()}); waited {wait_s:g} s"
        )
    try:
        con = connect(target, settings=settings)
        try:
            yield con
        finally:
            con.close()
    finally:
        lock.release()


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    """Every `sql/ddl/create_*.sql`, in name order (each is idempotent)."""
    for path in sorted((SQL_DIR / "ddl").glob("create_*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


@cache
def _ddl_types() -> dict[str, dict[str, str]]:
    """Column types of every raw table, read from the DDL itself (one source of truth)."""
    con = duckdb.connect()  # in-memory, DDL only
    try:
        apply_ddl(con)
        out: dict[str, dict[str, str]] = {}
        for table in RAW_TABLE_KEYS:
            rows = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            out[table] = {name: dtype for name, dtype in rows}
        return out
    finally:
        con.close()


def raw_table_types(table: str) -> dict[str, str]:
    """{column: DuckDB type} of a raw table, meta columns included."""
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r}")
    return dict(_ddl_types()[table])


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    rows = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back without hiding the error that caused it: after a fatal error (disk full while
    writing the WAL or a checkpoint) DuckDB refuses even the rollback, and the original error is
    the one that names the file."""
    with suppress(duckdb.Error):
        con.execute("rollback")


def table_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of every raw table's content, by row hashes: equal fingerprints, equal inputs."""
    parts = []
    for table in sorted(RAW_TABLE_KEYS):
        rows = con.execute(
            f"select count(*), coalesce(bit_xor(hash(_row_hash)), 0) from {table}"
        ).fetchall()
        parts.append(f"{table}:{rows[0][0]}:{rows[0][1]}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def backup(con: duckdb.DuckDBPyConnection, db_path: Path, out: Path) -> Path:
    """A consistent copy: checkpoint first so the file holds every committed transaction."""
    con.execute("checkpoint")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.copyfile(db_path, tmp)
    os.replace(tmp, out)
    return out
