"""The warehouse: the one place that opens DuckDB, and the one loading path into raw tables.

Every load follows RELIABILITY.md: stage the batch, validate it, quarantine bad rows, MERGE by
natural key with a row hash, write the load log - all inside one transaction. A batch whose
payload hash equals the last successful load of its scope is skipped (nothing changed).

Replay from raw alone (the dlt 'load packages are kept for replay' promise): before its
transaction every load writes its validated batch, quarantine and validation results as a load
package `raw/_packages/<load_id>.parquet` (temp file + rename), and after COMMIT appends one line
to `raw/_packages/journal.jsonl` (fsynced). Every archived payload appends its manifest row to
`raw/manifest.jsonl`. `footprints rebuild` (tasks/ops/rebuild.py) replays the journal in order
through `land_batch` into a new file: the warehouse is a cache of the raw area.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.core.settings import Settings, get_settings

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")

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
    "raw_model_disclosures": ("source_url", "model", "phase", "field", "source_locator"),
    "raw_model_aliases": ("alias",),
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


class WarehouseError(RuntimeError):
    """A warehouse problem, with a message that says what to do."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the write lock on the warehouse file."""

    def __init__(self, message: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class WarehouseCorruptError(WarehouseError):
    """The database file or its write-ahead log cannot be read; the message names the file."""


PACKAGES_DIR = "_packages"
JOURNAL_FILE = "journal.jsonl"
MANIFEST_FILE = "manifest.jsonl"
_APPEND_LOCK = threading.Lock()  # fetch threads archive concurrently; one line per write


def read_sql(relative: str, **identifiers: str) -> str:
    """SQL text from sql/<relative>, with allow-listed identifiers substituted (values use `?`)."""
    text = (SQL_DIR / relative).read_text(encoding="utf-8")
    for name, ident in identifiers.items():
        parts = [p.strip() for p in re.split(r"\band\b|=|\.", ident) if p.strip()]
        if not all(_IDENT.match(p) for p in parts):
            raise WarehouseError(f"refusing identifier {ident!r} in {relative}")
        text = text.replace("{" + name + "}", ident)
    return text


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
                raise WarehouseError(
                    f"warehouse {path} does not exist yet: run `footprints run` first"
                )
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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def append_line(target: Path, line: str) -> None:
    """Append one line and fsync it: the journal and manifest of the raw area are append-only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    with _APPEND_LOCK:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)  # one write with O_APPEND: lines of two writers never interleave
            os.fsync(fd)
        except OSError as err:
            reason = f"{err.strerror} (appending to {target})"
            raise OSError(err.errno, reason, str(target)) from err
        finally:
            os.close(fd)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        if err.filename:
            raise
        # A write error (disk full) carries no file name by itself; the reader needs it.
        raise OSError(err.errno, f"{err.strerror or err} (writing {target})", str(target)) from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Payload:
    """A fetched or read payload, archived under raw/<source>/<sha256>."""

    source: str
    url: str
    data: bytes
    sha256: str
    raw_path: Path
    content_type: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None


def _manifest_row(payload: Payload) -> dict[str, object]:
    return {
        "sha256": payload.sha256,
        "source": payload.source,
        "url": payload.url,
        "etag": payload.etag,
        "last_modified": payload.last_modified,
        "http_status": payload.http_status,
        "content_type": payload.content_type,
        "bytes": len(payload.data),
        "fetched_at": (payload.fetched_at or _now()).isoformat(),
        "raw_path": str(payload.raw_path),
    }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def archive_payload(
    source: str,
    url: str,
    data: bytes,
    *,
    settings: Settings | None = None,
    content_type: str | None = None,
    http_status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Payload:
    """Keep the payload content-addressed (raw first: every load can be replayed from it), and
    append its manifest row to raw/manifest.jsonl so meta_raw_manifest can be rebuilt."""
    settings = settings or get_settings()
    digest = sha256_bytes(data)
    if not re.fullmatch(r"[a-z0-9_]+", source):
        raise WarehouseError(f"bad source id {source!r}")
    target = settings.raw_path / source / digest
    if not target.exists():
        atomic_write_bytes(target, data)
    payload = Payload(
        source,
        url,
        data,
        digest,
        target,
        content_type,
        http_status,
        etag,
        last_modified,
        _now(),
    )
    append_line(settings.raw_path / MANIFEST_FILE, to_json_row(_manifest_row(payload)))
    return payload


def record_manifest(con: duckdb.DuckDBPyConnection, payload: Payload) -> None:
    row = _manifest_row(payload)
    insert_manifest_row(con, row)


def insert_manifest_row(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    """One meta_raw_manifest row (the first record of a source x URL x sha256 wins)."""
    con.execute(
        read_sql("load/insert_into_raw_manifest.sql"),
        [
            row["sha256"],
            row["source"],
            row["url"],
            row.get("etag"),
            row.get("last_modified"),
            row.get("http_status"),
            row.get("content_type"),
            row["bytes"],
            datetime.fromisoformat(str(row["fetched_at"])),
            row["raw_path"],
        ],
    )


@dataclass(frozen=True)
class LoadResult:
    """What one load did; small enough to return from a task."""

    table: str
    batch_scope: str
    load_id: str
    status: str  # success | unchanged | rejected
    rows_in: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    quarantined: int = 0
    expectations_evaluated: int = 0
    expectations_failed: int = 0
    message: str = ""


def last_loaded_sha(con: duckdb.DuckDBPyConnection, table: str, scope: str) -> str | None:
    row = con.execute(read_sql("load/select_last_load.sql"), [table, scope]).fetchall()
    return row[0][0] if row else None


def unchanged_since_last_load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    scope: str,
    sha256: str,
    settings: Settings | None = None,
) -> bool:
    """Whether `sha256` is what the last load of (table, scope) landed, so nothing is to do.

    If so, that load's journal line is checked too: a process killed between a load's commit
    and its journal line (RELIABILITY.md case 6) leaves a committed load that `rebuild` cannot
    replay; its package was written before the commit, so the line is written now, from the
    load log and the package, and a re-run converges to a rebuildable warehouse."""
    if last_loaded_sha(con, table, scope) != sha256:
        return False
    packages = packages_dir(con, settings)
    if packages is None:
        return True
    rows = con.execute(
        "select load_id, source_url, source_sha256, status, rows_in, rows_quarantined, "
        "finished_at from meta_load_log where table_name = ? and batch_scope = ? "
        "and status in ('success', 'rejected') order by finished_at desc limit 1",
        [table, scope],
    ).fetchall()
    if not rows:
        return True
    load_id, url, sha, status, rows_in, quarantined, finished = rows[0]
    journal = packages / JOURNAL_FILE
    package = packages / f"{load_id}.parquet"
    if not package.is_file() or (journal.is_file() and load_id.encode() in journal.read_bytes()):
        return True  # journaled, or from before load packages existed
    journal_load(
        packages,
        load_id,
        table=table,
        batch_scope=scope,
        payload_sha256=sha,
        source_url=url,
        status=status,
        rows=rows_in - quarantined if status == "success" else 0,
        rows_in=rows_in,
        quarantined=quarantined,
        finished_at=finished,
        journaled_late=True,
    )
    return True


def new_load_id() -> str:
    return uuid.uuid4().hex


def _key_join(table: str) -> str:
    return " and ".join(f"t.{c} = s.{c}" for c in RAW_TABLE_KEYS[table])


def record_load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    load_id: str,
    run_id: str | None,
    batch_scope: str,
    source_url: str,
    payload_sha256: str,
    started_at: datetime,
    rows_in: int,
    changed: tuple[int, int, int],
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
    rejected_reason: str | None,
) -> None:
    """A load's quarantined rows, validation results and load-log row, inside the caller's
    transaction (every loading path records them the same way)."""
    for name, frame, sql in (
        ("quarantine_batch", quarantine, "load/insert_into_quarantine.sql"),
        ("validation_batch", validation, "load/insert_into_validation_results.sql"),
    ):
        if frame.height == 0:
            continue
        con.register(name, frame.to_arrow())
        try:
            params: list[object] = [load_id, table]
            if name == "quarantine_batch":
                params = [load_id, run_id, table, source_url, payload_sha256]
            con.execute(read_sql(sql), params)
        finally:
            con.unregister(name)
    inserted, updated, deleted = changed
    con.execute(
        read_sql("load/insert_into_load_log.sql"),
        [
            load_id,
            run_id,
            table,
            batch_scope,
            source_url,
            payload_sha256,
            started_at,
            rows_in,
            inserted,
            updated,
            deleted,
            quarantine.height,
            "rejected" if rejected_reason else "success",
            rejected_reason,
        ],
    )


def land_batch(
    con: duckdb.DuckDBPyConnection,
    table: str,
    good: pl.DataFrame,
    *,
    batch_scope: str,
    payload_sha256: str,
    source_url: str,
    rows_in: int,
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
    run_id: str | None,
    load_id: str,
    started_at: datetime,
    rejected_reason: str | None = None,
    settings: Settings | None = None,
    record: bool = True,
) -> LoadResult:
    """One transaction: merge the good rows, record quarantine, validation and the load log.

    `good` holds the table's business columns plus `_source_url` and `_source_sha256`.
    When `rejected_reason` is set nothing is merged; the rejection and its reasons are recorded.
    With `record` (always, except when replaying) the batch is first written as a load package
    and, once committed, journaled (see the module docstring), under `settings.raw_path` or,
    without settings, the raw folder of the connection's own database file.
    """
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r}")
    packages = packages_dir(con, settings) if record else None
    header: dict[str, object] = {
        "load_id": load_id,
        "table": table,
        "batch_scope": batch_scope,
        "payload_sha256": payload_sha256,
        "source_url": source_url,
        "rows_in": rows_in,
        "run_id": run_id,
        "started_at": started_at.isoformat(),
        "rejected_reason": rejected_reason,
    }
    if packages is not None:
        write_load_package(packages / f"{load_id}.parquet", header, good, quarantine, validation)
    inserted = updated = deleted = 0
    con.execute("begin transaction")
    try:
        if rejected_reason is None:
            con.execute(read_sql("load/create_stage.sql", table=table))
            business = good.drop(["_source_url", "_source_sha256"])
            meta = good.select(["_source_url", "_source_sha256"])
            con.register("incoming_business", business.to_arrow())
            con.register("incoming_meta", meta.to_arrow())
            try:
                con.execute(
                    read_sql("load/insert_into_stage.sql"),
                    [batch_scope, load_id, started_at],
                )
            finally:
                con.unregister("incoming_business")
                con.unregister("incoming_meta")
            actions = con.execute(
                read_sql("load/merge_into_raw.sql", table=table, key_join=_key_join(table)),
                [batch_scope],
            ).fetchall()
            for (action,) in actions:
                if action == "INSERT":
                    inserted += 1
                elif action == "UPDATE":
                    updated += 1
                elif action == "DELETE":
                    deleted += 1
            con.execute("drop table if exists stage")
        status = "rejected" if rejected_reason else "success"
        record_load(
            con,
            table,
            load_id=load_id,
            run_id=run_id,
            batch_scope=batch_scope,
            source_url=source_url,
            payload_sha256=payload_sha256,
            started_at=started_at,
            rows_in=rows_in,
            changed=(inserted, updated, deleted),
            quarantine=quarantine,
            validation=validation,
            rejected_reason=rejected_reason,
        )
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    if packages is not None:
        journal_load(
            packages,
            load_id,
            table=table,
            batch_scope=batch_scope,
            payload_sha256=payload_sha256,
            source_url=source_url,
            status=status,
            rows=good.height if rejected_reason is None else 0,
            rows_in=rows_in,
            quarantined=quarantine.height,
        )
    return LoadResult(
        table,
        batch_scope,
        load_id,
        status,
        rows_in,
        inserted,
        updated,
        deleted,
        quarantine.height,
        validation.height,
        validation.filter(~pl.col("success")).height if validation.height else 0,
        rejected_reason or "",
    )


def _journal(journal: Path, load_id: str, entry: dict[str, object]) -> None:
    try:
        append_line(journal, to_json_row(entry))
    except OSError as err:
        raise WarehouseError(
            f"load {load_id} is committed, but its journal line could not be written to "
            f"{journal} ({err}): `footprints rebuild` cannot replay it until it is loaded again; "
            "`footprints doctor` lists such loads"
        ) from err


def journal_load(
    packages: Path,
    load_id: str,
    *,
    table: str,
    batch_scope: str,
    payload_sha256: str,
    source_url: str,
    status: str,
    rows: int,
    rows_in: int,
    quarantined: int,
    finished_at: datetime | None = None,
    **extra: object,
) -> None:
    """Append a committed load's line to the journal `rebuild` replays (its package is
    `<load_id>.parquet` beside it)."""
    _journal(
        packages / JOURNAL_FILE,
        load_id,
        {
            "load_id": load_id,
            "table": table,
            "batch_scope": batch_scope,
            "payload_sha256": payload_sha256,
            "source_url": source_url,
            "status": status,
            "rows": rows,
            "rows_in": rows_in,
            "quarantined": quarantined,
            "package": f"{load_id}.parquet",
            "finished_at": (finished_at or _now()).isoformat(),
            **extra,
        },
    )


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    rows = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def packages_dir(con: duckdb.DuckDBPyConnection, settings: Settings | None) -> Path | None:
    """raw/_packages of this warehouse (None for an in-memory database without settings)."""
    if settings is not None:
        return settings.raw_path / PACKAGES_DIR
    db = database_path(con)
    return get_settings(warehouse=db).raw_path / PACKAGES_DIR if db else None


def _ipc_b64(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    return base64.b64encode(buffer.getvalue())


def _frame_of_b64(data: bytes | None) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(base64.b64decode(data))) if data else pl.DataFrame()


def write_load_package(
    target: Path,
    header: dict[str, object],
    good: pl.DataFrame,
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
) -> None:
    """The batch as it is about to land, replayable without the source: the rows in the
    Parquet body, the load's parameters, quarantine and validation results in its metadata."""
    table = good.to_arrow()
    table = table.replace_schema_metadata(
        {
            b"footprints.load": to_json_row(header).encode(),
            b"footprints.quarantine": _ipc_b64(quarantine),
            b"footprints.validation": _ipc_b64(validation),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    atomic_write_bytes(target, buffer.getvalue())


@dataclass(frozen=True)
class LoadPackage:
    header: dict[str, object]
    good: pl.DataFrame
    quarantine: pl.DataFrame
    validation: pl.DataFrame


def read_load_package(path: Path) -> LoadPackage:
    """A load package written by `write_load_package`."""
    table: pa.Table = pq.read_table(path)
    meta = table.schema.metadata or {}
    if b"footprints.load" not in meta:
        raise WarehouseError(f"{path} is not a footprints load package")
    good = pl.from_arrow(table.replace_schema_metadata(None))
    assert isinstance(good, pl.DataFrame)
    return LoadPackage(
        json.loads(meta[b"footprints.load"]),
        good,
        _frame_of_b64(meta.get(b"footprints.quarantine")),
        _frame_of_b64(meta.get(b"footprints.validation")),
    )


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
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
    return sha256_bytes("|".join(parts).encode())


def backup(con: duckdb.DuckDBPyConnection, db_path: Path, out: Path) -> Path:
    """A consistent copy: checkpoint first so the file holds every committed transaction."""
    con.execute("checkpoint")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.copyfile(db_path, tmp)
    os.replace(tmp, out)
    return out


def to_json_row(row: dict[str, object]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False, sort_keys=True)
