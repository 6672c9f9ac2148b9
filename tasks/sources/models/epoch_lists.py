"""Epoch AI's model exports reconciled: one set of facts per model from several files.

Epoch publishes one database as several downloads: the Notable AI Models list, the Large-Scale
AI Models list (over 1e23 FLOP) and all models. Copies of different dates hold different rows
and different columns (the lists have no chip-hours, data centre or cloud vendor; the
large-scale list no power draw or numerical format). `reconcile_exports` takes the exports
newest first and keeps, for every model:

* the newest export's row: a fact of an older export is dropped when a newer export has a row
  for the model and has the column the fact is read from. A column the newer export lacks still
  comes from the older row, and every fact keeps the URL and locator of the file and row it was
  read from. Membership of a list (`epoch_list`) is never dropped: each list says its own.
* one row per model and export: a name listed twice in one file (Gemini 3.1 Pro in the 2026
  large-scale rows) is one model; its first row that supports an estimate wins, else its first.
* one model per name: names are compared with whitespace collapsed, case-insensitively, after
  the alias table (Epoch renamed 'GPT-4' to 'GPT-4 (Mar 2023)'; both are GPT-4).

`select_listed` then keeps every model on a list (its descriptive facts too, so a model with no
usable evidence is reported rather than lost) and every other model whose facts support an
estimate, as `select_notable` does for one file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tasks.core.facts import Fact
from tasks.sources.models.epoch_rows import (
    EpochExport,
    EpochRow,
    Source,
    parse_epoch_export,
    supports_estimate,
)

# fact field -> the canonical column (epoch_rows.COLUMNS) it is read from. A field not listed
# here is dropped whenever a newer export has a row for the model.
FIELD_COLUMNS: dict[str, str] = {
    "organization": "organization",
    "release_date": "date",
    "parameters_b": "parameters",
    "training_flops": "flops",
    "compute_confidence": "flops",  # goes with the compute it qualifies
    "training_tokens_b": "dataset",
    "gpu": "hardware",
    "gpu_count": "quantity",
    "gpu_hours": "chip_hours",
    "duration_days": "hours",
    "power_w": "power",
    "power_includes_pue": "power",
    "mfu": "mfu",
    "location": "datacenter",
    "cloud_vendor": "vendor",
    "organization_country": "country",
    "precision": "precision",
    "base_model": "base_model",
    "finetune_flops": "finetune_flops",
    "post_training_flops": "post_training_flops",
    "notability_criteria": "notability",
    "frontier_model": "frontier",
}
_NEVER_SUPERSEDED = frozenset({"epoch_list"})


@dataclass(frozen=True)
class ExportFile:
    """One Epoch export to read: its bytes or path, the URL its facts cite, which list it is."""

    source: Source
    url: str
    epoch_list: str | None = None  # 'notable', 'large-scale'; None for the all-models database


def model_key(name: str, aliases: Mapping[str, str]) -> str:
    """The identity of a model name: whitespace collapsed, through the aliases, lower-cased."""
    name = " ".join(name.split())
    return aliases.get(name.lower(), name).lower()


def _chosen_row(rows: Sequence[EpochRow]) -> EpochRow:
    """Of one export's rows for one model, the first that supports an estimate, else the first."""
    for row in rows:
        if supports_estimate(f.field for f in row.facts):
            return row
    return rows[0]


def reconcile(
    exports: Sequence[EpochExport], aliases: Mapping[str, str] | None = None
) -> list[Fact]:
    """The facts of parsed exports (newest first), one row per model and export, each fact
    from the newest export that has its column (see the module docstring)."""
    keys = {k.lower(): v for k, v in (aliases or {}).items()}
    by_model: dict[str, list[tuple[EpochExport, list[EpochRow]]]] = defaultdict(list)
    for export in exports:
        grouped: dict[str, list[EpochRow]] = defaultdict(list)
        for row in export.rows:
            grouped[model_key(row.name, keys)].append(row)
        for key, rows in grouped.items():
            by_model[key].append((export, rows))
    facts: list[Fact] = []
    for listings in by_model.values():
        covered: set[str] | None = None  # columns of the newer exports listing the model
        for export, rows in listings:
            facts.extend(f for f in _chosen_row(rows).facts if not _superseded(f, covered))
            covered = (covered or set()) | export.columns
    return facts


def _superseded(fact: Fact, covered: set[str] | None) -> bool:
    """True when a newer export listing the model has the fact's column (or, for a field read
    from no one column, when any newer export lists the model)."""
    if covered is None or fact.field in _NEVER_SUPERSEDED:
        return False
    column = FIELD_COLUMNS.get(fact.field)
    return column is None or column in covered


def select_listed(facts: Iterable[Fact], aliases: Mapping[str, str] | None = None) -> list[Fact]:
    """Facts of every model on an Epoch list, and of every other model that supports an
    estimate (GPU-hours, or count and duration, or compute and hardware)."""
    keys = {k.lower(): v for k, v in (aliases or {}).items()}
    facts = list(facts)
    fields: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        fields[model_key(f.model, keys)].add(f.field)
    keep = {m for m, fs in fields.items() if "epoch_list" in fs or supports_estimate(fs)}
    return [f for f in facts if model_key(f.model, keys) in keep]


def reconcile_exports(
    files: Sequence[ExportFile], aliases: Mapping[str, str] | None = None
) -> list[Fact]:
    """Parse `files` (newest first), reconcile them and keep the listed or estimable models."""
    exports = [parse_epoch_export(f.source, f.url, epoch_list=f.epoch_list) for f in files]
    return select_listed(reconcile(exports, aliases), aliases)
