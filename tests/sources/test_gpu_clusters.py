"""The largest cluster at a date (gpus/curated/largest_clusters.csv): a cited step function,
landed in raw_largest_clusters and read by stg_gpus__largest_clusters."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.warehouse import open_warehouse
from tasks.sources.hardware.snapshot import SNAPSHOT_FILES

FILE = "gpus/curated/largest_clusters.csv"
EPOCH_FILE = "reference/epoch_gpu_clusters_trimmed.csv"
EPOCH_REHOST = "https://github.com/sr3-k/data/blob/d62de22b9128a2598b039c06346e350f918b3810"


@pytest.fixture(scope="module")
def rows(snapshot_dir: Path) -> list[dict[str, str]]:
    with (snapshot_dir / FILE).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_columns_and_sources(rows: list[dict[str, str]]) -> None:
    assert list(rows[0]) == ["as_of_date", "accelerators", "accelerator_kind", "cluster", "source"]
    for r in rows:
        assert r["source"].strip() and "http" in r["source"], r
        assert r["cluster"].strip() and r["accelerator_kind"].strip(), r
        assert int(r["accelerators"]) > 0, r


def test_a_step_function_monotone_over_time(rows: list[dict[str, str]]) -> None:
    dates = [date.fromisoformat(r["as_of_date"]) for r in rows]
    sizes = [int(r["accelerators"]) for r in rows]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert sizes == sorted(sizes)  # never smaller than an earlier record
    assert dates[0] <= date(2012, 1, 1)  # reaches back before the deep-learning era's runs
    assert sizes[-1] >= 100_000  # the 2024-25 H100 clusters


def test_registered_as_a_snapshot_file() -> None:
    registered = {(f.relative_path, f.table) for f in SNAPSHOT_FILES}
    assert (FILE, "raw_largest_clusters") in registered


def _epoch_records(shared: Path) -> list[tuple[str, int, str]]:
    """Record-setting clusters in Epoch's file: operational (existing or decommissioned),
    confirmed or likely, with a named chip type and a first operational date."""
    d = pl.read_csv(shared / EPOCH_FILE, infer_schema_length=0)
    d = d.filter(
        pl.col("Status").is_in(["Existing", "Decommissioned"])
        & pl.col("Certainty").is_in(["Confirmed", "Likely"])
        & pl.col("Chip type (primary)").is_not_null()
        & pl.col("First Operational Date").is_not_null()
        & pl.col("Total number of AI chips").is_not_null()
    ).with_columns(
        n=pl.col("Total number of AI chips").cast(pl.Float64).cast(pl.Int64),
        day=pl.col("First Operational Date").str.strptime(pl.Date, "%m/%d/%Y"),
    )
    out: list[tuple[str, int, str]] = []
    best = 0
    for r in d.sort("day", "n").iter_rows(named=True):
        if r["n"] > best:
            best = r["n"]
            out.append((r["day"].isoformat(), r["n"], r["Name"]))
    return out


def test_epoch_rows_are_the_datasets_records(rows: list[dict[str, str]], shared_data: Path) -> None:
    ours = [
        (r["as_of_date"], int(r["accelerators"]), r["cluster"])
        for r in rows
        if EPOCH_REHOST in r["source"]
    ]
    assert ours == _epoch_records(shared_data)


def test_lands_and_stages(tmp_path: Path, snapshot_dir: Path) -> None:
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    data = (snapshot_dir / FILE).read_bytes()
    payload = archive_payload("test", FILE, data, settings=settings)
    with open_warehouse(settings=settings) as con:
        table = "raw_largest_clusters"
        result = ingest_payload(
            con, payload, table, read_csv_text, batch_scope="test", settings=settings
        )
        assert result.quarantined == 0
        sql = (Path(__file__).parents[2] / "sql/staging/stg_gpus__largest_clusters.sql").read_text()
        con.execute(f"create view stg_gpus__largest_clusters as {sql}")
        at = con.execute(
            "select accelerators from stg_gpus__largest_clusters where as_of_date <= date "
            "'2023-07-23' order by as_of_date desc limit 1"
        ).fetchone()
    assert at == (37632,)  # Frontier's MI250X (2022) was the record when Llama 2 came out
