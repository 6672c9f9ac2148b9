"""Each SQL model on a small hand-made snapshot, with expected values worked out by hand.

The fixture snapshot goes through the real path (ingest_snapshot_files -> build_models), so these
tests also pin the staging views and the layer order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tasks.core.facts import FACT_COLUMNS
from tasks.core.settings import get_settings
from tasks.load.ingest import ingest_snapshot_files
from tasks.load.warehouse import open_warehouse
from tasks.model import transform
from tasks.model.contracts import MartContract, MartContractError
from tasks.model.transform import build_models
from tasks.sources.grid import snapshot as grid_intensity
from tasks.sources.hardware import snapshot as gpu_specs
from tasks.sources.models import snapshot as model_disclosures

REPO = Path(__file__).resolve().parents[2]
URL = "https://example.org/card"

GPU_SPECS_HEADER = (
    "gpu_id,name,manufacturer,kind,is_training_accelerator,release_date,tdp_w,tdp_w_low,"
    "tdp_w_high,memory_gb,memory_bandwidth_gb_s,peak_fp64_tflops,peak_fp32_tflops,peak_tf32_tflops,peak_bf16_tflops,"
    "peak_fp8_tflops,die_area_mm2,embodied_co2e_kg_low,embodied_co2e_kg_central,"
    "embodied_co2e_kg_high,embodied_water_l,price_usd,rental_usd_per_gpu_hour_low,"
    "rental_usd_per_gpu_hour_central,rental_usd_per_gpu_hour_high,specs_source,embodied_source,"
    "price_source\n"
)


def fact(model: str, phase: str, field: str, value: str, confidence: str = "high") -> str:
    from tasks.core.facts import FIELDS

    unit = FIELDS[field][1]
    cells = {
        "model": model,
        "phase": phase,
        "field": field,
        "value": value,
        "source_kind": "card",
        "source_url": f"{URL}/{model}",
        "source_locator": f"line {field}",
        "raw_text": value,
        "confidence": confidence,
        "note": "",
        "unit": unit,
    }
    return ",".join(cells[c] for c in FACT_COLUMNS)


FACTS = [
    # M1, tier 1: disclosed emissions; power already PUE-adjusted (like Meta's cards)
    ("M1", "model", "release_date", "2023-06-01"),
    ("M1", "training", "co2e_t", "100"),
    ("M1", "training", "gpu_hours", "100000"),
    ("M1", "training", "gpu", "H100"),
    ("M1", "training", "power_w", "700"),
    ("M1", "training", "power_includes_pue", "true"),
    ("M1", "training", "location", "US"),
    # M2, tier 3: GPU-hours only, in France 2023
    ("M2", "model", "release_date", "2023-06-01"),
    ("M2", "training", "gpu_hours", "100000"),
    ("M2", "training", "gpu", "H100"),
    ("M2", "training", "location", "France"),
    # M3, tier 4: 100 GPUs x 10 days in the US
    ("M3", "model", "release_date", "2023-01-01"),
    ("M3", "training", "gpu_count", "100"),
    ("M3", "training", "duration_days", "10"),
    ("M3", "training", "gpu", "H100"),
    ("M3", "training", "location", "US"),
    # M4, tier 5: FLOPs only, place unknown
    ("M4", "model", "training_flops", "1e23"),
    ("M4", "training", "gpu", "H100"),
    # M5, tier 2: disclosed energy, at a balancing authority, in 2022
    ("M5", "training", "energy_mwh", "50"),
    ("M5", "training", "location", "CISO"),
    ("M5", "training", "end_date", "2022-05-01"),
    # M6: only a low-confidence figure: recorded, never used for an estimate
    ("M6", "training", "co2e_t", "5"),
    # M7: a disclosed development run
    ("M7", "training", "co2e_t", "20"),
    ("M7", "training", "gpu_hours", "50000"),
    ("M7", "training", "gpu", "H100"),
    ("M7", "development", "co2e_t", "10"),
    ("M7", "development", "gpu_hours", "25000"),
]


def write_snapshot(root: Path) -> None:
    (root / "grid").mkdir(parents=True)
    (root / "gpus").mkdir()
    (root / "models").mkdir()
    src = "https://example.org/grid"
    (root / "grid/zones.csv").write_text(
        "zone_key,zone_name,zone_type,country_iso2,country_iso3,source\n"
        "FR,France,country,FR,FRA,t\nUS,United States,country,US,USA,t\n"
        "US-CAL-CISO,CAISO,subzone,US,USA,t\n"
    )
    (root / "grid/grid_intensity_annual.csv").write_text(
        "zone_key,year,carbon_intensity_g_per_kwh,basis,source,source_url\n"
        f"FR,2023,56,lifecycle,a,{src}\nFR,2023,40,direct,a,{src}\nFR,2022,85,lifecycle,a,{src}\n"
        f"US,2023,400,lifecycle,b,{src}\nUS,2022,380,lifecycle,b,{src}\n"
        f"US-CAL-CISO,2022,250,lifecycle,c,{src}\n"
    )
    (root / "grid/cloud_regions.csv").write_text(
        "provider,region,region_name,zone_key,country_iso2,pue,source\n"
        "gcp,us-west2,Los Angeles,US-CAL-CISO,US,,t\n"
    )
    (root / "grid/location_aliases.csv").write_text(
        "alias,zone_key,kind,source\nFrance,FR,country_name,t\nUS,US,iso2,t\n"
        "CISO,US-CAL-CISO,balancing_authority,t\n"
    )
    # The bundled hourly series (no fixture run has a window they cover, so nothing changes).
    shutil.copy(
        REPO / "warehouse/snapshot/grid/intensity_hourly.parquet",
        root / "grid/intensity_hourly.parquet",
    )
    (root / "gpus/gpu_specs.csv").write_text(
        GPU_SPECS_HEADER
        + "h100,H100 SXM,NVIDIA,gpu,true,2022-03-22,700,700,700,80,3350,67,67,494.7,989.4,1978.9,"
        "814,"
        "150,463,876.5,102.6,25000,3,5,12,datasheet,luccioni,aws\n"
    )
    (root / "gpus/gpu_aliases.csv").write_text("alias,gpu_id,note\nH100,h100,\n")
    (root / "gpus/curated").mkdir(parents=True, exist_ok=True)
    (root / "gpus/curated/largest_clusters.csv").write_text(
        "as_of_date,accelerators,accelerator_kind,cluster,source\n"
        "2024-09-02,100000,H100,C1,https://example.org/clusters\n"
    )
    (root / "gpus/curated/cloud_prices.csv").write_text(
        "accelerator,gpu_id_pattern,year,vendor,on_demand_usd_per_hour,committed_1y_usd_per_hour,"
        "committed_3y_usd_per_hour,source\n"
        "H100,h100,2020,Cloud,12,5,3,https://example.org/prices\n"
    )
    (root / "grid/electricity_prices.csv").write_text(
        "country,year,usd_per_kwh,source\nUS,2020,0.07,https://example.org/prices\n"
    )
    (root / "gpus/curated/purchase_prices.csv").write_text(
        "accelerator,gpu_id_pattern,year,price_usd,source\n"
        "H100,h100,2020,25000,https://example.org/prices\n"
    )
    header = ",".join(FACT_COLUMNS) + "\n"
    body = "".join(fact(m, p, f, v, "low" if m == "M6" else "high") + "\n" for m, p, f, v in FACTS)
    (root / "models/card_facts.csv").write_text(header + body)
    (root / "models/epoch_facts.csv").write_text(
        header + fact("M2", "model", "parameters_b", "7") + "\n"
    )
    (root / "models/hfco2_facts.csv").write_text(
        header + fact("M3", "model", "organization", "Org") + "\n"
    )
    (root / "models/publication_facts.csv").write_text(
        header + fact("M3", "training", "run_scope", "final_run") + "\n"
    )
    (root / "models/model_aliases.csv").write_text("alias,model\nmodel-two,M2\n")
    shutil.copy(
        REPO / "warehouse/snapshot/models/training_sites.csv", root / "models/training_sites.csv"
    )
    (root / "models/organizations.csv").write_text(
        "kind,key,organization,source\nhub_owner,someone,Someone,t\n"
    )
    (root / "models/organization_countries.csv").write_text(
        "organization,country,source,note\nSomeone,France,https://example.org,\n"
    )
    for spec in model_disclosures.ASSUMPTION_FILES:  # coefficients (and any reference tables)
        shutil.copy(REPO / "warehouse/snapshot" / spec.relative_path, root / spec.relative_path)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture")
    write_snapshot(root / "snapshot")
    settings = get_settings(warehouse=root / "w.duckdb", snapshot_dir=root / "snapshot")
    with open_warehouse(settings=settings) as c:
        for files in (
            grid_intensity.SNAPSHOT_FILES,
            gpu_specs.SNAPSHOT_FILES,
            model_disclosures.SNAPSHOT_FILES,
            model_disclosures.ASSUMPTION_FILES,
        ):
            ingest_snapshot_files(c, files, settings=settings)
        build_models(c)
        yield c


def rows(con, sql: str, *params) -> list[dict]:
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def run(con, model: str, bound: str = "central", phase: str = "training") -> dict:
    found = rows(
        con,
        "select * from int_runs_estimated where model = ? and bound = ? and phase = ?",
        model,
        bound,
        phase,
    )
    assert len(found) == 1, (model, bound, phase, found)
    return found[0]


def test_intensity_prefers_lifecycle(con) -> None:
    fr = rows(con, "select * from int_grid_intensity_ranked where zone_key = 'FR' and year = 2023")
    assert [(r["carbon_intensity_kg_per_kwh"], r["basis"]) for r in fr] == [(0.056, "lifecycle")]


def test_tier1_disclosed_emissions(con) -> None:
    r = run(con, "M1")
    assert r["estimation_tier"] == 1
    assert r["co2e_t"] == pytest.approx(100)
    # 100,000 h x 700 W with PUE already in the power figure = 70 MWh; implied 100/70 kg/kWh
    assert r["energy_mwh"] == pytest.approx(70)
    assert r["pue"] == 1.0
    assert r["carbon_intensity_kg_per_kwh"] == pytest.approx(100 / 70)
    assert r["carbon_intensity_granularity"] == "disclosed"
    assert run(con, "M1", "low")["co2e_t"] == pytest.approx(95)  # disclosed +/- 5%


def test_tier3_gpu_hours(con) -> None:
    r = run(con, "M2")
    # 100,000 h x 700 W (TDP) x PUE 1.2 = 84 MWh; France 2023 lifecycle 56 g/kWh
    assert r["estimation_tier"] == 3
    assert r["energy_mwh"] == pytest.approx(84)
    assert r["co2e_t"] == pytest.approx(84 * 0.056)
    assert r["carbon_intensity_granularity"] == "annual"
    low, high = run(con, "M2", "low"), run(con, "M2", "high")
    # low: 0.7 x TDP, PUE 1.1, intensity x 0.85; high: TDP, PUE 1.56, x 1.15
    assert low["co2e_t"] == pytest.approx(1e5 * 700 * 0.7 * 1.1 / 1e6 * 0.056 * 0.85)
    assert high["co2e_t"] == pytest.approx(1e5 * 700 * 1.0 * 1.56 / 1e6 * 0.056 * 1.15)
    # water: 84 MWh x (0.2 + 1.29) L/kWh
    assert r["water_kl"] == pytest.approx(84 * 1.49)


def test_tier4_count_times_duration(con) -> None:
    r = run(con, "M3")
    assert r["estimation_tier"] == 4
    assert r["gpu_hours"] == pytest.approx(100 * 10 * 24)
    assert r["carbon_intensity_kg_per_kwh"] == pytest.approx(0.400)  # US 2023


def test_tier5_flops(con) -> None:
    r, low, high = run(con, "M4"), run(con, "M4", "low"), run(con, "M4", "high")
    assert r["estimation_tier"] == 5
    assert r["gpu_hours"] == pytest.approx(1e23 / (989.4e12 * 0.35) / 3600)
    # MFU lowers the footprint as it grows: the low end takes MFU 0.5, the high end 0.2
    assert low["gpu_hours"] == pytest.approx(1e23 / (989.4e12 * 0.5) / 3600)
    assert high["gpu_hours"] == pytest.approx(1e23 / (989.4e12 * 0.2) / 3600)
    assert r["carbon_intensity_granularity"] == "assumed"
    assert r["carbon_intensity_kg_per_kwh"] == pytest.approx(0.475)


def test_tier2_energy_at_balancing_authority(con) -> None:
    r = run(con, "M5")
    assert r["estimation_tier"] == 2
    assert r["zone_key"] == "US-CAL-CISO"
    assert r["co2e_t"] == pytest.approx(50 * 0.25)


def test_low_confidence_never_drives_an_estimate(con) -> None:
    assert rows(con, "select * from int_runs_estimated where model = 'M6'") == []
    assert rows(con, "select * from rpt_leaderboard where model = 'M6'") == []


def test_development_and_embodied(con) -> None:
    m7 = rows(con, "select * from int_footprints_bounded where model = 'M7' and bound = 'central'")[
        0
    ]
    assert m7["development_co2e_t"] == pytest.approx(10)
    assert m7["development_disclosed"]
    # embodied: (50,000 + 25,000) GPU-hours x 463 kg / (4 y x 8,760 h) / 1,000
    assert m7["embodied_co2e_t"] == pytest.approx(75000 * 463 / 35040 / 1000)
    m2 = rows(con, "select * from int_footprints_bounded where model = 'M2' and bound = 'central'")[
        0
    ]
    assert m2["development_co2e_t"] == pytest.approx(84 * 0.056 * 0.8)  # ratio 0.8
    cost = rows(con, "select * from int_runs_costed where model = 'M2' and bound = 'central'")[0]
    assert cost["training_cost_usd"] == pytest.approx(1e5 * 5)  # H100 1-year committed 5 USD/h


def test_marts(con) -> None:
    fct = rows(con, "select * from fct_model_footprints where model = 'M2' order by footprint")
    assert [r["footprint"] for r in fct] == ["development", "embodied", "training"]
    for r in fct:
        assert r["co2e_t_low"] <= r["co2e_t"] <= r["co2e_t_high"]
    gpu = rows(con, "select * from dim_gpu where gpu_id = 'h100'")[0]
    assert gpu["models_trained"] == 5  # M1, M2, M3, M4, M7
    fr = rows(con, "select * from dim_zone where zone_key = 'FR'")[0]
    assert (fr["latest_year"], fr["latest_carbon_intensity_kg_per_kwh"]) == (2023, 0.056)


def test_leaderboard(con) -> None:
    board = rows(con, "select * from rpt_leaderboard order by rank")
    assert board[0]["model"] == "M1"
    assert {r["model"] for r in board} == {"M1", "M2", "M3", "M4", "M5", "M7"}
    m2 = next(r for r in board if r["model"] == "M2")
    assert m2["parameters_b"] == 7  # from the Epoch file, through the alias-free name
    assert m2["grid_zone"] == "FR"
    assert m2["total_co2e_t"] == pytest.approx(
        m2["training_co2e_t"] + m2["development_co2e_t"] + m2["embodied_co2e_t"]
    )
    assert "https://example.org/card/M2" in m2["sources"]
    m3 = next(r for r in board if r["model"] == "M3")
    assert m3["organization"] == "Org"


def test_a_mart_breaking_its_grain_fails_the_build_and_keeps_the_last_one(con, monkeypatch) -> None:
    models, contracts = transform.plan_build()
    footprints = next(c for c in contracts if c.mart == "fct_model_footprints")
    too_narrow = MartContract(
        footprints.mart, footprints.path, footprints.description, ("model",), ("model",)
    )
    monkeypatch.setattr(transform, "plan_build", lambda: (models, [too_narrow]))
    before = rows(con, "select model, rank from rpt_leaderboard order by rank")
    with pytest.raises(MartContractError, match=r"mart fct_model_footprints: unique key \(model\)"):
        build_models(con, force=True)
    assert rows(con, "select model, rank from rpt_leaderboard order by rank") == before
