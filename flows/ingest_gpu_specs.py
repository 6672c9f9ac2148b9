"""GPU specifications and the aliases real cards use."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow

from flows._artifacts import publish_load_summary
from flows._live import run_live_sources
from tasks.live import GPU_SOURCES
from tasks.prefect_tasks import land_gpu_specs


@flow(name="ingest_gpu_specs")
def ingest_gpu_specs(
    warehouse: str | None = None, source: Literal["snapshot", "live"] = "snapshot"
) -> list[dict[str, Any]]:
    """Land the bundled snapshot, or build the tables from the live Epoch, mlco2 and Green
    Algorithms files."""
    if source == "snapshot":
        results = land_gpu_specs(warehouse)
        publish_load_summary("ingest-gpu-specs", results)
        return results
    return run_live_sources(GPU_SOURCES, warehouse, {}, "ingest-gpu-specs-live")
