"""Model disclosures: facts from model cards and a model database, and model aliases."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow
from prefect.runtime import flow_run

from flows._live import run_live_sources
from tasks.outputs.artifacts import publish_load_summary
from tasks.prefect_tasks import land_codecarbon_runs, land_model_disclosures
from tasks.sources.models.user_cards_fanout import parse_and_land_cards
from tasks.sources.registry import live_names

ARTIFACT_KEY = "ingest-model-disclosures"


def _flow_run_id() -> str | None:
    run = flow_run.get_id()
    return str(run) if run else None


def load_model_disclosures(
    warehouse: str | None = None,
    cards_dir: str | None = None,
    source: Literal["snapshot", "live"] = "snapshot",
    hf_repos: list[str] | None = None,
    hf_max_cards: int = 200,
    sources: list[str] | None = None,
    codecarbon: str | None = None,
    codecarbon_model: str | None = None,
) -> list[dict[str, Any]]:
    """The flow's work, as tasks of the calling flow: the snapshot's disclosures (or the live
    model-disclosure sources of tasks/sources/registry.py) and, when given, a directory of
    users' own cards and a measured runs file."""
    if source == "live":
        options = {"hf_repos": hf_repos, "hf_max_cards": hf_max_cards}
        results = run_live_sources(
            sources or live_names("models"), warehouse, options, f"{ARTIFACT_KEY}-live"
        )
    else:
        results = land_model_disclosures(warehouse)
    if cards_dir:
        # Parsing fans out in chunks on the calling flow's task runner (threads, or a Dask
        # cluster); the landing stays one write, in this process.
        fanned = parse_and_land_cards(cards_dir, warehouse, run_id=_flow_run_id())
        results = [*results, fanned.summary()]
    if codecarbon and codecarbon_model:
        results = [*results, land_codecarbon_runs(codecarbon, codecarbon_model, warehouse)]
    return results


@flow(name="ingest_model_disclosures")
def ingest_model_disclosures(
    warehouse: str | None = None,
    cards_dir: str | None = None,
    source: Literal["snapshot", "live"] = "snapshot",
    hf_repos: list[str] | None = None,
    hf_max_cards: int = 200,
    sources: list[str] | None = None,
    codecarbon: str | None = None,
    codecarbon_model: str | None = None,
) -> list[dict[str, Any]]:
    """Land the snapshot's disclosures (or the live model-disclosure sources: a model database,
    model cards) and, when given, a directory of users' own cards."""
    results = load_model_disclosures(
        warehouse,
        cards_dir,
        source,
        hf_repos,
        hf_max_cards,
        sources,
        codecarbon,
        codecarbon_model,
    )
    publish_load_summary(ARTIFACT_KEY, results)
    return results
