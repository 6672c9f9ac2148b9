"""The Hugging Face Hub CO2 dataset (HFCO2) as a source of disclosures.

HFCO2 lists Hub models whose card metadata carries `co2_eq_emissions`, which the Hub specifies
in grams. Card authors do not always follow that, so each row's value is checked against the
rules in `FLAG_KINDS`. A flagged value is still turned into a fact, at confidence 'low' with the
flags in its note: the figure is what the card says, and the reader decides.

Rows are numbered from 1 for the first data row after the header (`row 1` is the first model),
independent of how many physical lines a quoted field spans.

The trimmed HFClean file of the same project has the same shape with `hardware_used`,
`cloud_provider` and `parameters` columns; it parses with the same function.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tasks.core.facts import Fact
from tasks.sources.declare import Resource, Source
from tasks.sources.models.organizations import (
    UNKNOWN_HUB_USER,
    Organizations,
    load_organizations,
)

# kind -> the rule, in words. Thresholds are the module constants below.
FLAG_KINDS: Mapping[str, str] = {
    "missing_model_id": "the row has no model id, so it cannot become a fact (row rejected)",
    "non_numeric": (
        "co2_eq_emissions is not a plain number: empty, NaN/inf, or text; a number with a unit "
        "('17g', '1.2 kg') is converted, anything else gives no emissions fact"
    ),
    "zero": "exactly 0 g: a placeholder, no training run emits nothing",
    "negative": "below 0 g: not a physical amount",
    "too_small": (
        "above 0 but below 0.01 g; 0.01 g is about 25 mWh at 400 g/kWh, under a second of one "
        "100 W GPU, so the figure was most likely written in kg (or t) into a grams field"
    ),
    "too_large": (
        "above 1e9 g (1,000 t, frontier-model scale) for a model of under 10 GB or of unknown "
        "size: most likely mg, or a total for many models"
    ),
    "per_byte_outlier": (
        "grams per byte of model file lies more than 2 interquartile ranges outside the "
        "quartiles of this file (on a log10 scale); only the low side for pretraining rows, "
        "since pretraining legitimately costs far more per byte than the fine-tunes that "
        "set the quartiles; skipped when fewer than 20 rows have both value and size"
    ),
    "autotrain_constant": (
        "an AutoTrain row (auto = true) reporting exactly the same value as an AutoTrain row "
        "of a different model: a copied card, not a measurement of this run"
    ),
}

MIN_PLAUSIBLE_G = 0.01
MAX_G_FOR_SMALL_MODEL = 1e9
SMALL_MODEL_BYTES = 1e10
IQR_K = 2.0
MIN_ROWS_FOR_IQR = 20

# Spellings of "no value" seen in this and neighbouring datasets (SOURCES.md, "Data quirks").
_MISSING = frozenset(
    {"", "nan", "none", "null", "not specified", "unk", "unknown", "more information needed", "-"}
)
_GRAMS_PER_UNIT = {"mg": 1e-3, "g": 1.0, "kg": 1e3, "t": 1e6, "ton": 1e6, "tonne": 1e6}
_WITH_UNIT = re.compile(
    r"^([-+]?\d[\d,_]*(?:\.\d+)?(?:e[-+]?\d+)?)\s*"
    r"(mg|g|kg|t|tons?|tonnes?)?\s*(?:co2\s*(?:eq|e)?\.?)?$",
    re.IGNORECASE,
)
_LEADING_COUNT = re.compile(r"^\W*(\d+)\s+\S")
# training_type values that describe work before the final run (none occur in HFCO2 itself).
_DEVELOPMENT_WORDS = ("development", "hyperparameter", "ablation", "experiment", "search")

# AutoTrain / AutoNLP put a project's data in "<owner>/autotrain-data-<project>" (older:
# "autonlp-data-"), created in the namespace of the user who trains, so it names the model's owner.
_AUTOTRAIN_DATA = re.compile(r"""['"]\s*([^'"/]+?)\s*/\s*(?:autotrain|autonlp)-data-""")

