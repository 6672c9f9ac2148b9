"""Every estimated quantity carries low <= central <= high, and ranges widen down the ladder."""

from __future__ import annotations

import duckdb
import pytest
from trust_fixtures import trust_warehouse

BOUND_TABLES = {  # table -> its grain without the bound
    "int_runs_estimated": ("model", "phase"),
    "int_footprints_bounded": ("model",),
    "int_runs_costed": ("model",),
}
REQUIRED_BOUNDED = {
    "int_runs_estimated": ("gpu_hours", "energy_mwh", "co2e_t", "water_kl"),
    "int_footprints_bounded": (
        "training_gpu_hours",
        "training_energy_mwh",
        "training_co2e_t",
        "training_water_kl",
        "development_gpu_hours",
        "development_energy_mwh",
        "development_co2e_t",
        "development_water_kl",
        "embodied_co2e_t",
        "embodied_water_kl",
    ),
    "int_runs_costed": (
        "training_cost_usd",
        "training_energy_cost_usd",
        "training_hardware_capex_usd",
        "amortised_cost_usd",
        "creation_cost_usd",
    ),
}
EPS = 1e-9


@pytest.fixture(scope="session")
def con():
    c = duckdb.connect(str(trust_warehouse()), read_only=True)
    yield c
    c.close()


def numeric_columns(con, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = ? "
            "and data_type in ('DOUBLE', 'BIGINT', 'INTEGER') and column_name <> 'estimation_tier'",
            [table],
        ).fetchall()
    ]


@pytest.mark.parametrize("table", sorted(BOUND_TABLES))
def test_bounds_are_ordered_and_complete(con, table: str) -> None:
    grain = ", ".join(BOUND_TABLES[table])
    cols = numeric_columns(con, table)
    for col in REQUIRED_BOUNDED[table]:
        assert col in cols, f"{table}.{col} missing"
    for col in cols:
        bad = con.execute(
            f"""
            with p as (
                select {grain},
                    max({col}) filter (where bound = 'low') as lo,
                    max({col}) filter (where bound = 'central') as ce,
                    max({col}) filter (where bound = 'high') as hi
                from {table} group by {grain}
            )
            select {grain}, lo, ce, hi from p
            where ce is not null and (
                lo is null or hi is null
                or lo > ce + {EPS} * abs(ce) or ce > hi + {EPS} * abs(ce)
            )
            limit 5
            """
        ).fetchall()
        assert not bad, f"{table}.{col}: {bad}"


@pytest.mark.parametrize("table", ["rpt_leaderboard", "fct_model_footprints", "rpt_equivalences"])
def test_low_and_high_columns_bracket_the_central_one(con, table: str) -> None:
    cols = set(numeric_columns(con, table))
    pairs = sorted(c.removesuffix("_low") for c in cols if c.endswith("_low"))
    assert pairs, table
    for base in pairs:
        assert base in cols and f"{base}_high" in cols, f"{table}: {base} lacks a bound"
        bad = con.execute(
            f"select model, {base}_low, {base}, {base}_high from {table} "
            f"where {base} is not null and ({base}_low is null or {base}_high is null "
            f"or {base}_low > {base} + {EPS} * abs({base}) "
            f"or {base} > {base}_high + {EPS} * abs({base})) limit 5"
        ).fetchall()
        assert not bad, f"{table}.{base}: {bad}"


def test_leaderboard_carries_ranges_for_every_estimated_quantity(con) -> None:
    cols = set(numeric_columns(con, "rpt_leaderboard"))
    for base in (
        "gpu_hours",
        "training_energy_mwh",
        "training_co2e_t",
        "total_energy_mwh",
        "total_co2e_t",
        "total_water_kl",
        "training_cost_usd",
        "training_energy_cost_usd",
        "training_hardware_capex_usd",
        "amortised_cost_usd",
        "creation_cost_usd",
    ):
        assert {f"{base}_low", base, f"{base}_high"} <= cols, base


def relative_width(con, model: str, column: str = "co2e_t") -> float:
    lo, ce, hi = con.execute(
        f"select max({column}) filter (where bound = 'low'), "
        f"max({column}) filter (where bound = 'central'), "
        f"max({column}) filter (where bound = 'high') "
        "from int_runs_estimated where model = ? and phase = 'training'",
        [model],
    ).fetchall()[0]
    return (hi - lo) / ce


