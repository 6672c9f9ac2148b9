"""Model disclosures: facts from cards and the Epoch database, and model aliases."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows._artifacts import publish_load_summary
from tasks.prefect_tasks import land_model_disclosures, land_user_cards


@flow(name="ingest_model_disclosures")
def ingest_model_disclosures(
    warehouse: str | None = None, cards_dir: str | None = None
) -> list[dict[str, Any]]:
    """Land the snapshot's disclosures and, when given, a directory of users' own cards."""
    results = land_model_disclosures(warehouse)
    if cards_dir:
        results = [*results, land_user_cards(cards_dir, warehouse)]
    publish_load_summary("ingest-model-disclosures", results)
    return results
