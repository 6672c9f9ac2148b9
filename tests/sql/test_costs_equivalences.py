"""Costs side by side (rental, electricity, hardware capital) and everyday equivalences."""

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


def test_llama_31_405b_costs(con) -> None:
    r = row(con, "rpt_leaderboard", "Llama 3.1 405B")
    h100 = con.execute(
        "select price_usd, rental_usd_per_gpu_hour_low, rental_usd_per_gpu_hour_central, "
        "rental_usd_per_gpu_hour_high from stg_gpus__specs where gpu_id = 'nvidia-h100-sxm5-80gb'"
    ).fetchall()[0]
    price, rent_lo, rent, rent_hi = h100
    hours = 30.84e6
    assert r["training_cost_usd"] == pytest.approx(hours * rent)
    assert r["training_cost_usd_low"] == pytest.approx(hours * rent_lo)
    assert r["training_cost_usd_high"] == pytest.approx(hours * rent_hi)
    # 21,588 MWh x 0.05 USD/kWh (0.03-0.12)
    assert r["training_energy_cost_usd"] == pytest.approx(21_588_000 * 0.05)
    assert r["training_energy_cost_usd_low"] == pytest.approx(21_588_000 * 0.03)
    assert r["training_energy_cost_usd_high"] == pytest.approx(21_588_000 * 0.12)
    # capital cost amortised over the hardware's life (4 years; 6 for the low, 3 for the high)
    assert r["training_hardware_capex_usd"] == pytest.approx(hours * price / (4 * 8760))
    assert r["training_hardware_capex_usd_low"] == pytest.approx(hours * price / (6 * 8760))
    assert r["training_hardware_capex_usd_high"] == pytest.approx(hours * price / (3 * 8760))
    # rental dominates power, as the frontier-cost literature says
    assert r["training_cost_usd"] > r["training_hardware_capex_usd"] > r["training_energy_cost_usd"]


def test_costs_fall_back_to_the_assumptions(con) -> None:
    # a run that names no GPU: default rental and price per device-hour
    b = con.execute(
        "select bound, training_gpu_hours, rental_usd_per_gpu_hour, rental_price_from_spec, "
        "gpu_price_usd, gpu_price_from_spec from int_footprints_bounded where model = 'Arctic' "
        "order by bound"
    ).fetchall()
    coef = dict(
        con.execute(
            "select key, central from stg_assumptions__coefficients where key in "
            "('rental_usd_per_gpu_hour_unknown', 'gpu_price_usd_unknown')"
        ).fetchall()
    )
    central = next(x for x in b if x[0] == "central")
    assert central[2] == coef["rental_usd_per_gpu_hour_unknown"] and not central[3]
    assert central[4] == coef["gpu_price_usd_unknown"] and not central[5]


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
