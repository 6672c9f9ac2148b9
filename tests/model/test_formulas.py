"""The footprint formulas (sql/macros/footprint_macros.sql) against METHODOLOGY.md's references."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.load.warehouse import open_warehouse, read_sql

# Morrison et al. (ICLR submission) coefficients, as METHODOLOGY.md states them.
MORRISON_INTENSITY = 0.332  # kg/kWh
MORRISON_WUE_ONSITE, MORRISON_WUE_OFFSITE = 0.2, 1.29  # L/kWh, total 1.49
MORRISON_EMBODIED_KG, MORRISON_LIFE_YEARS = 463.0, 4


@pytest.fixture()
def con(tmp_path: Path):
    with open_warehouse(tmp_path / "f.duckdb") as c:
        c.execute(read_sql("macros/footprint_macros.sql"))
        yield c


def one(con, sql: str, *params: float) -> float:
    return con.execute(f"select {sql}", list(params)).fetchall()[0][0]


def within_published_rounding(computed: float, published: float, input_rel: float = 0.0) -> bool:
    """Published integers carry +/-0.5 of rounding (and inputs their own); accept 1% or that."""
    slack = max(0.01 * published, 0.5 + abs(computed) * input_rel)
    return abs(computed - published) <= slack


def test_it_and_facility_energy(con) -> None:
    # 1,000 GPU-hours at 700 W = 0.7 MWh; x PUE 1.2 = 0.84 MWh
    assert one(con, "it_energy_mwh(?, ?)", 1000, 700) == pytest.approx(0.7)
    assert one(con, "facility_energy_mwh(it_energy_mwh(?, ?), ?)", 1000, 700, 1.2) == pytest.approx(
        0.84
    )


def test_llama_31_energy_from_card() -> None:
    """39.3M H100-hours x 700 W = 27,510 MWh (METHODOLOGY.md)."""
    assert pytest.approx(27_510) == 39.3e6 * 700 / 1e6


@pytest.mark.parametrize(
    ("run", "mwh", "t_co2e", "kl"),
    [
        ("LM-1B-3T", 30, 10, 45),
        ("LM-7B-2T", 67, 22, 100),
        ("LM-7B-4T", 157, 52, None),
        ("all final training runs", 421, 140, 627),
    ],
)
def test_morrison_final_training_rows(
    con, run: str, mwh: float, t_co2e: float, kl: float | None
) -> None:
    # In their tables the MWh column already includes PUE: carbon = MWh x 0.332, water = MWh x 1.49.
    co2 = one(con, "operational_co2e_t(?, ?)", mwh, MORRISON_INTENSITY)
    assert within_published_rounding(co2, t_co2e), (run, co2)
    if kl is not None:
        water = one(
            con, "operational_water_kl(?, ?, ?)", mwh, MORRISON_WUE_ONSITE, MORRISON_WUE_OFFSITE
        )
        assert within_published_rounding(water, kl), (run, water)


def test_morrison_embodied_row(con) -> None:
    """Embodied: 1.17M GPU-hours -> 16 t and 3.4 kL. The GPU-hours are published rounded to
    three figures (+/-0.43%), so the check allows that on top of the rounding of the result."""
    gpu_hours = 1.17e6
    carbon = one(
        con, "embodied_co2e_t(?, ?, ?)", gpu_hours, MORRISON_EMBODIED_KG, MORRISON_LIFE_YEARS
    )
    water = one(con, "embodied_water_kl(?, ?, ?)", gpu_hours, 100.4 + 2.2, MORRISON_LIFE_YEARS)
    assert within_published_rounding(carbon, 16, input_rel=0.005 / 1.17), carbon
    assert water == pytest.approx(3.4, abs=0.05 + 3.4 * 0.005 / 1.17)


def test_embodied_per_gpu_hour(con) -> None:
    """463 kg / (4 x 8,760 h) = 0.0132 kg per GPU-hour; (100.4 + 2.2) L / 35,040 h = 0.0029 L."""
    assert one(con, "embodied_co2e_t(1, 463, 4)") * 1000 == pytest.approx(0.0132, abs=5e-5)
    assert one(con, "embodied_water_kl(1, 102.6, 4)") * 1000 == pytest.approx(0.0029, abs=5e-5)


def test_flops_ladder(con) -> None:
    # 6 x 7e9 params x 2e12 tokens = 8.4e22 FLOP; at 989 TFLOP/s x 0.4 MFU = 58,984 GPU-hours
    flops = one(con, "dense_training_flops(?, ?)", 7e9, 2e12)
    assert flops == pytest.approx(8.4e22)
    assert one(con, "gpu_hours_from_flops(?, ?, ?)", flops, 989, 0.4) == pytest.approx(
        8.4e22 / (989e12 * 0.4) / 3600
    )


@pytest.mark.parametrize(
    ("g_per_kwh", "expected_t"),
    [(13, 358), (25, 688), (250, 6_878), (400, 11_004), (700, 19_257)],
)
def test_llama_31_in_other_grids(con, g_per_kwh: float, expected_t: float) -> None:
    """27,510 MWh at Sweden 13, France 25, Germany 250, US 400-700 g/kWh (METHODOLOGY.md)."""
    assert one(con, "operational_co2e_t(?, ?)", 27_510, g_per_kwh / 1000) == pytest.approx(
        expected_t, abs=1
    )
