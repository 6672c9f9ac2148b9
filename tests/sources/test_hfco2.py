"""The Hugging Face Hub CO2 dataset: rows to facts, and the unit-problem flags."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from tasks.core.facts import Fact
from tasks.sources.models.hfco2 import (
    FLAG_KINDS,
    MIN_ROWS_FOR_IQR,
    Flag,
    HFCO2FormatError,
    count_flags,
    parse_hfco2,
)

URL = "https://github.com/thijsnulle/sse-project2/blob/e8148c9f/HFCO2.csv"
HEADER = "modelId,co2_eq_emissions,source,training_type,geographical_location,environment,size,auto"


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def facts_of(facts: list[Fact], model: str, field: str) -> list[Fact]:
    return [f for f in facts if f.model == model and f.field == field]


def kinds(flags: list[Flag], model: str) -> set[str]:
    return {f.kind for f in flags if f.model == model}


# --- the real file ------------------------------------------------------------------------------

REAL_COUNTS = {
    "missing_model_id": 0,
    "non_numeric": 0,
    "zero": 1,
    "negative": 0,
    "too_small": 77,
    "too_large": 0,
    "per_byte_outlier": 11,
    "autotrain_constant": 8,
}


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[list[Fact], list[Flag]]:
    return parse_hfco2(shared_data / "model_cards" / "hf_hub_co2_HFCO2.csv", URL)


def test_real_every_row_parsed(real: tuple[list[Fact], list[Flag]]) -> None:
    facts, _ = real
    co2 = [f for f in facts if f.field == "co2e_t"]
    # 1,419 data rows, none rejected: each gives exactly one emissions fact.
    assert len(co2) == 1419
    assert len({f.source_locator for f in co2}) == 1419
    assert {f.source_kind for f in facts} == {"hfco2"}
    assert {f.source_url for f in facts} == {URL}
    assert Counter(f.field for f in facts) == {
        "co2e_t": 1419,
        "gpu": 85,
        "location": 75,
        "gpu_count": 29,
        "organization": 1419,
    }
    # no training_type in it means development
    assert {f.phase for f in facts if f.field != "organization"} == {"training"}


def test_real_flag_counts(real: tuple[list[Fact], list[Flag]]) -> None:
    facts, flags = real
    assert count_flags(flags) == REAL_COUNTS
    flagged_rows = {f.row for f in flags}
    assert len(flagged_rows) == 88
    low = [f for f in facts if f.field == "co2e_t" and f.confidence == "low"]
    assert len(low) == 88
    assert all("flags: " in f.note for f in low)


def test_real_known_rows(real: tuple[list[Fact], list[Flag]]) -> None:
    facts, flags = real
    (distil, again) = facts_of(facts, "distilgpt2", "co2e_t")
    assert again.source_locator == "row 467 modelId=distilgpt2"
    assert (distil.value, distil.unit, distil.confidence) == ("0.1492", "t", "high")
    assert distil.source_locator == "row 1 modelId=distilgpt2"
    assert distil.raw_text == "149200.0"
    assert "same modelId on row(s) 467" in distil.note
    assert facts_of(facts, "distilgpt2", "gpu_count")[0].value == "8"
    # BLOOM is big per byte but is pretraining, which the per-byte rule does not hold against it.
    (bloom,) = facts_of(facts, "bloom", "co2e_t")
    assert (bloom.value, bloom.confidence) == ("24.7", "high")
    assert facts_of(facts, "bloom", "location")[0].value == "Orsay, France"
    assert facts_of(facts, "bloom", "gpu")[0].value == "384 A100 80GB"
    # Exactly zero.
    assert kinds(flags, "xlmindic-base-multiscript-soham") == {"zero"}
    # The cluster ~1000x below the median per byte is also below 0.01 g: kg in a grams field.
    assert kinds(flags, "autotrain-claimcoherence-n500-39483103025") == {
        "too_small",
        "per_byte_outlier",
    }
    assert kinds(flags, "dalle-mega") == {"per_byte_outlier"}
    assert kinds(flags, "reuters-summarization") == {"autotrain_constant"}
    # Fine-tuning is the model's own training, with the type kept in the note.
    (it5,) = facts_of(facts, "it5-base-question-generation", "co2e_t")
    assert it5.phase == "training" and "training_type=fine-tuning" in it5.note
    # TPU strings count VMs or slices, not chips: no gpu_count from them.
    assert facts_of(facts, "it5-base-question-generation", "gpu_count") == []


def test_real_hfclean(shared_data: Path) -> None:
    path = shared_data / "model_cards" / "hf_hub_co2_HFClean_trimmed.csv"
    facts, flags = parse_hfco2(path.read_bytes(), "https://example.org/HFClean.csv")
    assert len([f for f in facts if f.field == "co2e_t"]) == 47
    assert count_flags(flags)["zero"] == 1
    (params,) = facts_of(facts, "bloom", "parameters_b")
    assert (params.value, params.phase, params.confidence) == ("176.247", "model", "medium")
    (loc,) = facts_of(facts, "dalle-mini", "location")
    assert "cloud provider: GCP" in loc.note


# --- inline CSVs: one rule at a time ------------------------------------------------------------


def test_plain_row() -> None:
    facts, flags = parse_hfco2(
        csv_of("org-model,2500.5,Code Carbon,pretraining,Denmark,1 v100 16GB,1e9,False"), URL
    )
    assert flags == []
    got = {f.field: f for f in facts}
    assert set(got) == {"co2e_t", "gpu", "gpu_count", "location", "organization"}
    assert got["co2e_t"].value == "0.0025005"
    assert got["co2e_t"].unit == "t"
    assert got["co2e_t"].confidence == "high"
    assert "source column: Code Carbon" in got["co2e_t"].note
    assert got["gpu"].value == "1 v100 16GB"
    assert (got["gpu_count"].value, got["gpu_count"].confidence) == ("1", "medium")
    assert got["location"].value == "Denmark"
    assert {f.source_locator for f in facts} == {"row 1 modelId=org-model"}


@pytest.mark.parametrize(
    ("training_type", "phase"),
    [
        ("pretraining", "training"),
        ("fine-tuning", "training"),
        ("Not Specified", "training"),
        ("hyperparameter search", "development"),
    ],
)
def test_phase_from_training_type(training_type: str, phase: str) -> None:
    facts, _ = parse_hfco2(csv_of(f"m,5,,{training_type},,,1e9,False"), URL)
    (f,) = facts_of(facts, "m", "co2e_t")
    assert f.phase == phase
    expected = "not specified" if training_type == "Not Specified" else training_type
    assert f"training_type={expected}" in f.note


def test_zero_negative_small_large() -> None:
    data = csv_of(
        "zero,0.0,,,,,1e9,False",
        "neg,-3,,,,,1e9,False",
        "tiny,0.005,,,,,1e9,False",
        "edge,0.01,,,,,1e9,False",
        "huge-small,2e9,,,,,5e8,False",
        "huge-nosize,2e9,,,,,,False",
        "huge-big,2e9,,pretraining,,,5e11,False",
    )
    facts, flags = parse_hfco2(data, URL)
    assert kinds(flags, "zero") == {"zero"}
    assert kinds(flags, "neg") == {"negative"}
    assert kinds(flags, "tiny") == {"too_small"}
    assert kinds(flags, "edge") == set()
    assert kinds(flags, "huge-small") == {"too_large"}
    assert kinds(flags, "huge-nosize") == {"too_large"}
    assert kinds(flags, "huge-big") == set()
    (tiny,) = facts_of(facts, "tiny", "co2e_t")
    assert tiny.confidence == "low" and "too_small" in tiny.note
    assert tiny.value == "5e-09"
    assert facts_of(facts, "huge-big", "co2e_t")[0].value == "2000"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("17g", "1.7e-05"),
        ("1.2 kg", "0.0012"),
        ('"1,500 g"', "0.0015"),
        ("3 t", "3"),
        ("24_700_000", "24.7"),  # YAML 1.1 spelling: a plain number to Python too
    ],
)
def test_numbers_with_units(raw: str, value: str) -> None:
    facts, flags = parse_hfco2(csv_of(f"m,{raw},,,,,1e9,False"), URL)
    (co2,) = facts_of(facts, "m", "co2e_t")
    assert co2.value == value
    if raw.startswith("24"):
        assert flags == []
    else:
        assert kinds(flags, "m") == {"non_numeric"}
        assert co2.confidence == "low"


@pytest.mark.parametrize("raw", ["unk", "", "NaN", "inf", "a lot", "More information needed"])
def test_non_numeric_gives_no_emissions_fact(raw: str) -> None:
    facts, flags = parse_hfco2(csv_of(f"m,{raw},,fine-tuning,France,1 T4,1e9,False"), URL)
    assert kinds(flags, "m") == {"non_numeric"}
    assert facts_of(facts, "m", "co2e_t") == []
    # The rest of the row still counts.
    assert facts_of(facts, "m", "location")[0].value == "France"
    assert facts_of(facts, "m", "gpu")[0].value == "1 T4"


def test_missing_model_id_rejected() -> None:
    facts, flags = parse_hfco2(csv_of(",5,,,,,1e9,False", "ok,5,,,,,1e9,False"), URL)
    assert [f.model for f in facts] == ["ok", "ok"]  # its emissions and its organisation
    assert [(f.row, f.kind) for f in flags] == [(1, "missing_model_id")]
    assert facts[0].source_locator == "row 2 modelId=ok"


def _per_byte_rows(n: int) -> list[str]:
    # Typical fine-tunes: ~10 g for ~1 GB, spread over a decade.
    return [f"typ{i},{5 + i},,fine-tuning,,,1e9,False" for i in range(n)]


def test_per_byte_outlier() -> None:
    rows = [
        *_per_byte_rows(30),
        "kg-in-g,0.02,,fine-tuning,,,1e9,False",  # 1000x too small, but above 0.01 g
        "mg-in-g,30000,,fine-tuning,,,1e9,False",  # 1000x too large
        "big-pretrain,30000,,pretraining,,,1e9,False",  # pretraining may cost that much
        "small-pretrain,0.02,,pretraining,,,1e9,False",  # the low side still applies
        "no-size,0.02,,fine-tuning,,,,False",
    ]
    _, flags = parse_hfco2(csv_of(*rows), URL)
    assert kinds(flags, "kg-in-g") == {"per_byte_outlier"}
    assert kinds(flags, "mg-in-g") == {"per_byte_outlier"}
    assert kinds(flags, "big-pretrain") == set()
    assert kinds(flags, "small-pretrain") == {"per_byte_outlier"}
    assert kinds(flags, "no-size") == set()
    assert all(not kinds(flags, f"typ{i}") for i in range(30))
    detail = next(f.detail for f in flags if f.model == "mg-in-g")
    assert "above" in detail


def test_per_byte_rule_needs_enough_rows() -> None:
    rows = [*_per_byte_rows(MIN_ROWS_FOR_IQR - 2), "mg-in-g,30000,,fine-tuning,,,1e9,False"]
    _, flags = parse_hfco2(csv_of(*rows), URL)
    assert flags == []


def test_autotrain_constant() -> None:
    rows = [
        "auto-a,0.8335,AutoTrain,,,,1e9,True",
        "auto-b,0.8335,AutoTrain,,,,1e9,1",
        "auto-c,0.8335000,AutoTrain,,,,1e9,true",  # same number, other spelling
        "human,0.8335,,,,,1e9,False",  # not AutoTrain: not this rule
        "auto-d,4.2,AutoTrain,,,,1e9,True",
        "auto-d,4.2,AutoTrain,,,,1e9,True",  # the same model twice is a duplicate, not a copy
    ]
    facts, flags = parse_hfco2(csv_of(*rows), URL)
    flagged = {(f.model, f.row) for f in flags if f.kind == "autotrain_constant"}
    assert flagged == {("auto-a", 1), ("auto-b", 2), ("auto-c", 3)}
    detail = next(f.detail for f in flags if f.model == "auto-a")
    assert "row 2 (auto-b)" in detail and "row 3 (auto-c)" in detail
    assert kinds(flags, "human") == set()
    dup = facts_of(facts, "auto-d", "co2e_t")
    assert [f.source_locator for f in dup] == ["row 5 modelId=auto-d", "row 6 modelId=auto-d"]
    assert "same modelId on row(s) 6" in dup[0].note


def test_tpu_and_count_parsing() -> None:
    rows = [
        "a,5,,,,8 v100 16GB,1e9,False",
        "b,5,,,,** 8 16GB V100,1e9,False",
        "c,5,,,,1 TPU v3-8 VM,1e9,False",
        "d,5,,,,RTX 2080 Ti.,1e9,False",
        "e,5,,,,0 GPUs,1e9,False",
    ]
    facts, _ = parse_hfco2(csv_of(*rows), URL)
    counts = {f.model: f.value for f in facts if f.field == "gpu_count"}
    assert counts == {"a": "8", "b": "8"}
    assert facts_of(facts, "b", "gpu")[0].value == "** 8 16GB V100"  # as written; resolved later


def test_bom_and_quoted_multiline_fields() -> None:
    data = b"\xef\xbb\xbf" + csv_of('m,"5",,fine-tuning,"Orsay,\nFrance",,1e9,False')
    facts, flags = parse_hfco2(data, URL)
    assert flags == []
    assert facts_of(facts, "m", "location")[0].value == "Orsay, France"


def test_format_errors() -> None:
    with pytest.raises(HFCO2FormatError, match="modelId"):
        parse_hfco2(b"name,value\na,1\n", URL)
    with pytest.raises(HFCO2FormatError, match="UTF-8"):
        parse_hfco2(b"modelId,co2_eq_emissions\n\xff,1\n", URL)


def test_flag_kinds_and_counts() -> None:
    assert list(count_flags([])) == list(FLAG_KINDS)
    assert all(v == 0 for v in count_flags([]).values())
    with pytest.raises(ValueError, match="unknown flag kind"):
        Flag("m", 1, "made_up", "")
    for kind, rule in FLAG_KINDS.items():
        assert rule and kind == kind.lower()


def test_tonnes_are_grams_over_a_million() -> None:
    facts, _ = parse_hfco2(csv_of("m,123456.789,,,,,1e9,False"), URL)
    (f,) = facts_of(facts, "m", "co2e_t")
    assert math.isclose(float(f.value), 0.123456789)
