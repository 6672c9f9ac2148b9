"""The leaderboard: coefficients landed, then every derived table rebuilt."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows._artifacts import publish_load_summary
from tasks.prefect_tasks import build_footprints, land_assumptions


@flow(name="build_leaderboard")
def build_leaderboard(warehouse: str | None = None) -> dict[str, Any]:
    """Land the assumptions, rebuild the footprints and the leaderboard."""
    loads = land_assumptions(warehouse)
    publish_load_summary("build-leaderboard-assumptions", loads)
    return build_footprints(warehouse)
