"""Fact rows gathered from many files or cards, landed as one batch into raw_model_disclosures:
the unusable items quarantined whole, the rows validated, everything in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import polars as pl

from tasks.core.facts import FACT_COLUMNS
from tasks.core.settings import Settings
from tasks.load.archive import to_json_row
from tasks.load.journal import new_load_id
from tasks.load.land import LoadResult, land_batch
from tasks.load.quarantine import QUARANTINE_SCHEMA
from tasks.load.validate import ValidationFailed, validate_batch

TABLE = "raw_model_disclosures"


def whole_item_quarantine(items: Sequence[tuple[str, str]], key_name: str) -> pl.DataFrame:
    """Quarantine rows for whole files or cards that could not be used, as (key, reason) pairs;
    row_number 0 says the reason is about the whole item, not a row of it."""
    return pl.DataFrame(
        [
            {
                "row_number": 0,
                "row_key": f"{key_name}={key}",
                "reason": reason,
                "row_json": to_json_row({key_name: key}),
            }
            for key, reason in items
        ],
        schema=QUARANTINE_SCHEMA,
    )


def land_fact_rows(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, str]],
    bad_items: Sequence[tuple[str, str]],
    key_name: str,
    *,
    batch_scope: str,
    batch_sha: str,
    batch_url: str,
    empty_reason: str,
    started_at: datetime,
    settings: Settings,
    run_id: str | None,
) -> tuple[LoadResult, list[tuple[str, str]]]:
    """Land fact rows gathered from many files or cards as one batch: the unusable items are
    quarantined whole (`key_name=<key>`), the rows are validated, and everything lands in one
    transaction. Returns the load and the rows quarantined by validation as (key, reason).

    Raises ValidationFailed (after recording why) when nothing was usable or the batch is over the
    quarantine threshold."""
    columns = [*FACT_COLUMNS, "_source_url", "_source_sha256"]
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns})
    item_quarantine = whole_item_quarantine(bad_items, key_name)
    common = {
        "batch_scope": batch_scope,
        "settings": settings,
        "payload_sha256": batch_sha,
        "source_url": batch_url,
        "run_id": run_id,
        "load_id": new_load_id(),
        "started_at": started_at,
    }
    if frame.height == 0:
        land_batch(
            con,
            TABLE,
            frame,
            rows_in=0,
            quarantine=item_quarantine,
            validation=pl.DataFrame(),
            rejected_reason=empty_reason,
            **common,  # type: ignore[arg-type]
        )
        raise ValidationFailed(f"{empty_reason}; " + "; ".join(f"{k}: {r}" for k, r in bad_items))
    checked = validate_batch(TABLE, frame, threshold=settings.quarantine_threshold)
    result = land_batch(
        con,
        TABLE,
        checked.good,
        rows_in=checked.rows_in,
        quarantine=pl.concat([item_quarantine, checked.quarantine]),
        validation=checked.results,
        rejected_reason=checked.rejected_reason,
        **common,  # type: ignore[arg-type]
    )
    if checked.rejected_reason:
        raise ValidationFailed(f"{batch_url}: {checked.rejected_reason}")
    return result, [(r["row_key"], r["reason"]) for r in checked.quarantine.iter_rows(named=True)]
