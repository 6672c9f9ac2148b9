"""GPU specifications and the aliases real cards use."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow

from flows._live import run_live_sources
from tasks.outputs.artifacts import publish_load_summary
from tasks.prefect_tasks import land_gpu_specs
from tasks.sources.registry import live_names

ARTIFACT_KEY = "ingest-gpu-specs"


def load_gpu_specs(
    warehouse: str | None = None, source: Literal["snapshot", "live"] = "snapshot"
) -> list[dict[str, Any]]:
    """The flow's work, as tasks of the calling flow: the bundled snapshot, or the tables built
    from the live hardware sources' files (tasks/sources/registry.py)."""
    if source == "snapshot":
        return land_gpu_specs(warehouse)
    return run_live_sources(live_names("hardware"), warehouse, {}, f"{ARTIFACT_KEY}-live")


@flow(name="ingest_gpu_specs")
def ingest_gpu_specs(
    warehouse: str | None = None, source: Literal["snapshot", "live"] = "snapshot"
) -> list[dict[str, Any]]:
    """Land the bundled snapshot, or build the tables from the live hardware sources' files."""
    results = load_gpu_specs(warehouse, source)
    if source == "snapshot":
        publish_load_summary(ARTIFACT_KEY, results)
    return results
