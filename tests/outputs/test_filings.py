"""The filings (`footprints export ai-act | spdx | boamps`) on the bundled snapshot's real rows.

Disclosed: Llama 3.1 405B, BLOOM, Llama 2 7B; estimated: DBRX (tier 5, from Epoch AI's training
compute) and Falcon-180B (tier 3). SPDX and BoAmps exports are validated against the schemas in
../shared/data/schemas (skipped without them: the project does not copy third-party schemas).
The inference path runs on a copy of the warehouse with a hand-made fct_model_inference row, since
that mart is built on another branch.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from trust_fixtures import trust_warehouse
from typer.testing import CliRunner

from footprints.cli import app
from tasks.outputs.ai_act import ai_act_json, ai_act_text
from tasks.outputs.boamps import BoampsUnavailableError, boamps_report
from tasks.outputs.card import render_card
from tasks.outputs.filings import UNKNOWN_INFERENCE, Filing, read_filing
from tasks.outputs.spdx import spdx_document

pytestmark = pytest.mark.slow

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
DISCLOSED = ["Llama 3.1 405B", "BLOOM", "Llama 2 7B"]
ESTIMATED = ["DBRX", "Falcon-180B"]
INFERENCE_KEYS = [
    "inference_wh_per_1k_requests",
    "inference_j_per_output_token",
    "inference_co2e_g_per_1k_requests",
]


@pytest.fixture(scope="module")
def con():
    with duckdb.connect(str(trust_warehouse()), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def validators(shared_data: Path) -> dict[str, jsonschema.protocols.Validator]:
    """SPDX 3.0.1 (draft 2020-12) and BoAmps (draft-04, its $refs mapped to the local files)."""
    schemas = shared_data / "schemas"
    spdx = json.loads((schemas / "spdx_3.0.1" / "spdx-json-schema.json").read_text())
    registry: Registry = Registry()
    for path in sorted((schemas / "boamps").glob("*_schema.json")):
        part = json.loads(path.read_text())
        resource = Resource.from_contents(part, default_specification=DRAFT4)
        registry = registry.with_resource(part["id"], resource)
    report = json.loads((schemas / "boamps" / "report_schema.json").read_text())
    return {
        "spdx": jsonschema.Draft202012Validator(spdx),
        "boamps": jsonschema.Draft4Validator(report, registry=registry),
    }


def _errors(validator: jsonschema.protocols.Validator, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(document)]


def _package(document: dict[str, Any]) -> dict[str, Any]:
    (package,) = [e for e in document["@graph"] if e["type"] == "ai_AIPackage"]
    return package


def _card_block(filing: Filing) -> dict[str, Any]:
    match = re.search(r"```yaml\n(.*?)```", render_card(filing.row), re.S)
    assert match, "the card has no yaml block"
    return yaml.safe_load(match.group(1))["co2_eq_emissions"]


@pytest.mark.parametrize("model", DISCLOSED + ESTIMATED)
def test_spdx_and_boamps_validate_against_their_schemas(con, validators, model: str) -> None:
    filing = read_filing(con, model)
    spdx = spdx_document(filing, NOW)
    assert _errors(validators["spdx"], spdx) == []
    boamps = boamps_report(filing, NOW)
    assert _errors(validators["boamps"], boamps) == []
    # the validators are not vacuous: a unit SPDX does not know and a count that is not one fail
    _package(spdx)["ai_energyConsumption"]["ai_trainingEnergyConsumption"][0]["ai_energyUnit"] = (
        "wattHour"
    )
    assert _errors(validators["spdx"], spdx)
    boamps["infrastructure"]["components"][0]["nbComponent"] = "many"
    assert _errors(validators["boamps"], boamps)


def test_ai_act_for_a_disclosed_model_marks_known_and_estimated(con) -> None:
    doc = ai_act_json(read_filing(con, "Llama 3.1 405B"), NOW)
    assert doc["training_compute_flop"]["value"] == pytest.approx(3.8e25)
    assert doc["training_gpu_hours"] == {
        "value": 30_840_000.0,
        "unit": "GPU-hours",
        "status": "known",
        "method": "disclosed",
        "source": doc["training_gpu_hours"]["source"],
    }
    assert "llama3_1/MODEL_CARD.md" in doc["training_gpu_hours"]["source"]
    # Meta disclosed emissions, GPU-hours and power, not energy: energy is estimated from them
    energy = doc["training_energy_mwh"]
    assert energy["status"] == "estimated"
    assert energy["value"] == pytest.approx(30_840_000 * 700 / 1e6, rel=1e-6)
    assert "700 W per accelerator (disclosed power per accelerator)" in energy["method"]
    assert energy["low"] <= energy["value"] <= energy["high"]
    assert doc["training_co2e_t"]["status"] == "known"
    assert doc["training_co2e_t"]["value"] == pytest.approx(8930.0)
    flop = doc["inference_compute_flop_per_token"]
    assert flop["value"] == pytest.approx(2 * 405e9)
    assert flop["status"] == "estimated" and "2 FLOP per active parameter" in flop["method"]
    # the warehouse has inference figures (fct_model_inference): ML.ENERGY measured this model
    for key in INFERENCE_KEYS:
        assert doc[key]["status"] in ("known", "estimated"), (key, doc[key])
        assert doc[key]["value"] > 0
        assert key not in doc["unknown"]


def test_ai_act_bloom_energy_is_known_from_its_paper(con) -> None:
    doc = ai_act_json(read_filing(con, "BLOOM"), NOW)
    energy = doc["training_energy_mwh"]
    assert (energy["value"], energy["status"]) == (433.0, "known")
    assert "https://arxiv.org/abs/2211.02001" in energy["source"]
    assert doc["training_time_days"]["value"] == pytest.approx(117.0)
    # Epoch's compute is Epoch's own estimate, and says so with its confidence
    compute = doc["training_compute_flop"]
    assert compute["status"] == "estimated" and "Epoch AI" in compute["method"]
    assert "Confident" in compute["method"]


def test_ai_act_for_an_estimated_model_states_the_method(con) -> None:
    doc = ai_act_json(read_filing(con, "DBRX"), NOW)
    energy = doc["training_energy_mwh"]
    assert energy["status"] == "estimated"
    assert "training FLOP / (peak FLOP/s × model FLOP utilisation)" in energy["method"]
    assert doc["training_gpu_hours"]["status"] == "estimated"
    assert doc["training_co2e_t"]["status"] == "estimated"
    assert "tier 5" in doc["training_co2e_t"]["method"]
    assert doc["co2_eq_emissions"]["source"].startswith("footprints, estimated (tier 5")


def test_ai_act_markdown_says_unknown_as_unknown(con) -> None:
    text = ai_act_text(read_filing(con, "Llama 2 7B"), "md", NOW)
    assert text.startswith("## Computational resources and energy consumption: Llama 2 7B")
    assert "| Training hardware time | 184,320 GPU-hours | known | disclosed |" in text
    # no duration, dates or GPU count for Llama 2 7B anywhere
    assert "| Training time (wall clock) | unknown | unknown |" in text
    # inference figures come from fct_model_inference (estimated for Llama 2 7B)
    (row,) = [ln for ln in text.splitlines() if ln.startswith("| Inference energy per 1,000")]
    assert "| estimated |" in row and "footprints estimator" in row
    assert text.rstrip().endswith("Unknown: training time (wall clock).")


@pytest.mark.parametrize("model", ["Llama 2 7B", "BLOOM", "DBRX"])
def test_the_four_formats_agree(con, model: str) -> None:
    """Card, AI Act, SPDX and BoAmps: same emissions, source, hardware, training type, energy."""
    filing = read_filing(con, model)
    card = _card_block(filing)
    act = ai_act_json(filing, NOW)
    spdx = spdx_document(filing, NOW)
    boamps = boamps_report(filing, NOW)

    assert act["co2_eq_emissions"] == card
    (note,) = [e for e in spdx["@graph"] if e["type"] == "Annotation"]
    assert json.loads(note["statement"]) == {"co2_eq_emissions": card}
    assert note["subject"] == _package(spdx)["spdxId"]

    # energy: MWh (AI Act) = kWh / 1000 (SPDX, BoAmps)
    energy_kwh = act["training_energy_mwh"]["value"] * 1000
    spdx_energy = _package(spdx)["ai_energyConsumption"]["ai_trainingEnergyConsumption"]
    assert spdx_energy[0]["ai_energyQuantity"] == pytest.approx(energy_kwh, rel=1e-5)
    assert boamps["measures"][0]["powerConsumption"] == pytest.approx(energy_kwh, rel=1e-5)
    # BoAmps' intensity (g/kWh) x energy (kWh) = the card's emissions (g)
    intensity = boamps["environment"]["powerSourceCarbonIntensity"]
    assert intensity * boamps["measures"][0]["powerConsumption"] == pytest.approx(
        card["emissions"], rel=0.01
    )
    assert card["training_type"] == "pre-training" == act["training_type"]
    assert boamps["task"]["taskStage"] == "training"
    assert boamps["task"]["algorithms"][0]["trainingType"] == card["training_type"]
    assert card["source"] in boamps["task"]["taskDescription"]
    assert f"{card['emissions']} g CO2e" in boamps["task"]["taskDescription"]
    assert card["hardware_used"] == act["hardware"]
    assert card["hardware_used"].startswith(
        boamps["infrastructure"]["components"][0]["componentName"].split(" (count")[0]
    )
    assert card["hardware_used"] in _package(spdx)["ai_informationAboutTraining"]


def test_a_ranked_finetune_files_its_fine_tuning(con) -> None:
    # Alpaca: 8 A100 for 3 hours on top of LLaMA-7B (Epoch AI), costed from its own compute
    filing = read_filing(con, "Alpaca")
    assert _card_block(filing)["training_type"] == "fine-tuning"
    energy = _package(spdx_document(filing, NOW))["ai_energyConsumption"]
    assert "ai_finetuningEnergyConsumption" in energy
    assert "ai_trainingEnergyConsumption" not in energy  # a fine-tune files its own compute only
    assert boamps_report(filing, NOW)["task"]["taskStage"] == "finetuning"
    compute = ai_act_json(filing, NOW)["training_compute_flop"]
    assert compute["value"] == pytest.approx(8.08704e18)
    assert "fine-tuning's own compute" in compute["method"]


def test_boamps_needs_a_training_energy(con) -> None:
    (model,) = con.execute(
        "select model from rpt_leaderboard where training_energy_mwh is null "
        "order by total_co2e_t desc limit 1"
    ).fetchone()
    filing = read_filing(con, model)
    assert ai_act_json(filing, NOW)["training_energy_mwh"]["status"] == "unknown"
    assert (
        "ai_trainingEnergyConsumption"
        not in _package(spdx_document(filing, NOW))["ai_energyConsumption"]
    )
    with pytest.raises(BoampsUnavailableError, match="training energy is unknown"):
        boamps_report(filing, NOW)


INFERENCE_ROW = {
    "model": "Llama 3.1 405B",
    "domain": "Language",
    "parameters_b": 405.0,
    "active_parameters_b": 405.0,
    "inference_basis": "measured",
    "inference_source": "ML.ENERGY leaderboard v3 (hand-made test row)",
    "request_tokens_in": 1000.0,
    "request_tokens_out": 300.0,
    "inference_j_per_output_token": 2.0,
    "inference_j_per_output_token_low": 1.5,
    "inference_j_per_output_token_high": 2.5,
    "inference_wh_per_1k_requests": 180.0,
    "inference_wh_per_1k_requests_low": 140.0,
    "inference_wh_per_1k_requests_high": 220.0,
    "inference_co2e_g_per_1k_requests": 70.0,
    "inference_co2e_g_per_1k_requests_low": 50.0,
    "inference_co2e_g_per_1k_requests_high": 90.0,
    "inference_water_l_per_1k_requests": 0.3,
    "inference_water_l_per_1k_requests_low": 0.2,
    "inference_water_l_per_1k_requests_high": 0.4,
    "serving_gpu": "H100",
    "serving_gpu_count": 8.0,
    "serving_precision": "fp8",
    "breakeven_requests": 1.2e11,
    "breakeven_requests_creation": 2.4e11,
}


@pytest.fixture(scope="module")
def inference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the warehouse with fct_model_inference holding one hand-made row."""
    db = tmp_path_factory.mktemp("inference") / "w.duckdb"
    shutil.copyfile(trust_warehouse(), db)
    with duckdb.connect(str(db)) as c:
        columns = ", ".join(INFERENCE_ROW)
        marks = ", ".join("?" for _ in INFERENCE_ROW)
        c.execute(
            "create or replace table fct_model_inference as "
            f"select * from (values ({marks})) t({columns})",
            list(INFERENCE_ROW.values()),
        )
    return db


