"""The ML.ENERGY Leaderboard: GPU energy of open models served on data-centre GPUs, measured.

Three generations of the benchmark land in raw_inference_measurements, one row per published
configuration (model x GPU x GPU count x parallelism x batch limit):

* **v3** (`mlenergy_v3`, 2025-26, vLLM / diffusers on H100 and B200): `tasks/<task>.json` of
  ml-energy/leaderboard's `public/data`, each `{task, configurations: [...]}`; text tasks give
  `energy_per_request_joules` and `energy_per_token_joules` (per *output* token: request energy
  over output length), diffusion tasks `energy_per_image_joules` / `energy_per_video_joules`
  (one image or video is the request). Fetched live, one batch per task file.
* **v2** (`mlenergy_v2`, 2024, A100 40 GB and H100): one small JSON per configuration under
  ml-energy/leaderboard-v2's `data/<arch>/<task>/<GPU>/<org>/<model>/<config>.json` ("Energy/req
  (J)", "Avg Output Tokens", "Max BS (reqs)", TP/PP), parameter counts in each task's
  `models.json`. Frozen since 2024: bundled in the snapshot only, not fetched live.
* **v1** (`mlenergy_v1`, 2023, FastChat / PyTorch on A100, A40, V100): `legacy/<GPU>_<task>
  _benchmark.csv` (energy J and response length per model); batch size is not recorded.

Per-output-token energy is the source's own where it gives one; v2 and v1 give energy per request
and mean output tokens, and per token is their quotient, as v3 defines it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import PurePosixPath
from typing import Any

import duckdb
import polars as pl
import requests

from tasks.core.http import Conditional
from tasks.core.settings import Settings, SourceSettings
from tasks.load.fetched import FetchResult, fetch
from tasks.load.land import LoadResult, Parser
from tasks.sources.declare import Citation, Licence, LiveOptions, LiveRun, Resource, Source
from tasks.sources.models.inference_rows import (
    TABLE,
    land_each,
    measurement_frame,
    number,
    whole,
)

SOURCE = "mlenergy"
V3_TASKS = (
    "lm-arena-chat",
    "gpqa",
    "sourcegraph-fim",
    "image-chat",
    "video-chat",
    "text-to-image",
    "text-to-video",
)
# Per-request energy of a diffusion task: the key names what one request makes.
_DIFFUSION_ENERGY = ("energy_per_image_joules", "energy_per_video_joules")
_V3_CONFIG_KEYS = (
    ("num_gpus", "gpus"),
    ("tensor_parallel", "tp"),
    ("data_parallel", "dp"),
    ("expert_parallel", "ep"),
    ("max_num_seqs", "max_batch"),
    ("batch_size", "batch"),
    ("inference_steps", "steps"),
    ("ring_degree", "ring"),
    ("ulysses_degree", "ulysses"),
    ("num_frames", "frames"),
)
# v2 task folders -> the task name we land (mllm chat apart from text chat).
_V2_TASKS = {
    "llm_text_generation/chat": "chat",
    "llm_text_generation/code": "code",
    "mllm_text_generation/chat": "mllm-chat",
    "diffusion/text-to-image": "text-to-image",
    "diffusion/text-to-video": "text-to-video",
    "diffusion/image-to-video": "image-to-video",
}
_V2_ENERGY = ("Energy/req (J)", "Energy/image (J)", "Energy/video (J)")


class MlEnergyFormatError(ValueError):
    """A file that is not in the ML.ENERGY shape; the message names the file and entry."""


def _v3_configuration(entry: Mapping[str, Any]) -> str:
    parts = [f"{label}={entry[k]}" for k, label in _V3_CONFIG_KEYS if entry.get(k) is not None]
    return " ".join(parts)


def _v3_row(task: str, entry: Mapping[str, Any], url: str) -> dict[str, Any]:
    per_request = number(entry.get("energy_per_request_joules"))
    for key in _DIFFUSION_ENERGY:
        per_request = per_request if per_request is not None else number(entry.get(key))
    return {
        "source": "mlenergy_v3",
        "task": task,
        "model_id": entry.get("model_id"),
        "gpu": entry.get("gpu_model"),
        "configuration": _v3_configuration(entry),
        "nickname": entry.get("nickname"),
        "architecture": entry.get("architecture"),
        "weight_precision": entry.get("weight_precision"),
        "total_params_b": number(entry.get("total_params_billions")),
        "active_params_b": number(entry.get("activated_params_billions")),
        "gpu_count": whole(entry.get("num_gpus")),
        "max_batch_size": whole(entry.get("max_num_seqs", entry.get("batch_size"))),
        "avg_batch_size": number(entry.get("avg_batch_size")),
        "energy_per_request_j": per_request,
        "energy_per_output_token_j": number(entry.get("energy_per_token_joules")),
        "avg_output_tokens": number(entry.get("avg_output_len")),
        "avg_power_w": number(entry.get("avg_power_watts")),
        "output_tokens_per_s": number(entry.get("output_throughput_tokens_per_sec")),
        "source_url": url,
    }


def parse_v3_task(data: bytes, source_url: str) -> pl.DataFrame:
    """Rows of one v3 `tasks/<task>.json` (every configuration, text and diffusion)."""
    try:
        doc = json.loads(data)
        task = str(doc["task"])
        configurations = doc["configurations"]
    except (ValueError, KeyError, TypeError) as err:
        raise MlEnergyFormatError(f"{source_url}: not an ML.ENERGY v3 task file ({err})") from None
    if not isinstance(configurations, list):
        raise MlEnergyFormatError(f"{source_url}: 'configurations' is not a list")
    return measurement_frame(
        _v3_row(task, entry, source_url) for entry in configurations if isinstance(entry, dict)
    )


def _v2_gpu(name: str) -> str:
    """v2's 'NVIDIA H100 80GB HBM3' without the vendor word and the memory technology
    ('H100 80GB'), the spelling the GPU catalogue resolves."""
    return re.sub(r"\s+HBM\w*$", "", name.removeprefix("NVIDIA ").strip())


def parse_v2_configuration(
    data: bytes,
    *,
    task: str,
    configuration: str,
    models: Mapping[str, Mapping[str, Any]],
    source_url: str,
) -> dict[str, Any]:
    """One row of a v2 configuration file (`bs64+tp1+pp1.json`), with the nickname and parameter
    count its task's `models.json` gives the model; per output token is energy per request over
    mean output tokens (text tasks only)."""
    try:
        doc = json.loads(data)
        model = str(doc["Model"])
        gpu = _v2_gpu(str(doc["GPU"]))
    except (ValueError, KeyError, TypeError) as err:
        raise MlEnergyFormatError(f"{source_url}: not an ML.ENERGY v2 result ({err})") from None
    energy = next((number(doc.get(k)) for k in _V2_ENERGY if doc.get(k) is not None), None)
    tokens = number(doc.get("Avg Output Tokens"))
    per_token = energy / tokens if energy is not None and tokens else None
    tp, pp = whole(doc.get("TP")) or 1, whole(doc.get("PP")) or 1
    listed = models.get(model) or {}
    return {
        "source": "mlenergy_v2",
        "task": task,
        "model_id": model,
        "gpu": gpu,
        "configuration": configuration,
        "nickname": listed.get("nickname"),
        "total_params_b": number(listed.get("params", listed.get("total_params"))),
        "gpu_count": tp * pp,
        "max_batch_size": whole(doc.get("Max BS (reqs)", doc.get("Batch size"))),
        "avg_batch_size": number(doc.get("Avg BS (reqs)")),
        "energy_per_request_j": energy,
        "energy_per_output_token_j": per_token,
        "avg_output_tokens": tokens,
        "output_tokens_per_s": number(doc.get("Token tput (tok/s)")),
        "source_url": source_url,
    }


def v2_task_of(relative: PurePosixPath) -> str | None:
    """The task a v2 file path (relative to `data/`) belongs to; None outside the six tasks."""
    return _V2_TASKS.get("/".join(relative.parts[:2]))


def parse_v1_benchmark(
    data: bytes, *, gpu: str, task: str, params_b: Mapping[str, float], source_url: str
) -> pl.DataFrame:
    """Rows of a v1 `legacy/<GPU>_<task>_benchmark.csv` (model, throughput, response_length,
    latency, energy): one configuration per model, batch size not recorded."""
    frame = pl.read_csv(data, infer_schema=False)
    missing = {"model", "energy", "response_length"} - set(frame.columns)
    if missing:
        raise MlEnergyFormatError(f"{source_url}: lacks column(s) {', '.join(sorted(missing))}")

    def rows() -> Iterator[dict[str, Any]]:
        for rec in frame.iter_rows(named=True):
            energy, tokens = number(rec["energy"]), number(rec["response_length"])
            yield {
                "source": "mlenergy_v1",
                "task": task,
                "model_id": rec["model"],
                "gpu": gpu,
                "configuration": "as published (v1: batch size not recorded)",
                "total_params_b": params_b.get(rec["model"]),
                "gpu_count": 1,
                "energy_per_request_j": energy,
                "energy_per_output_token_j": energy / tokens if energy and tokens else None,
                "avg_output_tokens": tokens,
                "output_tokens_per_s": number(rec.get("throughput")),
                "source_url": source_url,
            }

    return measurement_frame(rows())


# ---------------------------------------------------------------------------------------------
# Live: the v3 task files


# raw.githubusercontent.com serves .json as text/plain: fetched as text, parsed here.
def fetch_v3_task(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    task: str,
    *,
    conditional: Conditional | None = None,
) -> FetchResult:
    path = f"tasks/{task}.json"
    return fetch(session, source, settings, path, expect="text", conditional=conditional)


def land_mlenergy(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    tasks: tuple[str, ...] = V3_TASKS,
    run_id: str | None = None,
) -> list[LoadResult]:
    """Fetch each v3 task file (conditionally) and land it as its own batch."""
    files = [(f"tasks/{task}.json", f"mlenergy_v3:{task}", _v3_parser) for task in tasks]
    return land_each(con, settings, SOURCE, files, expect="text", run_id=run_id)


def _v3_parser(url: str) -> Parser:
    return partial(parse_v3_task, source_url=url)


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the v3 task files (304s when the leaderboard has not changed)."""
    return land_mlenergy(con, settings, run_id=run_id)


DECLARATION = Source(
    SOURCE,
    "models",
    base_url="https://raw.githubusercontent.com/ml-energy/leaderboard/master/public/data",
    resources=(
        Resource("v3_tasks", TABLE, fetch_v3_task, parse_v3_task),
        Resource("v2_configurations", TABLE, parse=parse_v2_configuration),
        Resource("v1_benchmarks", TABLE, parse=parse_v1_benchmark),
    ),
    live=(LiveRun(SOURCE, "models", "45 1 * * *", land_live),),
    licences=(
        Licence(
            "Apache-2.0",
            "ML.ENERGY Leaderboard measurements (v2 repository; v3 as published by ml-energy/data)",
            "https://github.com/ml-energy/leaderboard-v2/blob/master/LICENSE",
        ),
    ),
    citation=Citation(
        "ML.ENERGY Leaderboard v3 (2026-02-16), v2 and v1: GPU energy of LLM and diffusion "
        "inference",
        "https://ml.energy/leaderboard",
    ),
)

__all__ = [
    "MlEnergyFormatError",
    "land_mlenergy",
    "parse_v1_benchmark",
    "parse_v2_configuration",
    "parse_v3_task",
    "v2_task_of",
]
