"""Model disclosures: facts from cards and the Epoch database, and model aliases."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows._artifacts import publish_load_summary
from tasks.prefect_tasks import land_model_disclosures


@flow(name="ingest_model_disclosures")
def ingest_model_disclosures(warehouse: str | None = None) -> list[dict[str, Any]]:
    """Land the bundled snapshot into the warehouse, validated."""
    results = land_model_disclosures(warehouse)
    publish_load_summary("ingest-model-disclosures", results)
    return results
