"""Grid carbon intensity: annual values per country and zone, cloud regions, aliases, and, from
live sources, monthly and hourly series."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow

from flows._live import run_live_sources
from tasks.outputs.artifacts import publish_load_summary
from tasks.prefect_tasks import land_grid_intensity
from tasks.sources.registry import live_names

ARTIFACT_KEY = "ingest-grid-intensity"


def load_grid_intensity(
    warehouse: str | None = None,
    source: Literal["snapshot", "live"] = "snapshot",
    zones: list[str] | None = None,
    balancing_authorities: list[str] | None = None,
    days: int = 7,
    sources: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The flow's work, as tasks of the calling flow (so `refresh` runs it without a subflow):
    the bundled snapshot, or every live source (each its own task; a failing one does not stop
    the others, and the call then raises naming it)."""
    if source == "snapshot":
        return land_grid_intensity(warehouse)
    options = {"zones": zones, "balancing_authorities": balancing_authorities, "days": days}
    return run_live_sources(
        sources or live_names("grid"), warehouse, options, f"{ARTIFACT_KEY}-live"
    )


@flow(name="ingest_grid_intensity")
def ingest_grid_intensity(
    warehouse: str | None = None,
    source: Literal["snapshot", "live"] = "snapshot",
    zones: list[str] | None = None,
    balancing_authorities: list[str] | None = None,
    days: int = 7,
    sources: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Land the bundled snapshot, or fetch every live source (a failing one does not stop the
    others; the flow then fails naming it)."""
    results = load_grid_intensity(warehouse, source, zones, balancing_authorities, days, sources)
    if source == "snapshot":
        publish_load_summary(ARTIFACT_KEY, results)
    return results
