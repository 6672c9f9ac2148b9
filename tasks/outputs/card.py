"""A model card's 'Environmental impact' section, from the warehouse (`footprints card MODEL`).

Markdown (hardware, GPU-hours, place and grid intensity, energy, training / development /
embodied CO2e with ranges, disclosed or estimated, method, sources) followed by the Hugging Face
`co2_eq_emissions` metadata block. The Hugging Face field is in **grams** of CO2e by its
specification, and covers the training run only.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

import duckdb
import yaml

from tasks.core.citations import TIER_METHODS, source_urls
from tasks.load.warehouse import read_sql

# The project's public address, shown as the source of estimated figures. Empty: just the name.
PROJECT_URL = ""

GRANULARITY = {
    "disclosed": "implied by the developer's own emissions / energy",
    "annual": "annual average of the grid zone for the run's year",
    "assumed": "world average (the place of training is unknown)",
}


class UnknownModelError(LookupError):
    """No model of that name; the message lists the closest names."""


def _num(v: Any, digits: int = 3) -> str:
    """A figure as people read it: thousands separators, ~3 significant digits when small."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    x = float(v)
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.{digits}g}"


def _range(row: dict[str, Any], prefix: str) -> str:
    lo, hi = row.get(f"{prefix}_low"), row.get(f"{prefix}_high")
    if lo is None or hi is None:
        return "–"
    return f"{_num(lo)}–{_num(hi)}"


def grams(tonnes: float) -> float | int:
    """t CO2e -> g CO2e (x 1e6), as an integer once the fraction no longer matters."""
    g = float(tonnes) * 1e6
    return round(g) if abs(g) >= 100 else round(g, 3)


def hardware_text(row: dict[str, Any]) -> str:
    gpu = row.get("gpu") or "unknown accelerator"
    count = row.get("gpu_count")
    return f"{_num(count)} × {gpu}" if count else str(gpu)


def place_text(row: dict[str, Any]) -> str:
    place, zone = row.get("location"), row.get("grid_zone")
    if place and zone and str(zone).lower() not in str(place).lower():
        return f"{place} (grid zone {zone})"
    return str(place or zone or "")


def training_type(row: dict[str, Any]) -> str:
    """'fine-tuning' when the training run is a fine-tune of a base model (a ranked fine-tune is
    costed from its own compute), else 'pre-training': the Hugging Face field's two values."""
    return "fine-tuning" if row.get("base_model") else "pre-training"


def co2_eq_emissions(row: dict[str, Any], project_url: str = PROJECT_URL) -> dict[str, Any]:
    """The Hugging Face `co2_eq_emissions` mapping (training run, grams)."""
    disclosed = row.get("training_co2e_basis") == "disclosed"
    urls = source_urls(row.get("sources") or "")
    if disclosed and urls:
        # The developer's own figure: cite the card, not us (the first non-database source).
        card = next((u for u in urls if "epoch" not in u.lower()), urls[0])
        source = f"disclosed by the developer: {card}"
    else:
        tier = row.get("estimation_tier")
        who = f"footprints ({project_url})" if project_url else "footprints"
        source = f"{who}, estimated (tier {tier}: {TIER_METHODS.get(tier, 'estimate')})"
    block: dict[str, Any] = {
        "emissions": grams(row["training_co2e_t"]),
        "source": source,
        "training_type": training_type(row),
    }
    place = place_text(row)
    if place:
        block["geographical_location"] = place
    hw = hardware_text(row)
    if row.get("gpu_hours"):
        hw += f", {_num(row['gpu_hours'])} GPU-hours"
    block["hardware_used"] = hw
    return {"co2_eq_emissions": block}


def render_card(row: dict[str, Any], project_url: str = PROJECT_URL) -> str:
    """Markdown 'Environmental impact' section, then the Hugging Face YAML block, for one
    rpt_leaderboard row (optionally with `<footprint>_co2e_t_low/high` from
    fct_model_footprints, which give each footprint its own range)."""
    lines = [*_summary_lines(row), *_table_lines(row), "", *_fact_lines(row)]
    lines += [
        "",
        "Ranges are the extremes of each input's stated low–high range (interval arithmetic).",
        "",
        "Hugging Face model-card metadata (emissions in grams, training run only):",
        "",
        "```yaml",
        yaml.safe_dump(
            co2_eq_emissions(row, project_url), sort_keys=False, allow_unicode=True, width=1000
        ).rstrip(),
        "```",
    ]
    return "\n".join(lines) + "\n"


def _summary_lines(row: dict[str, Any]) -> list[str]:
    basis = row.get("training_co2e_basis") or "estimated"
    return [
        "## Environmental impact",
        "",
        f"Creating {row['model']} used about **{_num(row.get('total_energy_mwh'))} MWh** of "
        f"electricity and emitted **{_num(row.get('total_co2e_t'))} t CO2e** in total "
        f"(range {_num(row.get('total_co2e_t_low'))}–{_num(row.get('total_co2e_t_high'))} t), "
        "counting the final training run, the development runs before it and the manufacturing "
        f"of the hardware. The training-run emissions are **{basis}**.",
        "",
    ]


