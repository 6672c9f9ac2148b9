"""Build the bundled model-disclosure snapshot from the Epoch CSVs, and check the hand-curated
card facts.

    .venv/bin/python scripts/snapshot/build_models.py [--models-dir DIR] [--out-dir DIR]

Writes `epoch_facts.csv` from Epoch's exports in the shared models folder (see
shared/data/SOURCES.md), newest first: the Notable and Large-Scale lists' 2026 rows, the two
lists to 2025-12-31, then the 'All ML Systems' copy of 2025-05. They are reconciled model by
model (tasks/sources/models/epoch_lists.py: the newest row wins, a column only an older file has
still comes from it, every fact citing its own file and row); every model on a list is kept,
with its descriptive facts even when nothing supports an estimate, and every other model whose
facts support one (GPU-hours, or GPU count and duration, or training FLOPs and a hardware type).
Each row of `card_facts.csv` is constructed as a `Fact` so a bad field, phase or unit fails the
build. The Epoch rows keep Epoch's own model names; `model_aliases.csv` maps them to display
names, and tells the reconciliation which names Epoch has renamed.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tasks.core.facts import FACT_COLUMNS, Fact, facts_to_rows  # noqa: E402
from tasks.sources.models.epoch_lists import ExportFile, reconcile_exports  # noqa: E402
from tasks.sources.models.hfco2 import parse_hfco2  # noqa: E402

SHARED_DATA = Path(os.environ.get("FOOTPRINTS_SHARED_DATA", REPO.parent / "shared" / "data"))
MODELS_DIR = SHARED_DATA / "models"
# Epoch's exports, newest first: (shared file, its upstream pinned to the commit the shared copy
# was taken from (shared/data/SOURCES.md), which Epoch list it is).
EPOCH_EXPORTS: tuple[tuple[str, str, str | None], ...] = (
    (
        "epoch_notable_ai_models_2026-01-01_to_2026-04-24.csv",
        "https://github.com/Jav97970/ai-frontier-concentration/blob/"
        "562717b7562697dd3efadd4ccba2a48cfe56e33c/notable_ai_models.csv",
        "notable",
    ),
    (
        "epoch_large_scale_ai_models_2026-01-01_to_2026-04-24.csv",
        "https://github.com/Jav97970/ai-frontier-concentration/blob/"
        "562717b7562697dd3efadd4ccba2a48cfe56e33c/large_scale_ai_models.csv",
        "large-scale",
    ),
    (
        "epoch_notable_ai_models_upto_2025-12-31.csv",
        "https://github.com/rauletorresc/llmfit/blob/a652be31dd0cbe36f89572de7022e2a145fb3788/"
        "data/Epoch%20Database%20-%20Notable%20Models.csv",
        "notable",
    ),
    (
        "epoch_large_scale_ai_models_upto_2025-12-31.csv",
        "https://github.com/rauletorresc/llmfit/blob/a652be31dd0cbe36f89572de7022e2a145fb3788/"
        "data/large_scale_ai_models.csv",
        "large-scale",
    ),
    (
        "epoch_all_ml_systems_trimmed.csv",
        "https://github.com/epoch-research/training-cost-trends/blob/"
        "39afc3de1beb16ee18dbe89f925759fa713dc744/data/All%20ML%20Systems%20-%20full%20view.csv",
        None,
    ),
)
OUT_DIR = REPO / "warehouse" / "snapshot" / "models"
HFCO2_CSV = SHARED_DATA / "model_cards" / "hf_hub_co2_HFCO2.csv"
# A re-host of the MSR'23 'Carbon footprint of HF models' dataset (see shared/data/SOURCES.md).
HFCO2_URL = (
    "https://github.com/thijsnulle/sse-project2/blob/"
    "e8148c9f91cee42e4a4363b42eb0ff885f12446b/HFCO2.csv"
)

NATURAL_KEY = ("source_url", "model", "phase", "field", "source_locator")


def load_facts(path: Path) -> list[Fact]:
    """Rows of a facts CSV as `Fact`s; raises on a wrong header or an invalid row."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != FACT_COLUMNS:
            raise ValueError(f"{path}: columns {reader.fieldnames} != {list(FACT_COLUMNS)}")
        facts = []
        for i, row in enumerate(reader, start=2):
            unit = row.pop("unit")
            try:
                fact = Fact(**row)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{i}: {exc}") from exc
            # Fact fills the unit from the field; a CSV that disagrees was edited by hand wrongly.
            if fact.unit != unit:
                raise ValueError(
                    f"{path}:{i}: unit {unit!r}, field {fact.field} wants {fact.unit!r}"
                )
            facts.append(fact)
    return facts


def duplicate_keys(facts: Iterable[Fact]) -> list[tuple[str, ...]]:
    seen: set[tuple[str, ...]] = set()
    dupes = []
    for f in facts:
        key = tuple(getattr(f, k) for k in NATURAL_KEY)
        if key in seen:
            dupes.append(key)
        seen.add(key)
    return dupes


def load_aliases(path: Path) -> dict[str, str]:
    """model_aliases.csv as {alias: display name}."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["alias"]: row["model"] for row in csv.DictReader(fh)}


def write_facts(facts: Iterable[Fact], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(FACT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(facts_to_rows(facts))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", type=Path, default=MODELS_DIR, help="Epoch's exports")
    ap.add_argument("--hfco2-csv", type=Path, default=HFCO2_CSV)
    ap.add_argument("--hfco2-url", default=HFCO2_URL, help="source_url recorded on HFCO2 facts")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)

    card_path = args.out_dir / "card_facts.csv"
    cards = load_facts(card_path)
    if dupes := duplicate_keys(cards):
        raise SystemExit(f"{card_path}: duplicate natural keys: {dupes[:5]}")
    print(f"{card_path.name}: {len(cards)} facts, {len({f.model for f in cards})} models, valid")

    files = [ExportFile(args.models_dir / name, url, lst) for name, url, lst in EPOCH_EXPORTS]
    epoch = reconcile_exports(files, load_aliases(args.out_dir / "model_aliases.csv"))
    if dupes := duplicate_keys(epoch):
        raise SystemExit(f"Epoch facts: duplicate natural keys: {dupes[:5]}")
    out = args.out_dir / "epoch_facts.csv"
    write_facts(epoch, out)
    print(f"{out.name}: {len(epoch)} facts, {len({f.model for f in epoch})} models")

    # The Hugging Face Hub's co2_eq_emissions, as mined in HFCO2: every row lands, the unit
    # problems flagged (low confidence, the flag in the note) rather than silently dropped.
    hf_facts, flags = parse_hfco2(args.hfco2_csv, args.hfco2_url)
    if dupes := duplicate_keys(hf_facts):
        raise SystemExit(f"HFCO2 facts: duplicate natural keys: {dupes[:5]}")
    out = args.out_dir / "hfco2_facts.csv"
    write_facts(hf_facts, out)
    kinds: dict[str, int] = {}
    for flag in flags:
        kinds[flag.kind] = kinds.get(flag.kind, 0) + 1
    print(
        f"{out.name}: {len(hf_facts)} facts, {len({f.model for f in hf_facts})} models, "
        f"flags {kinds}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
