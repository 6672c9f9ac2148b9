"""Grid carbon intensity: annual values per country and zone, cloud regions, aliases."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows._artifacts import publish_load_summary
from tasks.prefect_tasks import land_grid_intensity


@flow(name="ingest_grid_intensity")
def ingest_grid_intensity(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the bundled snapshot into the warehouse, validated."""
    results = land_grid_intensity(warehouse)
    publish_load_summary("ingest-grid-intensity", results)
    return results
