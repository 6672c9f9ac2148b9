"""Parse Epoch AI's "All ML Systems" CSV into disclosure `Fact` rows (source_kind `epoch`).

The CSV has one row per model, multi-line quoted cells and comma-joined multi-values
("NVIDIA A100,NVIDIA V100"). Every figure becomes one `Fact` whose locator is
`row Model=<name>` (with ` #2`, ` #3`, ... when Epoch lists the same name twice).

Judgement calls, so a reader of the facts knows what each one means:

* Epoch is a secondary source: direct fields get confidence `medium`; `training_flops` follows
  Epoch's own `Confidence` column (Confident -> high, Likely and Speculative -> medium, none or
  Unknown -> low); values we derive are `low`. A Speculative compute still drives an estimate
  when it is all there is, but its `compute_confidence` fact goes with it and the estimate's
  range widens by `compute_rel_speculative` (assumptions.csv) rather than ranking it as known.
* `training_tokens_b` comes from "Training dataset size (datapoints)" only for rows whose domain
  is purely Language. Epoch has counted language datasets in words (about 0.75 words per token)
  in older rows and in tokens in newer ones, and the figure is the dataset size rather than the
  tokens seen, so it is `low` unless a dataset-size notes column says tokens; rows whose notes say
  words are skipped.
* `power_w`: Epoch's "Training power draw (W)" is for the whole cluster and is an estimate of
  chip TDP x server overhead x data-centre PUE. It is divided by "Hardware quantity" only when
  that is known, and a `power_includes_pue`=`true` fact goes with it, so nobody applies PUE twice.
* `gpu` is the first listed hardware type; others are named in the note, as they are for
  `precision`. Several organisations are joined with "; " (a name may contain a comma).
* `location` is "Training data center" when that cell names a place; cells that are prose about
  missing information are ignored. There is no fallback to the organisation's country: that is
  the model fact `organization_country` (medium), given only when the organisations share one
  country ("Multinational" is ignored; several countries say nothing about where the run was).
* `cloud_vendor` is "Training cloud compute vendor" with the vendor's name normalised
  ("AWS" -> "Amazon Web Services", "Azure AI" -> "Microsoft Azure"); raw_text keeps Epoch's cell.
* `base_model` (multi-values joined with "; "), `finetune_flops` and `post_training_flops` say a
  row is a fine-tune of another model. Epoch's compute cells hold small integers (1-9) instead of
  a FLOP count in about half of the fine-tune rows (NVLM-D 72B: 2, its notes: 2.463e22), so
  values below _MIN_FLOP are dropped.
* `compute_confidence` is Epoch's "Confidence" cell as written, for rows with training compute.
* MFU above 1 is read as a percentage.
* `epoch_list` says which of Epoch's curated lists the file is (`notable`, `large-scale`; none for
  the all-models database): the caller knows, the rows do not. `notability_criteria` is the
  list's "Notability criteria" cell (several joined with "; "); `frontier_model` is `true` when
  the "Frontier model" box is checked (an unchecked box gives no fact).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tasks.core.facts import Fact

# Canonical column -> header spellings seen in Epoch exports (the live CSV has renamed some).
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("Model", "System"),
    "domain": ("Domain",),
    "organization": ("Organization",),
    "date": ("Publication date",),
    "parameters": ("Parameters",),
    "flops": ("Training compute (FLOP)",),
    "dataset": (
        "Training dataset size (datapoints)",
        "Training dataset size (total)",
        "(DEPRECATED) Training dataset size (datapoints)",
    ),
    "dataset_notes": ("Dataset size notes", "Training dataset notes"),
    "hours": ("Training time (hours)",),
    "hardware": ("Training hardware",),
    "quantity": ("Hardware quantity",),
    "mfu": ("Hardware utilization (MFU)", "Hardware utilization"),
    "chip_hours": ("Training chip-hours",),
    "power": ("Training power draw (W)",),
    "vendor": ("Training cloud compute vendor",),
    "datacenter": ("Training data center",),
    "country": ("Country (of organization)",),
    "precision": ("Numerical format",),
    "confidence": ("Confidence",),
    "time_notes": ("Training time notes",),
    "base_model": ("Base model",),
    "finetune_flops": ("Finetune compute (FLOP)",),
    "post_training_flops": ("Post-training compute (FLOP)",),
    "notability": ("Notability criteria",),
    "frontier": ("Frontier model",),
}

_FLOP_CONFIDENCE = {"confident": "high", "likely": "medium", "speculative": "medium"}
_MISSING = {"", "nan", "none", "unknown", "unk", "n/a", "-"}
# Phrases Epoch staff write in "Training data center" when there is no data centre to name.
_NOT_A_PLACE = re.compile(
    r"paper|no information|not mention|reference|there is no|unknown", re.IGNORECASE
)
_MAX_PLACE_LEN = 100
# A compute cell below this is not a FLOP count (a forward pass of the smallest model exceeds it).
_MIN_FLOP = 1e6
# Cloud vendor spellings in Epoch's "Training cloud compute vendor" -> one name per vendor.
_VENDORS = {
    "microsoft": "Microsoft Azure",
    "microsoft azure": "Microsoft Azure",
    "azure": "Microsoft Azure",
    "azure ai": "Microsoft Azure",
    "google": "Google Cloud",
    "google cloud": "Google Cloud",
    "google cloud platform": "Google Cloud",
    "gcp": "Google Cloud",
    "aws": "Amazon Web Services",
    "amazon": "Amazon Web Services",
    "amazon web services": "Amazon Web Services",
    "oracle": "Oracle Cloud",
    "oracle cloud": "Oracle Cloud",
    "oci": "Oracle Cloud",
    "ibm": "IBM Cloud",
    "ibm cloud": "IBM Cloud",
    "nebius": "Nebius",
    "nebius ai": "Nebius",
    "coreweave": "CoreWeave",
    "lambda": "Lambda",
    "lambda labs": "Lambda",
}
_MAX_VENDOR_LEN = 60

Source = bytes | str | os.PathLike[str]


def read_epoch_rows(source: Source) -> list[dict[str, str]]:
    """Rows of an Epoch CSV as dicts keyed by canonical column name (see COLUMNS).

    `source` is the CSV's bytes, a path, or CSV text (a str containing a newline). The csv
    module handles the multi-line quoted cells; a UTF-8 BOM is tolerated.
    """
    if isinstance(source, bytes):
        text = source.decode("utf-8-sig")
    elif isinstance(source, str) and "\n" in source:
        text = source.removeprefix("\ufeff")
    else:
        text = Path(source).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = reader.fieldnames or []
    resolved: dict[str, str] = {}
    for key, names in COLUMNS.items():
        for name in names:
            if name in headers:
                resolved[key] = name
                break
    if "model" not in resolved:
        raise ValueError(f"not an Epoch models CSV: no Model column in {headers[:8]}")
    return [{key: (row.get(col) or "").strip() for key, col in resolved.items()} for row in reader]


def _num(text: str) -> float | None:
    """A positive finite number, or None for blanks and Epoch's missing-value spellings."""
    t = text.strip().replace(",", "").lstrip("$")
    if t.lower() in _MISSING:
        return None
    try:
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) and x > 0 else None


