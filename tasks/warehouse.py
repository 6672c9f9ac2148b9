"""The warehouse: the one place that opens DuckDB, and the one loading path into raw tables.

Every load follows RELIABILITY.md: stage the batch, validate it, quarantine bad rows, MERGE by
natural key with a row hash, write the load log - all inside one transaction. A batch whose
payload hash equals the last successful load of its scope is skipped (nothing changed).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from footprints.settings import Settings, get_settings

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
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


def read_sql(relative: str, **identifiers: str) -> str:
    """SQL text from sql/<relative>, with allow-listed identifiers substituted (values use `?`)."""
    text = (SQL_DIR / relative).read_text(encoding="utf-8")
    for name, ident in identifiers.items():
        parts = [p.strip() for p in re.split(r"\band\b|=|\.", ident) if p.strip()]
        if not all(_IDENT.match(p) for p in parts):
            raise WarehouseError(f"refusing identifier {ident!r} in {relative}")
        text = text.replace("{" + name + "}", ident)
    return text


def _lock_message(path: Path, err: Exception) -> str:
    holder = re.search(r"\(PID (\d+)\)", str(err))
    who = f"process {holder.group(1)}" if holder else "another process"
    return (
        f"warehouse {path} is locked by {who} (a refresh is probably writing). "
        f"Wait for it to finish, or stop it; DuckDB said: {err}"
    )


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
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise WarehouseLockedError(_lock_message(path, err)) from err
        raise WarehouseError(f"cannot open warehouse {path}: {err}") from err
    if not read_only:
        apply_ddl(con)
    return con


@contextmanager
def open_warehouse(
    path: Path | None = None, *, read_only: bool = False, settings: Settings | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path, read_only=read_only, settings=settings)
    try:
        yield con
    finally:
        con.close()


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
    """Keep the payload content-addressed (raw first: every load can be replayed from it)."""
    settings = settings or get_settings()
    digest = sha256_bytes(data)
    if not re.fullmatch(r"[a-z0-9_]+", source):
        raise WarehouseError(f"bad source id {source!r}")
    target = settings.raw_path / source / digest
    if not target.exists():
        atomic_write_bytes(target, data)
    return Payload(
        source, url, data, digest, target, content_type, http_status, etag, last_modified
    )


def record_manifest(con: duckdb.DuckDBPyConnection, payload: Payload) -> None:
    con.execute(
        read_sql("load/insert_into_raw_manifest.sql"),
        [
            payload.sha256,
            payload.source,
            payload.url,
            payload.etag,
            payload.last_modified,
            payload.http_status,
            payload.content_type,
            len(payload.data),
            datetime.now(UTC).replace(tzinfo=None),
            str(payload.raw_path),
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


def new_load_id() -> str:
    return uuid.uuid4().hex


def _key_join(table: str) -> str:
    return " and ".join(f"t.{c} = s.{c}" for c in RAW_TABLE_KEYS[table])


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
) -> LoadResult:
    """One transaction: merge the good rows, record quarantine, validation and the load log.

    `good` holds the table's business columns plus `_source_url` and `_source_sha256`.
    When `rejected_reason` is set nothing is merged; the rejection and its reasons are recorded.
    """
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r}")
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
                status,
                rejected_reason,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
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
