"""The hand-kept GPU tables (warehouse/snapshot/gpus/curated/*.csv), read into typed records.

Each file is one row per item with the citation of its figures; their columns are documented in
docs/data-contracts.md, section "GPU specifications". `load_curation()` reads them all once and
checks that they agree with one another (every gpu_id a curated part, every field a spec field),
raising `CuratedDataError` with the file and row otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from tasks.core.curated import CuratedDataError, CuratedRow, read_table
from tasks.sources.hardware.readers import SPEC_FIELDS, Spec, Value

CURATED = "gpus/curated"


class AcceleratorRow(CuratedRow):
    gpu_id: str
    name: str
    manufacturer: str
    kind: str
    compute_dies: int  # for the die-area proxy when the area is unknown
    epoch_names: str  # ' | '-separated, first wins per field
    source: str = ""  # citation of the hand values, written into specs_source


class HandValueRow(CuratedRow):
    gpu_id: str
    field: str
    value: str | None = None  # empty clears the field
    source: str


class AliasRow(CuratedRow):
    alias: str
    gpu_id: str
    note: str


class GenericRow(CuratedRow):
    gpu_id: str
    name: str
    central_gpu_id: str  # the variant whose figures the generic entry carries
    variant_gpu_ids: str  # ' | '-separated curated parts the name may mean
    source: str  # why this central variant; written into specs_source


class TdpSourceAliasRow(CuratedRow):
    name: str
    gpu_id: str
    note: str


class SkippedRow(CuratedRow):
    name: str
    source: str


class RentalRow(CuratedRow):
    gpu_id: str
    rental_usd_per_gpu_hour_low: float | None = None
    rental_usd_per_gpu_hour_central: float | None = None
    rental_usd_per_gpu_hour_high: float | None = None
    source: str


class RuleRow(CuratedRow):
    parameter: str
    value: str
    unit: str
    source: str


class CpaRow(CuratedRow):
    hardware: str
    process_nm: float | None = None  # the logic node the row stands for; empty for DRAM
    unit: float  # cm2 or GB
    cpa_kg_per_unit: float
    source: str


class UpstreamRow(CuratedRow):
    input: str
    source: str


@dataclass(frozen=True)
class SourceLabels:
    """How `specs_source` cites each input table. The snapshot's labels name the pinned upstream
    files it is built from (gpus/curated/upstream_sources.csv); the live connector passes the URLs
    it actually fetched, so a row never cites a commit its numbers did not come from."""

    epoch_hardware: str
    epoch_chips: str
    mlco2: str
    greenalgorithms: str


@dataclass(frozen=True)
class Curated:
    """A curated training accelerator: its identity, Epoch names, hand values and prices."""

    gpu_id: str
    name: str
    manufacturer: str
    kind: str
    epoch: tuple[str, ...]  # Epoch names, first wins per field
    hand: Mapping[str, Value]  # overrides; None clears a field
    hand_source: str
    compute_dies: int
    rental: tuple[float | None, float | None, float | None]
    rental_source: str


@dataclass(frozen=True)
class Generic:
    """A name without form factor ("V100"): one row over its curated variants, whose TDP range
    is theirs and whose other figures are those of its central variant."""

    gpu_id: str
    name: str
    central: str
    variants: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class EmbodiedRules:
    """The numbers of the embodied rule (catalog module docstring), each with its citation."""

    low_kg: float
    central_kg: float
    high_base_kg: float
    high_reference_gpu_id: str
    water_l_per_cm2: float
    water_mining_l: float
    proxy_die_cm2: float
    sources: Mapping[str, str]  # parameter -> citation


@dataclass(frozen=True)
class Curation:
    """Every curated GPU table, read and cross-checked."""

    parts: tuple[Curated, ...]
    generics: tuple[Generic, ...]
    aliases: tuple[tuple[str, str, str], ...]  # (alias, gpu_id, note), file order
    tdp_source_aliases: Mapping[str, tuple[str, str]]  # external name -> (gpu_id, note)
    tdp_source_skipped: frozenset[str]
    rules: EmbodiedRules
    cpa_fallback: Mapping[str, tuple[float, float]]  # hardware -> (unit, kg per unit)
    cpa_nodes: Mapping[float, str]  # process node (nm) -> LLMCarbon hardware row
    cpa_source: str
    labels: SourceLabels


def _fail(file: str, message: str) -> CuratedDataError:
    return CuratedDataError(f"{CURATED}/{file}: {message}")


def _hand_value(row: HandValueRow) -> Value:
    if row.field not in SPEC_FIELDS:
        raise _fail("hand_values.csv", f"{row.gpu_id}: {row.field!r} is not a spec field")
    if row.value is None or row.field == "release_date":
        return row.value
    try:
        return float(row.value)
    except ValueError:
        raise _fail(
            "hand_values.csv", f"{row.gpu_id}: {row.field} {row.value!r} is not a number"
        ) from None


def _parts() -> tuple[Curated, ...]:
    accelerators = read_table(f"{CURATED}/accelerators.csv", AcceleratorRow)
    ids = [a.gpu_id for a in accelerators]
    hand: dict[str, dict[str, Value]] = {i: {} for i in ids}
    for h in read_table(f"{CURATED}/hand_values.csv", HandValueRow):
        if h.gpu_id not in hand:
            raise _fail("hand_values.csv", f"{h.gpu_id!r} is not in accelerators.csv")
        hand[h.gpu_id][h.field] = _hand_value(h)
    rental: dict[str, RentalRow] = {}
    for r in read_table(f"{CURATED}/rental_prices.csv", RentalRow):
        if r.gpu_id not in hand:
            raise _fail("rental_prices.csv", f"{r.gpu_id!r} is not in accelerators.csv")
        rental[r.gpu_id] = r
    return tuple(
        Curated(
            gpu_id=a.gpu_id,
            name=a.name,
            manufacturer=a.manufacturer,
            kind=a.kind,
            epoch=tuple(n.strip() for n in a.epoch_names.split("|")),
            hand=MappingProxyType(hand[a.gpu_id]),
            hand_source=a.source,
            compute_dies=a.compute_dies,
            rental=_rental(rental.get(a.gpu_id)),
            rental_source=rental[a.gpu_id].source if a.gpu_id in rental else "",
        )
        for a in accelerators
    )


def _rental(row: RentalRow | None) -> tuple[float | None, float | None, float | None]:
    if row is None:
        return (None, None, None)
    return (
        row.rental_usd_per_gpu_hour_low,
        row.rental_usd_per_gpu_hour_central,
        row.rental_usd_per_gpu_hour_high,
    )


def _rules() -> EmbodiedRules:
    rows = {r.parameter: r for r in read_table(f"{CURATED}/embodied_rules.csv", RuleRow)}
    names = [f for f in EmbodiedRules.__dataclass_fields__ if f != "sources"]
    missing = [n for n in names if n not in rows]
    unknown = [p for p in rows if p not in names]
    if missing or unknown:
        raise _fail("embodied_rules.csv", f"missing {missing or '-'}, unknown {unknown or '-'}")

    def number(name: str) -> float:
        try:
            return float(rows[name].value)
        except ValueError:
            raise _fail(
                "embodied_rules.csv", f"{name}: {rows[name].value!r} is not a number"
            ) from None

    return EmbodiedRules(
        low_kg=number("low_kg"),
        central_kg=number("central_kg"),
        high_base_kg=number("high_base_kg"),
        high_reference_gpu_id=rows["high_reference_gpu_id"].value,
        water_l_per_cm2=number("water_l_per_cm2"),
        water_mining_l=number("water_mining_l"),
        proxy_die_cm2=number("proxy_die_cm2"),
        sources=MappingProxyType({n: rows[n].source for n in names}),
    )


def _labels() -> SourceLabels:
    rows = {r.input: r.source for r in read_table(f"{CURATED}/upstream_sources.csv", UpstreamRow)}
    names = list(SourceLabels.__dataclass_fields__)
    if sorted(rows) != sorted(names):
        raise _fail("upstream_sources.csv", f"inputs {sorted(rows)}, expected {sorted(names)}")
    return SourceLabels(**rows)


def _check_targets(file: str, gpu_ids: list[str], known: set[str]) -> None:
    unknown = sorted(set(gpu_ids) - known)
    if unknown:
        raise _fail(file, f"gpu_id(s) not in accelerators.csv: {unknown}")


def _generics(part_ids: set[str]) -> tuple[Generic, ...]:
    file = "generic_parts.csv"
    out: list[Generic] = []
    for line, row in enumerate(read_table(f"{CURATED}/{file}", GenericRow), start=2):
        variants = tuple(v.strip() for v in row.variant_gpu_ids.split("|") if v.strip())
        where = f"line {line}: {row.gpu_id}"
        if row.gpu_id in part_ids:
            raise _fail(file, f"{where}: gpu_id is already a part in accelerators.csv")
        _check_targets(file, [*variants, row.central_gpu_id], part_ids)
        if len(variants) < 2 or row.central_gpu_id not in variants:
            raise _fail(file, f"{where}: needs 2+ variant_gpu_ids including central_gpu_id")
        out.append(Generic(row.gpu_id, row.name, row.central_gpu_id, variants, row.source))
    return tuple(out)


@cache
def load_curation() -> Curation:
    """All curated GPU tables (read once per process)."""
    parts = _parts()
    aliases = read_table(f"{CURATED}/aliases.csv", AliasRow)
    tdp_aliases = read_table(f"{CURATED}/tdp_source_aliases.csv", TdpSourceAliasRow)
    skipped = read_table(f"{CURATED}/tdp_source_skipped.csv", SkippedRow)
    cpa = read_table(f"{CURATED}/llmcarbon_cpa.csv", CpaRow)
    rules = _rules()
    _check_targets("embodied_rules.csv", [rules.high_reference_gpu_id], {p.gpu_id for p in parts})
    return Curation(
        parts=parts,
        generics=_generics({p.gpu_id for p in parts}),
        aliases=tuple((a.alias, a.gpu_id, a.note) for a in aliases),
        tdp_source_aliases=MappingProxyType({t.name: (t.gpu_id, t.note) for t in tdp_aliases}),
        tdp_source_skipped=frozenset(s.name for s in skipped),
        rules=rules,
        cpa_fallback=MappingProxyType({c.hardware: (c.unit, c.cpa_kg_per_unit) for c in cpa}),
        cpa_nodes=MappingProxyType(
            {c.process_nm: c.hardware for c in cpa if c.process_nm is not None}
        ),
        cpa_source=" ; ".join(sorted({c.source for c in cpa})),
        labels=_labels(),
    )


def snapshot_labels() -> SourceLabels:
    """The citations of the pinned upstream files the bundled snapshot is built from."""
    return load_curation().labels


def built_parts(specs: Iterable[Spec]) -> tuple[Curated, ...]:
    """The curated parts present in `specs`, in the curated order (all of them when strict)."""
    ids = {str(s["gpu_id"]) for s in specs}
    return tuple(c for c in load_curation().parts if c.gpu_id in ids)