def _table_lines(row: dict[str, Any]) -> list[str]:
    """One table row per footprint and the total: energy, carbon with its range, water, how."""
    basis = row.get("training_co2e_basis") or "estimated"
    tier = row.get("estimation_tier")
    how = {
        "training": row.get("training_method")
        or (
            "disclosed by the developer"
            if basis == "disclosed"
            else f"tier {tier}: {TIER_METHODS.get(tier, '')}"
        ),
        "development": row.get("development_method") or "",
        "embodied": row.get("embodied_method") or "GPU-hours × embodied per GPU / hardware life",
    }
    lines = [
        "| footprint | energy (MWh) | carbon (t CO2e) | range (t CO2e) | water (kL) | how |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for fp in ("training", "development", "embodied"):
        energy = row.get(f"{fp}_energy_mwh") if fp != "embodied" else None
        lines.append(
            f"| {fp} | {_num(energy)} | {_num(row.get(f'{fp}_co2e_t'))} | "
            f"{_range(row, f'{fp}_co2e_t')} | {_num(row.get(f'{fp}_water_kl'))} | {how[fp]} |"
        )
    lines.append(
        f"| **total** | {_num(row.get('total_energy_mwh'))} | **{_num(row.get('total_co2e_t'))}**"
        f" | {_range(row, 'total_co2e_t')} | {_num(row.get('total_water_kl'))} | |"
    )
    return lines


def _fact_lines(row: dict[str, Any]) -> list[str]:
    """The inputs as a list: hardware, GPU-hours, place, intensity, PUE, method, disclosures."""
    tier = row.get("estimation_tier")
    lines = [f"- **Hardware:** {hardware_text(row)}"]
    if row.get("gpu_hours"):
        lines.append(f"- **GPU-hours:** {_num(row['gpu_hours'])}")
    lines.append(f"- **Location:** {place_text(row) or 'not disclosed'}")
    gran = str(row.get("carbon_intensity_granularity") or "unknown")
    lines.append(
        f"- **Grid carbon intensity:** {_num(row.get('carbon_intensity_kg_per_kwh'))} kg CO2e/kWh"
        f" ({GRANULARITY.get(gran, gran)})"
    )
    if row.get("pue"):
        lines.append(f"- **PUE:** {_num(row['pue'])}")
    lines.append(f"- **Method:** tier {tier} of 5 — {TIER_METHODS.get(tier, 'unknown')}")
    if row.get("disclosed_training_co2e_t") is not None:
        market = row.get("disclosed_training_co2e_market_t")
        text = f"{_num(row['disclosed_training_co2e_t'])} t CO2e location-based"
        if market is not None:
            text += f", {_num(market)} t market-based (not used in place of location-based)"
        lines.append(f"- **Disclosed training emissions:** {text}")
    if row.get("conflicting_fields"):
        lines.append(
            f"- **Sources disagree on:** {row['conflicting_fields']} (the better-ranked source "
            "is used)"
        )
    urls = source_urls(row.get("sources") or "")
    if urls:
        lines += ["- **Sources:**"] + [f"  - <{u}>" for u in urls]
    return lines


def find_model(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """The leaderboard row of `name` (exact, case-insensitive, or a known alias) with each
    footprint's range; UnknownModelError listing close matches otherwise."""
    models = [r[0] for r in con.execute(read_sql("reports/select_card_models.sql")).fetchall()]
    chosen = name if name in models else None
    if chosen is None:
        lowered = {m.lower(): m for m in models}
        chosen = lowered.get(name.strip().lower())
    if chosen is None:
        alias = con.execute(read_sql("reports/select_card_alias.sql"), [name.strip()]).fetchall()
        if alias and alias[0][0] in models:
            chosen = alias[0][0]
    if chosen is None:
        by_lower = {m.lower(): m for m in models}
        close = difflib.get_close_matches(name.lower(), list(by_lower), n=5, cutoff=0.5)
        hint = (
            "; close matches: " + ", ".join(repr(by_lower[c]) for c in close)
            if close
            else "; `footprints leaderboard` lists the models"
        )
        raise UnknownModelError(f"no model {name!r} on the leaderboard{hint}")
    cursor = con.execute(read_sql("reports/select_card_row.sql"), [chosen])
    columns = [d[0] for d in cursor.description or []]
    row = dict(zip(columns, cursor.fetchall()[0], strict=True))
    ranges = con.execute(read_sql("reports/select_card_footprints.sql"), [chosen]).fetchall()
    for fp, lo, hi, method in ranges:
        row[f"{fp}_co2e_t_low"], row[f"{fp}_co2e_t_high"] = lo, hi
        if fp != "training":
            row[f"{fp}_method"] = method
    return row