def _fmt(x: float) -> str:
    """Shortest faithful text: integers without '.0', float noise (…9999) rounded away."""
    x = float(f"{x:.12g}")
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _split(text: str) -> list[str]:
    """Epoch joins multi-values with commas and quotes a value that has its own comma
    ("Booz Allen Hamilton, McLean"); drop blanks and keep first-seen order."""
    seen: dict[str, None] = {}
    for part in next(csv.reader(io.StringIO(text, newline="")), []):
        p = " ".join(part.split())
        if p:
            seen.setdefault(p, None)
    return list(seen)


def _iso_date(text: str) -> str | None:
    try:
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None


def _place(text: str) -> str | None:
    t = " ".join(text.split())
    if not t or len(t) > _MAX_PLACE_LEN or _NOT_A_PLACE.search(t):
        return None
    return t


def _row_facts(
    row: Mapping[str, str], name: str, locator: str, url: str, epoch_list: str | None = None
) -> list[Fact]:
    """Every fact one Epoch row gives, in a fixed order: the model, then its training."""
    r = _Row(row, name, locator, url)
    return [
        *_model_facts(r),
        *_listing_facts(r, epoch_list),
        *_dataset_facts(r),
        *_hardware_facts(r),
        *_power_facts(r),
        *_mfu_facts(r),
        *_location_facts(r),
        *_precision_facts(r),
        *_lineage_facts(r),
    ]


@dataclass(frozen=True)
class _Row:
    """One Epoch row and the fields every fact of it shares."""

    cells: Mapping[str, str]
    model: str
    locator: str
    url: str

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")

    def fact(
        self, phase: str, field: str, value: str, column: str, conf: str = "medium", note: str = ""
    ) -> Fact:
        """A fact read from `column` of this row: that cell is its raw text."""
        return Fact(
            model=self.model,
            phase=phase,
            field=field,
            value=value,
            source_kind="epoch",
            source_url=self.url,
            source_locator=self.locator,
            raw_text=" ".join(self.cell(column).split()),
            confidence=conf,
            note=note,
        )


