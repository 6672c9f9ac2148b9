"""The GPU catalogue: gpu_specs and gpu_aliases built from the upstream tables' bytes.

One builder for both paths: `scripts/snapshot/build_gpus.py` feeds it the files in shared/data to
write the bundled snapshot, and the live connector
(`tasks.sources.models.epoch.land_gpu_specs_live`) feeds it
what it fetched, so the two produce the same tables from the same inputs. No network; the inputs
are bytes plus the curated tables under warehouse/snapshot/gpus/curated (`curated.py`), and the
outputs are sorted tables whose columns are those of docs/data-contracts.md, section "GPU
specifications".

Rows
----
* Curated training accelerators (``is_training_accelerator=true``, ``curated/accelerators.csv``).
  Numbers come from Epoch's ML Hardware file first (``gpus/epoch_ml_hardware.csv``, the newer
  re-host), then Epoch's chip dataset (``gpus/epoch_chip_dataset_trimmed.csv``) for whatever the
  first leaves empty. A curated entry may then override or add single fields by hand
  (``curated/hand_values.csv``, each with the vendor datasheet); ``specs_source`` lists the Epoch
  rows and the part's hand note.
  All peak TFLOP/s are **dense** (no 2:4 sparsity): Epoch's figures were checked against the
  datasheets (H100 SXM bf16 989.4, A100 312); hand-added figures are the datasheet's sparse number
  halved where the datasheet only prints the sparse one.
  ``peak_bf16_tflops`` holds Epoch's "Tensor-FP16/BF16" column. On parts without bf16 (V100, T4)
  that is the fp16 tensor peak, the 16-bit rate mixed-precision training on them actually used;
  the P100 (no tensor cores) carries its datasheet fp16 rate, twice its fp32; parts Epoch lists
  without a 16-bit figure (A10G, the RTX workstation cards) leave it empty and carry fp32.
  ``tdp_w_low`` / ``tdp_w_high``: `generic.py`. Embodied footprint and prices: `embodied.py`.
* Catalogue entries (``is_training_accelerator=false``): every chip in Epoch's chip dataset with a
  TDP that is not a CPU (Type CPU / Hybrid CPU, or an untyped Xeon), filled from Epoch's ML
  Hardware file where that has the same name; ML Hardware rows with a TDP that the chip dataset
  lacks; then ``mlco2_impact_gpus.csv`` and ``greenalgorithms_TDP_gpu.csv`` rows that match none of
  those (their TDP, and mlco2's memory / fp32 where plausible). Rows whose names normalise to the
  same key are one card: the fuller row is kept and the other name becomes an alias.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

from tasks.core import curated as core_curated
from tasks.core import gpu_names
from tasks.core.gpu_names import GpuResolver, family_defaults, normalise_gpu_name
from tasks.load.validate import business_columns

# Whole modules only for builder_files(); their names would clash with this module's variables.
from tasks.sources.hardware import aliases as aliases_module
from tasks.sources.hardware import curated as curated_module
from tasks.sources.hardware import embodied as embodied_module
from tasks.sources.hardware import generic as generic_module
from tasks.sources.hardware import readers as readers_module
from tasks.sources.hardware.aliases import Alias, build_aliases, check_keys
from tasks.sources.hardware.curated import (
    CURATED,
    Curated,
    SourceLabels,
    built_parts,
    load_curation,
)
from tasks.sources.hardware.embodied import (
    EPOCH_PRICE_NOTE,
    embodied_columns,
    price_columns,
    silicon_kg,
)
from tasks.sources.hardware.generic import fill_tdp_range, generic_rows
from tasks.sources.hardware.readers import (
    SPEC_FIELDS,
    Spec,
    Value,
    read_epoch,
    read_greenalgorithms,
    read_llmcarbon,
    read_mlco2,
)

Candidate = tuple[str, Spec, str]  # (name, spec, source label)

NOT_A_CPU_TYPES = frozenset({"CPU", "Hybrid CPU"})
_CPU_NAME_RE = re.compile(r"\b(Xeon|Athlon|Sempron|Pentium|Celeron|Opteron|EPYC|Core i\d)\b")


# ---------------------------------------------------------------------------------------------
# Curated training accelerators
# ---------------------------------------------------------------------------------------------
def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _kind(epoch_type: Value) -> str:
    t = str(epoch_type or "").upper()
    if t == "TPU":
        return "tpu"
    if t in {"GPU", "GPGPU", "DCU (GPGPU)", ""}:
        return "gpu"
    return "accelerator"


def merge_epoch(
    names: Iterable[str], hw: Mapping[str, Spec], chips: Mapping[str, Spec]
) -> tuple[Spec, list[str]]:
    """First non-empty value per field over the names, ML Hardware before the chip dataset."""
    merged: Spec = {f: None for f in SPEC_FIELDS}
    used: list[str] = []
    for source_label, table in (("ML Hardware", hw), ("chip dataset", chips)):
        for name in names:
            rec = table.get(name)
            if rec is None:
                continue
            took = False
            for f in SPEC_FIELDS:
                if merged[f] is None and rec.get(f) is not None:
                    merged[f] = rec[f]
                    took = True
            if took:
                used.append(f"{source_label} '{name}'")
            if merged.get("datasheet") is None and rec.get("datasheet"):
                merged["datasheet"] = rec["datasheet"]
    return merged, used


def _curated_spec(
    part: Curated, hw: Mapping[str, Spec], chips: Mapping[str, Spec], labels: SourceLabels
) -> Spec | None:
    """A curated part's spec row before its embodied and price columns; None when none of its
    Epoch names is in the inputs."""
    spec, used = merge_epoch(part.epoch, hw, chips)
    if not used:
        return None
    spec.update(part.hand)
    src = [
        f"{labels.epoch_hardware if 'ML Hardware' in u else labels.epoch_chips} :: {u}"
        for u in used
    ]
    if spec.get("datasheet"):
        src.append(f"Epoch's datasheet link: {spec['datasheet']}")
    if part.hand_source:
        src.append(f"hand: {part.hand_source}")
    spec.update(
        gpu_id=part.gpu_id,
        name=part.name,
        manufacturer=part.manufacturer,
        kind=part.kind,
        is_training_accelerator=True,
        specs_source=" | ".join(src),
    )
    return spec


def build_curated(
    hw: Mapping[str, Spec],
    chips: Mapping[str, Spec],
    llm: Mapping[str, tuple[float, float]],
    labels: SourceLabels | None = None,
    *,
    strict: bool = True,
) -> list[Spec]:
    """One row per curated part. `strict`: a part missing from the Epoch inputs is an error (the
    snapshot must have them all); otherwise it is left out (a live file that renamed a part, or a
    run without the chip dataset, still builds the rest)."""
    curation = load_curation()
    rows: list[Spec] = []
    silicon: dict[str, float] = {}
    for part in curation.parts:
        spec = _curated_spec(part, hw, chips, labels or curation.labels)
        if spec is None:
            if not strict:
                continue
            raise ValueError(f"{part.gpu_id}: none of {part.epoch} found in the Epoch files")
        silicon[part.gpu_id] = silicon_kg(spec, part.compute_dies, llm, curation)
        rows.append(spec)

    reference = curation.rules.high_reference_gpu_id
    if reference not in silicon:
        raise ValueError(f"{reference}: the reference part is not in the Epoch files")
    for part, spec in zip(built_parts(rows), rows, strict=True):
        premium = max(0.0, silicon[part.gpu_id] - silicon[reference])
        spec.update(embodied_columns(spec, part, premium, curation))
        spec.update(price_columns(spec, part))
    return rows


# ---------------------------------------------------------------------------------------------
# Catalogue entries from Epoch
# ---------------------------------------------------------------------------------------------
def _is_cpu(name: str, rec: Spec) -> bool:
    t = rec.get("type")
    return t in NOT_A_CPU_TYPES or (t is None and bool(_CPU_NAME_RE.search(name)))


def _filled(spec: Spec) -> int:
    return sum(spec.get(f) is not None for f in SPEC_FIELDS)


def _epoch_candidates(
    hw: Mapping[str, Spec], chips: Mapping[str, Spec], labels: SourceLabels
) -> list[Candidate]:
    """Non-CPU Epoch rows with a TDP: the chip dataset's (gaps filled from the ML Hardware row of
    the same name), then the ML Hardware rows the chip dataset lacks."""
    candidates: list[Candidate] = []
    for name, rec in chips.items():
        if rec.get("tdp_w") is None or _is_cpu(name, rec):
            continue
        spec, _ = merge_epoch([name], {}, {name: rec})
        if name in hw:  # fill gaps from the newer file with the same name
            for f in SPEC_FIELDS:
                if spec[f] is None and hw[name].get(f) is not None:
                    spec[f] = hw[name][f]
        typed = {**spec, "type": rec.get("type"), "manufacturer": rec.get("manufacturer")}
        candidates.append((name, typed, labels.epoch_chips))
    for name, rec in hw.items():
        if name in chips or rec.get("tdp_w") is None or _is_cpu(name, rec):
            continue
        spec, _ = merge_epoch([name], {name: rec}, {})
        typed = {**spec, "type": rec.get("type"), "manufacturer": rec.get("manufacturer")}
        candidates.append((name, typed, labels.epoch_hardware))
    return candidates


def _catalogue_row(name: str, spec: Spec, source: str, gpu_id: str) -> Spec:
    row: Spec = {f: spec.get(f) for f in SPEC_FIELDS}
    row.update(
        gpu_id=gpu_id,
        name=name,
        manufacturer=spec.get("manufacturer") or name.split(" ")[0],
        kind=_kind(spec.get("type")),
        is_training_accelerator=False,
        specs_source=f"{source} :: '{name}'",
        price_source=EPOCH_PRICE_NOTE if spec.get("price_usd") else "",
    )
    return row


def build_catalogue(
    hw: Mapping[str, Spec],
    chips: Mapping[str, Spec],
    curated: list[Spec],
    aliases: list[Alias],
    labels: SourceLabels | None = None,
) -> list[Spec]:
    """Epoch catalogue rows; appends (name, gpu_id, note) aliases for names folded into others."""
    claimed: dict[str, str] = {}  # normalised key -> gpu_id
    for c, spec in zip(built_parts(curated), curated, strict=True):
        claimed[normalise_gpu_name(str(spec["name"]))] = c.gpu_id
        for n in c.epoch:
            claimed.setdefault(normalise_gpu_name(n), c.gpu_id)
    consumed = {n for c in load_curation().parts for n in c.epoch}
    families = family_defaults()

    # Same key = same card: keep the fuller row (ties: by name) and alias the others to it.
    by_key: dict[str, list[Candidate]] = {}
    for cand in _epoch_candidates(hw, chips, labels or load_curation().labels):
        by_key.setdefault(normalise_gpu_name(cand[0]), []).append(cand)
    rows: list[Spec] = []
    used_ids = {str(s["gpu_id"]) for s in curated}
    for key in sorted(by_key):
        group = sorted(by_key[key], key=lambda c: (-_filled(c[1]), c[0]))
        target = claimed.get(key) or families.get(key, (None, ""))[0]
        if target is not None or group[0][0] in consumed:
            target = target or claimed.get(key)
            aliases.extend((name, target, "Epoch spelling") for name, _, _ in group if target)
            continue
        name, spec, source = group[0]
        gpu_id = slugify(name)
        if not gpu_id or gpu_id in used_ids:
            gpu_id = f"{gpu_id}-{slugify(str(spec.get('manufacturer') or 'x'))}"
        used_ids.add(gpu_id)
        rows.append(_catalogue_row(name, spec, source, gpu_id))
        claimed[key] = gpu_id
        for other, _, _ in group[1:]:
            aliases.append((other, gpu_id, "Epoch duplicate spelling of the same card"))
    return rows


# ---------------------------------------------------------------------------------------------
# Catalogue entries from the TDP tables (mlco2/impact, Green Algorithms)
# ---------------------------------------------------------------------------------------------
def _tdp_row(
    rec: Mapping[str, Value], src_url: str, match: tuple[Spec, str] | None
) -> tuple[Spec, str | None]:
    """A catalogue row for an external TDP record, and the gpu_id its Epoch twin gives it (None
    when there is no Epoch row of the same key)."""
    name = str(rec["name"])
    tdp_src = f"tdp_w: {src_url} :: '{name}' (upstream: {rec.get('source') or '-'})"
    row: Spec = {f: None for f in SPEC_FIELDS}
    twin: str | None = None
    if match is not None:
        spec, epoch_src = match
        row.update({f: spec.get(f) for f in SPEC_FIELDS})
        row.update(
            name=spec["name"],
            manufacturer=spec.get("manufacturer"),
            kind=_kind(spec.get("type")),
            specs_source=f"{epoch_src} | {tdp_src}",
        )
        twin = slugify(str(spec["name"]))
    else:
        fp32 = rec.get("peak_fp32_tflops")
        # mlco2 mixes TF32/sparse figures into TFLOPS32 for data-centre parts; keep it only for
        # the consumer cards that reach this branch, and only when plausible.
        fp32 = fp32 if isinstance(fp32, float) and fp32 < 200 else None
        row.update(
            name=name,
            manufacturer=name.split(" ")[0],
            kind="tpu" if rec.get("type") == "tpu" else "gpu",
            memory_gb=rec.get("memory_gb"),
            peak_fp32_tflops=fp32,
            specs_source=f"{src_url} :: '{name}' (upstream: {rec.get('source') or '-'})",
        )
    row.update(
        gpu_id=slugify(str(row["name"])),
        tdp_w=rec["tdp_w"],
        is_training_accelerator=False,
        price_source=EPOCH_PRICE_NOTE if row.get("price_usd") is not None else "",
    )
    return row, twin


def _place(
    name: str, src_label: str, rows: list[Spec], aliases: list[Alias], *, strict: bool
) -> list[Alias] | None:
    """The aliases that place an external name without a new row ([] when a family default
    resolves it), or None when it needs a row of its own."""
    curated = load_curation().tdp_source_aliases
    if name in curated:
        gpu_id, note = curated[name]
        # A partial build may lack the target; the name is then placed like any other.
        if any(str(r["gpu_id"]) == gpu_id for r in rows):
            return [(name, gpu_id, note)]
    # Not strict: a partial build may lack a family default's part (that family then resolves
    # no name); the full build has them all and resolves the same either way.
    resolver = GpuResolver(
        [(a, g) for a, g, _ in aliases], [str(r["gpu_id"]) for r in rows], strict=strict
    )
    res = resolver.resolve(name)
    if res.resolved is None:
        return None
    if res.method == "family_default":
        return []
    return [(name, res.resolved, f"{src_label} spelling")]


def add_tdp_sources(
    rows: list[Spec],
    aliases: list[Alias],
    mlco2: list[dict[str, Value]],
    greenalgo: list[dict[str, Value]],
    epoch: Mapping[str, tuple[Spec, str]],
    labels: SourceLabels | None = None,
    *,
    strict: bool = True,
) -> list[Alias]:
    """mlco2 / Green Algorithms rows: alias them when they resolve; otherwise add a catalogue
    row, named and filled from Epoch when an Epoch row without TDP has the same key (Epoch lists
    e.g. "NVIDIA GeForce RTX 3090" with no TDP), else from the external file alone.

    `epoch` maps normalised key -> (Epoch spec, Epoch source). Returns the new alias rows;
    `rows` is extended in place.
    """
    curation = load_curation()
    labels = labels or curation.labels
    new: list[Alias] = []
    for src_label, src_url, recs in (
        ("mlco2/impact", labels.mlco2, [r for r in mlco2 if r["type"] in {"gpu", "tpu"}]),
        ("Green Algorithms", labels.greenalgorithms, greenalgo),
    ):
        for rec in recs:
            name = str(rec["name"])
            if name in curation.tdp_source_skipped:
                continue
            placed = _place(name, src_label, rows, [*aliases, *new], strict=strict)
            if placed is not None:
                new.extend(placed)
                continue
            row, twin = _tdp_row(rec, src_url, epoch.get(normalise_gpu_name(name)))
            if twin is not None:
                new.append((name, twin, f"{src_label} spelling"))
            rows.append(row)
            new.append((str(row["name"]), str(row["gpu_id"]), "display name"))
    return new


def epoch_without_tdp(
    hw: Mapping[str, Spec], chips: Mapping[str, Spec], labels: SourceLabels | None = None
) -> dict[str, tuple[Spec, str]]:
    """Non-CPU Epoch rows lacking a TDP, by normalised key (first name in sort order wins)."""
    labels = labels or load_curation().labels
    out: dict[str, tuple[Spec, str]] = {}
    for table, src in ((hw, labels.epoch_hardware), (chips, labels.epoch_chips)):
        for name in sorted(table):
            rec = table[name]
            if rec.get("tdp_w") is not None or _is_cpu(name, rec):
                continue
            out.setdefault(normalise_gpu_name(name), ({**rec, "name": name}, f"{src} :: '{name}'"))
    return out


def _fmt(value: Value | bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def build_gpu_rows(
    epoch_hardware: bytes,
    epoch_chips: bytes | None,
    mlco2_gpus: bytes | None,
    ga_tdp: bytes | None,
    *,
    llmcarbon: bytes | None = None,
    labels: SourceLabels | None = None,
    strict: bool = False,
) -> tuple[list[Spec], list[Alias]]:
    """Spec rows (sorted by gpu_id) and alias rows (sorted by alias) from the upstream tables.

    Every input but Epoch's ML Hardware file is optional: without the chip dataset the catalogue
    holds only what the ML Hardware file lists; without mlco2 or Green Algorithms their extra
    TDP rows and spellings are missing. Raises ValueError when an input is not the table it
    should be, or when the aliases come out ambiguous; with `strict`, also when a curated part is
    missing from the Epoch inputs (the snapshot build), where otherwise it is left out and the
    aliases that would point at it are dropped."""
    hw = read_epoch(epoch_hardware)
    chips = read_epoch(epoch_chips) if epoch_chips is not None else {}
    llm = read_llmcarbon(llmcarbon) if llmcarbon is not None else load_curation().cpa_fallback
    curated = build_curated(hw, chips, llm, labels, strict=strict)
    folded: list[Alias] = []
    catalogue = build_catalogue(hw, chips, curated, folded, labels)
    # Generic rows ("V100" without form factor) need the curated variants' TDPs, so their range
    # is filled first; the catalogue's are filled with the rest below.
    fill_tdp_range(curated)
    specs = curated + generic_rows(curated) + catalogue
    known = {str(s["gpu_id"]) for s in specs}
    pre = [a for a in build_aliases(specs, folded) if a[1] in known]
    extra = add_tdp_sources(
        specs,
        pre,
        read_mlco2(mlco2_gpus) if mlco2_gpus is not None else [],
        read_greenalgorithms(ga_tdp) if ga_tdp is not None else [],
        epoch_without_tdp(hw, chips, labels),
        labels,
        strict=strict,
    )
    fill_tdp_range(specs)  # rows added from mlco2 / Green Algorithms
    aliases = build_aliases(specs, folded + extra)
    ids = [str(s["gpu_id"]) for s in specs]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate gpu_id")
    # Curated aliases and family defaults may name a part a partial build lacks; an alias
    # must never point at nothing. A full build has none such (the snapshot test checks).
    known = set(ids)
    aliases = [a for a in aliases if a[1] in known]
    conflicts = check_keys(aliases)
    if conflicts:
        raise ValueError("normalised alias keys with several targets:\n  " + "\n  ".join(conflicts))
    specs.sort(key=lambda s: str(s["gpu_id"]))
    return specs, aliases


def _cell(value: Value | bool) -> str | None:
    text = _fmt(value)
    return text or None


def build_gpu_tables(
    epoch_hardware: bytes,
    epoch_chips: bytes | None,
    mlco2_gpus: bytes | None,
    ga_tdp: bytes | None,
    *,
    llmcarbon: bytes | None = None,
    labels: SourceLabels | None = None,
    strict: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(gpu_specs, gpu_aliases) as text columns, cell for cell what the snapshot CSVs hold (an
    empty cell is null): the same frame `read_csv_text` makes of those files, so both paths are
    typed and validated by the one loading path alike."""
    specs, aliases = build_gpu_rows(
        epoch_hardware,
        epoch_chips,
        mlco2_gpus,
        ga_tdp,
        llmcarbon=llmcarbon,
        labels=labels,
        strict=strict,
    )
    # The columns, in order, are the raw tables' own (the DDL is their one definition).
    columns = list(business_columns("raw_gpu_specs"))
    spec_frame = pl.DataFrame(
        [[_cell(s.get(c)) for c in columns] for s in specs],
        schema={c: pl.String for c in columns},
        orient="row",
    )
    alias_frame = pl.DataFrame(
        [[_cell(v) for v in row] for row in aliases],
        schema={c: pl.String for c in business_columns("raw_gpu_aliases")},
        orient="row",
    )
    return spec_frame, alias_frame


def table_csv(frame: pl.DataFrame) -> bytes:
    """A built table as the snapshot writes it (csv module quoting, '\\n' line ends, null as
    empty), so a rebuilt file is byte-identical to the bundled one."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.iter_rows():
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def builder_files() -> tuple[Path, ...]:
    """What a built table depends on besides its inputs: the builder's modules and the curated
    tables (the live connector hashes them to know when a rebuild is due)."""
    modules = (
        core_curated,
        gpu_names,
        aliases_module,
        curated_module,
        embodied_module,
        generic_module,
        readers_module,
    )
    tables = sorted((core_curated.CURATED_ROOT / CURATED).glob("*.csv"))
    return (Path(__file__), *(Path(m.__file__ or "") for m in modules), *tables)
