"""Build the bundled GPU snapshot: warehouse/snapshot/gpus/{gpu_specs,gpu_aliases}.csv.

Reproducible: reads only the third-party files in ``--shared`` (default ``../shared/data`` beside
the repo) and the curated tables in warehouse/snapshot/gpus/curated, and writes sorted CSVs (no
index column) whose columns are those of docs/data-contracts.md, section "GPU specifications".
The build itself - which rows, which numbers, the embodied and price rules - is
`tasks/sources/hardware/catalog.py` (with `curated.py`, `embodied.py` and `readers.py` beside
it), shared with the live connector (`tasks.sources.models.epoch.land_gpu_specs_live`) so both
produce the same tables from the same inputs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a plain script: make `tasks` importable
    sys.path.insert(0, str(REPO))

from tasks.core.gpu_names import GpuResolver  # noqa: E402
from tasks.sources.hardware.catalog import build_gpu_tables, table_csv  # noqa: E402


def disclosure_names(shared: Path) -> list[str]:
    """Hardware names used in the model files, to report what the aliases do not cover."""
    names: set[str] = set()
    epoch = pl.read_csv(shared / "models/epoch_all_ml_systems_trimmed.csv", infer_schema_length=0)
    for v in epoch["Training hardware"].drop_nulls():
        names.update(p.strip() for p in v.split(",") if p.strip())
    for file, col in (
        ("model_cards/hf_hub_co2_HFCO2.csv", "environment"),
        ("model_cards/hf_hub_co2_HFClean_trimmed.csv", "hardware_used"),
    ):
        df = pl.read_csv(shared / file, infer_schema_length=0)
        names.update(v.strip() for v in df[col].drop_nulls() if v.strip())
    return sorted(names)


def build(shared: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    gpus = shared / "gpus"
    return build_gpu_tables(
        (gpus / "epoch_ml_hardware.csv").read_bytes(),
        (gpus / "epoch_chip_dataset_trimmed.csv").read_bytes(),
        (gpus / "mlco2_impact_gpus.csv").read_bytes(),
        (gpus / "greenalgorithms_TDP_gpu.csv").read_bytes(),
        llmcarbon=(shared / "reference" / "llmcarbon_hardware_embodied.csv").read_bytes(),
        strict=True,  # the bundled snapshot must hold every curated part
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "warehouse" / "snapshot" / "gpus")
    args = parser.parse_args(argv)

    try:
        specs, aliases = build(args.shared)
    except ValueError as err:  # ambiguous aliases, a missing curated part, a malformed input
        raise SystemExit(str(err)) from err
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu_specs.csv").write_bytes(table_csv(specs))
    (args.out / "gpu_aliases.csv").write_bytes(table_csv(aliases))

    resolver = GpuResolver.from_snapshot(args.out.parent)
    unresolved = [n for n in disclosure_names(args.shared) if resolver.resolve(n).resolved is None]
    n_train = specs.filter(pl.col("is_training_accelerator") == "true").height
    print(f"gpu_specs.csv: {specs.height} rows ({n_train} training accelerators)")
    print(f"gpu_aliases.csv: {aliases.height} rows")
    print(f"disclosure hardware names unresolved ({len(unresolved)}): {unresolved}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
