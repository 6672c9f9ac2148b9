"""`datapackage.json` beside an exported CSV: a Frictionless (Tabular) Data Package.

The descriptor says what each column means and in which unit, where the numbers come from and
under which licences, so the CSV can be used without this repository. Written by hand against
the Data Package / Table Schema specifications (https://specs.frictionlessdata.io/); the
`frictionless` library is not needed to write or read it.

Every leaderboard column is described once, in `LEADERBOARD_FIELDS`; a `<column>_low` /
`<column>_high` pair is described from its central column, so a new range column needs no new
entry but a new figure does (the tests fail on an undescribed column).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from tasks.load.archive import atomic_write_bytes, published_mode
from tasks.sources.declare import Licence
from tasks.sources.registry import SOURCES

DESCRIPTOR_NAME = "datapackage.json"

# Table Schema field types (https://specs.frictionlessdata.io/table-schema/#types-and-formats).
TABLE_SCHEMA_TYPES = frozenset(
    {
        "string",
        "number",
        "integer",
        "boolean",
        "object",
        "array",
        "date",
        "time",
        "datetime",
        "year",
        "yearmonth",
        "duration",
        "geopoint",
        "geojson",
        "any",
    }
)
_NAME = re.compile(r"^[a-z0-9._-]+$")

# column -> (type, unit, description). Units are also in the column names.
# fmt: off
LEADERBOARD_FIELDS: dict[str, tuple[str, str, str]] = {
    "rank": ("integer", "", "Position by total_co2e_t, largest first (1 = largest)."),
    "model": ("string", "", "Model name as displayed (aliases from other sources are merged)."),
    "organization": ("string", "", "Organisation that trained the model."),
    "release_date": ("date", "", "Public release date."),
    "parameters_b": ("number", "billion parameters", "Total parameter count."),
    "gpu": ("string", "", "Accelerator of the final training run, canonical name when resolved."),
    "gpu_count": ("number", "count", "Accelerators used by the final training run."),
    "gpu_hours": ("number", "h", "Device-hours of the final training run (central)."),
    "grid_zone": ("string", "", "Grid zone whose carbon intensity was used (ISO 3166-1 alpha-2 "
                  "country or Electricity Maps zone key); empty when the place is unknown."),
    "location": ("string", "", "Place of training as the source wrote it."),
    "carbon_intensity_kg_per_kwh": ("number", "kg CO2e/kWh", "Grid carbon intensity used for "
                                    "the training run (location-based)."),
    "carbon_intensity_granularity": ("string", "", "Where the intensity comes from: hourly, "
                                     "monthly or annual zone data, disclosed (implied by the "
                                     "developer's own emissions / energy) or assumed (world "
                                     "average, place unknown)."),
    "carbon_intensity_coverage_share": ("number", "ratio", "Share of the run's time window "
                                        "covered by the hourly or monthly intensity series."),
    "carbon_intensity_source": ("string", "", "Where the intensity comes from: the rung of the "
                                "location ladder with its zone(s), dataset and year, or the "
                                "disclosure it was taken from."),
    "location_rung": ("integer", "", "Location ladder rung: 1 disclosed place or data centre, 2 "
                      "cloud vendor's regions, 3 organisation's training sites, 4 organisation's "
                      "country, 5 world average."),
    "recomputed_training_energy_mwh": ("number", "MWh", "Training energy the ladder gives from the "
                                       "run's own inputs, without its disclosed energy or "
                                       "emissions."),
    "recomputed_training_co2e_t": ("number", "t CO2e", "recomputed_training_energy_mwh x the "
                                   "run's disclosed intensity, else the intensity of its place "
                                   "by the location ladder."),
    "compute_confidence": ("string", "", "disclosed (tiers 1-4), else Epoch AI's confidence in "
                           "its training-compute estimate (Confident, Likely, Speculative), or "
                           "unknown."),
    "pue": ("number", "ratio", "Power usage effectiveness applied to IT energy."),
    "training_energy_mwh": ("number", "MWh", "Facility energy of the final training run."),
    "training_co2e_t": ("number", "t CO2e", "Operational carbon of the final training run "
                        "(location-based)."),
    "training_water_kl": ("number", "kL", "Water of the final training run (on-site cooling + "
                          "off-site electricity generation)."),
    "development_energy_mwh": ("number", "MWh", "Facility energy of development (runs before "
                               "the final one): disclosed, else training x development ratio."),
    "development_co2e_t": ("number", "t CO2e", "Operational carbon of development."),
    "development_water_kl": ("number", "kL", "Water of development."),
    "embodied_co2e_t": ("number", "t CO2e", "Manufacturing carbon of the accelerators, amortised "
                        "over the GPU-hours of training and development."),
    "embodied_water_kl": ("number", "kL", "Manufacturing water of the accelerators, amortised "
                          "likewise."),
    "total_energy_mwh": ("number", "MWh", "Training + development facility energy."),
    "total_co2e_t": ("number", "t CO2e", "Training + development + embodied carbon (central)."),
    "total_water_kl": ("number", "kL", "Training + development + embodied water."),
    "training_cost_usd": ("number", "USD", "Renting the final run: its GPU-hours x the 1-year "
                          "committed cloud price of its accelerator in the year of training "
                          "(low: 3-year committed, high: on-demand), or the price the developer "
                          "states (docs/costs.md)."),
    "training_energy_cost_usd": ("number", "USD", "Electricity cost of the final run at its "
                                 "site's industrial price in its year (US: EIA), else 0.05 "
                                 "USD/kWh: the energy part of amortised_cost_usd."),
    "training_hardware_capex_usd": ("number", "USD", "Hardware acquisition cost (accelerators at "
                                    "their year's list price, servers, cluster network) "
                                    "depreciated over the hardware's life for the run's "
                                    "GPU-hours: the hardware part of amortised_cost_usd."),
    "disclosed_training_co2e_t": ("number", "t CO2e", "Training emissions as the developer "
                                  "disclosed them, location-based; empty when not disclosed."),
    "disclosed_training_co2e_market_t": ("number", "t CO2e", "Market-based training emissions "
                                         "as disclosed (never used in place of location-based)."),
    "training_co2e_basis": ("string", "", "'disclosed' when the developer published the training "
                            "run's emissions, else 'estimated'."),
    "estimation_tier": ("integer", "", "Estimation ladder step used: 1 disclosed emissions, 2 "
                        "disclosed energy x intensity, 3 disclosed GPU-hours x power x PUE x "
                        "intensity, 4 GPU count x duration then as 3, 5 training FLOPs / (peak x "
                        "MFU) then as 3."),
    "gpu_hours_basis": ("string", "", "How the GPU-hours were obtained (disclosed, count x "
                        "duration, FLOPs)."),
    "peak_precision_used": ("string", "", "Numeric precision whose peak FLOP/s was used to turn "
                            "FLOPs into GPU-hours (tier 5)."),
    "power_source": ("string", "", "Where the power per GPU comes from (disclosed, or the GPU's "
                     "TDP)."),
    "conflicting_fields": ("string", "", "Fields on which sources disagree (the better-ranked "
                           "source is used)."),
    "sources": ("string", "", "Sources of the row's figures: ' ; '-separated URLs and "
                "citations (model disclosures, GPU specifications, grid intensity)."),
    # costs three ways (issue 15; docs/costs.md)
    "amortised_cost_usd": ("number", "USD", "Owning the hardware for the final run (Cottier et "
                           "al. 2024): training_hardware_capex_usd + training_energy_cost_usd."),
    "creation_cost_usd": ("number", "USD", "Creating a frontier model: the cluster bought for it, "
                          "research staff and power ('Report on Frontier Model Training', 2023: "
                          "the cluster is 80% of the whole); empty when the model is not "
                          "frontier."),
    "creation_hardware_usd": ("number", "USD", "Part of creation_cost_usd: the cluster bought "
                              "for the model, its accelerators at their year's list price."),
    "creation_staff_usd": ("number", "USD", "Part of creation_cost_usd: research staff."),
    "creation_energy_usd": ("number", "USD", "Part of creation_cost_usd: power."),
    "is_frontier": ("boolean", "", "True when the training compute reaches 1e25 FLOP (EU AI Act "
                    "Art. 51(2)): the model gets the creation cost view."),
    "cost_price_year": ("integer", "", "Year the run is priced in: its end, else the release "
                        "date minus 60 days."),
    "rental_price_basis": ("string", "", "Where the rental price comes from: disclosed (the "
                           "developer's own), price table (the accelerator's year), list price "
                           "today (any year) or assumed."),
    "rental_usd_per_gpu_hour": ("number", "USD/h", "Central rental price used, per "
                                "accelerator-hour."),
    "cost_sources": ("string", "", "Sources of the prices behind the costs: the rental price "
                     "(price table row or the developer's disclosure) and the purchase price, "
                     "' ; '-separated."),
    # inference (issue 18): fct_model_inference, docs/inference.md
    "domain": ("string", "", "What the model is for, as Epoch AI lists it ('; '-separated: "
               "Language, Vision, Multimodal, ...)."),
    "active_parameters_b": ("number", "billion parameters", "Parameters active per token (the "
                            "total for a dense model; fewer for a mixture of experts)."),
    "inference_basis": ("string", "", "'measured' (an ML.ENERGY configuration of this model on "
                        "the serving GPU at the reference batch) or 'estimated' (the calibrated "
                        "estimator)."),
    "inference_source": ("string", "", "Where the inference figure comes from: the dataset and "
                         "configuration measured, or the estimator with its leave-one-model-out "
                         "error."),
    "request_tokens_in": ("integer", "tokens", "Input tokens of the stated request (an LM Arena "
                          "chat prompt); their prefill is inside the per-output-token energy."),
    "request_tokens_out": ("integer", "tokens", "Output tokens of the stated request."),
    "inference_j_per_output_token": ("number", "J", "GPU energy per output token at the serving "
                                     "set-up (measured, or estimated; ranges: the model's "
                                     "measured configurations, or the estimator's 90% "
                                     "prediction interval)."),
    "inference_wh_per_1k_requests": ("number", "Wh", "Facility energy of 1,000 requests: per "
                                     "output token x output tokens x PUE."),
    "inference_co2e_g_per_1k_requests": ("number", "g CO2e", "Operational carbon of 1,000 "
                                         "requests at the developer's country grid (else the "
                                         "world average)."),
    "inference_water_l_per_1k_requests": ("number", "L", "Operational water of 1,000 requests "
                                          "(on-site + off-site WUE)."),
    "serving_gpu": ("string", "", "Accelerator the inference figures assume (the reference "
                    "serving GPU)."),
    "serving_gpu_count": ("integer", "", "Accelerators serving one model replica: the measured "
                          "configuration's, or as many as hold the weights at the serving "
                          "precision (x memory overhead), a power of two."),
    "serving_precision": ("string", "", "Weight precision of the serving set-up (bf16, fp8, "
                          "...)."),
    "breakeven_requests": ("number", "requests", "Requests after which serving has emitted as "
                           "much CO2e as training: training_co2e_t / CO2e per request."),
    "breakeven_requests_creation": ("number", "requests", "Requests after which serving has "
                                    "emitted as much CO2e as the whole creation (training + "
                                    "development + embodied: total_co2e_t)."),
}
# fmt: on

_BOUND = re.compile(r"^(?P<base>.+)_(?P<bound>low|high)$")

# The licences of the data we take, in the package's order: each title names what it covers,
# from the sources' declarations (tasks/sources/registry.py) and the curated tables below.
LICENCE_TERMS: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "CC-BY": ("Creative Commons Attribution", ""),  # the source states its own terms
    "MIT": ("MIT", "https://opensource.org/licenses/MIT"),
    "AGPL-3.0": ("GNU AGPL 3.0", "https://www.gnu.org/licenses/agpl-3.0.html"),
    "Apache-2.0": ("Apache 2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
}
# Curated tables of the snapshot that come from no declared source.
OTHER_LICENCES = (Licence("Apache-2.0", "Boavizta, Google region carbon info"),)
# Model-card figures keep each card's own licence; the `sources` column names every card.
OTHER_CITATIONS = (
    "Developers' model cards (per row, in the sources column)",
    "Coefficients: Morrison et al. 2025; Luccioni et al. 2022, 2023; Li et al. 2023; "
    "Reig et al. 2020; Uptime Institute 2024; Chowdhery et al. 2022",
    "Costs (docs/costs.md): Epoch AI hardware price database and Cottier et al. 2024 "
    "(arXiv:2405.21015); Lambda 2020; DeepSeek-AI 2024; Report on Frontier Model Training 2023",
)


def package_licences() -> list[dict[str, str]]:
    """One entry per licence, its title listing what it covers (sources in registry order)."""
    declared = [lic for source in SOURCES for lic in source.licences] + list(OTHER_LICENCES)
    entries = []
    for name, (title, path) in LICENCE_TERMS.items():
        covering = [lic for lic in declared if lic.name == name]
        if covering:
            covers = "; ".join(lic.covers for lic in covering)
            path = next((lic.path for lic in covering if lic.path), path)
            entries.append({"name": name, "title": f"{title} ({covers})", "path": path})
    return entries


def package_sources() -> list[dict[str, str]]:
    """The declared sources' citations, then the curated ones without a single home."""
    cited = [{"title": s.citation.title, "path": s.citation.path} for s in SOURCES if s.citation]
    return cited + [{"title": title} for title in OTHER_CITATIONS]


