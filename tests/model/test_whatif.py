"""What-if scenarios: the same run in another zone, on other GPUs, at another PUE."""

from __future__ import annotations

import duckdb
import pytest
from trust_fixtures import trust_warehouse

from tasks.model.whatif import (
    BaseRun,
    Triple,
    WhatIfError,
    run_whatif,
    scenario_row,
    zone_intensity,
)


@pytest.fixture(scope="session")
def con():
    c = duckdb.connect(str(trust_warehouse()), read_only=True)
    yield c
    c.close()


def test_methodology_table_llama_31_in_other_grids() -> None:
    """METHODOLOGY.md: 39.3M h x 700 W = 27,510 MWh at Sweden 13, France 25, Germany 250 and
    US 400-700 g/kWh gives about 358, 688, 6,878 and 11,004-19,257 t."""
    energy_mwh = 39.3e6 * 700 / 1e6
    assert energy_mwh == pytest.approx(27_510)
    base = BaseRun(
        model="Llama 3.1 family",
        zone_key=None,
        carbon_intensity=Triple.exact(0.0),
        intensity_granularity="disclosed",
        energy_mwh=Triple.exact(energy_mwh),
        co2e_t=Triple.exact(11_390),
        pue=Triple.exact(1.0),
        gpu_id="nvidia-h100-sxm5-80gb",
        gpu_hours=Triple.exact(39.3e6),
        window=None,
    )

    def co2e(intensity: Triple) -> tuple[float, float, float]:
        r = scenario_row(
            base,
            scenario="what-if",
            zone="x",
            intensity=intensity,
            granularity="annual",
            energy=base.energy_mwh,
            gpu_hours=base.gpu_hours,
            pue=base.pue,
            gpu_name="",
        )
        return r.training_co2e_t_low, r.training_co2e_t, r.training_co2e_t_high

    assert co2e(Triple.exact(0.013))[1] == pytest.approx(358, abs=1)
    assert co2e(Triple.exact(0.025))[1] == pytest.approx(688, abs=1)
    assert co2e(Triple.exact(0.250))[1] == pytest.approx(6_878, abs=1)
    us = co2e(Triple(0.400, 0.550, 0.700))
    assert us[0] == pytest.approx(11_004, abs=1)
    assert us[2] == pytest.approx(19_257, abs=1)


def test_ratios_follow_intensity_ratios(con) -> None:
    rows = run_whatif(con, "Llama 3.1 405B", ["Sweden", "FRA", "DE", "United States"])
    base, *moved = rows
    assert base.scenario == "as estimated"
    assert base.training_energy_mwh == pytest.approx(21_588)
    assert base.training_co2e_t == pytest.approx(8930)
    assert [r.zone for r in moved] == ["SE", "FR", "DE", "US"]
    for r in moved:
        assert r.training_energy_mwh == pytest.approx(21_588)
        assert r.training_co2e_t == pytest.approx(21_588 * r.carbon_intensity_kg_per_kwh)
        assert r.training_co2e_t_low <= r.training_co2e_t <= r.training_co2e_t_high, r.zone
    se, fr, de, _us = moved
    assert de.training_co2e_t / se.training_co2e_t == pytest.approx(
        de.carbon_intensity_kg_per_kwh / se.carbon_intensity_kg_per_kwh
    )
    assert se.training_co2e_t < fr.training_co2e_t < de.training_co2e_t
    # the latest annual value of each zone, as dim_zone has it
    latest = dict(
        con.execute(
            "select zone_key, latest_carbon_intensity_kg_per_kwh from dim_zone "
            "where zone_key in ('SE', 'FR', 'DE', 'US')"
        ).fetchall()
    )
    for r in moved:
        assert r.carbon_intensity_kg_per_kwh == pytest.approx(latest[r.zone])
        assert r.carbon_intensity_granularity == "annual"


def test_zone_written_as_balancing_authority_and_cloud_region(con) -> None:
    rows = run_whatif(con, "llama 3.1 405b", ["CISO", "us-west1"])
    assert [r.zone for r in rows[1:]] == ["US-CAL-CISO", "US-NW-PACW"]


def test_hourly_when_the_window_is_covered(con) -> None:
    # Test CISO Week ran 2022-06-01..07; moved to ERCOT, the 2022 EIA series covers the window
    rows = run_whatif(con, "Test CISO Week", ["ERCO", "FR"])
    erco, fr = rows[1:]
    assert erco.carbon_intensity_granularity == "hourly"
    assert fr.carbon_intensity_granularity == "annual"
    assert "100.0% of the window" in erco.carbon_intensity_source
    # the same zone without a window: its latest annual value
    assert zone_intensity(con, "US-TEX-ERCO").granularity == "annual"


