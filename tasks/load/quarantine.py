"""Quarantine: the rows (or whole files and cards) that did not land, each with every reason.

Rows are recorded in meta_quarantine inside the load's own transaction, so a load and its
quarantine commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import polars as pl

from tasks.load.archive import to_json_row
from tasks.load.warehouse import read_sql

QUARANTINE_SCHEMA = {
    "row_number": pl.Int64,
    "row_key": pl.String,
    "reason": pl.String,
    "row_json": pl.String,
}


def row_key(row: dict[str, Any], key: Sequence[str]) -> str:
    """A row's natural key as text: `k1=v1 | k2=v2`."""
    return " | ".join(f"{k}={row.get(k)!s}" for k in key)


def quarantine_frame(
    bad: Iterable[tuple[int, dict[str, Any], list[str]]], key: Sequence[str]
) -> pl.DataFrame:
    """Quarantine rows from (row number, row, reasons): the key, every reason, the row as JSON."""
    return pl.DataFrame(
        [
            {
                "row_number": number,
                "row_key": row_key(row, key),
                "reason": "; ".join(reasons) or "failed a value check",
                "row_json": to_json_row(row),
            }
            for number, row, reasons in bad
        ],
        schema=QUARANTINE_SCHEMA,
    )


def record_frame(
    con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame, sql: str, params: list[Any]
) -> None:
    """Insert `frame` (registered as `name`, which `sql/<sql>` reads) with `params`."""
    if frame.height == 0:
        return
    con.register(name, frame.to_arrow())
    try:
        con.execute(read_sql(sql), params)
    finally:
        con.unregister(name)


def record_quarantine(
    con: duckdb.DuckDBPyConnection,
    quarantine: pl.DataFrame,
    *,
    load_id: str,
    run_id: str | None,
    table: str,
    source_url: str,
    payload_sha256: str,
) -> None:
    """A load's quarantined rows into meta_quarantine (inside the caller's transaction)."""
    record_frame(
        con,
        "quarantine_batch",
        quarantine,
        "load/insert_into_quarantine.sql",
        [load_id, run_id, table, source_url, payload_sha256],
    )