DUCKDB_TO_TABLE_SCHEMA = {
    "BIGINT": "integer",
    "INTEGER": "integer",
    "SMALLINT": "integer",
    "TINYINT": "integer",
    "HUGEINT": "integer",
    "UBIGINT": "integer",
    "DOUBLE": "number",
    "FLOAT": "number",
    "REAL": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "VARCHAR": "string",
}


# The disclosure audit export (sql/reports/select_audit_export.sql): one row per model and finding.
AUDIT_FIELDS: dict[str, tuple[str, str, str]] = {
    "model": ("string", "", "Model name as shown on the leaderboard."),
    "phase": ("string", "", "Run the finding is about: training or development."),
    "field": ("string", "", "Disclosure field the finding is about (co2e_t, gpu_hours, ...)."),
    "finding": (
        "string",
        "",
        "Kind of finding: contradiction between facts, implied intensity or power against the "
        "location's or the GPU's, disclosed against recomputed emissions, implausible value, "
        "low-confidence or unit-flagged fact.",
    ),
    "disclosed_value": ("number", "", "The value the developer disclosed, in `unit`."),
    "recomputed_value": (
        "number",
        "",
        "What the model's other inputs imply, or the contradicting fact's value, in `unit`.",
    ),
    "unit": ("string", "", "Unit of disclosed_value and recomputed_value."),
    "ratio": ("number", "", "disclosed_value / recomputed_value."),
    "severity": ("string", "", "info, warning or error (rules in rpt_disclosure_audit.sql)."),
    "detail": ("string", "", "What was compared, with the facts' sources and locators."),
    "source_url": ("string", "", "Sources of the facts involved, ' ; '-separated."),
}

