"""Load packages and rebuild, doctor, backup: the warehouse can be recreated from raw alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from reliability_helpers import leaderboard, raw_content, table_checksums
from typer.testing import CliRunner

from footprints.commands.maintenance import backup, doctor, rebuild
from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR, read_load_package
from tasks.load.manifest import MANIFEST_FILE
from tasks.load.warehouse import open_warehouse
from tasks.ops.doctor import run_checks
from tasks.ops.raw_area import MaintenanceError
from tasks.ops.rebuild import rebuild_warehouse

# The commands as the lead will register them (footprints/cli.py is not ours to edit).
app = typer.Typer()
app.command("doctor")(doctor)
app.command("backup")(backup)
app.command("rebuild")(rebuild)
runner = CliRunner()


def test_every_load_leaves_a_package_and_a_journal_line(refreshed: Path) -> None:
    raw = refreshed.parent / "raw"
    journal = [json.loads(x) for x in (raw / PACKAGES_DIR / JOURNAL_FILE).read_text().splitlines()]
    with open_warehouse(refreshed, read_only=True) as con:
        logged = con.execute("select load_id, table_name, rows_in from meta_load_log").fetchall()
        manifest = con.execute("select count(*) from meta_raw_manifest").fetchall()[0][0]
    assert sorted(e["load_id"] for e in journal) == sorted(r[0] for r in logged)
    for entry in journal:
        package = read_load_package(raw / PACKAGES_DIR / entry["package"])
        assert package.header["table"] == entry["table"]
        assert entry["status"] == "success"
        if package.header.get("kind") == "bulk":  # the rows are the archived file's
            assert (raw / str(package.header["raw_file"])).is_file()
            assert entry["rows"] == entry["rows_in"] - package.good.height  # rows not landed
            continue
        assert {"_source_url", "_source_sha256"} <= set(package.good.columns)
        assert entry["rows"] == package.good.height
    lines = (raw / MANIFEST_FILE).read_text().splitlines()
    assert len({(json.loads(x)["source"], json.loads(x)["url"]) for x in lines}) == manifest


def test_rebuild_into_another_path_gives_the_same_leaderboard(
    refreshed: Path, tmp_path: Path
) -> None:
    target = tmp_path / "rebuilt.duckdb"
    done = runner.invoke(
        app,
        ["rebuild", "--warehouse", str(target), "--from-raw", str(refreshed.parent / "raw")],
    )
    assert done.exit_code == 0, done.output
    assert "loads replayed" in done.output
    assert leaderboard(target) == leaderboard(refreshed)  # every column of every row
    assert raw_content(target) == raw_content(refreshed)
    original, rebuilt = table_checksums(refreshed), table_checksums(target)
    assert rebuilt["meta_raw_manifest"] == original["meta_raw_manifest"]
    assert rebuilt["meta_quarantine"][0] == original["meta_quarantine"][0]


def test_delete_the_database_and_rebuild(warehouse: Path) -> None:
    before = leaderboard(warehouse)
    warehouse.unlink()
    checks = {c.name: c for c in run_checks(warehouse)}
    assert not checks["warehouse"].ok and "footprints rebuild" in checks["warehouse"].advice
    result = rebuild_warehouse(warehouse, warehouse.parent / "raw")
    assert result.backup is None
    assert leaderboard(warehouse) == before
    done = runner.invoke(app, ["doctor", "--warehouse", str(warehouse)])
    assert done.exit_code == 0, done.output


def test_a_corrupt_database_file_doctor_says_so_and_rebuild_recovers(warehouse: Path) -> None:
    before = leaderboard(warehouse)
    data = bytearray(warehouse.read_bytes())
    for i in range(8192, min(len(data), 8192 + 64 * 1024)):
        data[i] = 0x55
    warehouse.write_bytes(bytes(data))
    done = runner.invoke(app, ["doctor", "--warehouse", str(warehouse)])
    assert done.exit_code == 1
    assert "FAIL" in done.output and str(warehouse) in done.output
    assert "footprints rebuild" in done.output
    done = runner.invoke(app, ["rebuild", "--warehouse", str(warehouse)])
    assert done.exit_code == 0, done.output
    assert Path(f"{warehouse}.bak").read_bytes() == bytes(data)  # the damaged file is kept
    assert leaderboard(warehouse) == before
    assert all(c.ok for c in run_checks(warehouse))


def test_doctor_finds_a_missing_or_altered_payload_and_a_missing_package(warehouse: Path) -> None:
    raw = warehouse.parent / "raw"
    assert all(c.ok for c in run_checks(warehouse))
    payload = next(p for p in (raw / "snapshot").iterdir() if p.is_file())
    payload.write_bytes(payload.read_bytes() + b"tampered")
    package = next((raw / PACKAGES_DIR).glob("*.parquet"))
    package.unlink()
    checks = {c.name: c for c in run_checks(warehouse)}
    assert not checks["raw archive"].ok and "wrong sha256" in checks["raw archive"].detail
    assert not checks["load packages"].ok and package.stem in checks["load packages"].detail
    with pytest.raises(MaintenanceError, match=package.stem):  # a rebuild refuses, naming it
        rebuild_warehouse(tmp := warehouse.with_name("other.duckdb"), raw)
    assert not tmp.exists()


def test_doctor_reports_token_names_never_values(
    refreshed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOOTPRINTS_EMBER_TOKEN", "SENTINEL-doctor-0c1d")
    done = runner.invoke(app, ["doctor", "--warehouse", str(refreshed)])
    assert "FOOTPRINTS_EMBER_TOKEN" in done.output and "SENTINEL" not in done.output
    monkeypatch.setenv("FOOTPRINTS_QUARANTINE_THRESHOLD", "7")
    done = runner.invoke(app, ["doctor", "--warehouse", str(refreshed)])
    assert done.exit_code == 1 and "FOOTPRINTS_QUARANTINE_THRESHOLD" in done.output


def test_doctor_reports_a_wal_as_fine(warehouse: Path) -> None:
    from tasks.load.warehouse import connect

    con = connect(warehouse)
    con.execute("set checkpoint_threshold = '1GB'")
    con.execute("insert into meta_build_log select * from meta_build_log limit 0")
    con.execute("create table keep_wal as select 1 as x")
    shutil.copyfile(warehouse, warehouse.with_name("copy.duckdb"))
    shutil.copyfile(f"{warehouse}.wal", warehouse.with_name("copy.duckdb.wal"))
    con.close()
    copy = warehouse.with_name("copy.duckdb")
    checks = {c.name: c for c in run_checks(copy)}
    assert checks["wal"].ok and "not yet checkpointed" in checks["wal"].detail


def test_backup_is_consistent_and_opens(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups" / "b.duckdb"
    done = runner.invoke(app, ["backup", "--warehouse", str(warehouse), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert leaderboard(out) == leaderboard(warehouse)
    assert not Path(f"{out}.wal").exists()
    done = runner.invoke(app, ["backup", "--warehouse", str(warehouse), "--out", str(warehouse)])
    assert done.exit_code == 1 and "overwrite the warehouse" in done.output
