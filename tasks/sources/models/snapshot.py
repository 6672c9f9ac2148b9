"""Model disclosures: facts from cards and databases, model aliases, and the coefficients."""

from __future__ import annotations

import polars as pl

from tasks.core.facts import FACT_COLUMNS
from tasks.load.ingest import SnapshotFile, read_csv_text
from tasks.sources.models.training_sites import read_training_sites_csv

# Columns where an empty cell means 'nothing to say' rather than 'missing'.
_OPTIONAL_TEXT = ("unit", "raw_text", "note", "source_locator")


def read_facts_csv(data: bytes) -> pl.DataFrame:
    """A facts CSV (docs/data-contracts.md) as text columns, empty optional cells as ''."""
    frame = read_csv_text(data)
    missing = [c for c in FACT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"facts CSV lacks column(s) {', '.join(missing)}")
    return frame.select(FACT_COLUMNS).with_columns(
        [pl.col(c).fill_null("") for c in _OPTIONAL_TEXT]
    )


SNAPSHOT_FILES = (
    SnapshotFile("models/card_facts.csv", "raw_model_disclosures", read_facts_csv),
    SnapshotFile("models/epoch_facts.csv", "raw_model_disclosures", read_facts_csv),
    SnapshotFile("models/hfco2_facts.csv", "raw_model_disclosures", read_facts_csv),
    SnapshotFile("models/publication_facts.csv", "raw_model_disclosures", read_facts_csv),
    SnapshotFile("models/model_aliases.csv", "raw_model_aliases"),
    SnapshotFile("models/training_sites.csv", "raw_training_sites", read_training_sites_csv),
    SnapshotFile("models/organizations.csv", "raw_model_organizations"),
    SnapshotFile("models/organization_countries.csv", "raw_organization_countries"),
)

# Measured inference (scripts/snapshot/build_inference.py): ML.ENERGY, AI Energy Score, and
# EcoLogits' parameter counts; landed by the same flow, after the disclosures.
INFERENCE_FILES = (
    SnapshotFile("inference/mlenergy_v3.csv", "raw_inference_measurements"),
    SnapshotFile("inference/mlenergy_v2.csv", "raw_inference_measurements"),
    SnapshotFile("inference/mlenergy_v1.csv", "raw_inference_measurements"),
    SnapshotFile("inference/aienergyscore.csv", "raw_inference_measurements"),
    SnapshotFile("inference/ecologits_models.csv", "raw_model_parameters"),
)

ASSUMPTION_FILES = (
    SnapshotFile("assumptions.csv", "raw_assumptions"),
    SnapshotFile("equivalences.csv", "raw_equivalences"),
)
