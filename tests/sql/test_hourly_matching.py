"""Hourly matching: a run's window against hourly and sub-hourly series, checked by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from trust_fixtures import trust_warehouse

from tasks.load.warehouse import read_sql

REPO = Path(__file__).resolve().parents[2]
PARQUET = REPO / "warehouse" / "snapshot" / "grid" / "intensity_hourly.parquet"


@pytest.fixture(scope="session")
def con():
    c = duckdb.connect(str(trust_warehouse()), read_only=True)
    yield c
    c.close()


def matched(con, model: str) -> list[dict]:
    cur = con.execute(
        "select * from int_runs_hourly_matched where model = ? order by preference", [model]
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def run(con, model: str, bound: str = "central") -> dict:
    cur = con.execute(
        "select * from int_runs_estimated where model = ? and phase = 'training' and bound = ?",
        [model, bound],
    )
    cols = [d[0] for d in cur.description]
    return dict(zip(cols, cur.fetchall()[0], strict=True))


def test_ciso_week_against_the_raw_eia_csv(con, shared_data: Path) -> None:
    raw = pl.read_csv(shared_data / "grid/hourly_us_eia_2022/CISO_NG_avgCI_2022.csv")
    ts = raw["timestamp"].str.to_datetime("%Y-%m-%d %H:%M:%S%z").dt.replace_time_zone(None)
    week = raw.with_columns(ts.alias("ts")).filter(
        (pl.col("ts") >= datetime(2022, 6, 1)) & (pl.col("ts") < datetime(2022, 6, 8))
    )
    assert week.height == 168  # 7 days, end date inclusive
    values = week["avg_CI"].drop_nulls()
    expected_kg = values.mean() / 1000.0
    expected_coverage = values.len() / 168

    rows = matched(con, "Test CISO Week")
    used = [r for r in rows if r["is_used"]]
    assert len(used) == 1
    r = used[0]
    assert r["zone_key"] == "US-CAL-CISO"  # 'CISO' (EIA balancing authority) resolved
    assert r["window_start_utc"] == datetime(2022, 6, 1)
    assert r["window_end_utc"] == datetime(2022, 6, 8)
    assert r["window_hours"] == 168
    assert r["source"] == "eia930_dcrl"
    assert r["carbon_intensity_kg_per_kwh"] == pytest.approx(expected_kg, rel=1e-6)
    assert r["coverage_share"] == pytest.approx(expected_coverage)

    est = run(con, "Test CISO Week")
    assert est["carbon_intensity_granularity"] == "hourly"
    assert est["carbon_intensity_kg_per_kwh"] == pytest.approx(expected_kg, rel=1e-6)
    assert est["intensity_coverage_share"] == pytest.approx(expected_coverage)
    board = con.execute(
        "select carbon_intensity_granularity, carbon_intensity_coverage_share "
        "from rpt_leaderboard where model = 'Test CISO Week'"
    ).fetchall()
    assert board == [("hourly", pytest.approx(expected_coverage))]


def test_de_15_minute_series_from_the_bundled_parquet(con) -> None:
    frame = pl.read_parquet(PARQUET).filter(
        (pl.col("zone_key") == "DE")
        & (pl.col("ts_utc") >= datetime(2020, 3, 1))
        & (pl.col("ts_utc") < datetime(2020, 3, 3))
    )
    assert set(frame["period_minutes"]) == {15}
    expected = frame["carbon_intensity_g_per_kwh"].mean() / 1000.0
    rows = matched(con, "Test DE 15min")
    assert rows[0]["is_used"] and rows[0]["source"] == "vessim_de"
    assert rows[0]["intervals"] == frame.height == 192  # 2 days x 96 quarter-hours
    assert rows[0]["window_end_utc"] == datetime(2020, 3, 3)  # start + duration_days
    assert rows[0]["carbon_intensity_kg_per_kwh"] == pytest.approx(expected, rel=1e-9)
    assert run(con, "Test DE 15min")["carbon_intensity_granularity"] == "hourly"


def test_a_cloud_region_without_hourly_data_falls_back_to_annual(con) -> None:
    rows = matched(con, "Test us-west1 Week")
    # us-west1 is Oregon: Electricity Maps puts it in PacifiCorp West, which has no hourly series
    assert [(r["zone_key"], r["source"], r["coverage_share"]) for r in rows] == [
        ("US-NW-PACW", None, 0.0)
    ]
    est = run(con, "Test us-west1 Week")
    assert est["carbon_intensity_granularity"] == "annual"
    assert est["intensity_zone"] == "US-NW-PACW"


def test_partial_coverage_is_not_used(con) -> None:
    rows = matched(con, "Test CISO New Year")
    eia = next(r for r in rows if r["source"] == "eia930_dcrl")
    assert eia["window_hours"] == 9 * 24
    assert eia["covered_hours"] == pytest.approx(4 * 24)  # Dec 28-31 of the 2022 series
    assert not eia["meets_coverage"] and not eia["is_used"]
    assert run(con, "Test CISO New Year")["carbon_intensity_granularity"] == "annual"


def test_marginal_signal_is_kept_apart(con) -> None:
    rows = matched(con, "Test CAISO 2023")
    wt = next(r for r in rows if r["source"] == "watttime_vessim")
    assert wt["basis"] == "marginal" and wt["is_marginal"]
    assert wt["meets_coverage"] and not wt["is_used"]
    # lbs/MWh -> g/kWh: the raw signal sits around 420 lbs/MWh, about 190 g/kWh
    assert 0.0 < wt["carbon_intensity_kg_per_kwh"] < 0.3
    est = run(con, "Test CAISO 2023")
    assert est["carbon_intensity_granularity"] == "annual"
    assert est["intensity_basis"] != "marginal"


def test_time_weighting_over_intervals_of_different_lengths() -> None:
    """A flat power profile: each interval counts by the seconds it shares with the window."""
    c = duckdb.connect()
    c.execute(
        "create table int_disclosures_pivoted as select 'M' as model, 'training' as phase, "
        "date '2022-01-01' as start_date, date '2022-01-01' as end_date, "
        "null::double as duration_days, 'Z' as location_text"
    )
    c.execute(
        "create table int_names_resolved as select 'location' as kind, 'Z' as input, "
        "'ZZ' as resolved"
    )
    # 23:00 previous day (60 min, only its last 0 s inside), 00:00 60 min, 01:00 15 min,
    # 01:15 45 min, then a gap until 12:00 (30 min); window = the whole of 2022-01-01.
    c.execute(
        """
        create table stg_grid__intensity_hourly as
        select 'ZZ' as zone_key, ts::timestamp as ts_utc,
            ts::timestamp + to_minutes(p) as ts_end_utc, p as period_minutes,
            ci as carbon_intensity_kg_per_kwh, 'unknown' as basis, 's' as source, 'u' as source_url
        from (values
            ('2021-12-31 23:00:00', 60, 9.0),
            ('2022-01-01 00:00:00', 60, 0.1),
            ('2022-01-01 01:00:00', 15, 0.2),
            ('2022-01-01 01:15:00', 45, 0.4),
            ('2022-01-01 12:00:00', 30, 0.3)
        ) as t(ts, p, ci)
        """
    )
    row = c.execute(
        "select carbon_intensity_kg_per_kwh, covered_hours, coverage_share, intervals "
        f"from ({read_sql('intermediate/int_runs_hourly_matched.sql')})"
    ).fetchall()[0]
    expected = (0.1 * 60 + 0.2 * 15 + 0.4 * 45 + 0.3 * 30) / (60 + 15 + 45 + 30)
    assert row[0] == pytest.approx(expected)
    assert row[1] == pytest.approx(2.5)
    assert row[2] == pytest.approx(2.5 / 24)
    assert row[3] == 4  # the interval ending at the window's start shares no time with it
