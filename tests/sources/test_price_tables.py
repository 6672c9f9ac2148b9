"""The price tables of the cost views (gpus/curated/cloud_prices.csv and purchase_prices.csv):
cited rows, one family per accelerator, landed in raw_cloud_prices / raw_purchase_prices, and a
bad row quarantined with its reason while the good ones land."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.warehouse import open_warehouse
from tasks.sources.grid.snapshot import SNAPSHOT_FILES as GRID_FILES
from tasks.sources.hardware.snapshot import SNAPSHOT_FILES

FILES = {
    "gpus/curated/cloud_prices.csv": "raw_cloud_prices",
    "gpus/curated/purchase_prices.csv": "raw_purchase_prices",
}


def read(snapshot_dir: Path, name: str) -> list[dict[str, str]]:
    with (snapshot_dir / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def gpu_ids(snapshot_dir: Path) -> list[str]:
    return [r["gpu_id"] for r in read(snapshot_dir, "gpus/gpu_specs.csv")]


def test_registered_as_snapshot_files() -> None:
    registered = {(f.relative_path, f.table) for f in (*SNAPSHOT_FILES, *GRID_FILES)}
    assert set(FILES.items()) <= registered
    assert ("grid/electricity_prices.csv", "raw_electricity_prices") in registered


def test_electricity_prices_are_cited_yearly_and_in_usd_per_kwh(snapshot_dir: Path) -> None:
    rows = read(snapshot_dir, "grid/electricity_prices.csv")
    years = [int(r["year"]) for r in rows if r["country"] == "US"]
    assert years == list(range(min(years), max(years) + 1))  # no gap for a run to fall in
    for r in rows:
        assert re.search(r"https?://\S+", r["source"])
        assert 0.01 < float(r["usd_per_kwh"]) < 0.5, r


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_row_is_cited(snapshot_dir: Path, name: str) -> None:
    for r in read(snapshot_dir, name):
        assert re.search(r"https?://\S+", r["source"]), (name, r["accelerator"], r["year"])


@pytest.mark.parametrize("name", sorted(FILES))
def test_families_are_disjoint_and_each_covers_an_accelerator(
    snapshot_dir: Path, name: str
) -> None:
    patterns: dict[str, set[str]] = {}
    for r in read(snapshot_dir, name):
        patterns.setdefault(r["accelerator"], set()).add(r["gpu_id_pattern"])
    assert all(len(p) == 1 for p in patterns.values()), patterns  # one pattern per family
    ids = gpu_ids(snapshot_dir)
    for family, (pattern,) in patterns.items():
        assert any(re.fullmatch(pattern, i) for i in ids), family
    for i in ids:
        matched = [f for f, (p,) in patterns.items() if re.fullmatch(p, i)]
        assert len(matched) <= 1, (i, matched)


def test_the_families_take_the_boards_accelerators(snapshot_dir: Path) -> None:
    patterns = {
        r["accelerator"]: r["gpu_id_pattern"]
        for r in read(snapshot_dir, "gpus/curated/cloud_prices.csv")
    }

    def family(gpu_id: str) -> str | None:
        return next((f for f, p in patterns.items() if re.fullmatch(p, gpu_id)), None)

    assert family("nvidia-h100-80gb") == "NVIDIA H100 SXM"  # the generic name, SXM5 central
    assert family("nvidia-h100-pcie-80gb") == "NVIDIA H100 PCIe"
    assert family("nvidia-tesla-v100-dgxs-32-gb") == family("nvidia-v100") == "NVIDIA V100"
    assert family("google-tpu-v4i") is None  # the inference TPU is not the v4
    assert family("nvidia-geforce-rtx-3090") is None


def test_committed_prices_are_below_on_demand(snapshot_dir: Path) -> None:
    for r in read(snapshot_dir, "gpus/curated/cloud_prices.csv"):
        od = float(r["on_demand_usd_per_hour"])
        one = float(r["committed_1y_usd_per_hour"] or od)
        three = float(r["committed_3y_usd_per_hour"] or one)
        assert three <= one <= od, r["accelerator"]


def test_lands_and_quarantines_a_bad_row(tmp_path: Path, snapshot_dir: Path) -> None:
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    name = "gpus/curated/cloud_prices.csv"
    text = (snapshot_dir / name).read_text(encoding="utf-8")
    # a price per 8-GPU node slipped into the per-accelerator column
    bad = text + "NVIDIA B200,nvidia-b200,2025,Cloud,310.0,,,https://example.org/b200\n"
    payload = archive_payload("test", name, bad.encode(), settings=settings)
    with open_warehouse(settings=settings) as con:
        result = ingest_payload(
            con, payload, FILES[name], read_csv_text, batch_scope="test", settings=settings
        )
        assert result.quarantined == 1
        reason = con.execute(
            "select reason from meta_quarantine where table_name = 'raw_cloud_prices'"
        ).fetchall()
        landed = con.execute("select count(*) from raw_cloud_prices").fetchall()[0][0]
    assert "on_demand_usd_per_hour" in reason[0][0]
    assert landed == len(read(snapshot_dir, name))
