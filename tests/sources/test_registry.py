"""The source registry: declarations, schedules against prefect.yaml, settings read generically."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tasks.core.settings import get_settings
from tasks.load.warehouse import RAW_TABLE_KEYS, open_warehouse
from tasks.sources import registry
from tasks.sources.live import LiveOptions, land_source

REPO = Path(__file__).resolve().parents[2]
# The flow that runs each kind's live runs (each calls registry.live_names(<kind>)).
FLOW_OF_KIND = {
    "grid": "flows/ingest_grid_intensity.py:ingest_grid_intensity",
    "hardware": "flows/ingest_gpu_specs.py:ingest_gpu_specs",
    "models": "flows/ingest_model_disclosures.py:ingest_model_disclosures",
}


def _deployment_crons() -> dict[str, set[str]]:
    doc = yaml.safe_load((REPO / "prefect.yaml").read_text())
    return {
        d["entrypoint"]: {s["cron"] for s in d.get("schedules") or []} for d in doc["deployments"]
    }


@pytest.mark.parametrize("kind", sorted(FLOW_OF_KIND))
def test_each_flows_cron_is_its_live_runs_schedule(kind: str) -> None:
    declared = {run.schedule for _, run in registry.live_runs(kind)}
    assert declared, f"no live run of kind {kind}"
    assert _deployment_crons()[FLOW_OF_KIND[kind]] == declared


def test_names_are_unique_and_every_resource_lands_in_a_raw_table() -> None:
    names = [s.name for s in registry.SOURCES]
    assert len(names) == len(set(names))
    runs = [run.name for _, run in registry.live_runs()]
    assert len(runs) == len(set(runs))
    for source in registry.SOURCES:
        for resource in source.resources:
            assert resource.raw_table in RAW_TABLE_KEYS, (source.name, resource.name)
            assert resource.natural_key == RAW_TABLE_KEYS[resource.raw_table]
        # a source that needs a token must say where it goes, and be fetched live
        assert not source.needs_token or (source.token and source.base_url), source.name


def test_every_live_source_is_in_env_example() -> None:
    documented = (REPO / ".env.example").read_text()
    for source in registry.SOURCES:
        if source.base_url:
            assert f"FOOTPRINTS_{source.name.upper()}_BASE_URL={source.base_url}" in documented
        if source.token:
            assert f"FOOTPRINTS_{source.name.upper()}_TOKEN=" in documented


def test_settings_resolve_any_source_from_the_environment(monkeypatch) -> None:
    owid = registry.source("owid")
    monkeypatch.delenv("FOOTPRINTS_OWID_BASE_URL", raising=False)
    assert owid.settings(get_settings()).base_url == owid.base_url
    monkeypatch.setenv("FOOTPRINTS_OWID_BASE_URL", "http://127.0.0.1:9/owid/")
    assert owid.settings(get_settings()).base_url == "http://127.0.0.1:9/owid"
    # a keyword argument wins over the environment
    given = get_settings(owid_base_url="http://127.0.0.1:9/given")
    assert owid.settings(given).base_url == "http://127.0.0.1:9/given"
    monkeypatch.setenv("FOOTPRINTS_EMBER_TOKEN", "SENTINEL-registry-5e1")
    settings = get_settings()
    ember = registry.source("ember").settings(settings)
    assert ember.token is not None and ember.token.get_secret_value() == "SENTINEL-registry-5e1"
    assert ember.token_placement == registry.source("ember").token
    assert "SENTINEL" not in repr(settings) and "SENTINEL" not in repr(ember)


def test_an_undeclared_source_without_a_base_url_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("FOOTPRINTS_NOSUCH_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="FOOTPRINTS_NOSUCH_BASE_URL"):
        get_settings().source("nosuch")
    with pytest.raises(ValueError, match="unknown source 'nosuch'; known: owid, ember"):
        registry.source("nosuch")


def test_an_unknown_live_source_fails_naming_the_known_ones(tmp_path) -> None:
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        outcome = land_source(con, settings, "nosuch", LiveOptions())
    assert outcome.status == "failed"
    assert "unknown live source 'nosuch'" in outcome.message
    assert "known: owid, ember, electricitymaps, ukcarbon, eia, gpus, epoch" in outcome.message
