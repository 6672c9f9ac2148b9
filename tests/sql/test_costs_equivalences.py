"""Everyday equivalences (the three cost views are tests/sql/test_costs.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from trust_fixtures import trust_warehouse

SNAPSHOT = Path(__file__).resolve().parents[2] / "warehouse" / "snapshot"


@pytest.fixture(scope="session")
def con():
    c = duckdb.connect(str(trust_warehouse()), read_only=True)
    yield c
    c.close()


def row(con, table: str, model: str) -> dict:
    cur = con.execute(f"select * from {table} where model = ?", [model])
    cols = [d[0] for d in cur.description]
    return dict(zip(cols, cur.fetchall()[0], strict=True))


def test_equivalences_landed_with_sources(con) -> None:
    with (SNAPSHOT / "equivalences.csv").open(encoding="utf-8", newline="") as fh:
        expected = {r["key"]: float(r["value"]) for r in csv.DictReader(fh)}
    got = dict(con.execute("select key, value from stg_reference__equivalences").fetchall())
    assert got == expected
    assert {
        "car_lifetime_co2e_t",
        "diesel_kg_co2_per_l",
        "car_kg_co2_per_km",
        "french_person_electricity_kwh_per_year",
        "us_home_electricity_kwh_per_year",
        "person_drinking_water_kl_per_year",
    } <= set(got)
    assert got["car_lifetime_co2e_t"] == pytest.approx(126_000 * 0.45359 / 1000, rel=1e-3)
    assert got["person_drinking_water_kl_per_year"] == pytest.approx(2 * 365 / 1000)
    sources = con.execute("select count(*) from stg_reference__equivalences where source = ''")
    assert sources.fetchall()[0][0] == 0


def test_equivalences_report(con) -> None:
    n_board = con.execute("select count(*) from rpt_leaderboard").fetchall()[0][0]
    assert con.execute("select count(*) from rpt_equivalences").fetchall()[0][0] == n_board
    e = row(con, "rpt_equivalences", "Llama 3.1 405B")
    b = row(con, "rpt_leaderboard", "Llama 3.1 405B")
    assert e["car_lifetimes"] == pytest.approx(b["total_co2e_t"] / 57.15)
    assert e["diesel_litres"] == pytest.approx(b["total_co2e_t"] * 1000 / 2.54)
    assert e["car_km"] == pytest.approx(b["total_co2e_t"] * 1000 / 0.2485)
    assert e["french_person_electricity_years"] == pytest.approx(
        b["total_energy_mwh"] * 1000 / 2300
    )
    assert e["us_home_electricity_years"] == pytest.approx(b["total_energy_mwh"] * 1000 / 10_715)
    assert e["person_drinking_water_years"] == pytest.approx(b["total_water_kl"] / 0.73)
