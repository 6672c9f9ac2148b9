"""Grid carbon intensity: annual values per country and zone, cloud regions, aliases, and, from
live sources, monthly and hourly series."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow

from flows._artifacts import publish_load_summary
from tasks.grid_live import LIVE_SOURCES
from tasks.prefect_tasks import land_grid_intensity, land_live_grid_source


class GridSourcesFailed(RuntimeError):
    """One or more live grid sources failed; the others landed."""


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
    if source == "snapshot":
        results = land_grid_intensity(warehouse)
        publish_load_summary("ingest-grid-intensity", results)
        return results
    states = [
        land_live_grid_source.with_options(task_run_name=f"land_live_grid_source-{name}")(
            name, warehouse, zones, balancing_authorities, days, return_state=True
        )
        for name in (sources or LIVE_SOURCES)
    ]
    outcomes = [s.result() for s in states if s.is_completed()]
    results = [
        {**load, "message": f"{o['source']}: {load.get('message', '')}"}
        for o in outcomes
        for load in o["loads"]
    ]
    results += [
        {"table": "-", "batch_scope": o["source"], "status": o["status"], "message": o["message"]}
        for o in outcomes
        if o["status"] == "skipped"
    ]
    publish_load_summary("ingest-grid-intensity-live", results)
    failed = [s.message for s in states if s.is_failed()]
    if failed:
        raise GridSourcesFailed("; ".join(str(m) for m in failed))
    return results
