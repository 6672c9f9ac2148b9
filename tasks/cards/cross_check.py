"""Checks across the formats of one card: repeats dropped, contradictions warned and noted.

A table against the prose, the front matter against the body: every fact is kept, and each one
that disagrees gets a note plus a warning. The reader decides; the parser hides nothing.
"""

from __future__ import annotations

import re

from tasks.cards.draft import Context, Draft
from tasks.cards.text import short

# Relative difference above which two figures for the same model/field are a contradiction.
CONTRADICTION_TOLERANCE = 0.05

_NUMERIC_FIELDS = {
    "gpu_hours",
    "gpu_count",
    "duration_days",
    "power_w",
    "energy_mwh",
    "co2e_t",
    "co2e_market_t",
    "carbon_intensity_kg_per_kwh",
}


def dedupe(drafts: list[Draft]) -> list[Draft]:
    """Drop prose repeats of a figure already read from prose, a key/value line or the front
    matter (Falcon states its GPUs twice). A prose total that repeats a table's Total row is kept:
    the brief asks for the card's prose totals as their own (medium-confidence) facts.
    """
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Draft] = []
    order = {"front_matter": 0, "table": 1, "kv": 2, "prose": 3}
    for d in sorted(drafts, key=lambda d: order.get(d.origin, 9)):
        key = (d.model, d.phase, d.field, d.value.lower())
        if d.origin == "prose" and key in seen:
            continue
        if d.origin != "table":
            seen.add(key)
        out.append(d)
    # Keep the card's reading order for the output.
    pos = {id(d): i for i, d in enumerate(drafts)}
    out.sort(key=lambda d: pos[id(d)])
    return out


def cross_check(ctx: Context, drafts: list[Draft]) -> None:
    """Warn about and note figures of one model, phase and field that disagree."""
    groups: dict[tuple[str, str, str], list[Draft]] = {}
    for d in drafts:
        if d.partial:
            continue
        groups.setdefault((d.model, d.phase, d.field), []).append(d)
    for (model, _phase, fld), ds in groups.items():
        if len(ds) < 2:
            continue
        if fld in _NUMERIC_FIELDS:
            _check_figures(ctx, model, fld, ds)
        elif fld == "location":
            _check_locations(ctx, model, ds)


def _check_figures(ctx: Context, model: str, fld: str, ds: list[Draft]) -> None:
    vals = [float(d.value) for d in ds]
    lo, hi = min(vals), max(vals)
    if hi == 0 or (hi - lo) / hi <= CONTRADICTION_TOLERANCE:
        return
    a = next(d for d in ds if float(d.value) == lo)
    b = next(d for d in ds if float(d.value) == hi)
    kg_in_g = _kg_in_grams(a, b)
    if kg_in_g is not None:
        fm, body = kg_in_g
        msg = (
            f"{ctx.source_url}: {model} co2_eq_emissions {fm.raw} looks like kilograms "
            f"written in the grams field (the body states {body.raw} at {body.locator})"
        )
    else:
        msg = (
            f"{ctx.source_url}: contradiction for {model} {fld}: {a.raw!r} ({a.value}, "
            f"{a.locator}) vs {b.raw!r} ({b.value}, {b.locator}); both kept"
        )
    ctx.warn(msg)
    for d in ds:
        others = ", ".join(o.raw for o in ds if o is not d and o.value != d.value)
        if others:
            d.notes.append(f"contradicted in the same card by {short(others, 80)}")


def _check_locations(ctx: Context, model: str, ds: list[Draft]) -> None:
    plain = [d for d in ds if _comparable_location(d.value)]
    countries = {_country_key(d.value) for d in plain}
    if len(countries) > 1:
        where = " vs ".join(f"{d.value!r} ({d.locator})" for d in plain)
        ctx.warn(f"{ctx.source_url}: contradiction for {model} location: {where}")
        for d in plain:
            d.notes.append("location contradicted elsewhere in the card")


def _country_key(loc: str) -> str:
    return loc.split(",")[-1].strip().lower()


def _comparable_location(loc: str) -> bool:
    """Only plain place names are compared: a cloud region ('us-east1') and a description
    ('East USA') name the same place in ways only the later resolution step can match."""
    return not re.search(r"(?i)\d|\b(east|west|north|south|central)\b|-", loc)


def _kg_in_grams(a: Draft, b: Draft) -> tuple[Draft, Draft] | None:
    """If one figure comes from the front matter and equals the other x1e-3, it was kilograms."""
    if a.field != "co2e_t":
        return None
    pairs = [(a, b), (b, a)]
    for fm, body in pairs:
        if fm.origin == "front_matter" and body.origin != "front_matter":
            x, y = float(fm.value), float(body.value)
            if y and abs(x * 1000 - y) / y <= CONTRADICTION_TOLERANCE:
                fm.notes.append(
                    "value looks like kilograms in the grams field; recorded as written"
                )
                return fm, body
    return None
