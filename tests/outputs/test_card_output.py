"""The model-card section: Markdown a person pastes, and Hugging Face metadata in grams."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from tasks.outputs.card import UnknownModelError, find_model, grams, render_card

DISCLOSED = {
    "rank": 7,
    "model": "Llama 3.1 405B",
    "organization": "Meta",
    "release_date": date(2024, 7, 23),
    "parameters_b": 405.0,
    "gpu": "NVIDIA H100 SXM5 80GB",
    "gpu_id": "nvidia-h100-sxm5-80gb",
    "gpu_count": 16384.0,
    "gpu_hours": 30_840_000.0,
    "grid_zone": None,
    "location": "Meta's custom built GPU cluster and production infrastructure",
    "carbon_intensity_kg_per_kwh": 0.4136,
    "carbon_intensity_granularity": "disclosed",
    "pue": 1.0,
    "training_energy_mwh": 21588.0,
    "training_co2e_t": 8930.0,
    "training_water_kl": 32166.12,
    "development_energy_mwh": 17270.4,
    "development_co2e_t": 7144.0,
    "development_water_kl": 25732.9,
    "embodied_co2e_t": 733.5,
    "embodied_water_kl": 162.5,
    "total_energy_mwh": 38858.4,
    "total_co2e_t": 16807.5,
    "total_co2e_t_low": 12857.3,
    "total_co2e_t_high": 26012.7,
    "total_water_kl": 58061.5,
    "training_cost_usd": 61_680_000.0,
    "training_energy_cost_usd": 1_079_400.0,
    "disclosed_training_co2e_t": 8930.0,
    "disclosed_training_co2e_market_t": 0.0,
    "training_co2e_basis": "disclosed",
    "estimation_tier": 1,
    "conflicting_fields": "power_w",
    "sources": (
        "https://github.com/epoch-research/training-cost-trends/blob/x/data/All.csv ; "
        "https://github.com/meta-llama/llama-models/blob/x/models/llama3_1/MODEL_CARD.md ; "
        "Epoch AI ML Hardware :: 'H100' | datasheet: https://resources.nvidia.com/h100; "
        "https://www.techpowerup.com/gpu-specs/h100-sxm5.c3900"
    ),
    "training_co2e_t_low": 8483.5,
    "training_co2e_t_high": 9376.5,
    "development_method": "training x development ratio",
}

ESTIMATED = {
    **DISCLOSED,
    "model": "Small 1B",
    "location": None,
    "grid_zone": None,
    "gpu_count": None,
    "carbon_intensity_granularity": "assumed",
    "training_co2e_t": 0.0004,
    "training_co2e_basis": "estimated",
    "estimation_tier": 4,
    "disclosed_training_co2e_t": None,
    "disclosed_training_co2e_market_t": None,
    "conflicting_fields": None,
}


def yaml_block(text: str) -> dict:
    match = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert match, "no yaml block"
    return yaml.safe_load(match.group(1))


def test_markdown_section_has_every_part() -> None:
    text = render_card(DISCLOSED)
    assert text.startswith("## Environmental impact\n")
    for needle in (
        "16,384 × NVIDIA H100 SXM5 80GB",
        "30,840,000",  # GPU-hours
        "Meta's custom built GPU cluster",
        "0.414 kg CO2e/kWh (implied by the developer's own emissions / energy)",
        "| training | 21,588 | 8,930 | 8,484–9,376 |",
        "| development |",
        "| embodied |",
        "**16,808**",
        "12,857–26,013",
        "**disclosed**",
        "tier 1 of 5",
        "0 t market-based",
        "Sources disagree on:** power_w",
        "<https://github.com/meta-llama/llama-models/blob/x/models/llama3_1/MODEL_CARD.md>",
        "<https://resources.nvidia.com/h100>",
    ):
        assert needle in text, needle


def test_hugging_face_block_is_yaml_in_grams() -> None:
    meta = yaml_block(render_card(DISCLOSED))["co2_eq_emissions"]
    assert meta["emissions"] == pytest.approx(8930.0 * 1e6)
    assert isinstance(meta["emissions"], int)
    assert meta["training_type"] == "pre-training"
    # disclosed: the developer's card is the source, not the Epoch database
    assert meta["source"].endswith("llama3_1/MODEL_CARD.md")
    assert meta["geographical_location"].startswith("Meta's custom built")
    assert meta["hardware_used"].startswith("16,384 × NVIDIA H100 SXM5 80GB, 30,840,000 GPU-hours")


def test_estimated_figures_cite_footprints_and_keep_small_numbers() -> None:
    text = render_card(ESTIMATED, project_url="https://example.org/footprints")
    meta = yaml_block(text)["co2_eq_emissions"]
    assert meta["emissions"] == pytest.approx(0.0004 * 1e6)  # 400 g
    assert meta["source"].startswith("footprints (https://example.org/footprints), estimated")
    assert "tier 4" in meta["source"]
    assert "geographical_location" not in meta  # unknown: left out rather than guessed
    assert "world average" in text
    assert "Location:** not disclosed" in text


def test_a_finetune_is_filed_as_fine_tuning() -> None:
    meta = yaml_block(render_card({**ESTIMATED, "base_model": "Llama 2-7B"}))["co2_eq_emissions"]
    assert meta["training_type"] == "fine-tuning"
    assert yaml_block(render_card(ESTIMATED))["co2_eq_emissions"]["training_type"] == (
        "pre-training"
    )


@pytest.mark.parametrize(
    ("tonnes", "expected"), [(8930.0, 8_930_000_000), (0.0125, 12_500), (1e-5, 10.0)]
)
def test_grams(tonnes: float, expected: float) -> None:
    assert grams(tonnes) == pytest.approx(expected)
    assert grams(tonnes) == pytest.approx(tonnes * 1e6)


def test_yaml_survives_awkward_names() -> None:
    row = {**ESTIMATED, "gpu": 'A100: "80GB" # sxm', "location": "Montréal: QC"}
    meta = yaml_block(render_card(row))["co2_eq_emissions"]
    assert meta["hardware_used"].startswith('A100: "80GB" # sxm')
    assert meta["geographical_location"] == "Montréal: QC"


@pytest.fixture()
def con(tmp_path: Path):
    c = duckdb.connect(str(tmp_path / "c.duckdb"))
    c.execute(
        "create table rpt_leaderboard as select * from (values "
        "('Llama 3.1 405B', 8930.0), ('Llama 3.1 70B', 2040.0), ('Falcon-180B', 1.0)) "
        "t(model, training_co2e_t)"
    )
    c.execute(
        "create table fct_training_runs as select * from (values "
        "('Llama 3.1 405B', 'central', null), ('Falcon-180B', 'central', 'Falcon base')) "
        "t(model, bound, base_model)"
    )
    c.execute(
        "create table fct_model_footprints as select 'Llama 3.1 405B' as model, "
        "'development' as footprint, 1.0 as co2e_t_low, 3.0 as co2e_t_high, "
        "'training x development ratio' as method"
    )
    c.execute(
        "create table raw_model_aliases as select 'llama-3.1-405b' as alias, "
        "'Llama 3.1 405B' as model"
    )
    yield c
    c.close()


def test_find_model_exact_case_and_alias(con) -> None:
    assert find_model(con, "Llama 3.1 405B")["development_co2e_t_high"] == 3.0
    assert find_model(con, "Llama 3.1 405B")["base_model"] is None
    assert find_model(con, "Llama 3.1 70B")["base_model"] is None  # no run row: still found
    assert find_model(con, "llama 3.1 405b")["model"] == "Llama 3.1 405B"
    assert find_model(con, "LLAMA-3.1-405B")["model"] == "Llama 3.1 405B"


def test_unknown_model_lists_close_matches(con) -> None:
    with pytest.raises(UnknownModelError) as err:
        find_model(con, "Llama 3.1 450B")
    message = str(err.value)
    assert "no model 'Llama 3.1 450B'" in message
    assert "'Llama 3.1 405B'" in message and "'Llama 3.1 70B'" in message
    with pytest.raises(UnknownModelError, match="footprints leaderboard"):
        find_model(con, "zzzzzzzz")
