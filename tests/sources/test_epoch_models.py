"""The Epoch "All ML Systems" parser: inline CSVs for the quirks, the real file for scale."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tasks.core.facts import Fact
from tasks.sources.models.epoch_rows import (
    parse_epoch_models,
    read_epoch_rows,
    select_notable,
    supports_estimate,
)

URL = "https://example.org/epoch.csv"
HEADER = (
    "Model,Domain,Organization,Publication date,Parameters,Training compute (FLOP),"
    "Training dataset size (datapoints),Training time (hours),Training hardware,"
    "Hardware quantity,Hardware utilization (MFU),Training chip-hours,Training power draw (W),"
    "Training cloud compute vendor,Training data center,Country (of organization),"
    "Numerical format,Confidence,Training time notes"
)
# Two-line quoted notes, comma-joined hardware and countries, a percentage MFU, prose in the
# data-centre column, a duplicated name and a row that supports no estimate.
INLINE = (
    HEADER
    + "\n"
    + 'Alpha-7B,Language,"Org A,Org B",2024-02-01,7000000000.0,8.4e+22,2000000000000.0,'
    + '480.0,"NVIDIA A100,NVIDIA V100",256.0,0.45,122880.0,204800.0,,'
    + '"The paper does not mention any hardware.","United States of America,Multinational",'
    + 'BF16,Confident,"first line\nsecond line"\n'
    + "Beta,Vision,Org C,2021-05-05,,1e+21,,,Google TPU v3,,52.0,,,Google Cloud,"
    + "Google us-central1,Canada,FP32,Likely,\n"
    + "Beta,Vision,Org C,2021-06-01,,,,24.0,,8.0,,,,,,Canada,Unknown,Speculative,\n"
    + 'Gamma,Language,Org D,not a date,3e9,,,,,,,,,,,"France,Germany",,Unknown,\n'
)


def by_field(facts: list[Fact], model: str, locator: str | None = None) -> dict[str, Fact]:
    return {
        f.field: f
        for f in facts
        if f.model == model and (locator is None or f.source_locator == locator)
    }


@pytest.fixture(scope="module")
def inline_facts() -> list[Fact]:
    return parse_epoch_models(INLINE.encode(), URL)


def test_inline_rows_and_multiline_cells() -> None:
    rows = read_epoch_rows(INLINE.encode())
    assert [r["model"] for r in rows] == ["Alpha-7B", "Beta", "Beta", "Gamma"]
    assert rows[0]["time_notes"] == "first line\nsecond line"


def test_inline_values_are_normalised(inline_facts: list[Fact]) -> None:
    a = by_field(inline_facts, "Alpha-7B")
    assert a["organization"].value == "Org A; Org B"
    assert a["release_date"].value == "2024-02-01"
    assert a["parameters_b"].value == "7"
    assert a["training_flops"].value == "8.4e+22"
    assert a["training_flops"].confidence == "high"
    assert a["gpu"].value == "NVIDIA A100"
    assert "NVIDIA V100" in a["gpu"].note
    assert a["gpu_count"].value == "256"
    assert a["gpu_hours"].value == "122880"
    assert a["duration_days"].value == "20"
    assert a["mfu"].value == "0.45"
    assert a["precision"].value == "bf16"
    # Cluster watts / devices, flagged as already including PUE.
    assert a["power_w"].value == "800"
    assert a["power_w"].confidence == "low"
    assert a["power_includes_pue"].value == "true"
    # Language-only row: dataset size becomes low-confidence tokens.
    assert a["training_tokens_b"].value == "2000"
    assert a["training_tokens_b"].confidence == "low"
    # Prose in "Training data center" is not a place; the one real country is a model fact.
    assert "location" not in a
    assert a["organization_country"].value == "United States of America"
    assert a["organization_country"].phase == "model"
    assert all(f.source_kind == "epoch" and f.source_url == URL for f in inline_facts)
    assert a["gpu"].source_locator == "row Model=Alpha-7B"


def test_inline_edge_cases(inline_facts: list[Fact]) -> None:
    beta = by_field(inline_facts, "Beta", "row Model=Beta")
    assert beta["location"].value == "Google us-central1"
    assert beta["location"].confidence == "medium"
    assert beta["mfu"].value == "0.52"  # written as a percentage
    assert beta["training_flops"].confidence == "medium"
    assert "training_tokens_b" not in beta  # not a language model
    assert "power_w" not in beta  # no quantity to divide by
    beta2 = by_field(inline_facts, "Beta", "row Model=Beta #2")
    assert beta2["duration_days"].value == "1"
    assert "precision" not in beta2  # "Unknown"
    gamma = by_field(inline_facts, "Gamma")
    assert "release_date" not in gamma
    assert "organization_country" not in gamma  # two countries: no shared country
    assert gamma["parameters_b"].value == "3"


def test_natural_key_unique_with_duplicate_names(inline_facts: list[Fact]) -> None:
    keys = [(f.source_url, f.model, f.phase, f.field, f.source_locator) for f in inline_facts]
    assert len(keys) == len(set(keys))


def test_word_counted_datasets_are_skipped() -> None:
    text = (
        "Model,Domain,Training dataset size (datapoints),Dataset size notes\n"
        "W,Language,3e11,300B words\n"
        "T,Language,3e11,300B tokens\n"
    )
    facts = parse_epoch_models(text, URL)
    assert "training_tokens_b" not in by_field(facts, "W")
    assert by_field(facts, "T")["training_tokens_b"].confidence == "medium"


def test_inputs_bytes_text_and_path_agree(tmp_path: Path) -> None:
    path = tmp_path / "epoch.csv"
    path.write_bytes(b"\xef\xbb\xbf" + INLINE.encode())
    from_path = parse_epoch_models(path, URL)
    assert from_path == parse_epoch_models(str(path), URL)
    assert from_path == parse_epoch_models(INLINE, URL)
    assert from_path == parse_epoch_models(INLINE.encode(), URL)


def test_rejects_non_epoch_csv() -> None:
    with pytest.raises(ValueError, match="Model"):
        parse_epoch_models(b"a,b\n1,2\n", URL)


def test_supports_estimate_rules() -> None:
    assert supports_estimate({"gpu_hours"})
    assert supports_estimate({"gpu_count", "duration_days"})
    assert supports_estimate({"training_flops", "gpu"})
    assert not supports_estimate({"gpu_count", "gpu"})
    assert not supports_estimate({"training_flops", "parameters_b"})


def test_select_notable_keeps_whole_rows(inline_facts: list[Fact]) -> None:
    kept = select_notable(inline_facts)
    rows = {(f.model, f.source_locator) for f in kept}
    assert rows == {
        ("Alpha-7B", "row Model=Alpha-7B"),
        ("Beta", "row Model=Beta"),  # FLOPs + hardware
        ("Beta", "row Model=Beta #2"),  # GPU count + duration
    }  # Gamma has only parameters
    assert len([f for f in kept if f.model == "Alpha-7B"]) == len(
        by_field(inline_facts, "Alpha-7B")
    )


# ---------------------------------------------------------------- the real CSV


@pytest.fixture(scope="module")
def epoch_csv(shared_data: Path) -> Path:
    return shared_data / "models" / "epoch_all_ml_systems_trimmed.csv"


def test_real_csv_row_count_and_multiline(epoch_csv: Path) -> None:
    rows = read_epoch_rows(epoch_csv)
    assert len(rows) == 1892
    physical_lines = epoch_csv.read_text(encoding="utf-8").count("\n")
    assert physical_lines > len(rows) + 1  # multi-line cells exist and were joined
    assert any("\n" in r["time_notes"] for r in rows)
    with epoch_csv.open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(rows)


def test_real_csv_gpt3(epoch_csv: Path) -> None:
    facts = parse_epoch_models(epoch_csv.read_bytes(), URL)
    g = by_field(facts, "GPT-3 175B (davinci)")
    assert g["organization"].value == "OpenAI"
    assert g["release_date"].value == "2020-05-28"
    assert g["parameters_b"].value == "175"
    assert float(g["training_flops"].value) == pytest.approx(3.14e23)
    assert g["gpu"].value == "NVIDIA Tesla V100 DGXS 32 GB"
    assert g["gpu_count"].value == "10000"
    assert g["gpu_hours"].value == "3552000"
    assert float(g["duration_days"].value) == pytest.approx(14.8)
    assert float(g["mfu"].value) == pytest.approx(0.1968)
    assert float(g["power_w"].value) == pytest.approx(510.08, abs=0.01)
    assert "location" not in g  # only the organisation's country is known
    assert g["organization_country"].value == "United States of America"


def test_real_csv_facts_are_valid_and_keys_unique(epoch_csv: Path) -> None:
    facts = parse_epoch_models(epoch_csv, URL)
    assert all(isinstance(f, Fact) for f in facts)
    keys = [(f.source_url, f.model, f.phase, f.field, f.source_locator) for f in facts]
    assert len(keys) == len(set(keys))
    assert len(select_notable(facts)) < len(facts)


def test_quoted_multi_values_keep_their_commas() -> None:
    text = 'Model,Organization\nP,"EleutherAI,""Booz Allen Hamilton, McLean"",""IIIT\nDelhi"""\n'
    org = by_field(parse_epoch_models(text, URL), "P")["organization"]
    assert org.value == "EleutherAI; Booz Allen Hamilton, McLean; IIIT Delhi"
    assert "\n" not in org.raw_text
