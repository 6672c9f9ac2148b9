"""The Epoch facts a location ladder, a fine-tune guard and compute confidence need (issue 14),
on real rows of the shared Epoch exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.core.facts import Fact
from tasks.sources.models.epoch_rows import parse_epoch_models, read_epoch_rows

URL = "https://example.org/epoch.csv"


def fields_of(facts: list[Fact], model: str) -> dict[str, Fact]:
    return {f.field: f for f in facts if f.model == model and f.source_locator.endswith(model)}


@pytest.fixture(scope="module")
def facts(shared_data: Path) -> list[Fact]:
    return parse_epoch_models(shared_data / "models" / "epoch_all_ml_systems_trimmed.csv", URL)


def test_cloud_vendor_is_normalised_and_keeps_the_cell(facts: list[Fact]) -> None:
    g = fields_of(facts, "GPT-3 175B (davinci)")
    assert g["cloud_vendor"].value == "Microsoft Azure"
    assert g["cloud_vendor"].raw_text == "Microsoft"
    assert (g["cloud_vendor"].phase, g["cloud_vendor"].confidence) == ("training", "medium")
    arctic = fields_of(facts, "Arctic")
    assert arctic["cloud_vendor"].value == "Amazon Web Services"
    assert arctic["cloud_vendor"].raw_text == "AWS"
    vendors = {f.value for f in facts if f.field == "cloud_vendor"}
    assert {"Google Cloud", "Oracle Cloud", "IBM Cloud"} <= vendors
    assert not vendors & {"AWS", "Microsoft", "Azure AI", "Oracle", "IBM"}


def test_organization_country_replaces_the_location_fallback(facts: list[Fact]) -> None:
    g = fields_of(facts, "GPT-3 175B (davinci)")
    assert g["organization_country"].value == "United States of America"
    assert (g["organization_country"].phase, g["organization_country"].confidence) == (
        "model",
        "medium",
    )
    assert not [f for f in facts if f.field == "location" and f.confidence == "low"]
    assert "Multinational" not in {f.value for f in facts if f.field == "organization_country"}


def test_fine_tune_with_base_model_and_compute(facts: list[Fact]) -> None:
    nvlm = fields_of(facts, "NVLM-D 72B")
    assert nvlm["base_model"].value == "Qwen2-72B; InternViT-6B"
    assert nvlm["base_model"].raw_text == "Qwen2-72B,InternViT-6B"
    # Epoch's cell says 2 (its notes: 2.463e22 FLOP): not a FLOP count, so no fact.
    assert "finetune_flops" not in nvlm
    guard = fields_of(facts, "Llama Guard")
    assert guard["base_model"].value == "Llama 2-7B"
    assert float(guard["finetune_flops"].value) == pytest.approx(1.7e17)
    assert guard["finetune_flops"].unit == "FLOP"
    llama = fields_of(facts, "Llama 3.1-405B")
    assert float(llama["post_training_flops"].value) == pytest.approx(9.4e22)
    assert min(float(f.value) for f in facts if f.field == "finetune_flops") >= 1e6


def test_compute_confidence_as_written(facts: list[Fact]) -> None:
    gpt4o = fields_of(facts, "GPT-4o")
    assert gpt4o["compute_confidence"].value == "Speculative"
    # usable (issue 15: kept with its confidence and a wider range, not dropped)
    assert gpt4o["training_flops"].confidence == "medium"
    assert "Speculative" in gpt4o["training_flops"].note
    assert fields_of(facts, "NVLM-D 72B")["compute_confidence"].value == "Confident"
    with_flops = {f.source_locator for f in facts if f.field == "training_flops"}
    assert {f.source_locator for f in facts if f.field == "compute_confidence"} <= with_flops


def test_newer_export_headers(shared_data: Path) -> None:
    path = shared_data / "models" / "epoch_large_scale_ai_models_upto_2025-12-31.csv"
    row = read_epoch_rows(path)[0]
    assert {"base_model", "finetune_flops", "dataset", "country", "confidence"} <= set(row)
    facts = parse_epoch_models(path, URL)
    ds = fields_of(facts, "DeepSeek-V3.1")
    assert float(ds["finetune_flops"].value) == pytest.approx(1.86258e23)
    assert ds["organization_country"].value == "China"
    assert "cloud_vendor" not in {f.field for f in facts}  # that export has no vendor column