def test_ranges_widen_down_the_ladder(con) -> None:
    tiers = dict(
        con.execute(
            "select model, estimation_tier from int_runs_estimated "
            "where model in ('Test Tier3', 'Test Tier4', 'Test Tier5') and bound = 'central'"
        ).fetchall()
    )
    assert tiers == {"Test Tier3": 3, "Test Tier4": 4, "Test Tier5": 5}
    central = [
        con.execute(
            "select co2e_t from int_runs_estimated where model = ? and bound = 'central'", [m]
        ).fetchall()[0][0]
        for m in ("Test Tier3", "Test Tier4", "Test Tier5")
    ]
    # the same central estimate by three routes (same GPU-hours, GPU and place) ...
    assert central[1] == pytest.approx(central[0]) and central[2] == pytest.approx(central[0])
    # ... with a wider range at each step down
    w3, w4, w5 = (relative_width(con, m) for m in ("Test Tier3", "Test Tier4", "Test Tier5"))
    assert w3 < w4 < w5
    for column in ("gpu_hours", "energy_mwh"):
        assert relative_width(con, "Test Tier3", column) < relative_width(con, "Test Tier5", column)


def test_disclosed_narrower_than_estimated(con) -> None:
    # Llama 3.1 405B: disclosed emissions (+-5% rounding) vs an estimate from GPU-hours
    assert relative_width(con, "Llama 3.1 405B") == pytest.approx(0.10)
    assert relative_width(con, "Llama 3.1 405B") < relative_width(con, "Test Tier3")


def test_hourly_intensity_range_is_narrower_than_annual(con) -> None:
    def rel(model: str) -> float:
        return relative_width(con, model, "carbon_intensity_kg_per_kwh")

    coef = dict(
        con.execute(
            "select key, (high - low) / central from stg_assumptions__coefficients "
            "where key like 'carbon_intensity_rel%'"
        ).fetchall()
    )
    assert (
        coef["carbon_intensity_rel_hourly"]
        < coef["carbon_intensity_rel_monthly"]
        < coef["carbon_intensity_rel"]
    )
    assert rel("Test CISO Week") == pytest.approx(coef["carbon_intensity_rel_hourly"])
    assert rel("Test us-west1 Week") == pytest.approx(coef["carbon_intensity_rel"])
    assert rel("Test CISO Week") < rel("Test us-west1 Week")


def test_tier5_uses_the_precision_peak(con) -> None:
    rows = dict(
        con.execute(
            "select model, peak_tflops from int_runs_estimated "
            "where bound = 'central' and model in ('Test Tier5', 'Test TPU fp32')"
        ).fetchall()
    )
    assert rows["Test Tier5"] == pytest.approx(989.4)  # H100 SXM dense bf16
    assert rows["Test TPU fp32"] == pytest.approx(123.0)  # TPU v3: no fp32 peak, bf16 passes
    # fp32 on a GPU takes the fp32 peak, not tf32; tf32 the tf32 peak
    by_precision = con.execute(
        """
        select p.precision, r.peak_precision_used, count(*)
        from int_runs_estimated as r
        join int_disclosures_pivoted as p using (model, phase)
        where r.bound = 'central' and r.estimation_tier = 5 and p.precision in ('fp32', 'tf32')
        group by all
        """
    ).fetchall()
    for precision, used, _ in by_precision:
        assert used in ({"fp32", "bf16"} if precision == "fp32" else {"tf32", "fp32"})


def test_leaderboard_covers_what_the_epoch_data_supports(con) -> None:
    """Every Epoch/card model with a usable route up the ladder reaches the leaderboard."""
    missing = con.execute(
        """
        select m.model
        from (select distinct model from stg_disclosures__facts
              where source_kind in ('epoch', 'card')) as m
        join int_runs_estimated as r on r.model = m.model and r.phase = 'training'
            and r.bound = 'central'
        where m.model not in (select model from rpt_leaderboard)
        """
    ).fetchall()
    assert missing == []
    # runs that name no GPU (or a GPU without a TDP) still get energy from the fallback TDP
    fallback = con.execute(
        "select count(*) from int_runs_estimated where power_source = 'tdp_unknown' "
        "and bound = 'central' and energy_mwh is not null"
    ).fetchall()[0][0]
    assert fallback > 0
    # models that an unknown TDP (TPU v5p, no GPU named) or an fp32 TPU run used to drop
    on_board = {
        r[0]
        for r in con.execute(
            "select model from rpt_leaderboard where model in "
            "('Arctic', 'Gemma 2 27B', 'XLNet', 'ProtT5-XXL', 'Libratus')"
        ).fetchall()
    }
    assert on_board == {"Arctic", "Gemma 2 27B", "XLNet", "ProtT5-XXL", "Libratus"}