_ID_COLUMNS = ("modelId", "model_id", "model")
_HARDWARE_COLUMNS = ("environment", "hardware_used")


class HFCO2FormatError(ValueError):
    """The file is not an HFCO2-shaped CSV (encoding, missing columns)."""


@dataclass(frozen=True, slots=True)
class Flag:
    """One rule one row broke; `row` is the 1-based data row."""

    model: str
    row: int
    kind: str
    detail: str

    def __post_init__(self) -> None:
        if self.kind not in FLAG_KINDS:
            raise ValueError(f"unknown flag kind {self.kind!r}")


@dataclass(slots=True)
class _Row:
    n: int
    model: str
    raw: str
    grams: float | None
    size: float | None
    training_type: str
    auto: bool
    hardware: str
    location: str
    cloud: str
    tool: str
    parameters: float | None
    datasets: str = ""
    flags: list[Flag] = field(default_factory=list)
    unit_note: str = ""


def _blank(v: str | None) -> bool:
    return v is None or v.strip().lower() in _MISSING


def _clean(v: str | None) -> str:
    return "" if _blank(v) else " ".join((v or "").split())


def _float(v: str | None) -> float | None:
    if _blank(v):
        return None
    try:
        x = float((v or "").strip())
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _num(x: float) -> str:
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _parse_grams(raw: str) -> tuple[float | None, str]:
    """Grams from a co2_eq_emissions cell, and a note when it was not a plain number."""
    text = raw.strip()
    if _blank(text):
        return None, "no value"
    try:
        x = float(text)
    except ValueError:
        pass
    else:
        return (x, "") if math.isfinite(x) else (None, f"{text!r} is not finite")
    m = _WITH_UNIT.match(text)
    if not m:
        return None, f"{text[:60]!r} is not a number"
    number = float(m.group(1).replace(",", "").replace("_", ""))
    unit = (m.group(2) or "g").lower().rstrip("s")
    grams = number * _GRAMS_PER_UNIT[unit]
    return grams, f"read {text[:60]!r} as {_num(grams)} g"


def _is_true(v: str | None) -> bool:
    return (v or "").strip().lower() in {"true", "1", "yes"}


def _phase(training_type: str) -> str:
    # Fine-tuning is the released model's own training run, so it stays 'training'.
    t = training_type.lower()
    return "development" if any(w in t for w in _DEVELOPMENT_WORDS) else "training"


def _first(row: Mapping[str, str | None], names: Iterable[str]) -> str:
    for name in names:
        if name in row:
            return row[name] or ""
    return ""


def _read_rows(data: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(data, newline=""))
    columns = reader.fieldnames or []
    if not any(c in columns for c in _ID_COLUMNS) or "co2_eq_emissions" not in columns:
        raise HFCO2FormatError(
            f"expected columns modelId and co2_eq_emissions, found {list(columns)[:30]}"
        )
    rows: list[_Row] = []
    try:
        for n, rec in enumerate(reader, start=1):
            raw = rec.get("co2_eq_emissions") or ""
            grams, unit_note = _parse_grams(raw)
            size = _float(rec.get("size"))
            rows.append(
                _Row(
                    n=n,
                    model=_clean(_first(rec, _ID_COLUMNS)),
                    raw=raw.strip(),
                    grams=grams,
                    size=size if size and size > 0 else None,
                    training_type=_clean(rec.get("training_type")),
                    auto=_is_true(rec.get("auto")),
                    hardware=_clean(_first(rec, _HARDWARE_COLUMNS)),
                    location=_clean(rec.get("geographical_location")),
                    cloud=_clean(rec.get("cloud_provider")),
                    tool=_clean(rec.get("source")),
                    parameters=_float(rec.get("parameters")),
                    datasets=(rec.get("datasets") or "").strip(),
                    unit_note=unit_note,
                )
            )
    except csv.Error as exc:
        raise HFCO2FormatError(f"CSV error after row {len(rows)}: {exc}") from None
    return rows


def _flag(r: _Row, kind: str, detail: str) -> None:
    r.flags.append(Flag(r.model, r.n, kind, detail))