def test_inference_figures_come_from_the_inference_mart(inference_db, validators) -> None:
    with duckdb.connect(str(inference_db), read_only=True) as c:
        filing = read_filing(c, "Llama 3.1 405B")
        other = read_filing(c, "BLOOM")
    doc = ai_act_json(filing, NOW)
    wh = doc["inference_wh_per_1k_requests"]
    assert (wh["value"], wh["low"], wh["high"], wh["status"]) == (180.0, 140.0, 220.0, "known")
    assert wh["source"] == INFERENCE_ROW["inference_source"]
    assert "1,000 tokens in and 300 out, served on 8 × H100 at fp8" in wh["method"]
    assert doc["inference_j_per_output_token"]["value"] == 2.0
    assert doc["unknown"] == []
    spdx = spdx_document(filing, NOW)
    assert _errors(validators["spdx"], spdx) == []
    inference = _package(spdx)["ai_energyConsumption"]["ai_inferenceEnergyConsumption"]
    # 180 Wh per 1,000 requests = 0.18 Wh = 0.00018 kWh per request
    assert inference[0]["ai_energyQuantity"] == pytest.approx(0.00018)
    assert "per request" in _package(spdx)["comment"]
    report = boamps_report(filing, NOW)
    assert report["task"]["taskFamily"] == "Language model training"
    assert _errors(validators["boamps"], report) == []
    # a model without a row in the mart is still unknown, in the same words
    assert ai_act_json(other, NOW)["inference_wh_per_1k_requests"]["method"] == UNKNOWN_INFERENCE


