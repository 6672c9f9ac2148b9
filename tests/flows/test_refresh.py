"""End to end: the refresh flow on the bundled snapshot into a temporary warehouse."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

LEADERBOARD_COLUMNS = [
    "model",
    "organization",
    "release_date",
    "parameters_b",
    "gpu",
    "gpu_count",
    "gpu_hours",
    "grid_zone",
    "carbon_intensity_kg_per_kwh",
    "pue",
    "training_energy_mwh",
    "training_co2e_t",
    "training_water_kl",
    "development_energy_mwh",
    "development_co2e_t",
    "development_water_kl",
    "embodied_co2e_t",
    "embodied_water_kl",
    "total_energy_mwh",
    "total_co2e_t",
    "total_co2e_t_low",
    "total_co2e_t_high",
    "total_water_kl",
    "training_cost_usd",
    "disclosed_training_co2e_t",
    "estimation_tier",
    "sources",
]


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory) -> Path:
    from flows.refresh import refresh

    db = tmp_path_factory.mktemp("wh") / "footprints.duckdb"
    refresh(str(db))
    return db


def leaderboard_row(db: Path, model: str) -> dict:
    from tasks.load.warehouse import open_warehouse

    with open_warehouse(db, read_only=True) as con:
        cur = con.execute("select * from rpt_leaderboard where model = ?", [model])
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    assert rows, f"{model} not on the leaderboard"
    return dict(zip(cols, rows[0], strict=True))


def test_llama_31_405b_from_its_card(warehouse: Path) -> None:
    row = leaderboard_row(warehouse, "Llama 3.1 405B")
    assert row["gpu_hours"] == pytest.approx(30.84e6)
    assert row["disclosed_training_co2e_t"] == pytest.approx(8930)
    assert row["training_co2e_t"] == pytest.approx(8930)
    assert row["estimation_tier"] == 1
    assert row["training_co2e_basis"] == "disclosed"
    # 30.84M H100-hours x 700 W (PUE-adjusted per the card) = 21,588 MWh
    assert row["training_energy_mwh"] == pytest.approx(21_588, rel=1e-6)
    assert row["disclosed_training_co2e_market_t"] == 0
    assert row["total_co2e_t_low"] <= row["total_co2e_t"] <= row["total_co2e_t_high"]
    assert "llama" in row["sources"].lower()


def test_leaderboard_shape_and_order(warehouse: Path) -> None:
    from tasks.load.warehouse import open_warehouse

    with open_warehouse(warehouse, read_only=True) as con:
        cur = con.execute("select * from rpt_leaderboard order by rank")
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    assert set(LEADERBOARD_COLUMNS) <= set(cols)
    assert len(rows) >= 40
    totals = [r["total_co2e_t"] for r in rows]
    assert totals == sorted(totals, reverse=True)
    for r in rows:
        assert r["total_co2e_t_low"] <= r["total_co2e_t"] <= r["total_co2e_t_high"], r["model"]
        assert r["sources"], r["model"]
        assert r["estimation_tier"] in (1, 2, 3, 4, 5)


def test_second_run_changes_nothing(warehouse: Path, checksums) -> None:
    from flows.refresh import refresh

    exports = warehouse.parent / "exports"
    written = {p: p.stat().st_mtime_ns for p in exports.rglob("*") if p.is_file()}
    before = checksums(warehouse)
    result = refresh(str(warehouse))
    assert checksums(warehouse) == before
    statuses = {r["status"] for rs in result["loads"].values() for r in rs}
    assert statuses == {"unchanged"}
    assert result["build"]["status"] == "unchanged"
    # Nothing new was built: the outputs already there are left as they are.
    assert result["build"]["outputs"] == []
    assert {p: p.stat().st_mtime_ns for p in exports.rglob("*") if p.is_file()} == written


def test_the_refresh_writes_the_outputs_it_owns(warehouse: Path, tmp_path: Path) -> None:
    from tasks.load.warehouse import open_warehouse
    from tasks.outputs.export import export_table

    exports = warehouse.parent / "exports"
    owned = ["leaderboard.csv", "disclosure_audit.csv", "datapackage.json", "report/index.html"]
    for name in owned:
        path = exports / name
        assert path.is_file(), name
        assert path.stat().st_mode & 0o044 == 0o044, f"{name} is not readable by others"
    # The CSV the run wrote is the one `footprints export leaderboard` writes from the warehouse.
    with open_warehouse(warehouse, read_only=True) as con:
        again = export_table(con, "leaderboard", tmp_path / "leaderboard.csv").path
    assert (exports / "leaderboard.csv").read_bytes() == again.read_bytes()
    described = (exports / "datapackage.json").read_text()
    assert "leaderboard.csv" in described and "disclosure_audit.csv" in described


def test_the_coverage_reports_are_published_and_exportable(warehouse: Path, tmp_path: Path) -> None:
    """rpt_not_estimable and rpt_disclosure_scorecard (issue 15): written by the refresh beside
    the leaderboard, described in its datapackage, shown in the report, and `footprints export
    not-estimable|scorecard` writes the same bytes."""
    from typer.testing import CliRunner

    from footprints.cli import app

    exports = warehouse.parent / "exports"
    runner = CliRunner()
    for name, file, key in (
        ("not-estimable", "not_estimable.csv", "model"),
        ("scorecard", "disclosure_scorecard.csv", "organization"),
    ):
        out = tmp_path / file
        res = runner.invoke(app, ["export", name, "--warehouse", str(warehouse), "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert out.read_bytes() == (exports / file).read_bytes()
        with out.open() as fh:
            rows = list(csv.DictReader(fh))
        assert rows and len({r[key] for r in rows}) == len(rows)
        package = json.loads((tmp_path / "datapackage.json").read_text())
        (resource,) = [r for r in package["resources"] if r["path"] == file]
        assert resource["path"] == file and resource["schema"]["primaryKey"] == [key]
    claude = next(
        r
        for r in csv.DictReader((exports / "not_estimable.csv").open())
        if r["model"] == "Claude Opus 4.5"
    )
    assert claude["organization"] == "Anthropic"
    assert claude["missing"] == "no training compute, hardware or GPU-hours"
    report = (exports / "report" / "index.html").read_text(encoding="utf-8")
    assert 'id="not-estimable-table"' in report and 'id="scorecard-table"' in report
    assert "Claude Opus 4.5" in report


def test_export_and_query_cli(warehouse: Path, tmp_path: Path, checksums) -> None:
    from typer.testing import CliRunner

    from footprints.cli import app

    runner = CliRunner()
    out = tmp_path / "lb.csv"
    res = runner.invoke(
        app, ["export", "leaderboard", "--warehouse", str(warehouse), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    with out.open() as fh:
        reader = csv.DictReader(fh)
        assert set(LEADERBOARD_COLUMNS) <= set(reader.fieldnames or [])
        first = next(reader)
    assert float(first["total_co2e_t"]) > 0

    res = runner.invoke(
        app,
        [
            "query",
            "select model, gpu_hours from rpt_leaderboard where model = 'Llama 3.1 405B'",
            "--warehouse",
            str(warehouse),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert '"gpu_hours": 30840000.0' in res.output

    before = checksums(warehouse)
    res = runner.invoke(app, ["query", "drop table rpt_leaderboard", "--warehouse", str(warehouse)])
    assert res.exit_code == 1
    assert "read-only" in res.output
    assert checksums(warehouse) == before


def test_only_a_changed_snapshot_counts_as_work(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`footprints run` imports Great Expectations ahead of the flow only when something will be
    validated: a new warehouse, or a bundled file that is not what was last landed."""
    import shutil

    from flows._startup import snapshot_refresh_lands_anything
    from tasks.core.settings import get_settings

    assert snapshot_refresh_lands_anything(tmp_path / "new.duckdb")
    assert not snapshot_refresh_lands_anything(warehouse)

    copy = tmp_path / "snapshot"
    shutil.copytree(get_settings().snapshot_dir, copy)
    monkeypatch.setenv("FOOTPRINTS_SNAPSHOT_DIR", str(copy))
    assert not snapshot_refresh_lands_anything(warehouse)
    assumptions = copy / "assumptions.csv"
    assumptions.write_text(assumptions.read_text() + "\n")
    assert snapshot_refresh_lands_anything(warehouse)