def _model_facts(r: _Row) -> Iterator[Fact]:
    """Who made the model, when, what for (its domains), its size, and its training compute at
    Epoch's confidence."""
    if orgs := _split(r.cell("organization")):
        yield r.fact("model", "organization", "; ".join(orgs), "organization")
    if (d := _iso_date(r.cell("date"))) is not None:
        yield r.fact("model", "release_date", d, "date")
    if domains := _split(r.cell("domain")):
        yield r.fact("model", "domain", "; ".join(domains), "domain")
    if (p := _num(r.cell("parameters"))) is not None:
        yield r.fact("model", "parameters_b", _fmt(p / 1e9), "parameters")
    if (f := _num(r.cell("flops"))) is not None:
        confidence = r.cell("confidence")
        yield r.fact(
            "model",
            "training_flops",
            _fmt(f),
            "flops",
            _FLOP_CONFIDENCE.get(confidence.lower(), "low"),
            f"Epoch confidence: {confidence or 'not given'}",
        )
        if confidence:
            yield r.fact("model", "compute_confidence", confidence, "confidence")


def _listing_facts(r: _Row, epoch_list: str | None) -> Iterator[Fact]:
    """Which curated list the row is on, why Epoch counts it notable, and its frontier flag."""
    if epoch_list is not None:
        yield r.fact("model", "epoch_list", epoch_list, "", note="the Epoch list this file is")
    if criteria := _split(r.cell("notability")):
        yield r.fact("model", "notability_criteria", "; ".join(criteria), "notability")
    if r.cell("frontier").lower() in {"checked", "true", "yes"}:
        yield r.fact("model", "frontier_model", "true", "frontier")


def _dataset_facts(r: _Row) -> Iterator[Fact]:
    """Training tokens from the dataset size of a purely Language row; none when its notes say
    the size is in words."""
    size = _num(r.cell("dataset"))
    if size is None or {d.lower() for d in _split(r.cell("domain"))} != {"language"}:
        return
    notes = r.cell("dataset_notes").lower()
    says_tokens = "token" in notes
    if not says_tokens and "word" in notes:
        return
    unit = (
        "its notes say tokens"
        if says_tokens
        else "unit unconfirmed: Epoch has recorded language datasets in words "
        "(~0.75 words/token) for older models and in tokens for newer ones"
    )
    yield r.fact(
        "model",
        "training_tokens_b",
        _fmt(size / 1e9),
        "dataset",
        "medium" if says_tokens else "low",
        "Epoch dataset size (datapoints), not tokens seen; " + unit,
    )


def _hardware_facts(r: _Row) -> Iterator[Fact]:
    """The first listed hardware type, how many chips, chip-hours and training time in days."""
    hardware = _split(r.cell("hardware"))
    if hardware:
        others = ", ".join(hardware[1:])
        note = f"Epoch also lists: {others}" if others else ""
        yield r.fact("training", "gpu", hardware[0], "hardware", note=note)
    if (quantity := _num(r.cell("quantity"))) is not None:
        note = "quantity may cover all listed hardware types" if len(hardware) > 1 else ""
        yield r.fact("training", "gpu_count", _fmt(quantity), "quantity", note=note)
    if (chip_hours := _num(r.cell("chip_hours"))) is not None:
        yield r.fact("training", "gpu_hours", _fmt(chip_hours), "chip_hours")
    if (hours := _num(r.cell("hours"))) is not None:
        has_notes = "; Epoch has training-time notes for this row" if r.cell("time_notes") else ""
        yield r.fact(
            "training",
            "duration_days",
            _fmt(round(hours / 24, 6)),
            "hours",
            note="Training time (hours) / 24" + has_notes,
        )


def _power_facts(r: _Row) -> Iterator[Fact]:
    """Epoch's cluster power draw per chip (only when the chip count is known), and that it
    already includes PUE."""
    power = _num(r.cell("power"))
    quantity = _num(r.cell("quantity"))
    if power is None or quantity is None:
        return
    yield r.fact(
        "training",
        "power_w",
        _fmt(round(power / quantity, 3)),
        "power",
        "low",
        f"Epoch cluster power draw / hardware quantity {_fmt(quantity)}; an Epoch estimate "
        "(TDP x server overhead x PUE), not a measurement, and above chip TDP because it "
        "includes servers and facility",
    )
    yield r.fact(
        "training",
        "power_includes_pue",
        "true",
        "power",
        "low",
        "Epoch's power draw already includes server overhead and data-centre PUE",
    )


def _mfu_facts(r: _Row) -> Iterator[Fact]:
    """Model FLOPs utilisation as a fraction; a value above 1 is read as a percentage."""
    if (m := _num(r.cell("mfu"))) is None:
        return
    if m > 1:
        yield r.fact(
            "training", "mfu", _fmt(m / 100), "mfu", "low", "value above 1 read as a percentage"
        )
    else:
        yield r.fact("training", "mfu", _fmt(m), "mfu")


