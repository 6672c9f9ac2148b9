"""Load packages and the journal: what `footprints rebuild` replays (the warehouse is a cache
of the raw area).

Before its transaction every load writes its batch, quarantine and validation results as a load
package `raw/_packages/<load_id>.parquet` (temp file + rename), and after COMMIT appends one line
to `raw/_packages/journal.jsonl` (fsynced) carrying the package's sha256, so `tasks.ops.rebuild`
replays the journal in order and refuses a package that is not the one the load wrote.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.core.settings import Settings, get_settings
from tasks.load.archive import (
    JOURNAL_PATH,
    append_line,
    atomic_write_bytes,
    now,
    sha256_bytes,
    sha256_file,
    to_json_row,
)
from tasks.load.warehouse import WarehouseError, database_path, read_sql

PACKAGES_DIR = JOURNAL_PATH.parent.name
JOURNAL_FILE = JOURNAL_PATH.name


def new_load_id() -> str:
    return uuid.uuid4().hex


def packages_dir(con: duckdb.DuckDBPyConnection, settings: Settings | None) -> Path | None:
    """raw/_packages of this warehouse (None for an in-memory database without settings)."""
    if settings is not None:
        return settings.raw_path / PACKAGES_DIR
    db = database_path(con)
    return get_settings(warehouse=db).raw_path / PACKAGES_DIR if db else None


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
    package_sha256: str,
    finished_at: datetime | None = None,
    **extra: object,
) -> None:
    """Append a committed load's line to the journal `rebuild` replays (its package is
    `<load_id>.parquet` beside it, with sha256 `package_sha256`)."""
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
            "package_sha256": package_sha256,
            "finished_at": (finished_at or now()).isoformat(),
            **extra,
        },
    )


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
        package_sha256=sha256_file(package),
        finished_at=finished,
        journaled_late=True,
    )
    return True


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
) -> str:
    """The batch as it is about to land, replayable without the source: the rows in the
    Parquet body, the load's parameters, quarantine and validation results in its metadata.
    Returns the package's sha256 (its journal line carries it)."""
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
    data = buffer.getvalue()
    atomic_write_bytes(target, data)
    return sha256_bytes(data)


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
