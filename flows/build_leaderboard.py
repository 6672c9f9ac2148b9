"""The leaderboard: coefficients landed, then every derived table rebuilt."""

from __future__ import annotations

from typing import Any

from prefect import flow

from tasks.outputs.artifacts import publish_load_summary
from tasks.prefect_tasks import build_footprints, land_assumptions, publish_outputs


def land_and_build(warehouse: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The flow's work, as tasks of the calling flow: the assumptions' loads, the build, then
    the outputs it owns (their paths under the build's `outputs`)."""
    loads = land_assumptions(warehouse)
    build = build_footprints(warehouse)
    build["outputs"] = publish_outputs(warehouse, rebuilt=build["status"] == "built")
    return loads, build


@flow(name="build_leaderboard")
def build_leaderboard(warehouse: str | None = None) -> dict[str, Any]:
    """Land the assumptions, rebuild the footprints and the leaderboard, write its outputs."""
    loads, build = land_and_build(warehouse)
    publish_load_summary("build-leaderboard-assumptions", loads)
    return build
