"""TDP ranges: the generic rows of names without a form factor, and tdp_w_low / tdp_w_high.

A card that says "V100" or "A100" does not say which board it ran on, and the boards differ in
power (V100 PCIe 250 W, SXM2 300 W). Such a name resolves (through ``family_defaults.csv``) to a
generic row of ``curated/generic_parts.csv``: its TDP range spans its variants' (the lowest
``tdp_w_low`` to the highest ``tdp_w_high``), its ``tdp_w`` and every other figure are those of
its central variant (the one most disclosures mean), so a central estimate is unchanged while the
range carries the ambiguity. Every other row has ``tdp_w_low = tdp_w = tdp_w_high`` unless a hand
value gives the range its source states (a configurable TDP, a measured mean and maximum).
"""

from __future__ import annotations

from collections.abc import Iterable

from tasks.sources.hardware.curated import Generic, load_curation
from tasks.sources.hardware.readers import Spec


def _number(spec: Spec, field: str) -> float | None:
    value = spec.get(field)
    return float(value) if isinstance(value, float | int) else None


def generic_row(generic: Generic, by_id: dict[str, Spec]) -> Spec | None:
    """The generic row over its variants; None when a partial build lacks one of them."""
    if any(v not in by_id for v in generic.variants):
        return None
    central = by_id[generic.central]
    parts = [by_id[v] for v in generic.variants]
    lows = [_number(p, "tdp_w_low") or _number(p, "tdp_w") for p in parts]
    highs = [_number(p, "tdp_w_high") or _number(p, "tdp_w") for p in parts]
    if any(x is None for x in (*lows, *highs)):
        raise ValueError(f"{generic.gpu_id}: a variant of {generic.variants} has no tdp_w")
    variants = ", ".join(generic.variants)
    row: Spec = dict(central)
    row.update(
        gpu_id=generic.gpu_id,
        name=generic.name,
        tdp_w_low=min(x for x in lows if x is not None),
        tdp_w_high=max(x for x in highs if x is not None),
        specs_source=(
            f"generic entry for a name without form factor: tdp_w_low/tdp_w_high = the lowest "
            f"and highest TDP of {variants} (each cited in its own row); tdp_w and the other "
            f"figures are {generic.central}'s ({generic.source}) || {central['specs_source']}"
        ),
    )
    return row


def generic_rows(curated: Iterable[Spec]) -> list[Spec]:
    """The generic rows of generic_parts.csv whose variants are all built."""
    by_id = {str(s["gpu_id"]): s for s in curated}
    rows = [generic_row(g, by_id) for g in load_curation().generics]
    return [r for r in rows if r is not None]


def fill_tdp_range(specs: Iterable[Spec]) -> None:
    """Set tdp_w_low / tdp_w_high to tdp_w where no range is given; raise ValueError on a row
    whose range does not hold its tdp_w, or that has a range without a tdp_w."""
    for spec in specs:
        tdp = _number(spec, "tdp_w")
        for field in ("tdp_w_low", "tdp_w_high"):
            if spec.get(field) is None:
                spec[field] = tdp
        low, high = _number(spec, "tdp_w_low"), _number(spec, "tdp_w_high")
        if tdp is None and (low is not None or high is not None):
            raise ValueError(f"{spec['gpu_id']}: a TDP range {low}-{high} W without a tdp_w")
        if tdp is not None and not (low is not None and high is not None and low <= tdp <= high):
            raise ValueError(f"{spec['gpu_id']}: tdp_w {tdp} W is not within {low}-{high} W")
