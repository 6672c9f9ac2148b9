"""The contract of every raw table: not-null columns, value sets, ranges, patterns and the
ranges of each fact field. `tasks.load.validate` runs them (Great Expectations on batches in
memory) and `tasks.load.scan` turns them into SQL for large files; both read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.core.facts import CONFIDENCES, FIELDS, SOURCE_KINDS
from tasks.load.warehouse import RAW_TABLE_KEYS


@dataclass(frozen=True)
class TableContract:
    """What a raw table's rows must satisfy."""

    table: str
    not_null: tuple[str, ...]
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    value_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    regexes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return RAW_TABLE_KEYS[self.table]


# Ranges are physical plausibility bounds, not the data's current extent: a value outside them
# is a unit or scale error (MWh given as kWh, g as kg), so it is quarantined, never landed.
CONTRACTS: dict[str, TableContract] = {
    "raw_grid_intensity_annual": TableContract(
        "raw_grid_intensity_annual",
        not_null=(
            "zone_key",
            "year",
            "carbon_intensity_g_per_kwh",
            "basis",
            "source",
            "source_url",
        ),
        # Lignite-only grids sit near 1,100 g/kWh; 2,000 leaves room without admitting kg/MWh slips.
        ranges={"carbon_intensity_g_per_kwh": (0, 2000), "year": (1990, 2100)},
        value_sets={"basis": frozenset({"lifecycle", "direct", "unknown"})},
    ),
    "raw_grid_intensity_monthly": TableContract(
        "raw_grid_intensity_monthly",
        not_null=(
            "zone_key",
            "year",
            "month",
            "carbon_intensity_g_per_kwh",
            "basis",
            "source",
            "source_url",
        ),
        ranges={"carbon_intensity_g_per_kwh": (0, 2000), "year": (1990, 2100), "month": (1, 12)},
        value_sets={"basis": frozenset({"lifecycle", "direct", "unknown"})},
    ),
    "raw_grid_intensity_hourly": TableContract(
        "raw_grid_intensity_hourly",
        not_null=(
            "zone_key",
            "ts_utc",
            "period_minutes",
            "carbon_intensity_g_per_kwh",
            "basis",
            "source",
            "source_url",
        ),
        ranges={"carbon_intensity_g_per_kwh": (0, 2000), "period_minutes": (1, 60)},
        # 'marginal': a marginal-emissions signal (WattTime MOER), kept apart from averages.
        value_sets={"basis": frozenset({"lifecycle", "direct", "unknown", "marginal"})},
    ),
    "raw_zones": TableContract(
        "raw_zones",
        not_null=("zone_key", "zone_type", "source"),
        value_sets={"zone_type": frozenset({"country", "subzone", "world"})},
    ),
    "raw_cloud_regions": TableContract(
        "raw_cloud_regions",
        not_null=("provider", "region", "source"),
        ranges={"pue": (1.0, 3.0)},
    ),
    "raw_location_aliases": TableContract(
        "raw_location_aliases", not_null=("alias", "zone_key", "kind", "source")
    ),
    "raw_gpu_specs": TableContract(
        "raw_gpu_specs",
        not_null=("gpu_id", "name", "is_training_accelerator", "specs_source"),
        ranges={
            "tdp_w": (1, 3000),
            "tdp_w_low": (1, 3000),
            "tdp_w_high": (1, 3000),
            "memory_gb": (0, 2048),
            "peak_bf16_tflops": (0, 100_000),
            "embodied_co2e_kg_central": (0, 10_000),
            "rental_usd_per_gpu_hour_central": (0, 200),
        },
        regexes={"gpu_id": r"^[a-z0-9][a-z0-9._-]*$"},
    ),
    "raw_gpu_aliases": TableContract("raw_gpu_aliases", not_null=("alias", "gpu_id")),
    "raw_largest_clusters": TableContract(
        "raw_largest_clusters",
        not_null=("as_of_date", "accelerators", "accelerator_kind", "cluster", "source"),
        # Colossus Phase 3 (2025) holds 230,000; ten million leaves room, not a typo's extra zeros.
        ranges={"accelerators": (1, 10_000_000)},
    ),
    # Per-accelerator prices: data-centre parts cost 0.1-100 USD an hour to rent and up to
    # ~100,000 USD to buy; anything outside is a unit slip (cents, per node, per 8 GPUs).
    "raw_cloud_prices": TableContract(
        "raw_cloud_prices",
        not_null=(
            "accelerator",
            "gpu_id_pattern",
            "year",
            "vendor",
            "on_demand_usd_per_hour",
            "source",
        ),
        ranges={
            "year": (2010, 2100),
            "on_demand_usd_per_hour": (0.05, 100),
            "committed_1y_usd_per_hour": (0.05, 100),
            "committed_3y_usd_per_hour": (0.05, 100),
        },
    ),
    # Industrial electricity costs cents a kWh; a figure above 1 USD is a unit slip (per MWh).
    "raw_electricity_prices": TableContract(
        "raw_electricity_prices",
        not_null=("country", "year", "usd_per_kwh", "source"),
        ranges={"year": (1990, 2100), "usd_per_kwh": (0.005, 1.0)},
        regexes={"country": r"^[A-Z]{2}$"},
    ),
    "raw_purchase_prices": TableContract(
        "raw_purchase_prices",
        not_null=("accelerator", "gpu_id_pattern", "year", "price_usd", "source"),
        ranges={"year": (2010, 2100), "price_usd": (100, 200_000)},
    ),
    "raw_model_disclosures": TableContract(
        "raw_model_disclosures",
        not_null=(
            "model",
            "phase",
            "field",
            "value",
            "unit",
            "source_kind",
            "source_url",
            "source_locator",
            "confidence",
        ),
        value_sets={
            "phase": frozenset({"model", "training", "development"}),
            "field": frozenset(FIELDS),
            "source_kind": frozenset(SOURCE_KINDS),
            "confidence": frozenset(CONFIDENCES),
        },
    ),
    "raw_model_aliases": TableContract("raw_model_aliases", not_null=("alias", "model")),
    "raw_training_sites": TableContract(
        "raw_training_sites",
        not_null=("organization", "cloud_vendor", "location", "share", "source"),
        ranges={"share": (1e-9, 1.0)},
        regexes={"source": r"^https?://\S+$"},
    ),
    "raw_organization_countries": TableContract(
        "raw_organization_countries",
        not_null=("organization", "country", "source"),
        regexes={"source": r"^https?://\S+$"},
    ),
    "raw_model_organizations": TableContract(
        "raw_model_organizations",
        not_null=("kind", "key", "organization", "source"),
        value_sets={"kind": frozenset({"hub_owner", "github_owner", "model_id", "spelling"})},
    ),
    # Energies are physical bounds: a request of the largest model on 8 GPUs stays far under
    # 1 MJ (ML.ENERGY's largest are ~1e5 J); a token under 1 kJ. Parameters up to 10 trillion.
    "raw_inference_measurements": TableContract(
        "raw_inference_measurements",
        not_null=("source", "task", "model_id", "gpu", "configuration", "energy_per_request_j"),
        ranges={
            "energy_per_request_j": (1e-6, 1e7),
            "energy_per_output_token_j": (1e-6, 1e3),
            "total_params_b": (0, 10_000),
            "active_params_b": (0, 10_000),
            "gpu_count": (1, 1024),
            "max_batch_size": (1, 1_000_000),
            "avg_output_tokens": (0, 1_000_000),
            "energy_score": (1, 5),
        },
        value_sets={
            "source": frozenset({"mlenergy_v3", "mlenergy_v2", "mlenergy_v1", "aienergyscore"})
        },
    ),
    "raw_model_parameters": TableContract(
        "raw_model_parameters",
        not_null=(
            "source",
            "provider",
            "model_id",
            "architecture",
            "total_params_b_low",
            "total_params_b_high",
            "active_params_b_low",
            "active_params_b_high",
            "source_url",
        ),
        ranges={
            "total_params_b_low": (0, 10_000),
            "total_params_b_high": (0, 10_000),
            "active_params_b_low": (0, 10_000),
            "active_params_b_high": (0, 10_000),
        },
        value_sets={"architecture": frozenset({"dense", "moe"})},
    ),
    "raw_assumptions": TableContract(
        "raw_assumptions", not_null=("key", "low", "central", "high", "unit", "source")
    ),
    # Equivalences are positive physical constants (t per car, kWh per home-year, ...).
    "raw_equivalences": TableContract(
        "raw_equivalences",
        not_null=("key", "value", "unit", "source"),
        ranges={"value": (1e-9, 1e9)},
    ),
}

