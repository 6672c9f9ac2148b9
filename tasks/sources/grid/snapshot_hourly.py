"""Hourly and sub-hourly grid intensity: the bundled parquet series, landed like any snapshot file.

`warehouse/snapshot/grid/intensity_hourly.parquet` is built by
`scripts/snapshot/build_grid_hourly.py` (hourly 2022 from the fuel mix of eight US balancing
authorities, a 5-minute WattTime marginal signal for CAISO North, a 15-minute German series).
It lands in `raw_grid_intensity_hourly` through the one loading path (tasks/load/ingest.py): the
parser only reads the file; typing, validation and the merge are the loader's.
"""

from __future__ import annotations

import io

import polars as pl

from tasks.load.ingest import SnapshotFile

HOURLY_COLUMNS = (
    "zone_key",
    "ts_utc",
    "period_minutes",
    "carbon_intensity_g_per_kwh",
    "basis",
    "source",
    "source_url",
)


def read_intensity_parquet(data: bytes) -> pl.DataFrame:
    """A parquet payload with the business columns of raw_grid_intensity_hourly.

    Timestamps may be naive (taken as UTC) or zone-aware (converted to UTC by the validator).
    A file lacking a column is a ValueError, which the loader reports as a SourceError naming
    the file.
    """
    frame = pl.read_parquet(io.BytesIO(data))
    missing = [c for c in HOURLY_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"hourly intensity parquet lacks column(s) {', '.join(missing)}")
    return frame.select(HOURLY_COLUMNS)


# A Parquet file: the loading kernel scans it in DuckDB in place; it lands the same rows,
# quarantine, validation results and log as the in-memory path would.
SNAPSHOT_FILES = (
    SnapshotFile(
        "grid/intensity_hourly.parquet",
        "raw_grid_intensity_hourly",
        read_intensity_parquet,
    ),
)