def test_cli_prints_writes_and_refuses(tmp_path) -> None:
    db = tmp_path / "copy.duckdb"  # a separate file: this process holds the other open
    shutil.copyfile(trust_warehouse(), db)
    runner = CliRunner()
    base = ["--warehouse", str(db)]
    shown = runner.invoke(app, ["export", "ai-act", "--model", "bloom", "--format", "md", *base])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("## Computational resources and energy consumption: BLOOM")
    out = tmp_path / "bloom.spdx.json"
    wrote = runner.invoke(app, ["export", "spdx", "--model", "BLOOM", "--out", str(out), *base])
    assert wrote.exit_code == 0, wrote.output
    assert _package(json.loads(out.read_text()))["name"] == "BLOOM"
    assert list(tmp_path.glob("*.tmp*")) == []
    boamps = runner.invoke(app, ["export", "boamps", "--model", "Llama 2 7B", *base])
    assert json.loads(boamps.output)["task"]["taskStage"] == "training"

    unknown = runner.invoke(app, ["export", "boamps", "--model", "Llama 2 8B", *base])
    assert unknown.exit_code == 2
    assert unknown.output.strip().count("\n") == 0
    assert "no model 'Llama 2 8B'" in unknown.output and "'Llama 2 7B'" in unknown.output
    folder = runner.invoke(
        app, ["export", "spdx", "--model", "BLOOM", "--out", str(tmp_path), *base]
    )
    assert folder.exit_code == 2 and "is a folder" in folder.output