# The not-estimable export (sql/reports/select_not_estimable_export.sql): one row per model.
NOT_ESTIMABLE_FIELDS: dict[str, tuple[str, str, str]] = {
    "model": ("string", "", "Model name (Epoch AI's, or its display name on the leaderboard)."),
    "organization": ("string", "", "Organisation(s) that trained it, '; '-separated."),
    "release_date": ("date", "", "Public release date."),
    "missing": (
        "string",
        "",
        "What the estimation ladder needs and the model lacks: training "
        "compute (a fine-tune's own), hardware, GPU-hours; or hardware the GPU catalogue "
        "does not know.",
    ),
    "training_flops": ("number", "FLOP", "Training compute on file (Epoch AI's estimate)."),
    "compute_confidence": (
        "string",
        "",
        "Epoch AI's confidence in that compute (Confident, Likely, Speculative).",
    ),
    "epoch_lists": ("string", "", "Epoch AI lists the model is on: notable, large-scale."),
    "notability_criteria": ("string", "", "Why Epoch AI counts it notable."),
    "frontier_model": ("boolean", "", "Epoch AI marks it as a frontier model."),
    "sources": ("string", "", "Sources of its facts, ' ; '-separated."),
}

# The disclosure scorecard export (sql/reports/select_scorecard_export.sql): one row per
# organisation; each <input>_models count has an <input>_share beside it.
SCORECARD_FIELDS: dict[str, tuple[str, str, str]] = {
    "organization": ("string", "", "Organisation (a model of several counts for each)."),
    "notable_models": ("integer", "", "Its models on an Epoch AI list (Notable or Large-Scale)."),
    "on_board": ("integer", "", "Of those, ranked on the leaderboard."),
    "needs_review": ("integer", "", "Of those, failing every plausibility guard."),
    "not_estimable": ("integer", "", "Of those, reaching no tier of the estimation ladder."),
    **{
        f"{key}_{kind}": (
            "integer" if kind == "models" else "number",
            "" if kind == "models" else "share",
            f"Of those, {'how many' if kind == 'models' else 'the share (0-1) that'} "
            f"a source gives {what} for.",
        )
        for key, what in (
            ("energy", "the training or development energy"),
            ("gpu_hours", "GPU-hours (or a GPU count and a duration)"),
            ("hardware", "the training accelerator"),
            ("location", "the training place"),
            ("emissions", "the training or development emissions"),
        )
        for kind in ("models", "share")
    },
}

