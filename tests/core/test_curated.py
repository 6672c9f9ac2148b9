"""Curated tables: typed rows from CSV, and errors that name the file, line and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tasks.core.curated import CURATED_ROOT, CuratedDataError, CuratedRow, read_table
from tasks.sources.hardware.curated import load_curation


class Price(CuratedRow):
    item: str
    usd: float | None = None
    source: str


def _write(tmp_path: Path, text: str) -> str:
    (tmp_path / "prices.csv").write_text(text, encoding="utf-8")
    return "prices.csv"


def test_rows_are_typed_and_empty_cells_absent(tmp_path: Path) -> None:
    name = _write(tmp_path, "item,usd,source\nA,1.5,datasheet\nB,,list page\n")
    rows = read_table(name, Price, root=tmp_path)
    assert rows == (
        Price(item="A", usd=1.5, source="datasheet"),
        Price(item="B", source="list page"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("item,usd,source\nA,1.5,x\nB,cheap,y\n", "line 3: column 'usd'"),
        ("item,usd,source\nA,1.5,\n", "line 2: column 'source': Field required"),
        ("item,usd,source\nA,1.5,x,extra\n", "line 2: more cells than the header has columns"),
        ("item,usd\nA,1.5\n", "missing column(s) ['source']"),
        ("item,usd,source,colour\nA,1,x,red\n", "unknown column(s) ['colour']"),
    ],
)
def test_bad_rows_name_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    name = _write(tmp_path, text)
    with pytest.raises(CuratedDataError) as err:
        read_table(name, Price, root=tmp_path)
    assert str(err.value).startswith(str(tmp_path / name))
    assert message in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CuratedDataError, match=r"nothing\.csv: cannot read"):
        read_table("nothing.csv", Price, root=tmp_path)


def test_gpu_tables_cite_every_hand_figure_and_price() -> None:
    curation = load_curation()
    for part in curation.parts:
        if part.hand:
            assert part.hand_source, f"{part.gpu_id}: hand values without a note"
        if any(x is not None for x in part.rental):
            assert part.rental_source, f"{part.gpu_id}: rental prices without a source"
    with (CURATED_ROOT / "gpus" / "curated" / "hand_values.csv").open(newline="") as f:
        assert all(row["source"].strip() for row in csv.DictReader(f))


def test_curated_parts_are_the_snapshots_training_accelerators(snapshot_dir: Path) -> None:
    with (snapshot_dir / "gpus" / "gpu_specs.csv").open(newline="", encoding="utf-8") as f:
        training = {
            r["gpu_id"] for r in csv.DictReader(f) if r["is_training_accelerator"] == "true"
        }
    # The curated parts, and the generic rows of names without a form factor (a bare 'V100')
    # spanning their variants.
    curation = load_curation()
    assert {p.gpu_id for p in curation.parts} | {g.gpu_id for g in curation.generics} == training
