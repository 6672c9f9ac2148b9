"""Epoch exports reconciled (tasks/sources/models/epoch_lists.py): the newest row wins, a column
only an older export has still comes from it, a name listed twice is one model, renames go
through the aliases; on small exports and on the shared real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.core.facts import Fact
from tasks.sources.models.epoch_lists import ExportFile, reconcile_exports

NEW = b"""\xef\xbb\xbfModel,Organization,Publication date,Training compute (FLOP),Confidence,\
Training hardware,Hardware quantity,Notability criteria,Frontier model
"Acme 2
",Acme,2026-01-05,2e24,Likely,NVIDIA H100 SXM5 80GB,1024,SOTA improvement,checked
Acme Renamed (Jan 2026),Acme,2026-01-06,,,,,Significant use,
Closed One,Bigco,2026-02-01,,,,,Significant use,
Twice,Acme,2026-03-01,,,,,,
Twice,Acme,2026-03-01,1e24,Likely,NVIDIA H100 SXM5 80GB,,,
"""
OLD = b"""Model,Organization,Publication date,Training compute (FLOP),Confidence,Training hardware,\
Hardware quantity,Training chip-hours,Training data center
Acme 2,Acme Old Name,2025-12-01,1e24,Confident,NVIDIA A100,512,900000,"Council Bluffs, Iowa"
Acme Renamed,Acme,2026-01-06,3e23,Likely,NVIDIA A100,256,,
Old Only,Acme,2020-01-01,,,,,,
Old Estimable,Acme,2020-01-01,,,NVIDIA V100,8,1000,
"""


def by_field(facts: list[Fact], model: str) -> dict[str, Fact]:
    out: dict[str, Fact] = {}
    for f in facts:
        if f.model == model and f.field != "epoch_list":
            assert f.field not in out, f"two {f.field} facts for {model}"
            out[f.field] = f
    return out


@pytest.fixture(scope="module")
def facts() -> list[Fact]:
    files = [
        ExportFile(NEW, "https://example.org/notable.csv", "notable"),
        ExportFile(OLD, "https://example.org/all.csv"),
    ]
    return reconcile_exports(files, {"Acme Renamed (Jan 2026)": "Acme Renamed"})


def test_the_newer_row_wins_column_by_column(facts: list[Fact]) -> None:
    acme = by_field(facts, "Acme 2")  # the BOM and the name's trailing newline are tolerated
    assert acme["organization"].value == "Acme"
    assert acme["gpu"].value == "NVIDIA H100 SXM5 80GB"
    assert acme["gpu_count"].value == "1024"
    assert acme["compute_confidence"].value == "Likely"
    assert {acme[f].source_url for f in ("organization", "gpu", "training_flops")} == {
        "https://example.org/notable.csv"
    }
    # the lists have no chip-hours or data-centre columns: those still come from the old row
    assert acme["gpu_hours"].value == "900000"
    assert acme["location"].value == "Council Bluffs, Iowa"
    assert acme["gpu_hours"].source_url == "https://example.org/all.csv"
    assert acme["notability_criteria"].value == "SOTA improvement"
    assert acme["frontier_model"].value == "true"


def test_a_newer_blank_cell_removes_the_older_value(facts: list[Fact]) -> None:
    """Epoch renamed 'Acme Renamed' and blanked its compute and hardware: nothing of the old
    row's compute survives, since the newer export has those columns."""
    renamed = by_field(facts, "Acme Renamed (Jan 2026)")
    assert "Acme Renamed" not in {f.model for f in facts}
    assert "training_flops" not in renamed and "gpu" not in renamed
    assert renamed["notability_criteria"].value == "Significant use"


def test_listed_models_keep_their_descriptive_facts(facts: list[Fact]) -> None:
    closed = by_field(facts, "Closed One")
    assert set(closed) == {"organization", "release_date", "notability_criteria"}
    assert [f.value for f in facts if f.model == "Closed One" and f.field == "epoch_list"] == [
        "notable"
    ]
    models = {f.model for f in facts}
    assert "Old Estimable" in models  # unlisted, but it supports an estimate
    assert "Old Only" not in models  # unlisted and nothing to estimate from


def test_a_name_listed_twice_is_one_model_from_its_usable_row(facts: list[Fact]) -> None:
    twice = by_field(facts, "Twice")
    assert twice["training_flops"].source_locator == "row Model=Twice #2"
    assert {f.source_locator for f in facts if f.model == "Twice"} == {"row Model=Twice #2"}


def test_real_exports_keep_each_facts_file(shared_data: Path) -> None:
    models = shared_data / "models"
    files = [
        ExportFile(models / "epoch_notable_ai_models_upto_2025-12-31.csv", "notable", "notable"),
        ExportFile(models / "epoch_all_ml_systems_trimmed.csv", "all"),
    ]
    llama = by_field(reconcile_exports(files), "Llama 3.1-405B")
    assert (llama["gpu_count"].value, llama["gpu_count"].source_url) == ("16384", "notable")
    assert llama["frontier_model"].value == "true"
    # post-training compute is a column of the all-models copy only
    assert (llama["post_training_flops"].value, llama["post_training_flops"].source_url) == (
        "9.4e+22",
        "all",
    )
