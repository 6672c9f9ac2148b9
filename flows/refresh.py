"""The full refresh: every source landed in order, then the leaderboard.

One flow run whose steps are the ingest flows' tasks, called directly: a subflow run costs ~1 s of
API calls and bookkeeping before any work (measured, docs/scaling.md), four of them more than the
whole refresh of an unchanged snapshot. The four ingest flows stay flows (and deployments) of
their own for running one source on its own schedule; `refresh` shares their code, not their runs.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, Literal

import duckdb
from prefect import flow
from prefect.logging import get_run_logger

from flows.build_leaderboard import land_and_build
from flows.ingest_gpu_specs import load_gpu_specs
from flows.ingest_grid_intensity import load_grid_intensity
from flows.ingest_model_disclosures import ingest_model_disclosures, load_model_disclosures
from tasks.core.settings import get_settings
from tasks.load.warehouse import connect
from tasks.outputs.artifacts import (
    leaderboard_figures,
    publish_load_summary,
    publish_refresh_artifacts,
)
from tasks.sources.models.user_cards_fanout import task_runner_for


class RefreshFailed(RuntimeError):
    """One or more sources failed; the leaderboard was rebuilt from the warehouse as it is."""


def held_open(warehouse: str | None) -> closing[duckdb.DuckDBPyConnection]:
    """The warehouse open for the whole refresh. Each task still opens (and closes) its own
    connection, but to the database already open in this process, which is instant; otherwise
    every task re-opens the file (~60 ms) and every close checkpoints it. Used for the reads
    before and after the loads."""
    return closing(connect(settings=get_settings(warehouse=Path(warehouse) if warehouse else None)))


@flow(name="refresh")
def refresh(
    warehouse: str | None = None,
    cards_dir: str | None = None,
    source: Literal["snapshot", "live"] = "snapshot",
    codecarbon: str | None = None,
    codecarbon_model: str | None = None,
    task_runner: Literal["thread", "dask"] = "thread",
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Ingest every source (a failing one does not stop the others), then build the leaderboard."""

    def disclosures() -> list[dict[str, Any]]:
        if task_runner == "dask":
            # A flow's task runner is fixed when it starts: the card fan-out on a Dask cluster
            # runs as the disclosures subflow with that runner. Writes stay in this process.
            return ingest_model_disclosures.with_options(
                task_runner=task_runner_for(task_runner, dask_address)
            )(
                warehouse,
                cards_dir,
                source=source,
                codecarbon=codecarbon,
                codecarbon_model=codecarbon_model,
            )
        return load_model_disclosures(
            warehouse,
            cards_dir,
            source=source,
            codecarbon=codecarbon,
            codecarbon_model=codecarbon_model,
        )

    steps: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "grid_intensity": lambda: load_grid_intensity(warehouse, source=source),
        "gpu_specs": lambda: load_gpu_specs(warehouse, source=source),
        "model_disclosures": disclosures,
    }
    loads: dict[str, list[dict[str, Any]]] = {}
    failed: dict[str, str] = {}
    with held_open(warehouse) as con:
        previous = leaderboard_figures(con)
        for name, step in steps.items():
            try:
                loads[name] = step()
            except Exception as err:  # any failure of one source: the next ones still run
                failed[name] = f"{type(err).__name__}: {err}"
                get_run_logger().error("%s failed: %s", name, failed[name])
        loads["assumptions"], build = _land_and_build(warehouse, failed)
        landed = [r for rs in loads.values() for r in rs]
        publish_load_summary("refresh-loads", landed)
        publish_refresh_artifacts(con, previous, landed)
    if failed:
        raise RefreshFailed(_failures(failed))
    return {"loads": loads, "build": build}


def _land_and_build(warehouse: str | None, failed: dict[str, str]) -> tuple[Any, Any]:
    """land_and_build; when it fails after a source did (no GPU catalogue without gpu_specs),
    the source is the cause, so the failure names it first."""
    try:
        return land_and_build(warehouse)
    except Exception as err:
        if not failed:
            raise
        failed["build"] = f"{type(err).__name__}: {err}"
        raise RefreshFailed(_failures(failed)) from err


def _failures(failed: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in failed.items())
