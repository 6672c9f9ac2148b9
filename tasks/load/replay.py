"""Replay of a scanned load from its package and archived file (`footprints rebuild`); loads
whose package holds their rows are replayed by `tasks.load.land.land_batch` itself."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from tasks.load.journal import LoadPackage
from tasks.load.land import commit_load
from tasks.load.scan import load_settings, load_settings_for, merge_file, plan_for, source_types
from tasks.load.warehouse import RAW_TABLE_KEYS, WarehouseError

# The file's rows that do not land: the package's row numbers.
_REPLAY_EXCLUDED = "select _row_number from bulk_excluded"


def replay_package(con: duckdb.DuckDBPyConnection, package: LoadPackage, raw_dir: Path) -> None:
    """Land a scanned load again from its package and archived file (`footprints rebuild`): the
    same rows, row hashes, load id, quarantine, validation results and log, without checking
    the file again (the package records what the checks found) and without a new package."""
    h = package.header
    table = str(h["table"])
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r} in load package {h.get('load_id')}")
    raw = raw_dir / str(h["raw_file"])
    if not raw.is_file():
        raise WarehouseError(
            f"archived file {raw} of load {h['load_id']} ({table}, {h['batch_scope']}) is "
            "missing: the raw area cannot replay it"
        )
    excluded = package.good.select(pl.col("_row_number").cast(pl.Int64))
    with load_settings(con, load_settings_for(con, table)):
        con.register("bulk_excluded_in", excluded.to_arrow())
        try:
            con.execute("create or replace temp table bulk_excluded as from bulk_excluded_in")
        finally:
            con.unregister("bulk_excluded_in")
        try:
            _replay_scanned(con, package, raw)
        finally:
            con.execute("drop table if exists bulk_excluded")


def _replay_scanned(con: duckdb.DuckDBPyConnection, package: LoadPackage, raw: Path) -> None:
    """The transaction of `replay_package`, over the file's rows but `bulk_excluded`."""
    h = package.header
    table, scope, load_id = str(h["table"]), str(h["batch_scope"]), str(h["load_id"])
    started = datetime.fromisoformat(str(h["started_at"]))
    rejected = h.get("rejected_reason")
    params: dict[str, Any] = {
        "path": str(raw),
        "_source_url": h["source_url"],
        "_source_sha256": h["payload_sha256"],
    }
    plan = plan_for(table, source_types(con, raw))
    merge = None
    if rejected is None:

        def merge() -> tuple[int, int, int]:
            return merge_file(con, plan, params, scope, load_id, started, _REPLAY_EXCLUDED)

    commit_load(
        con,
        merge,
        table,
        load_id=load_id,
        run_id=h.get("run_id"),
        batch_scope=scope,
        source_url=str(h["source_url"]),
        payload_sha256=str(h["payload_sha256"]),
        started_at=started,
        rows_in=int(h["rows_in"]),  # type: ignore[call-overload]
        quarantine=package.quarantine,
        validation=package.validation,
        rejected_reason=rejected,
    )
