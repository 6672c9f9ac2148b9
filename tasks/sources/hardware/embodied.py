"""Embodied footprint and price columns of the curated training accelerators.

The figures and their citations are in warehouse/snapshot/gpus/curated/embodied_rules.csv,
llmcarbon_cpa.csv and rental_prices.csv; this module only applies the rule:

* low and central: one figure for every part (a whole card without server share; an 8-GPU
  server's footprint / 8). Not scaled: the server share dominates and no better-sourced per-part
  figure exists in the inputs.
* high: the per-GPU figure for an H100 server plus a silicon premium: for parts with more silicon
  than the reference part (the H100 SXM5), the difference in LLMCarbon's die + memory carbon: die
  cm2 x CPA of the process node + memory GB x DRAM CPA. Where the die area is unknown, the proxy
  area per compute die is used. Boavizta's ``die_surface`` values include the memory dies, so they
  are not added on top of the per-GB term (it would count memory twice).
* water: litres per cm2 of die + rare-earth mining per unit. Die area: Epoch, else a hand value,
  else the proxy, which ``embodied_source`` then names.

``price_usd`` is Epoch's release price; rental per device-hour is filled only where a public list
price was found, each with its page and date in ``price_source``; everything else stays empty.
"""

from __future__ import annotations

from collections.abc import Mapping

from tasks.sources.hardware.curated import Curated, Curation
from tasks.sources.hardware.readers import Spec, Value, round_value

DRAM_ROW = "DRAM"  # LLMCarbon's row for memory (kg per GB)
EPOCH_PRICE_NOTE = "price_usd: Epoch 'Release price (USD)'"


def cpa_for_node(
    process_nm: float | None, llm: Mapping[str, tuple[float, float]], nodes: Mapping[float, str]
) -> float:
    """LLMCarbon CPA (kg/cm2) for a process node, from the logic rows `nodes` names."""
    by_node = {node: llm[hardware][1] for node, hardware in nodes.items()}
    if process_nm is None:
        return by_node[min(by_node)]  # unknown node: recent parts, so the newest (highest) CPA
    for node in sorted(by_node):
        if process_nm <= node + 1:
            return by_node[node]
    return by_node[max(by_node)]


def silicon_kg(
    spec: Spec, dies: int, llm: Mapping[str, tuple[float, float]], curation: Curation
) -> float:
    """LLMCarbon die + memory carbon, kg (used only for the high-end premium)."""
    die = spec.get("die_area_mm2")
    proxy = curation.rules.proxy_die_cm2
    die_cm2 = float(die) / 100 if isinstance(die, float | int) else proxy * dies
    proc = spec.get("process_nm")
    nm = float(proc) if isinstance(proc, float | int) else None
    cpa = cpa_for_node(nm, llm, curation.cpa_nodes)
    mem = spec.get("memory_gb")
    mem_gb = float(mem) if isinstance(mem, float | int) else 0.0
    return die_cm2 * cpa + mem_gb * llm[DRAM_ROW][1]


def embodied_columns(spec: Spec, part: Curated, premium: float, curation: Curation) -> Spec:
    """The embodied carbon and water columns of one curated part, with their citation."""
    rules, src = curation.rules, curation.rules.sources
    die = spec.get("die_area_mm2")
    if isinstance(die, float | int):
        die_cm2, die_note = float(die) / 100, f"die {die:g} mm2"
    else:
        die_cm2 = rules.proxy_die_cm2 * part.compute_dies
        die_note = (
            f"die area unknown: proxy {part.compute_dies} x {rules.proxy_die_cm2:g} cm2 "
            "(H100 die per compute die)"
        )
    premium_note = (
        f" + {premium:.1f} kg die+memory above the H100 SXM5's ({curation.cpa_source})"
        if premium > 0
        else ""
    )
    return {
        "embodied_co2e_kg_low": rules.low_kg,
        "embodied_co2e_kg_central": rules.central_kg,
        "embodied_co2e_kg_high": round_value(rules.high_base_kg + premium, 1),
        "embodied_water_l": round_value(rules.water_l_per_cm2 * die_cm2 + rules.water_mining_l, 1),
        "embodied_source": (
            f"low {rules.low_kg:g} kg: {src['low_kg']}; "
            f"central {rules.central_kg:g} kg: {src['central_kg']}; "
            f"high {rules.high_base_kg:g} kg: {src['high_base_kg']}{premium_note}; "
            f"water: {rules.water_l_per_cm2:g} L/cm2 x {die_note} "
            f"+ {rules.water_mining_l:g} L rare-earth mining ({src['water_l_per_cm2']})"
        ),
    }


def price_columns(spec: Spec, part: Curated) -> dict[str, Value]:
    """The rental price columns of one curated part and the citation of its prices."""
    low, central, high = part.rental
    notes = []
    if spec.get("price_usd") is not None:
        notes.append(EPOCH_PRICE_NOTE)
    if part.rental_source:
        notes.append(f"rental {part.rental_source}")
    return {
        "rental_usd_per_gpu_hour_low": low,
        "rental_usd_per_gpu_hour_central": central,
        "rental_usd_per_gpu_hour_high": high,
        "price_source": " | ".join(notes),
    }
