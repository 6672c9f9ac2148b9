"""The three cost views (int_runs_costed, docs/costs.md) on real rows of the bundled snapshot,
against the published anchors (METHODOLOGY.md, 'Cost, three ways') and Epoch AI's own estimates;
and the price-table year lookup on hand-made runs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from trust_fixtures import trust_warehouse

SQL = Path(__file__).resolve().parents[2] / "sql"
EPOCH_NOTABLE = "models/epoch_notable_ai_models_upto_2025-12-31.csv"


@pytest.fixture(scope="module")
def con(trust_con):
    return trust_con  # the shared read-only connection (tests/conftest.py)


def board(con, model: str) -> dict:
    cur = con.execute("select * from rpt_leaderboard where model = ?", [model])
    cols = [d[0] for d in cur.description]
    return dict(zip(cols, cur.fetchall()[0], strict=True))


def coef(con, key: str) -> tuple[float, float, float]:
    got = con.execute(
        "select low, central, high from stg_assumptions__coefficients where key = ?", [key]
    ).fetchall()
    return got[0]


def test_llama_31_405b_rental_near_the_published_60m(con) -> None:
    r = board(con, "Llama 3.1 405B")
    assert r["gpu_hours"] == pytest.approx(30.84e6)
    assert r["cost_price_year"] == 2024 and r["rental_price_basis"] == "price table"
    assert r["training_cost_usd"] == pytest.approx(60e6, rel=0.15)  # 'Smaller is smarter'
    # the table's 2024 H100 SXM row: on-demand, less the committed-use discounts it lacks
    on_demand = con.execute(
        "select on_demand_usd_per_hour from stg_gpus__cloud_prices "
        "where accelerator = 'NVIDIA H100 SXM' and year = 2024"
    ).fetchall()[0][0]
    none, one_year, three_years = coef(con, "cloud_commit_discount")
    assert none == 0
    assert r["training_cost_usd"] == pytest.approx(30.84e6 * on_demand * (1 - one_year))
    assert r["training_cost_usd_low"] == pytest.approx(30.84e6 * on_demand * (1 - three_years))
    assert r["training_cost_usd_high"] == pytest.approx(30.84e6 * on_demand)


def test_deepseek_v3_rental_is_its_disclosed_cost(con) -> None:
    r = board(con, "DeepSeek-V3")
    assert r["rental_price_basis"] == "disclosed"
    assert r["training_cost_usd"] == pytest.approx(5.576e6)  # 2.788M H800-hours x 2 USD
    assert r["training_cost_usd_low"] <= r["training_cost_usd"] <= r["training_cost_usd_high"]
    src = con.execute(
        "select rental_price_source from int_runs_costed where model = 'DeepSeek-V3' "
        "and bound = 'central'"
    ).fetchall()[0][0]
    assert "arxiv.org/abs/2412.19437" in src


def test_gpt3_rental_inside_the_published_range(con) -> None:
    r = board(con, "GPT-3 175B (davinci)")
    assert r["cost_price_year"] == 2020
    assert 0.5e6 <= r["training_cost_usd"] <= 4.6e6
    # the high end is Lambda's 2020 V100 price that gives the published 4.6 M USD for 355
    # V100-years; this board counts 10,000 V100s x 355.2 h (Epoch), so it lands a little above
    hi = con.execute(
        "select rental_usd_per_gpu_hour from int_runs_costed "
        "where model = 'GPT-3 175B (davinci)' and bound = 'high'"
    ).fetchall()[0][0]
    assert hi == pytest.approx(1.50)
    assert 355 * 8766 * hi == pytest.approx(4.6e6, rel=0.02)


def test_gpt4_amortised_near_cottier_et_al(con) -> None:
    r = board(con, "GPT-4")
    assert r["amortised_cost_usd"] == pytest.approx(40e6, rel=0.30)
    assert r["amortised_cost_usd"] == pytest.approx(
        r["training_hardware_capex_usd"] + r["training_energy_cost_usd"]
    )
    # acquisition cost (A100 list price of the run's year x server x network) over 4 years
    price = con.execute(
        "select price_usd from stg_gpus__purchase_prices where accelerator = 'NVIDIA A100' "
        "and year = (select max(year) from stg_gpus__purchase_prices "
        "where accelerator = 'NVIDIA A100' and year <= ?)",
        [r["cost_price_year"]],
    ).fetchall()[0][0]
    server = coef(con, "server_cost_overhead")[1]
    network = coef(con, "cluster_network_overhead")[1]
    life = coef(con, "hardware_life_years")[1]
    assert r["training_hardware_capex_usd"] == pytest.approx(
        r["gpu_hours"] * price * server * network / (life * 8760)
    )
    assert r["amortised_cost_usd_low"] < r["amortised_cost_usd"] < r["amortised_cost_usd_high"]


def test_gpt4_creation_near_500m_with_the_reports_split(con) -> None:
    r = board(con, "GPT-4")
    assert r["is_frontier"]
    assert r["creation_cost_usd"] == pytest.approx(500e6, rel=0.30)
    total = r["creation_cost_usd"]
    assert r["creation_hardware_usd"] / total == pytest.approx(0.80)
    assert r["creation_staff_usd"] / total == pytest.approx(0.18)
    assert r["creation_energy_usd"] / total == pytest.approx(0.02)
    parts = r["creation_hardware_usd"] + r["creation_staff_usd"] + r["creation_energy_usd"]
    assert parts == pytest.approx(total)
    assert r["creation_cost_usd_low"] < total < r["creation_cost_usd_high"]


def test_creation_only_for_frontier_models(con) -> None:
    rows = con.execute(
        "select count(*) filter (where creation_cost_usd is not null and not is_frontier), "
        "count(*) filter (where is_frontier) from rpt_leaderboard"
    ).fetchall()[0]
    assert rows[0] == 0 and rows[1] >= 3
    # below 1e25 FLOP: DeepSeek-V3 (3.4e24) and GPT-3 (3.1e23) are not frontier by this rule
    assert not board(con, "DeepSeek-V3")["is_frontier"]
    assert board(con, "GPT-3 175B (davinci)")["creation_cost_usd"] is None


def test_against_epochs_own_estimates(con, shared_data: Path) -> None:
    epoch = pl.read_csv(shared_data / EPOCH_NOTABLE, infer_schema_length=0)

    def epoch_value(model: str, column: str) -> float:
        cell = epoch.filter(pl.col("Model") == model)[column][0]
        return float(cell.lstrip("$"))

    # amortised hardware + energy, Epoch's 'Training compute cost (2023 USD)'
    for ours, theirs in [
        ("GPT-3 175B (davinci)", "GPT-3 175B (davinci)"),
        ("GPT-4", "GPT-4 (Mar 2023)"),
        ("Llama 3.1 405B", "Llama 3.1-405B"),
    ]:
        got = board(con, ours)["amortised_cost_usd"]
        expected = epoch_value(theirs, "Training compute cost (2023 USD)")
        assert got == pytest.approx(expected, rel=0.3)
    # the cluster bought for the model, Epoch's 'Hardware acquisition cost'
    for ours, theirs in [("GPT-4", "GPT-4 (Mar 2023)"), ("Llama 3.1 405B", "Llama 3.1-405B")]:
        got = board(con, ours)["creation_hardware_usd"]
        assert got == pytest.approx(epoch_value(theirs, "Hardware acquisition cost"), rel=0.25)


# --- the year lookup, on hand-made runs ------------------------------------------------------


def _costed(
    runs: list[tuple[str, str | None, str | None, str]], zones: tuple[str, ...] = ("US",)
) -> dict[str, dict]:
    """int_runs_costed.sql over hand-made inputs: (model, end_date, release_date, gpu_id),
    each 1,000 GPU-hours and 1 MWh at equal shares of `zones`, with the snapshot's price tables
    and coefficients."""
    con = duckdb.connect()
    con.execute(f"attach '{trust_warehouse()}' as tw (read_only)")
    for table in (
        "stg_gpus__cloud_prices",
        "stg_gpus__purchase_prices",
        "int_coefficients_bounded",
        "stg_grid__electricity_prices",
    ):
        con.execute(f"create table {table} as select * from tw.{table}")
    con.execute("detach tw")
    con.execute(
        "create table stg_gpus__specs (gpu_id varchar, price_usd double, "
        "rental_usd_per_gpu_hour_low double, rental_usd_per_gpu_hour_central double, "
        "rental_usd_per_gpu_hour_high double)"
    )
    con.execute(
        "create table stg_disclosures__facts (model varchar, phase varchar, field varchar, "
        "confidence varchar, source_url varchar, source_locator varchar)"
    )
    con.execute("create table int_models_described (model varchar, training_flops double)")
    con.execute(
        "create table int_runs_guarded (model varchar, phase varchar, end_date date, "
        "start_date date, duration_days_used double, release_date date, flops_used double, "
        "rental_usd_per_gpu_hour double)"
    )
    con.execute(
        "create table int_runs_estimated (model varchar, phase varchar, bound varchar, "
        "gpu_id varchar, gpu_count double, duration_days double, gpu_hours double, "
        "peak_tflops double, energy_mwh double)"
    )
    con.execute(
        "create table int_runs_located (model varchar, phase varchar, zone_key varchar, "
        "share double)"
    )
    for model, end, release, gpu in runs:
        for zone in zones:
            con.execute(
                "insert into int_runs_located values (?, 'training', ?, ?)",
                [model, zone, 1 / len(zones)],
            )
        con.execute(
            "insert into int_runs_guarded values (?, 'training', ?, null, null, ?, 1e21, null)",
            [model, end, release],
        )
        for bound in ("low", "central", "high"):
            con.execute(
                "insert into int_runs_estimated values (?, 'training', ?, ?, 8, 5.2, 1000, 125, 1)",
                [model, bound, gpu],
            )
    sql = (SQL / "intermediate" / "int_runs_costed.sql").read_text()
    cur = con.execute(f"select * from ({sql}) where bound = 'central'")
    cols = [d[0] for d in cur.description]
    return {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def test_year_lookup_prices_a_run_in_its_own_year() -> None:
    got = _costed(
        [
            ("V100 2020 run", "2020-04-30", None, "nvidia-v100-sxm2-32gb"),
            ("V100 2021 run", "2021-06-30", None, "nvidia-v100"),
            ("V100 2024 run", None, "2024-09-01", "nvidia-tesla-v100-dgxs-32-gb"),
            ("V100 2016 run", "2016-05-01", None, "nvidia-v100-pcie-16gb"),
            ("Released in January", None, "2021-01-15", "nvidia-v100"),
            ("Undated", None, None, "nvidia-v100"),
        ]
    )
    # 2020: Lambda's 1.50 USD/h, 1-year committed; not 2019's Azure 3.06 nor 2024's 0.51
    assert got["V100 2020 run"]["price_year"] == 2020
    assert got["V100 2020 run"]["rental_usd_per_gpu_hour"] == pytest.approx(1.50 * (1 - 0.34))
    assert got["V100 2020 run"]["training_cost_usd"] == pytest.approx(1000 * 1.50 * 0.66)
    # a year with no row of its own keeps the previous row (2021 -> 2020)
    assert got["V100 2021 run"]["rental_usd_per_gpu_hour"] == pytest.approx(0.99)
    # a cloud that lists its committed price: Oblivus 2024, 0.36 USD/h for a year
    assert got["V100 2024 run"]["price_year"] == 2024
    assert got["V100 2024 run"]["rental_usd_per_gpu_hour"] == pytest.approx(0.36)
    # before the family's first row: the first row (AWS 2018, 1.99 USD/h for a year)
    assert got["V100 2016 run"]["rental_usd_per_gpu_hour"] == pytest.approx(1.99)
    # no dates: the release date minus the 60-day publication lag, 2021-01-15 -> 2020
    assert got["Released in January"]["price_year"] == 2020
    # no date at all: the family's latest row (Oblivus 2024)
    assert got["Undated"]["price_year"] is None
    assert got["Undated"]["rental_usd_per_gpu_hour"] == pytest.approx(0.36)
    # the purchase price follows the same lookup: the 2020 list price for the 2020 run
    assert got["V100 2020 run"]["purchase_price_basis"] == "price table"
    assert got["V100 2020 run"]["gpu_price_usd"] == pytest.approx(10500)


def test_an_unpriced_accelerator_falls_back_to_the_assumptions() -> None:
    got = _costed([("Consumer card run", "2021-06-30", None, "nvidia-geforce-rtx-3090")])
    r = got["Consumer card run"]
    assert r["rental_price_basis"] == "assumed" and r["purchase_price_basis"] == "assumed"
    assert r["rental_usd_per_gpu_hour"] == pytest.approx(2.0)  # rental_usd_per_gpu_hour_unknown
    assert r["gpu_price_usd"] == pytest.approx(15000)  # gpu_price_usd_unknown


def test_energy_at_the_sites_price_in_its_year() -> None:
    run = [("A100 run", "2022-06-30", None, "nvidia-a100")]
    us = _costed(run, zones=("US-CAL-CISO",))["A100 run"]
    assert us["electricity_price_basis"] == "site"
    assert us["electricity_usd_per_kwh"] == pytest.approx(0.0832)  # EIA industrial, 2022
    assert us["training_energy_cost_usd"] == pytest.approx(1000 * 0.0832)
    # no price for France: the assumption
    fr = _costed(run, zones=("FR",))["A100 run"]
    assert fr["electricity_price_basis"] == "assumed"
    assert fr["electricity_usd_per_kwh"] == pytest.approx(0.05)
    # an organisation's sites over both: weighted by share
    both = _costed(run, zones=("US", "FR"))["A100 run"]
    assert both["electricity_usd_per_kwh"] == pytest.approx((0.0832 + 0.05) / 2)
