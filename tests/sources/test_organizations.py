"""Who trained a model: the curated organisation table and the HFCO2 rows it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.core.curated import CuratedDataError
from tasks.sources.models.hfco2 import parse_hfco2
from tasks.sources.models.organizations import (
    RELATIVE_PATH,
    UNKNOWN_HUB_USER,
    load_organizations,
)

URL = "https://example.org/HFCO2.csv"
HEADER = "modelId,datasets,co2_eq_emissions,source,training_type,auto"


def _organization(csv_rows: str) -> dict[str, str]:
    facts, _ = parse_hfco2(f"{HEADER}\n{csv_rows}\n".encode(), URL)
    orgs = [f for f in facts if f.field == "organization"]
    assert all((f.phase, f.confidence) == ("model", "medium") for f in orgs)
    return {f.model: f.value for f in orgs}


def test_an_autotrain_row_gets_the_owner_of_its_data_repo() -> None:
    got = _organization(
        "autonlp-triage-35248482,['Aimendo/autonlp-data-triage'],7.9,AutoTrain,,True\n"
        "en_lg,['Eric Peter/autonlp-data-EN-LUG'],133,AutoTrain,,True\n"
        "x-1,\"['bigcode/autotrain-data-x']\",5,AutoTrain,,True"
    )
    assert got["autonlp-triage-35248482"] == "Aimendo"
    assert got["en_lg"] == "EricPeter"  # a Hub namespace has no space
    assert got["x-1"] == "BigCode"  # an owner in the table shows its display name


def test_a_canonical_id_maps_to_its_organisation() -> None:
    got = _organization("distilgpt2,['openwebtext'],149200,AutoTrain,pretraining,False")
    assert got == {"distilgpt2": "Hugging Face"}


def test_an_underivable_owner_is_said_so() -> None:
    facts, _ = parse_hfco2(f"{HEADER}\nkekbot-mini,[''],10,AutoTrain,,False\n".encode(), URL)
    (org,) = [f for f in facts if f.field == "organization"]
    assert org.value == UNKNOWN_HUB_USER
    assert "no column of the row names the Hub owner" in org.note


def test_the_bundled_table_has_a_source_per_line() -> None:
    orgs = load_organizations()
    assert orgs.lookup("model_id", "BLOOM") == "BigScience"
    assert orgs.lookup("github_owner", "meta-llama") == "Meta"
    assert orgs.of_hub_owner("someone") == "someone"
    # Google and DeepMind are different entities before 2023: never merged.
    assert orgs.lookup("spelling", "DeepMind") is None
    assert orgs.lookup("spelling", "Google") is None


def _table(tmp_path: Path, body: str) -> Path:
    path = tmp_path / RELATIVE_PATH
    path.parent.mkdir(parents=True)
    path.write_text("kind,key,organization,source\n" + body, encoding="utf-8")
    return tmp_path


def test_a_bad_row_names_file_line_and_column(tmp_path: Path) -> None:
    root = _table(
        tmp_path, "hub_owner,bigcode,BigCode,https://huggingface.co/bigcode\nhub_owner,acme,Acme,\n"
    )
    with pytest.raises(CuratedDataError, match=r"organizations\.csv: line 3: column 'source'"):
        load_organizations(root)


def test_a_repeated_key_is_an_error(tmp_path: Path) -> None:
    root = _table(tmp_path, "model_id,gpt2,OpenAI,a\nmodel_id,GPT2,OpenAI,b\n")
    with pytest.raises(CuratedDataError, match=r"line 3: column 'key'.*already on line 2"):
        load_organizations(root)


def test_an_unknown_kind_is_an_error(tmp_path: Path) -> None:
    root = _table(tmp_path, "owner,gpt2,OpenAI,a\n")
    with pytest.raises(CuratedDataError, match=r"line 2: column 'kind'"):
        load_organizations(root)