# Numeric disclosure fields and their plausible ranges, in canonical units. Checked per row on
# the long fact table (the GX suite cannot express 'range depends on field').
FACT_RANGES: dict[str, tuple[float, float]] = {
    # Epoch's Notable list reaches back to the 1950s: systems of tens of parameters and FLOP.
    "parameters_b": (1e-8, 100_000),
    "active_parameters_b": (1e-8, 100_000),
    "training_tokens_b": (1e-6, 1e6),
    "training_flops": (10, 1e30),
    "finetune_flops": (1e6, 1e30),
    "post_training_flops": (1e6, 1e30),
    "gpu_count": (1, 10_000_000),
    "gpu_hours": (1e-3, 1e10),
    "duration_days": (1e-4, 3650),
    # per device; Epoch's cluster draw per chip includes servers and PUE: ~2.3 kW for a GB200
    "power_w": (10, 3000),
    "pue": (1.0, 3.0),
    "carbon_intensity_kg_per_kwh": (0.0, 2.0),
    "energy_mwh": (0.0, 1e8),
    "co2e_t": (0.0, 1e7),
    "co2e_market_t": (0.0, 1e7),
    "water_kl": (0.0, 1e9),
    "mfu": (0.001, 1.0),
    "rental_usd_per_gpu_hour": (0.01, 1000),
}