# resource -> (fields, warehouse table its types come from, description, primary key)
RESOURCES: dict[str, tuple[Mapping[str, tuple[str, str, str]], str, str, list[str]]] = {
    "leaderboard": (
        LEADERBOARD_FIELDS,
        "rpt_leaderboard",
        "One row per model: the training, development and embodied footprints of creating an "
        "AI model, each in energy (MWh), carbon (t CO2e) and water (kL), with low-high ranges, "
        "whether the figure was disclosed or estimated, and its sources.",
        ["model"],
    ),
    "audit": (
        AUDIT_FIELDS,
        "rpt_disclosure_audit",
        "One row per model and finding: what each developer's own disclosures imply, checked "
        "against each other and against the location's grid and the GPU's specification.",
        [],
    ),
    "not-estimable": (
        NOT_ESTIMABLE_FIELDS,
        "rpt_not_estimable",
        "One row per model on Epoch AI's Notable or Large-Scale list whose footprint cannot be "
        "estimated from what is disclosed, with what is missing.",
        ["model"],
    ),
    "scorecard": (
        SCORECARD_FIELDS,
        "rpt_disclosure_scorecard",
        "One row per organisation: how many of its listed models disclose energy, GPU-hours, "
        "hardware, location and emissions (count and share).",
        ["organization"],
    ),
}


