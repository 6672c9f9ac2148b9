"""The bulk path lands a Parquet file exactly as the one loading path (tasks.load.ingest) does."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.land import ingest_payload, land_file
from tasks.load.scan import plan_for
from tasks.load.validate import ValidationFailed
from tasks.load.warehouse import WarehouseError, open_warehouse
from tasks.sources.grid.snapshot_hourly import read_intensity_parquet

TABLE = "raw_grid_intensity_hourly"
BUSINESS = (
    "zone_key, ts_utc, period_minutes, carbon_intensity_g_per_kwh, basis, source, source_url, "
    "_batch_scope, _source_url, _source_sha256"
)


def _land_both(tmp_path: Path, file: Path, scope: str = "test:hourly") -> tuple[dict, dict]:
    """Land `file` once in memory (ingest_payload) and once scanned (land_file), each into its
    own warehouse; return what each left behind."""
    out = {}
    for how in ("ingest", "bulk"):
        settings = get_settings(warehouse=tmp_path / how / "w.duckdb")
        url = f"test/{file.name}"
        with open_warehouse(settings=settings) as con:
            try:
                if how == "ingest":
                    payload = archive_payload("test", url, file.read_bytes(), settings=settings)
                    result = ingest_payload(
                        con,
                        payload,
                        TABLE,
                        read_intensity_parquet,
                        batch_scope=scope,
                        settings=settings,
                    )
                else:
                    result = land_file(
                        con,
                        file,
                        TABLE,
                        source="test",
                        url=url,
                        batch_scope=scope,
                        settings=settings,
                    )
                status = result.status
            except ValidationFailed as err:
                result, status = None, f"rejected: {err}"
            out[how] = {
                "status": status,
                "result": result,
                "raw": con.execute(
                    f"select {BUSINESS} from {TABLE} order by zone_key, ts_utc, source"
                ).fetchall(),
                "quarantine": con.execute(
                    "select row_number, row_key, reason, row_json::json, table_name, source_url, "
                    "source_sha256 from meta_quarantine order by row_number"
                ).fetchall(),
                "validation": con.execute(
                    "select expectation, column_name, success, unexpected_count "
                    "from meta_validation_results order by all"
                ).fetchall(),
                "log": con.execute(
                    "select table_name, batch_scope, source_url, source_sha256, rows_in, "
                    "rows_inserted, rows_updated, rows_deleted, rows_quarantined, status, message "
                    "from meta_load_log"
                ).fetchall(),
            }
    return out["ingest"], out["bulk"]


@pytest.mark.slow
def test_snapshot_hourly_file_lands_identically(tmp_path: Path, snapshot_dir: Path) -> None:
    file = snapshot_dir / "grid" / "intensity_hourly.parquet"
    ingest, bulk = _land_both(tmp_path, file)
    assert ingest["status"] == bulk["status"] == "success"
    assert len(bulk["raw"]) == 116_126
    assert bulk["raw"] == ingest["raw"]
    assert bulk["quarantine"] == ingest["quarantine"] == []
    assert bulk["validation"] == ingest["validation"]
    assert bulk["log"] == ingest["log"]


def _bad_file(tmp_path: Path, snapshot_dir: Path) -> Path:
    """400 good rows of the snapshot series with bad ones mixed in, all columns as text (as a
    CSV-born Parquet would be), so typing failures are exercised too."""
    good = (
        pl.read_parquet(snapshot_dir / "grid" / "intensity_hourly.parquet")
        .head(400)
        .with_columns(pl.all().cast(pl.String))
    )
    rows = good.to_dicts()
    rows[3]["carbon_intensity_g_per_kwh"] = "2500"  # out of range
    rows[7]["carbon_intensity_g_per_kwh"] = "abc"  # not a number: type reason and null
    rows[11]["basis"] = "hourly-ish"  # not in the value set
    rows[13]["zone_key"] = None  # not null
    rows[17]["period_minutes"] = "1.5"  # not an integer
    # An offset, converted to UTC: 03:00, the key of row 4, which this later row then beats.
    rows[19]["ts_utc"] = "2022-01-01T05:00:00+02:00"
    rows[23]["period_minutes"] = "90"  # out of range
    rows.append(dict(rows[30], carbon_intensity_g_per_kwh="123.4"))  # duplicate: later wins
    rows.append(dict(rows[31], carbon_intensity_g_per_kwh="-1"))  # later duplicate is bad too
    path = tmp_path / "bad_rows.parquet"
    pl.DataFrame(rows, schema={c: pl.String for c in good.columns}).write_parquet(path)
    return path


def test_bad_rows_quarantined_identically(tmp_path: Path, snapshot_dir: Path) -> None:
    ingest, bulk = _land_both(tmp_path, _bad_file(tmp_path, snapshot_dir))
    assert ingest["status"] == bulk["status"] == "success"
    assert bulk["raw"] == ingest["raw"]
    assert [r[0] for r in bulk["quarantine"]] == [4, 8, 12, 14, 18, 24, 31, 32, 402]
    assert bulk["quarantine"] == ingest["quarantine"]
    assert bulk["validation"] == ingest["validation"]
    assert bulk["log"] == ingest["log"]
    reasons = {r[0]: r[2] for r in bulk["quarantine"]}
    assert reasons[8] == (
        "carbon_intensity_g_per_kwh: 'abc' is not a valid double; "
        "carbon_intensity_g_per_kwh=None: expected to not be null"
    )
    assert reasons[4].startswith("duplicate key (zone_key=US-CAL-CISO | ts_utc=2022-01-01 03:00")
    assert reasons[4].endswith(
        "carbon_intensity_g_per_kwh=2500.0: expected to be between [0.0, 2000.0]"
    )
    # the offset timestamp landed converted to UTC
    assert any(r[1] == datetime(2022, 1, 1, 3, 0) for r in bulk["raw"])


def test_threshold_rejects_whole_batch(tmp_path: Path) -> None:
    rows = [
        {
            "zone_key": "DE",
            "ts_utc": datetime(2022, 1, 1, h),
            "period_minutes": 60,
            "carbon_intensity_g_per_kwh": 5000.0 if h % 2 else 300.0,
            "basis": "lifecycle",
            "source": "t",
            "source_url": "u",
        }
        for h in range(10)
    ]
    path = tmp_path / "half_bad.parquet"
    pl.DataFrame(rows).write_parquet(path)
    ingest, bulk = _land_both(tmp_path, path)
    assert bulk["status"].startswith("rejected") and ingest["status"].startswith("rejected")
    assert bulk["status"] == ingest["status"]
    assert bulk["raw"] == ingest["raw"] == []
    assert bulk["quarantine"] == ingest["quarantine"] and len(bulk["quarantine"]) == 5
    assert bulk["log"] == ingest["log"]


def test_merge_updates_deletes_and_skips_unchanged(tmp_path: Path, snapshot_dir: Path) -> None:
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    frame = pl.read_parquet(snapshot_dir / "grid" / "intensity_hourly.parquet").head(1000)
    first, second = tmp_path / "a" / "h.parquet", tmp_path / "b" / "h.parquet"
    first.parent.mkdir()
    second.parent.mkdir()
    frame.write_parquet(first)
    changed = frame.head(900).with_columns(
        pl.when(pl.int_range(pl.len()) < 10)
        .then(pl.col("carbon_intensity_g_per_kwh") + 1)
        .otherwise(pl.col("carbon_intensity_g_per_kwh"))
    )
    changed.vstack(frame.tail(5).with_columns(pl.lit("other").alias("source"))).write_parquet(
        second
    )
    with open_warehouse(settings=settings) as con:

        def land(path: Path):
            return land_file(
                con,
                path,
                TABLE,
                source="test",
                url="test/h.parquet",
                batch_scope="s",
                settings=settings,
            )

        a = land(first)
        assert (a.status, a.inserted, a.updated, a.deleted) == ("success", 1000, 0, 0)
        assert land(first).status == "unchanged"
        b = land(second)
        assert (b.inserted, b.updated, b.deleted) == (5, 10, 100)
        assert con.execute(f"select count(*) from {TABLE}").fetchall()[0][0] == 905
        assert con.execute("select count(*) from meta_load_log").fetchall()[0][0] == 2


def test_identifiers_are_allow_listed() -> None:
    with pytest.raises(ValidationFailed, match="lacks column"):
        plan_for(TABLE, {"zone_key": "VARCHAR"})
    from tasks.load.scan import _q

    with pytest.raises(WarehouseError):
        _q("zone_key; drop table x", TABLE)


def test_keys_stay_unique_without_a_primary_key(tmp_path: Path, snapshot_dir: Path) -> None:
    """raw_grid_intensity_hourly has no primary key (the index cost 60% of a 10M-row landing),
    so the loaders keep (zone_key, ts_utc, source) unique: duplicate keys inside a file, the same
    file landed again, later files overlapping its keys in the same and another scope, and the
    in-memory path landing over rows the bulk path landed."""
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    frame = pl.read_parquet(snapshot_dir / "grid" / "intensity_hourly.parquet").head(600)
    bump = pl.col("carbon_intensity_g_per_kwh") + 1

    def write(name: str, data: pl.DataFrame) -> Path:
        path = tmp_path / name / "h.parquet"
        path.parent.mkdir()
        data.write_parquet(path)
        return path

    with_dups = write("dups", frame.vstack(frame.slice(100, 20).with_columns(bump)))
    overlap = write("overlap", frame.slice(300, 300).with_columns(bump + 1))
    other_scope = write("other", frame.slice(0, 400).with_columns(bump + 2))
    in_memory = write("mem", frame.slice(200, 200).with_columns(bump + 3))
    with open_warehouse(settings=settings) as con:
        constraints = con.execute(
            "select constraint_type from duckdb_constraints() where table_name = ?", [TABLE]
        ).fetchall()
        assert ("PRIMARY KEY",) not in constraints  # so nothing but the loaders keeps the key

        def land(path: Path, scope: str, force: bool = False):
            return land_file(
                con,
                path,
                TABLE,
                source="test",
                url=f"test/{path.parent.name}",
                batch_scope=scope,
                settings=settings,
                force=force,
            )

        first = land(with_dups, "a")
        assert (first.inserted, first.quarantined) == (600, 20)  # the later duplicate won
        assert land(with_dups, "a", force=True).inserted == 0
        again = land(overlap, "a")  # keys 300-599 updated, 0-299 no longer in scope a
        assert (again.inserted, again.updated, again.deleted) == (0, 300, 300)
        other = land(other_scope, "b")  # keys 0-399: new ones inserted, 300-399 matched
        assert (other.inserted, other.updated, other.deleted) == (300, 100, 0)
        payload = archive_payload("test", "test/mem", in_memory.read_bytes(), settings=settings)
        ingest_payload(
            con, payload, TABLE, read_intensity_parquet, batch_scope="c", settings=settings
        )
        rows, keys = con.execute(
            f"select count(*), count(distinct (zone_key, ts_utc, source)) from {TABLE}"
        ).fetchall()[0]
        assert rows == keys == 600
        # the overlapping file's scope deleted what it no longer has; the key's latest value won
        assert con.execute(
            f"select carbon_intensity_g_per_kwh from {TABLE} where zone_key = ? and ts_utc = ?",
            [frame["zone_key"][250], frame["ts_utc"][250]],
        ).fetchall() == [(frame["carbon_intensity_g_per_kwh"][250] + 4,)]


def test_rebuild_replays_bulk_loads(tmp_path: Path, snapshot_dir: Path) -> None:
    """A bulk load leaves a package naming its archived file (not a copy of the rows) and a
    journal line; `footprints rebuild` replays it to the same rows, row hashes, load ids,
    quarantine, validation results and log, rejected loads included."""
    from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR, read_load_package
    from tasks.ops.rebuild import rebuild_warehouse

    settings = get_settings(warehouse=tmp_path / "w" / "w.duckdb")
    bad = _bad_file(tmp_path, snapshot_dir)
    frame = pl.read_parquet(snapshot_dir / "grid" / "intensity_hourly.parquet").head(300)
    changed = tmp_path / "changed.parquet"
    frame.with_columns(pl.col("carbon_intensity_g_per_kwh") + 1).write_parquet(changed)
    half_bad = tmp_path / "half_bad.parquet"
    frame.head(10).with_columns(carbon_intensity_g_per_kwh=pl.lit(5000.0)).write_parquet(half_bad)
    with open_warehouse(settings=settings) as con:
        for path, scope in ((bad, "a"), (changed, "a"), (half_bad, "r"), (bad, "b")):
            try:
                land_file(
                    con, path, TABLE, source="test", url=path.name, batch_scope=scope,
                    settings=settings,
                )  # fmt: skip
            except ValidationFailed:
                assert scope == "r"
        payload = archive_payload("test", "mem", changed.read_bytes(), settings=settings)
        ingest_payload(
            con, payload, TABLE, read_intensity_parquet, batch_scope="m", settings=settings
        )

    packages = settings.raw_path / PACKAGES_DIR
    journal = (packages / JOURNAL_FILE).read_text().splitlines()
    assert len(journal) == 5
    first = read_load_package(packages / f"{json.loads(journal[0])['load_id']}.parquet")
    assert first.header["kind"] == "bulk"
    assert (settings.raw_path / str(first.header["raw_file"])).is_file()
    assert first.good["_row_number"].to_list() == [4, 8, 12, 14, 18, 24, 31, 32, 402]

    def contents(db: Path) -> dict[str, list]:
        with open_warehouse(db, read_only=True) as con:
            return {
                name: con.execute(sql).fetchall()
                for name, sql in {
                    "raw": f"select * from {TABLE} order by all",
                    "quarantine": "select * exclude (quarantined_at) from meta_quarantine "
                    "order by all",
                    "validation": "select * exclude (validated_at) from meta_validation_results "
                    "order by all",
                    "log": "select * exclude (finished_at) from meta_load_log order by all",
                }.items()
            }

    before = contents(settings.warehouse)
    assert len(before["raw"]) > 300 and len(before["log"]) == 5
    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    result = rebuild_warehouse(rebuilt, settings.raw_path)
    assert result.loads == 5
    assert contents(rebuilt) == before