def _row_rules(r: _Row) -> None:
    if r.unit_note:
        _flag(r, "non_numeric", r.unit_note)
    g = r.grams
    if g is None:
        return
    if g == 0:
        _flag(r, "zero", "0 g")
    elif g < 0:
        _flag(r, "negative", f"{_num(g)} g")
    elif g < MIN_PLAUSIBLE_G:
        _flag(r, "too_small", f"{_num(g)} g < {MIN_PLAUSIBLE_G} g")
    elif g > MAX_G_FOR_SMALL_MODEL and (r.size is None or r.size < SMALL_MODEL_BYTES):
        size = "unknown size" if r.size is None else f"{r.size / 1e9:.2f} GB"
        _flag(r, "too_large", f"{_num(g)} g for a model of {size}")


def _per_byte_rule(rows: list[_Row]) -> None:
    logs = {r.n: math.log10(r.grams / r.size) for r in rows if r.grams and r.grams > 0 and r.size}
    if len(logs) < MIN_ROWS_FOR_IQR:
        return
    q1, _, q3 = statistics.quantiles(logs.values(), n=4, method="inclusive")
    lo, hi = q1 - IQR_K * (q3 - q1), q3 + IQR_K * (q3 - q1)
    for r in rows:
        x = logs.get(r.n)
        if x is None:
            continue
        high_exempt = "pretraining" in r.training_type.lower()
        if x < lo or (x > hi and not high_exempt):
            side = "below" if x < lo else "above"
            _flag(
                r,
                "per_byte_outlier",
                f"log10(g/byte) {x:.2f} {side} [{lo:.2f}, {hi:.2f}]",
            )


def _autotrain_rule(rows: list[_Row]) -> None:
    groups: dict[float, list[_Row]] = defaultdict(list)
    for r in rows:
        if r.auto and r.grams is not None:
            groups[r.grams].append(r)
    for same in groups.values():
        if len({r.model for r in same}) < 2:
            continue
        for r in same:
            others = [o for o in same if o.model != r.model]
            listed = ", ".join(f"row {o.n} ({o.model})" for o in others[:5])
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            _flag(r, "autotrain_constant", f"{_num(r.grams or 0.0)} g also on {listed}{more}")


def _facts_for(r: _Row, source_url: str, duplicates: list[int]) -> list[Fact]:
    phase = _phase(r.training_type)
    locator = f"row {r.n} modelId={r.model}"
    context = [f"training_type={r.training_type or 'not specified'}"]
    if duplicates:
        context.append("same modelId on row(s) " + ", ".join(str(n) for n in duplicates))
    base = "; ".join(context)

    def fact(ph: str, fld: str, value: str, raw: str, conf: str = "high", note: str = "") -> Fact:
        return Fact(
            model=r.model,
            phase=ph,
            field=fld,
            value=value,
            source_kind="hfco2",
            source_url=source_url,
            source_locator=locator,
            raw_text=raw,
            confidence=conf,
            note="; ".join(x for x in (note, base) if x),
        )

    out: list[Fact] = []
    if r.grams is not None:
        parts = ["co2_eq_emissions is grams by Hub spec; t = g / 1e6"]
        if r.tool:
            parts.append(f"source column: {r.tool}")
        if r.flags:
            parts.append("flags: " + "; ".join(f"{f.kind} ({f.detail})" for f in r.flags))
        conf = "low" if r.flags else "high"
        out.append(fact(phase, "co2e_t", _num(r.grams / 1e6), r.raw, conf, "; ".join(parts)))
    if r.hardware:
        out.append(fact(phase, "gpu", r.hardware, r.hardware))
        m = _LEADING_COUNT.match(r.hardware)
        # A leading number counts GPUs ("8 v100 16GB"); for TPUs it counts VMs or slices
        # ("1 TPU v3-8 VM" is 4 chips), so no device count is read from those.
        if m and "tpu" not in r.hardware.lower() and int(m.group(1)) > 0:
            note = "count read from the hardware string"
            out.append(fact(phase, "gpu_count", m.group(1), r.hardware, "medium", note))
    if r.location:
        note = f"cloud provider: {r.cloud}" if r.cloud else ""
        out.append(fact(phase, "location", r.location, r.location, note=note))
    if r.parameters and r.parameters > 0:
        note = "parameter count as mined by the dataset, not read from the card"
        out.append(
            fact(
                "model",
                "parameters_b",
                _num(r.parameters / 1e9),
                _num(r.parameters),
                "medium",
                note,
            )
        )
    return out


