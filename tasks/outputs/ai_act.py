"""The compute and energy section of an AI Act filing (`footprints export ai-act`).

EU AI Act Annex XI, Section 1, point 2(d)-(e) asks a general-purpose model's provider for the
computational resources used to train it (e.g. FLOP), the training time, and its known or
estimated energy consumption (estimated from the computational resources when unknown); the GPAI
Code of Practice's Model Documentation Form asks for the same, plus the compute used for
inference. Each value here carries its status (known, estimated with the method in words, or
unknown) and its source; JSON for machines, Markdown for people.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from tasks.outputs.filings import Figure, Filing

FRAMEWORK = (
    "EU AI Act (Regulation (EU) 2024/1689) Annex XI, Section 1, point 2(d)-(e); GPAI Code of "
    "Practice, Model Documentation Form: computational resources and energy consumption"
)
SCOPE = (
    "Figures come from public disclosures and footprints' estimates, not from the provider's own "
    "records: a provider filing for its model replaces them with what it measured."
)


def significant(x: float | None, digits: int = 6) -> float | None:
    """x to `digits` significant figures: 411.34999999999997 -> 411.35."""
    return None if x is None else float(f"{x:.{digits}g}")


def figure_json(figure: Figure) -> dict[str, Any]:
    item: dict[str, Any] = {
        "value": significant(figure.value),
        "unit": figure.unit,
        "status": figure.status,
    }
    if figure.low is not None and figure.high is not None:
        item["low"], item["high"] = significant(figure.low), significant(figure.high)
    item["method"] = figure.method
    item["source"] = figure.source or None
    return item


def ai_act_json(filing: Filing, now: datetime | None = None) -> dict[str, Any]:
    """The section as one JSON object: `<figure key>: {value, unit, status, method, source}`."""
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = filing.row
    document: dict[str, Any] = {
        "framework": FRAMEWORK,
        "model": filing.model,
        "provider": row.get("organization"),
        "training_type": filing.training_type,
        "hardware": filing.co2_eq_emissions["hardware_used"],
        "generated_by": "footprints",
        "generated_at": created,
        "scope": SCOPE,
    }
    for figure in filing.figures:
        document[figure.key] = figure_json(figure)
    document["co2_eq_emissions"] = filing.co2_eq_emissions
    document["unknown"] = [f.key for f in filing.figures if f.status == "unknown"]
    return document


def ai_act_text(filing: Filing, fmt: str, now: datetime | None = None) -> str:
    """The section as `json` (indented) or `md` text."""
    document = ai_act_json(filing, now)
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return ai_act_markdown(filing, document)


def _value(figure: Figure) -> str:
    if figure.value is None:
        return "unknown"
    text = _fmt(figure.value)
    if figure.low is not None and figure.high is not None and figure.low != figure.high:
        text += f" ({_fmt(figure.low)}–{_fmt(figure.high)})"
    return f"{text} {figure.unit}"


def _fmt(x: float) -> str:
    if x == 0 or math.isnan(x):
        return "0"
    if abs(x) >= 1e7 or abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def ai_act_markdown(filing: Filing, document: dict[str, Any]) -> str:
    lines = [
        f"## Computational resources and energy consumption: {filing.model}",
        "",
        f"{FRAMEWORK}.",
        "",
        f"- **Provider:** {document['provider'] or 'unknown'}",
        f"- **Training type:** {document['training_type']}",
        f"- **Hardware:** {document['hardware']}",
        f"- **Generated:** {document['generated_at']} by footprints. {SCOPE}",
        "",
        "| item | value | status | method | source |",
        "|---|---|---|---|---|",
    ]
    for f in filing.figures:
        lines.append(
            f"| {f.label} | {_value(f)} | {f.status} | {_cell(f.method)} | "
            f"{_cell(f.source) or '–'} |"
        )
    unknown = [f.label.lower() for f in filing.figures if f.status == "unknown"]
    lines += ["", f"Unknown: {', '.join(unknown)}." if unknown else "Nothing is unknown."]
    return "\n".join(lines) + "\n"