class UndescribedColumnError(KeyError):
    """A CSV column with no entry in the field dictionary."""


def describe(column: str, fields: Mapping[str, tuple[str, str, str]] = LEADERBOARD_FIELDS) -> dict:
    """The Table Schema field for one column (name, type, description, unit)."""
    if column in fields:
        kind, unit, text = fields[column]
    else:
        m = _BOUND.match(column)
        if not m or m.group("base") not in fields:
            raise UndescribedColumnError(column)
        kind, unit, base_text = fields[m.group("base")]
        end = "Low" if m.group("bound") == "low" else "High"
        text = (
            f"{end} end of the range of {m.group('base')}: every input at the end of its stated "
            f"range that {'lowers' if end == 'Low' else 'raises'} the figure (interval "
            f"arithmetic). {base_text}"
        )
    field: dict[str, Any] = {"name": column, "type": kind}
    field["description"] = f"{text} Unit: {unit}." if unit else text
    if unit:
        field["unit"] = unit  # custom property; Table Schema allows extra properties
    return field


def _csv_header(csv_path: Path) -> list[str]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def _types_from(schema_source: Any, resource: str) -> dict[str, str]:
    """{column: DuckDB type} from a connection (the rpt_<resource> table) or a mapping."""
    if schema_source is None:
        return {}
    if isinstance(schema_source, duckdb.DuckDBPyConnection):
        rows = schema_source.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = ? order by ordinal_position",
            [RESOURCES[resource][1] if resource in RESOURCES else f"rpt_{resource}"],
        ).fetchall()
        return {name: dtype for name, dtype in rows}
    return {str(k): str(v) for k, v in dict(schema_source).items()}