def _owner(r: _Row, organizations: Organizations) -> tuple[str, str, str]:
    """(organisation, raw text, how it was derived) of a row whose modelId lost its namespace."""
    m = _AUTOTRAIN_DATA.search(r.datasets)
    if m:
        # Hub namespaces have no spaces; the dataset writes one owner as "Eric Peter" once.
        owner = "".join(m.group(1).split())
        name = organizations.of_hub_owner(owner)
        how = (
            f"Hub owner {owner!r} from the AutoTrain dataset repo in the datasets column "
            "(AutoTrain creates <owner>/autotrain-data-<project> in the user's namespace)"
        )
        return name, r.datasets, how
    known = organizations.lookup("model_id", r.model)
    if known:
        how = f"un-namespaced Hub id {r.model!r} in models/organizations.csv"
        return known, r.model, how
    how = "no column of the row names the Hub owner and the id is not in the organisation table"
    return UNKNOWN_HUB_USER, r.model, how


def _organization_fact(r: _Row, source_url: str, organizations: Organizations) -> Fact:
    name, raw, how = _owner(r, organizations)
    return Fact(
        model=r.model,
        phase="model",
        field="organization",
        value=name,
        source_kind="hfco2",
        source_url=source_url,
        source_locator=f"row {r.n} modelId={r.model}",
        raw_text=raw,
        confidence="medium",
        note=how,
    )


def parse_hfco2(
    csv_data: bytes | Path, source_url: str, organizations: Organizations | None = None
) -> tuple[list[Fact], list[Flag]]:
    """Facts and unit flags from an HFCO2 CSV (the file's bytes or its path); `organizations`
    defaults to the curated table (models/organizations.csv)."""
    orgs = organizations if organizations is not None else load_organizations()
    raw = csv_data.read_bytes() if isinstance(csv_data, Path) else csv_data
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HFCO2FormatError(f"not UTF-8 (bad byte at offset {exc.start})") from None
    rows = _read_rows(text)
    kept: list[_Row] = []
    rejected: list[Flag] = []
    for r in rows:
        if not r.model:
            rejected.append(Flag("", r.n, "missing_model_id", "empty modelId"))
            continue
        _row_rules(r)
        kept.append(r)
    _per_byte_rule(kept)
    _autotrain_rule(kept)

    rows_of: dict[str, list[int]] = defaultdict(list)
    for r in kept:
        rows_of[r.model].append(r.n)
    facts: list[Fact] = []
    flags: list[Flag] = list(rejected)
    for r in kept:
        facts.extend(_facts_for(r, source_url, [n for n in rows_of[r.model] if n != r.n]))
        facts.append(_organization_fact(r, source_url, orgs))
        flags.extend(r.flags)
    flags.sort(key=lambda f: (f.row, list(FLAG_KINDS).index(f.kind)))
    return facts, flags


def count_flags(flags: Iterable[Flag]) -> dict[str, int]:
    """Flags per kind, every kind present (0 when none)."""
    counts = Counter(f.kind for f in flags)
    return {kind: counts.get(kind, 0) for kind in FLAG_KINDS}


# Not fetched live: the snapshot's models/hfco2_facts.csv is built from it
# (scripts/snapshot/build_models.py).
DECLARATION = Source(
    "hfco2", "models", resources=(Resource("hfco2", "raw_model_disclosures", parse=parse_hfco2),)
)

__all__ = ["FLAG_KINDS", "Flag", "HFCO2FormatError", "count_flags", "parse_hfco2"]
