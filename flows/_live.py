"""Running a group of live sources from a flow: each source its own task run, every one tried,
the flow failing at the end with the names of those that failed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tasks.outputs.artifacts import publish_load_summary
from tasks.prefect_tasks import land_live_source


class LiveSourcesFailed(RuntimeError):
    """One or more live sources failed; the others landed (the message names each and why)."""


def run_live_sources(
    names: Sequence[str], warehouse: str | None, options: dict[str, Any], artifact_key: str
) -> list[dict[str, Any]]:
    states = [
        land_live_source.with_options(task_run_name=f"land_live_source-{name}")(
            name, warehouse, options, return_state=True
        )
        for name in names
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
    publish_load_summary(artifact_key, results)
    failed = [str(s.message) for s in states if s.is_failed()]
    if failed:
        raise LiveSourcesFailed("; ".join(failed))
    return results