def _location_facts(r: _Row) -> Iterator[Fact]:
    """The training data centre when Epoch names a place, the cloud vendor, and the
    organisations' one shared country (a model fact, not a training location)."""
    vendor = r.cell("vendor")
    vendor_note = f"cloud vendor per Epoch: {vendor}" if vendor else ""
    if (place := _place(r.cell("datacenter"))) is not None:
        yield r.fact("training", "location", place, "datacenter", note=vendor_note)
    if (name := _vendor(vendor)) is not None:
        yield r.fact("training", "cloud_vendor", name, "vendor")
    countries = [c for c in _split(r.cell("country")) if c.lower() != "multinational"]
    if len(countries) == 1:
        yield r.fact(
            "model",
            "organization_country",
            countries[0],
            "country",
            note="country of the developing organisation(s), not the training site",
        )


def _vendor(text: str) -> str | None:
    """The first vendor named in the cell, normalised; None for blanks and prose."""
    names = [v for v in _split(text) if v.lower() not in _MISSING]
    if not names or len(names[0]) > _MAX_VENDOR_LEN or _NOT_A_PLACE.search(names[0]):
        return None
    return _VENDORS.get(names[0].lower(), names[0])


def _precision_facts(r: _Row) -> Iterator[Fact]:
    """The first listed numerical format, lower-cased; the others named in the note."""
    formats = [f for f in _split(r.cell("precision")) if f.lower() not in _MISSING]
    if formats:
        others = ", ".join(formats[1:])
        note = f"Epoch also lists: {others}" if others else ""
        yield r.fact("training", "precision", formats[0].lower(), "precision", note=note)


def _lineage_facts(r: _Row) -> Iterator[Fact]:
    """The base model a fine-tune starts from, and the compute its fine-tuning and
    post-training took (only when the cell is a plausible FLOP count)."""
    if bases := [b for b in _split(r.cell("base_model")) if b.lower() not in _MISSING]:
        yield r.fact("model", "base_model", "; ".join(bases), "base_model")
    for field in ("finetune_flops", "post_training_flops"):
        if (f := _num(r.cell(field))) is not None and f >= _MIN_FLOP:
            yield r.fact("model", field, _fmt(f), field)


@dataclass(frozen=True)
class EpochRow:
    """One row of an Epoch export: the model's name as written, its locator and its facts."""

    name: str
    locator: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class EpochExport:
    """An Epoch export parsed: the canonical columns its header has (see COLUMNS), its rows."""

    columns: frozenset[str]
    rows: tuple[EpochRow, ...]


def parse_epoch_export(
    source: Source, source_url: str, *, epoch_list: str | None = None
) -> EpochExport:
    """An Epoch CSV (bytes, path or CSV text) row by row, with the columns its header has."""
    parsed = read_epoch_rows(source)
    rows: list[EpochRow] = []
    seen: dict[str, int] = defaultdict(int)
    for row in parsed:
        name = " ".join(row["model"].split())
        if not name:
            continue
        seen[name] += 1
        # Epoch occasionally lists one name twice (a model and its fine-tune); the locator must
        # still identify one row so the natural key stays unique.
        locator = f"row Model={name}" + (f" #{seen[name]}" if seen[name] > 1 else "")
        facts = _row_facts(row, name, locator, source_url, epoch_list)
        rows.append(EpochRow(name, locator, tuple(facts)))
    return EpochExport(frozenset(parsed[0]) if parsed else frozenset(), tuple(rows))


def parse_epoch_models(
    source: Source, source_url: str, *, epoch_list: str | None = None
) -> list[Fact]:
    """All facts in an Epoch models CSV (bytes, path or CSV text), in row order."""
    export = parse_epoch_export(source, source_url, epoch_list=epoch_list)
    return [f for row in export.rows for f in row.facts]


def supports_estimate(fields: Iterable[str]) -> bool:
    """True when a row's fields reach a rung of the estimation ladder (METHODOLOGY.md):
    GPU-hours, or GPU count and duration, or training FLOPs and a hardware type."""
    f = set(fields)
    return "gpu_hours" in f or {"gpu_count", "duration_days"} <= f or {"training_flops", "gpu"} <= f


def select_notable(facts: Iterable[Fact]) -> list[Fact]:
    """The facts of every Epoch row that supports an estimate (see supports_estimate).

    Rows are grouped by (model, source_locator) so a duplicated name is judged row by row.
    """
    facts = list(facts)
    by_row: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in facts:
        by_row[(f.model, f.source_locator)].add(f.field)
    keep = {k for k, fields in by_row.items() if supports_estimate(fields)}
    return [f for f in facts if (f.model, f.source_locator) in keep]