def test_gpu_swap_scales_hours_by_peak_and_power_by_tdp(con) -> None:
    rows = run_whatif(con, "Llama 3.1 405B", ["SE"], gpu="A100 80GB")
    moved = rows[1]
    assert moved.gpu == "nvidia-a100-80gb"  # generic (SXM4 or PCIe): SXM4's figures
    assert moved.gpu_hours == pytest.approx(30.84e6 * 989.4 / 312.0)
    coef = {
        k: (lo, ce, hi)
        for k, lo, ce, hi in con.execute(
            "select key, low, central, high from stg_assumptions__coefficients"
        ).fetchall()
    }
    # A100 SXM 400 W x the power share while training x the assumed PUE, bound by bound
    for i, value in enumerate(
        (moved.training_energy_mwh_low, moved.training_energy_mwh, moved.training_energy_mwh_high)
    ):
        hours = 30.84e6 * 989.4 / 312.0
        assert value == pytest.approx(
            hours * 400 * coef["power_share_of_tdp"][i] * coef["pue"][i] / 1e6
        )
    assert moved.pue == pytest.approx(coef["pue"][1])


def test_pue_changes_it_energy(con) -> None:
    rows = run_whatif(con, "Llama 3.1 405B", ["FR"], pue=1.1)
    # Meta's 700 W was already PUE-adjusted (PUE 1.0 used): all of it counts as IT energy
    assert rows[1].training_energy_mwh == pytest.approx(21_588 * 1.1)
    assert rows[1].pue == 1.1


def test_errors_name_the_problem(con) -> None:
    with pytest.raises(WhatIfError, match="not on the leaderboard"):
        run_whatif(con, "No Such Model", ["FR"])
    with pytest.raises(WhatIfError, match="does not resolve"):
        run_whatif(con, "Llama 3.1 405B", ["Atlantis"])
    with pytest.raises(WhatIfError, match="outside"):
        run_whatif(con, "Llama 3.1 405B", ["FR"], pue=0.5)


def test_command_function(tmp_path) -> None:
    import shutil

    import typer
    from typer.testing import CliRunner

    from footprints.commands.whatif import whatif

    app = typer.Typer()
    app.command("whatif")(whatif)
    app.command("noop")(lambda: None)
    db = tmp_path / "copy.duckdb"  # a separate file: this process holds the other open
    shutil.copyfile(trust_warehouse(), db)
    out = CliRunner().invoke(
        app,
        [
            "whatif",
            "--model",
            "Llama 3.1 405B",
            "--zone",
            "SE",
            "--zone",
            "DE",
            "--format",
            "csv",
            "--warehouse",
            str(db),
        ],
    )
    assert out.exit_code == 0, out.output
    lines = out.output.strip().splitlines()
    assert lines[0].startswith("model,scenario,zone,carbon_intensity_kg_per_kwh")
    assert len(lines) == 4
    bad = CliRunner().invoke(
        app, ["whatif", "--model", "x", "--zone", "SE", "--warehouse", str(db)]
    )
    assert bad.exit_code == 1


def test_family_blog_table_from_the_command(con) -> None:
    """Issue 15: the Llama 3.1 family (Meta's card: 8B, 70B, 405B) at 700 W with no PUE is
    27,510 MWh; in Sweden (13 g/kWh), France (25), Germany (250) and the US (400-700) that is
    358, 688, 6,878 and 11,004-19,257 t (METHODOLOGY.md), to the tonne."""
    rows = run_whatif(con, "Llama 3.1", [], pue=1.0, intensities=[0.013, 0.025, 0.25, 0.4, 0.7])
    assert [r.scenario for r in rows] == ["as estimated"] + ["what-if"] * 5
    assert {r.members for r in rows} == {"Llama 3.1 405B; Llama 3.1 70B; Llama 3.1 8B"}
    assert rows[0].training_co2e_t == pytest.approx(11_390)  # the card's family total
    for r in rows[1:]:
        assert r.training_energy_mwh == pytest.approx(27_510)
        assert r.gpu_hours == pytest.approx(39.3e6)
    assert [round(r.training_co2e_t) for r in rows[1:]] == [358, 688, 6_878, 11_004, 19_257]


def test_a_family_is_one_disclosure_not_a_name_prefix(con) -> None:
    from tasks.model.whatif import family_members

    assert family_members(con, "Llama 2") == ["Llama 2 13B", "Llama 2 70B", "Llama 2 7B"]
    assert family_members(con, "llama 3.1") == ["Llama 3.1 405B", "Llama 3.1 70B", "Llama 3.1 8B"]
    # a name no disclosure covers several models of is not a family
    assert family_members(con, "GPT") == []
    with pytest.raises(WhatIfError, match="not on the leaderboard"):
        run_whatif(con, "GPT", ["FR"])


def test_given_intensity_must_be_plausible(con) -> None:
    with pytest.raises(WhatIfError, match="outside 0-2"):
        run_whatif(con, "Llama 3.1 405B", [], intensities=[400.0])
