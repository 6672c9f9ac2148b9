"""GPU specifications and the aliases real cards use."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows._artifacts import publish_load_summary
from tasks.prefect_tasks import land_gpu_specs


@flow(name="ingest_gpu_specs")
def ingest_gpu_specs(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the bundled snapshot into the warehouse, validated."""
    results = land_gpu_specs(warehouse)
    publish_load_summary("ingest-gpu-specs", results)
    return results