def test_refresh_with_a_cards_directory(prefect_harness, tmp_path: Path) -> None:
    """`footprints run --cards DIR` end to end: the README's worked example lands on the board
    (cards parsed in chunks on the flow's task runner, landed once), a bad file is quarantined
    naming it, and a rerun with nothing new lands nothing."""
    import shutil

    from flows.refresh import refresh
    from tasks.core.settings import REPO_ROOT

    cards = tmp_path / "cards"
    shutil.copytree(REPO_ROOT / "examples" / "cards", cards)
    (cards / "broken.yaml").write_text("model: Broken\ntraining: [unclosed\n")
    db = tmp_path / "footprints.duckdb"

    result = refresh(str(db), str(cards))
    card_load = next(r for r in result["loads"]["model_disclosures"] if "files" in r)
    assert card_load["files"] == 3
    assert [f for f, _ in card_load["quarantined_files"]] == [str(cards / "broken.yaml")]
    row = leaderboard_row(db, "Acme 7B")
    assert row["gpu_hours"] == pytest.approx(258_048)
    assert row["training_energy_mwh"] == pytest.approx(216.8, abs=0.05)
    assert row["training_co2e_t"] == pytest.approx(6.7, abs=0.05)
    assert row["estimation_tier"] == 4
    assert leaderboard_row(db, "Heron 1B")["estimation_tier"] == 1

    again = refresh(str(db), str(cards))
    assert {r["status"] for rs in again["loads"].values() for r in rs} == {"unchanged"}
