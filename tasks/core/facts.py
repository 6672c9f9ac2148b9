"""The disclosure fact: one figure a source states about a model, with where it came from.

Every disclosure source (bundled snapshot, model cards, users' YAML files, the Epoch database,
the Hugging Face CO2 dataset) is parsed into `Fact` rows; see docs/data-contracts.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Literal

Phase = Literal["model", "training", "development"]
Confidence = Literal["high", "medium", "low"]

# field -> (phases it may appear in, canonical unit). The unit is what `value` is expressed in.
FIELDS: dict[str, tuple[frozenset[str], str]] = {
    "organization": (frozenset({"model"}), ""),
    "release_date": (frozenset({"model"}), "date"),
    "parameters_b": (frozenset({"model"}), "billion parameters"),
    "active_parameters_b": (frozenset({"model"}), "billion parameters"),
    "training_tokens_b": (frozenset({"model"}), "billion tokens"),
    "training_flops": (frozenset({"model"}), "FLOP"),
    "model_url": (frozenset({"model"}), ""),
    "organization_country": (frozenset({"model"}), ""),
    "base_model": (frozenset({"model"}), ""),
    "finetune_flops": (frozenset({"model"}), "FLOP"),
    "post_training_flops": (frozenset({"model"}), "FLOP"),
    "compute_confidence": (frozenset({"model"}), ""),
    # What the model is for, as Epoch lists it (Language, Vision, Multimodal, ...; "; "-joined).
    "domain": (frozenset({"model"}), ""),
    "gpu": (frozenset({"training", "development"}), ""),
    "gpu_count": (frozenset({"training", "development"}), "count"),
    "gpu_hours": (frozenset({"training", "development"}), "h"),
    "duration_days": (frozenset({"training", "development"}), "d"),
    "start_date": (frozenset({"training", "development"}), "date"),
    "end_date": (frozenset({"training", "development"}), "date"),
    "power_w": (frozenset({"training", "development"}), "W"),
    "power_includes_pue": (frozenset({"training", "development"}), "bool"),
    "pue": (frozenset({"training", "development"}), "ratio"),
    "location": (frozenset({"training", "development"}), ""),
    "cloud_vendor": (frozenset({"training", "development"}), ""),
    "carbon_intensity_kg_per_kwh": (frozenset({"training", "development"}), "kg/kWh"),
    "energy_mwh": (frozenset({"training", "development"}), "MWh"),
    "co2e_t": (frozenset({"training", "development"}), "t"),
    "co2e_market_t": (frozenset({"training", "development"}), "t"),
    "water_kl": (frozenset({"training", "development"}), "kL"),
    # What a disclosed energy or CO2 figure covers (see FIELD_VALUES).
    "energy_boundary": (frozenset({"training", "development"}), ""),
    "run_scope": (frozenset({"training", "development"}), ""),
    "mfu": (frozenset({"training"}), "ratio"),
    # A rental price the developer states for its own run (DeepSeek-V3: 2 USD per H800-hour):
    # the rental cost view uses it as disclosed instead of the price table (issue 15).
    "rental_usd_per_gpu_hour": (frozenset({"training"}), "USD/h"),
    "precision": (frozenset({"training"}), ""),
    # Coverage (issue 15): which of Epoch AI's curated lists a model is on and why.
    "epoch_list": (frozenset({"model"}), ""),
    "notability_criteria": (frozenset({"model"}), ""),
    "frontier_model": (frozenset({"model"}), "bool"),
}

# Text fields with a closed vocabulary. energy_boundary: `it_equipment` (accelerator or server
# energy only), `facility` (PUE included) or `unstated`; run_scope: `final_run`, `all_runs`
# (development and ablations included) or `unstated`.
FIELD_VALUES: dict[str, frozenset[str]] = {
    "energy_boundary": frozenset({"it_equipment", "facility", "unstated"}),
    "run_scope": frozenset({"final_run", "all_runs", "unstated"}),
    "epoch_list": frozenset({"notable", "large-scale"}),
}

# `publication`: a developer's paper, technical report or model card, curated by hand
# (warehouse/snapshot/models/publication_facts.csv).
SOURCE_KINDS = frozenset({"card", "publication", "user", "epoch", "hfco2", "codecarbon"})
CONFIDENCES = frozenset({"high", "medium", "low"})
RAW_TEXT_MAX = 200


@dataclass(frozen=True, slots=True)
class Fact:
    """One disclosed figure; `value` is normalised to the field's canonical unit."""

    model: str
    phase: str
    field: str
    value: str
    source_kind: str
    source_url: str
    source_locator: str
    raw_text: str = ""
    confidence: str = "high"
    note: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        spec = FIELDS.get(self.field)
        if spec is None:
            raise ValueError(f"unknown disclosure field {self.field!r} for model {self.model!r}")
        phases, unit = spec
        if self.phase not in phases:
            raise ValueError(f"field {self.field!r} cannot have phase {self.phase!r}")
        allowed = FIELD_VALUES.get(self.field)
        if allowed is not None and self.value not in allowed:
            raise ValueError(f"{self.field} must be one of {sorted(allowed)}, not {self.value!r}")
        if self.source_kind not in SOURCE_KINDS:
            raise ValueError(f"unknown source_kind {self.source_kind!r}")
        if self.confidence not in CONFIDENCES:
            raise ValueError(f"unknown confidence {self.confidence!r}")
        # The unit is implied by the field; fill it so callers cannot get it wrong.
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "raw_text", self.raw_text[:RAW_TEXT_MAX])


FACT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Fact))


def facts_to_rows(facts: Iterable[Fact]) -> list[dict[str, str]]:
    """Facts as plain dicts (column order of FACT_COLUMNS), ready for a DataFrame or CSV."""
    return [asdict(f) for f in facts]
