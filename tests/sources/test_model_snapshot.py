"""The bundled model-disclosure snapshot in warehouse/snapshot/models.

Everything here reads only the committed snapshot, except the last test, which rebuilds the
Epoch facts from ../shared and skips without it.
"""

from __future__ import annotations

import csv
import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tasks.core.facts import FACT_COLUMNS, FIELDS, Fact
from tasks.sources.models.epoch_lists import ExportFile, reconcile_exports, select_listed
from tasks.sources.models.epoch_rows import supports_estimate

NUMERIC_UNITS = {u for _, u in FIELDS.values()} - {"", "date", "bool"}
NATURAL_KEY = ("source_url", "model", "phase", "field", "source_locator")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == FACT_COLUMNS or path.name == "model_aliases.csv"
        return list(reader)


def to_fact(row: dict[str, str]) -> Fact:
    fields = {k: v for k, v in row.items() if k != "unit"}
    fact = Fact(**fields)
    assert fact.unit == row["unit"], row
    return fact


@pytest.fixture(scope="module")
def cards(snapshot_dir: Path) -> list[Fact]:
    return [to_fact(r) for r in read_csv(snapshot_dir / "models" / "card_facts.csv")]


@pytest.fixture(scope="module")
def epoch(snapshot_dir: Path) -> list[Fact]:
    return [to_fact(r) for r in read_csv(snapshot_dir / "models" / "epoch_facts.csv")]


@pytest.fixture(scope="module")
def aliases(snapshot_dir: Path) -> dict[str, str]:
    rows = read_csv(snapshot_dir / "models" / "model_aliases.csv")
    assert rows and set(rows[0]) == {"alias", "model"}
    mapping = {r["alias"]: r["model"] for r in rows}
    assert len(mapping) == len(rows), "an alias is listed twice"
    return mapping


def values(facts: list[Fact], model: str, field: str, phase: str = "training") -> set[str]:
    return {f.value for f in facts if f.model == model and f.field == field and f.phase == phase}


def test_source_kinds(cards: list[Fact], epoch: list[Fact]) -> None:
    assert {f.source_kind for f in cards} == {"card"}
    assert {f.source_kind for f in epoch} == {"epoch"}
    assert all(f.source_url.startswith("https://") for f in cards + epoch)
    assert all(f.source_locator for f in cards + epoch)


def test_natural_key_unique(cards: list[Fact], epoch: list[Fact]) -> None:
    keys = [tuple(getattr(f, k) for k in NATURAL_KEY) for f in cards + epoch]
    assert len(keys) == len(set(keys))


def test_values_have_their_units_shape(cards: list[Fact], epoch: list[Fact]) -> None:
    for f in cards + epoch:
        assert f.value != "", f
        if f.unit in NUMERIC_UNITS:
            assert float(f.value) >= 0, f
        elif f.unit == "date":
            assert date.fromisoformat(f.value).isoformat() == f.value, f
        elif f.unit == "bool":
            assert f.value in {"true", "false"}, f
        assert len(f.raw_text) <= 200


def test_at_least_40_models(cards: list[Fact], epoch: list[Fact], aliases: dict[str, str]) -> None:
    models = {aliases.get(f.model, f.model) for f in cards + epoch}
    assert len(models) >= 40
    assert len({f.model for f in cards}) >= 40


def test_every_epoch_model_is_listed_or_supports_an_estimate(
    epoch: list[Fact], aliases: dict[str, str]
) -> None:
    models: dict[str, set[str]] = {}
    for f in epoch:
        models.setdefault(aliases.get(f.model, f.model), set()).add(f.field)
    assert all("epoch_list" in fields or supports_estimate(fields) for fields in models.values())
    assert select_listed(epoch, aliases) == epoch
    # the listed models that support no estimate keep their descriptive facts
    bare = [m for m, fields in models.items() if not supports_estimate(fields)]
    assert len(bare) > 500
    assert {"organization", "release_date"} <= models["Claude Opus 4.5"]


def test_aliases_point_at_card_models(
    aliases: dict[str, str], cards: list[Fact], epoch: list[Fact]
) -> None:
    card_models = {f.model for f in cards}
    # ... or at the older Epoch name of a model Epoch has renamed ('GPT-4 (Mar 2023)' is GPT-4)
    assert set(aliases.values()) <= card_models | {f.model for f in epoch}
    assert aliases["GPT-4 (Mar 2023)"] == "GPT-4"
    assert not set(aliases) & card_models, "an alias must not shadow a display name"
    assert aliases["Llama 3.1-405B"] == "Llama 3.1 405B"
    assert aliases["meta-llama/Llama-3.1-405B"] == "Llama 3.1 405B"
    assert aliases["BLOOM-176B"] == aliases["bigscience/bloom"] == "BLOOM"