def build_descriptor(
    columns: list[str],
    resource: str,
    csv_name: str,
    *,
    types: Mapping[str, str] | None = None,
    fields: Mapping[str, tuple[str, str, str]] | None = None,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The descriptor as a dict: one tabular resource, the CSV, with its schema."""
    known, _table, about, key = RESOURCES.get(resource, (LEADERBOARD_FIELDS, "", "", []))
    fields = fields or known
    schema_fields = []
    for column in columns:
        field = describe(column, fields)
        dtype = (types or {}).get(column)
        if dtype:  # the warehouse type wins over the dictionary's (it is what was written)
            field["type"] = DUCKDB_TO_TABLE_SCHEMA.get(dtype.upper().split("(")[0], field["type"])
        schema_fields.append(field)
    name = re.sub(r"[^a-z0-9._-]+", "-", resource.lower()).strip("-")
    return {
        "profile": "tabular-data-package",
        "name": f"footprints-{name}",
        "title": f"footprints: {resource} — energy, carbon and water of training AI models",
        "description": (
            "What it cost, in energy, carbon and water, to create AI models: the footprints' "
            "exports. Text cells a spreadsheet would run as a formula are prefixed with a "
            "single quote."
        ),
        "created": (created or datetime.now(UTC)).replace(microsecond=0).isoformat(),
        "licenses": package_licences(),
        "sources": package_sources(),
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": name,
                "description": about,
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "doubleQuote": True},
                "schema": {
                    "fields": schema_fields,
                    "missingValues": [""],
                    **({"primaryKey": key} if key and set(key) <= set(columns) else {}),
                },
            }
        ],
    }


def write_datapackage(
    csv_path: Path,
    resource: str,
    schema_source: duckdb.DuckDBPyConnection | Mapping[str, str] | None = None,
) -> Path:
    """Write `datapackage.json` beside `csv_path` (atomically) and return its path.

    Columns come from the CSV's header (what was actually written); types from
    `schema_source` — an open warehouse (reads the resource's report table) or {column: DuckDB
    type} — else from the field dictionary. Exports written to the same folder share one
    package: this resource replaces its earlier entry, the others are kept."""
    csv_path = Path(csv_path)
    descriptor = build_descriptor(
        _csv_header(csv_path),
        resource,
        csv_path.name,
        types=_types_from(schema_source, resource),
    )
    target = csv_path.parent / DESCRIPTOR_NAME
    try:
        previous = json.loads(target.read_text(encoding="utf-8"))
        kept = [
            r
            for r in previous.get("resources", [])
            if r.get("name") != descriptor["resources"][0]["name"]
            and (csv_path.parent / str(r.get("path", ""))).is_file()
        ]
    except (OSError, ValueError, AttributeError):
        kept = []  # no package yet, or not ours to keep
    descriptor["resources"] = sorted(
        [*kept, *descriptor["resources"]], key=lambda r: str(r.get("name"))
    )
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(target, text.encode("utf-8"), mode=published_mode())
    return target
