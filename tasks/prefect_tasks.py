"""The Prefect task wrappers: retries, names and logging around the plain functions, nothing else.

Loads are not retried (a failed load is rolled back and safe to re-run; retrying a validation
failure would only fail again). Results are small summaries, never frames or connections.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import task
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from tasks.core.settings import get_settings
from tasks.load.ingest import SnapshotFile, land_snapshot
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.outputs.publish import publish_outputs as write_outputs
from tasks.outputs.schema_docs import apply_comments
from tasks.sources.live import LiveOptions, land_source
from tasks.sources.models.codecarbon import land_codecarbon
from tasks.sources.registry import ASSUMPTION_FILES, SNAPSHOT_FILES


def _run_id() -> str | None:
    run = flow_run.get_id()
    return str(run) if run else None


def _land(files: tuple[SnapshotFile, ...], warehouse: str | None) -> list[dict[str, Any]]:
    return [asdict(r) for r in land_snapshot(files, warehouse, _run_id())]


@task(name="land_grid_intensity")
def land_grid_intensity(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the grid-intensity snapshot: zones, annual values, cloud regions, aliases."""
    return _land(SNAPSHOT_FILES["grid"], warehouse)


class LiveSourceFailed(RuntimeError):
    """A live source could not be fetched or landed; the message names it and why."""


@task(name="land_live_source")
def land_live_source(
    name: str, warehouse: str | None = None, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Fetch and land one live source (grid intensity, GPU specs or disclosures)."""
    given: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in (options or {}).items() if v
    }
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    with open_warehouse(settings=settings) as con:
        outcome = land_source(con, settings, name, LiveOptions(**given), run_id=_run_id())
    if outcome.status == "failed":
        raise LiveSourceFailed(f"{name}: {outcome.message}")
    return {
        "source": name,
        "status": outcome.status,
        "message": outcome.message,
        "loads": [asdict(r) for r in outcome.loads],
    }


@task(name="land_gpu_specs")
def land_gpu_specs(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the GPU specification snapshot and its alias table."""
    return _land(SNAPSHOT_FILES["hardware"], warehouse)


@task(name="land_model_disclosures")
def land_model_disclosures(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the disclosure facts and model aliases of the snapshot."""
    return _land(SNAPSHOT_FILES["models"], warehouse)


@task(name="land_codecarbon")
def land_codecarbon_runs(path: str, model: str, warehouse: str | None = None) -> dict[str, Any]:
    """Land CodeCarbon emissions.csv runs of a model: the last run as training, the rest as
    development, energy and emissions as measured (tier 1)."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    with open_warehouse(settings=settings) as con:
        return asdict(land_codecarbon(con, Path(path), model, settings=settings, run_id=_run_id()))


@task(name="land_assumptions")
def land_assumptions(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the footprint model's coefficients (low/central/high with sources)."""
    return _land(ASSUMPTION_FILES, warehouse)


@task(name="publish_outputs")
def publish_outputs(warehouse: str | None = None, *, rebuilt: bool = True) -> list[str]:
    """Write the leaderboard and audit CSVs (with their descriptors) and the report, when the
    build changed or one is missing; returns the paths written."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    with open_warehouse(settings=settings) as con:
        published = write_outputs(con, settings.exports_path, rebuilt=rebuilt)
    return [str(p) for p in published.paths]


@task(name="build_footprints")
def build_footprints(warehouse: str | None = None) -> dict[str, Any]:
    """Rebuild staging, intermediate, marts and reports (skipped when nothing changed)."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    with open_warehouse(settings=settings) as con:
        built = build_models(con, run_id=_run_id())
        if built.status == "built":
            # Rebuilt tables lose their comments: document them again (grain, units, sources).
            for problem in apply_comments(con):
                get_run_logger().warning("table comment not applied: %s", problem)
    return asdict(built)