def test_llama_31_405b(cards: list[Fact]) -> None:
    m = "Llama 3.1 405B"
    assert values(cards, m, "gpu_hours") == {"30840000"}
    assert values(cards, m, "co2e_t") == {"8930"}
    assert values(cards, m, "co2e_market_t") == {"0"}
    assert values(cards, m, "power_w") == {"700"}
    assert values(cards, m, "power_includes_pue") == {"true"}
    assert values(cards, m, "gpu") == {"H100-80GB"}
    assert values(cards, "Llama 3.1 8B", "gpu_hours") == {"1460000"}
    assert values(cards, "Llama 3.1 70B", "co2e_t") == {"2040"}


def test_market_based_never_in_co2e(cards: list[Fact]) -> None:
    # Meta's market-based 0 must not turn into a location-based 0.
    for f in cards:
        if f.field == "co2e_t" and f.source_url.startswith("https://github.com/meta-llama"):
            assert float(f.value) > 0, f


def test_llama_33_keeps_the_contradiction(cards: list[Fact]) -> None:
    m = "Llama 3.3 70B"
    co2 = {f.value: f for f in cards if f.model == m and f.field == "co2e_t"}
    hours = {f.value: f for f in cards if f.model == m and f.field == "gpu_hours"}
    assert set(co2) == {"12.9", "11390"}
    assert set(hours) == {"7000000", "39300000"}
    assert co2["11390"].confidence == hours["39300000"].confidence == "low"
    assert "contradiction" in co2["11390"].note


def test_other_spot_checks(cards: list[Fact]) -> None:
    assert values(cards, "BLOOM", "co2e_t") == {"24.7"}
    assert "France" in next(iter(values(cards, "BLOOM", "location")))
    assert values(cards, "DeepSeek-V3", "gpu_hours") == {"2788000"}
    assert values(cards, "Llama 2 70B", "gpu_hours") == {"1720320"}
    assert values(cards, "Llama 2 70B", "co2e_t") == {"291.42"}
    assert values(cards, "Llama 3 8B", "gpu_hours") == {"1300000"}
    assert values(cards, "Llama 4 Scout", "co2e_t") == {"1354"}
    assert values(cards, "Llama 3.2 11B Vision", "gpu_hours") == {"246120"}
    assert values(cards, "OLMo 7B", "energy_mwh") == {"104"}
    assert values(cards, "MedImageInsight", "co2e_t") == {"0.89184"}
    assert values(cards, "MedImageInsight", "gpu_hours") == {"7680"}
    assert values(cards, "Stable Diffusion v1-4", "co2e_t") == {"11.25"}
    # YAML grams win over the body's rounded kilograms.
    assert values(cards, "Tucano-1b1", "co2e_t") == {"0.96"}
    assert values(cards, "TeenyTinyLlama-460m", "co2e_t") == {"0.0411"}


def test_epoch_snapshot_carries_notable_rows(epoch: list[Fact]) -> None:
    gpt3 = "GPT-3 175B (davinci)"
    assert values(epoch, gpt3, "gpu_hours") == {"3552000"}
    assert values(epoch, "Llama 3.1-405B", "gpu_count") == {"16384"}


def _build_script() -> Any:
    script = Path(__file__).resolve().parents[2] / "scripts" / "snapshot" / "build_models.py"
    spec = importlib.util.spec_from_file_location("build_models", script)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_build_script_validates_cards(snapshot_dir: Path) -> None:
    mod = _build_script()
    facts = mod.load_facts(snapshot_dir / "models" / "card_facts.csv")
    assert facts and not mod.duplicate_keys(facts)


def test_epoch_snapshot_matches_a_rebuild(
    shared_data: Path, epoch: list[Fact], aliases: dict[str, str]
) -> None:
    mod = _build_script()
    files = [
        ExportFile(shared_data / "models" / name, url, listed)
        for name, url, listed in mod.EPOCH_EXPORTS
    ]
    rebuilt = reconcile_exports(files, aliases)
    assert rebuilt == epoch, "epoch_facts.csv is stale: run scripts/snapshot/build_models.py"
