"""Build the bundled measured-inference snapshot from the third-party files in ../shared/data.

    .venv/bin/python scripts/snapshot/build_inference.py [--shared DIR] [--out-dir DIR]

Writes, into `warehouse/snapshot/inference/`, with the sources' own parsers
(tasks/sources/models/{mlenergy,aienergyscore,ecologits}.py), every row tagged with the pinned
upstream URL it came from (commits from shared/data/SOURCES.md, "inference/"):

- `mlenergy_v3.csv`     ML.ENERGY Leaderboard v3, the seven task files (1,858 configurations)
- `mlenergy_v2.csv`     ML.ENERGY Leaderboard v2, one row per configuration file
- `mlenergy_v1.csv`     ML.ENERGY Leaderboard v1 (`legacy/`), A100 / A40 / V100
- `aienergyscore.csv`   AI Energy Score, ten task files, energy per query in J
- `ecologits_models.csv` EcoLogits' parameter counts

Rows are sorted by the natural key, so a re-run on the same input writes identical files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import polars as pl

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # so `tasks` imports when run as a plain script

from tasks.sources.models import aienergyscore, ecologits, mlenergy  # noqa: E402
from tasks.sources.models.inference_rows import measurement_frame  # noqa: E402

SHARED = Path(os.environ.get("FOOTPRINTS_SHARED_DATA", REPO.parent / "shared" / "data"))
OUT_DIR = REPO / "warehouse" / "snapshot" / "inference"
GH = "https://github.com"
V3_URL = f"{GH}/ml-energy/leaderboard/blob/7885788e837b80ad172e02e6e8c47e8d0b85520e/public/data"
V2_URL = f"{GH}/ml-energy/leaderboard-v2/blob/76bf85e9ae15edb42552d86f33a73cde7df624af/data"
AIES_URL = (
    f"{GH}/ebbalg/AI-climate-overview/blob/96c2d78865b13f822f09b8dd246c76687af4b7dd/"
    "data/AI-energy-leaderboard"
)
ECOLOGITS_URL = (
    f"{GH}/genai-impact/ecologits/blob/dce65f52d69d83e31f5878159e00f59bbc1c0d20/"
    "ecologits/data/models.json"
)
MEASUREMENT_KEY = ["source", "task", "model_id", "gpu", "configuration"]


def _v2_url(relative: PurePosixPath) -> str:
    # The shared copy renamed upstream's 'H100 80GB HBM3' folder to 'H100-80GB-HBM3'.
    upstream = str(relative).replace("H100-80GB-HBM3", "H100 80GB HBM3")
    return f"{V2_URL}/{quote(upstream)}"


def build_v3(root: Path) -> pl.DataFrame:
    frames = [
        mlenergy.parse_v3_task(
            (root / "tasks" / f"{task}.json").read_bytes(), f"{V3_URL}/tasks/{task}.json"
        )
        for task in mlenergy.V3_TASKS
    ]
    return pl.concat(frames)


def build_v2(root: Path) -> pl.DataFrame:
    rows = []
    for path in sorted(root.rglob("*.json")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        task = mlenergy.v2_task_of(relative)
        if task is None or path.name == "models.json" or relative.parts[0] == "legacy":
            continue
        models = json.loads(
            (root / relative.parts[0] / relative.parts[1] / "models.json").read_text()
        )
        rows.append(
            mlenergy.parse_v2_configuration(
                path.read_bytes(),
                task=task,
                configuration=path.stem,
                models=models,
                source_url=_v2_url(relative),
            )
        )
    return measurement_frame(rows)


def build_v1(root: Path) -> pl.DataFrame:
    legacy = root / "legacy"
    params = {
        k: float(v["params"]) for k, v in json.loads((legacy / "models.json").read_text()).items()
    }
    frames = []
    for path in sorted(legacy.glob("*_benchmark.csv")):
        gpu, task = path.name.removesuffix("_benchmark.csv").split("_", 1)
        frames.append(
            mlenergy.parse_v1_benchmark(
                path.read_bytes(),
                gpu=gpu,
                task=task,
                params_b=params,
                source_url=f"{V2_URL}/legacy/{path.name}",
            )
        )
    return pl.concat(frames)


def build_aienergyscore(root: Path) -> pl.DataFrame:
    return pl.concat(
        aienergyscore.parse_task_csv(
            (root / f"{task}.csv").read_bytes(), f"{AIES_URL}/{task}.csv", task
        )
        for task in aienergyscore.TASKS
    )


def write(frame: pl.DataFrame, key: list[str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.sort(key).write_csv(path)
    print(f"{path.name}: {frame.height} rows")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)
    data = args.shared / "inference"
    out = args.out_dir
    write(build_v3(data / "mlenergy_leaderboard_v3"), MEASUREMENT_KEY, out / "mlenergy_v3.csv")
    write(build_v2(data / "mlenergy_leaderboard_v2"), MEASUREMENT_KEY, out / "mlenergy_v2.csv")
    write(build_v1(data / "mlenergy_leaderboard_v2"), MEASUREMENT_KEY, out / "mlenergy_v1.csv")
    write(
        build_aienergyscore(data / "aienergyscore_leaderboard_2025"),
        MEASUREMENT_KEY,
        out / "aienergyscore.csv",
    )
    models = ecologits.parse_models(
        (data / "ecologits" / "ecologits_models.json").read_bytes(), ECOLOGITS_URL
    )
    write(models, ["source", "provider", "model_id"], out / "ecologits_models.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
