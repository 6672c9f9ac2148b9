"""The full refresh: every ingest flow in order, then the leaderboard."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow

from flows._artifacts import capture_previous, publish_refresh_artifacts
from flows.build_leaderboard import build_leaderboard
from flows.ingest_gpu_specs import ingest_gpu_specs
from flows.ingest_grid_intensity import ingest_grid_intensity
from flows.ingest_model_disclosures import ingest_model_disclosures
from tasks.fanout import task_runner_for


class RefreshFailed(RuntimeError):
    """One or more ingest flows failed; the leaderboard was rebuilt from the warehouse as it is."""


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
    previous = capture_previous(warehouse)
    states = {
        "ingest_grid_intensity": ingest_grid_intensity(warehouse, source=source, return_state=True),
        "ingest_gpu_specs": ingest_gpu_specs(warehouse, source=source, return_state=True),
        # Fan-out work (parsing many cards) runs on the chosen task runner; writes stay one at a
        # time in this process. Subflows do not inherit a task runner: it is set here.
        "ingest_model_disclosures": ingest_model_disclosures.with_options(
            task_runner=task_runner_for(task_runner, dask_address)
        )(
            warehouse,
            cards_dir,
            source=source,
            codecarbon=codecarbon,
            codecarbon_model=codecarbon_model,
            fan_out_cards=task_runner == "dask",
            return_state=True,
        ),
    }
    build = build_leaderboard(warehouse)
    loads = [r for s in states.values() if s.is_completed() for r in s.result()]
    publish_refresh_artifacts(warehouse, previous, loads)
    failed = {name: s.message for name, s in states.items() if s.is_failed()}
    if failed:
        raise RefreshFailed("; ".join(f"{k}: {v}" for k, v in failed.items()))
    return {"loads": {k: s.result() for k, s in states.items()}, "build": build}
