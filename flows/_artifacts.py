"""Artifacts the flows publish: what landed, what was rejected, and the leaderboard's top."""

from __future__ import annotations

from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

LOAD_COLUMNS = (
    "table",
    "batch_scope",
    "status",
    "rows_in",
    "inserted",
    "updated",
    "deleted",
    "quarantined",
    "expectations_evaluated",
    "expectations_failed",
    "message",
)


def publish_load_summary(key: str, results: list[dict[str, Any]]) -> None:
    """The validation and load summary of one ingest flow, as a table artifact."""
    rows = [{c: r.get(c) for c in LOAD_COLUMNS} for r in results]
    create_table_artifact(key=key, table=rows, description="Validation and load summary")


def publish_markdown(key: str, text: str, description: str) -> None:
    create_markdown_artifact(key=key, markdown=text, description=description)
