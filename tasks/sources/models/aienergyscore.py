"""Hugging Face's AI Energy Score (2025 round): GPU energy of 1,000 queries per model and task,
measured on one NVIDIA H100 80GB with Optimum Benchmark.

Ten CSVs, one per task (`text_generation.csv`, `summarization.csv`, ...), as re-hosted by
ebbalg/AI-climate-overview (`data/AI-energy-leaderboard/`): `model`, `total_gpu_energy`,
`energy_score` (1-5 stars, relative within the task) and, for text generation, `class` (the
leaderboard's size class A/B/C).

**Unit.** The files do not state it. We read `total_gpu_energy` as kWh per 1,000 queries (the
re-hosting repository's own code converts it so), i.e. 3,600 J per query per unit: Llama 3.1 8B's
0.01738 is then 62.6 J per query. Against ML.ENERGY that is the right magnitude and the other
readings are not (docs/inference.md works through it): the AI Energy Score generates 10 tokens per
query at batch size 1, so 6.3 J per output token including prefill, where ML.ENERGY v1 measured
5.5 J per token for LLaMA 7B on an A100 one request at a time; kWh per query would be 6,300 J
per token, Wh per 1,000 queries 0.006 J. Queries carry no token counts, so these rows have no
per-token figure and do not calibrate the estimator; they are landed as measured energy per query.

Lands in raw_inference_measurements, source `aienergyscore`, one batch per task file.
"""

from __future__ import annotations

import io
from functools import partial
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

SOURCE = "aienergyscore"
TASKS = (
    "asr",
    "image_captioning",
    "image_classification",
    "image_generation",
    "object_detection",
    "question_answering",
    "sentence_similarity",
    "summarization",
    "text_classification",
    "text_generation",
)
J_PER_KWH = 3.6e6
QUERIES = 1000  # total_gpu_energy is the energy of 1,000 queries
GPU = "H100"  # the AI Energy Score's one benchmark GPU (NVIDIA H100 80GB)
CONFIGURATION = "1,000 queries, as published"


class AiEnergyScoreFormatError(ValueError):
    """A file that is not an AI Energy Score table; the message names the file."""


def parse_task_csv(data: bytes, source_url: str, task: str) -> pl.DataFrame:
    """Rows of one task CSV; energy per query in J from kWh per 1,000 queries."""
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy")
    missing = {"model", "total_gpu_energy"} - set(frame.columns)
    if missing:
        raise AiEnergyScoreFormatError(
            f"{source_url}: lacks column(s) {', '.join(sorted(missing))}"
        )

    def row(rec: dict[str, Any]) -> dict[str, Any]:
        kwh = number(rec.get("total_gpu_energy"))
        return {
            "source": SOURCE,
            "task": task,
            "model_id": (rec.get("model") or "").strip() or None,
            "gpu": GPU,
            "configuration": CONFIGURATION,
            "gpu_count": None,
            "energy_per_request_j": kwh * J_PER_KWH / QUERIES if kwh is not None else None,
            "energy_score": whole(rec.get("energy_score")),
            "size_class": (rec.get("class") or "").strip() or None,
            "source_url": source_url,
        }

    return measurement_frame(row(rec) for rec in frame.iter_rows(named=True))


def fetch_task(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    task: str,
    *,
    conditional: Conditional | None = None,
) -> FetchResult:
    return fetch(session, source, settings, f"{task}.csv", expect="csv", conditional=conditional)


def land_aienergyscore(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    tasks: tuple[str, ...] = TASKS,
    run_id: str | None = None,
) -> list[LoadResult]:
    """Fetch each task CSV (conditionally) and land it as its own batch."""
    files = [(f"{t}.csv", f"aienergyscore:{t}", partial(_parser, task=t)) for t in tasks]
    return land_each(con, settings, SOURCE, files, expect="csv", run_id=run_id)


def _parser(url: str, *, task: str) -> Parser:
    return partial(parse_task_csv, source_url=url, task=task)


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the ten task files (304s when unchanged)."""
    return land_aienergyscore(con, settings, run_id=run_id)


DECLARATION = Source(
    SOURCE,
    "models",
    base_url="https://raw.githubusercontent.com/ebbalg/AI-climate-overview/main/data/AI-energy-leaderboard",
    resources=(Resource("task_results", TABLE, fetch_task, parse_task_csv),),
    live=(LiveRun(SOURCE, "models", "45 1 * * *", land_live),),
    licences=(
        Licence(
            "MIT",
            "AI Energy Score results (no data licence stated; the benchmark code is MIT)",
            "https://github.com/huggingface/AIEnergyScore",
        ),
    ),
    citation=Citation(
        "Hugging Face AI Energy Score leaderboard (2025), re-hosted by ebbalg/AI-climate-overview",
        "https://huggingface.co/spaces/AIEnergyScore/Leaderboard",
    ),
)

__all__ = ["AiEnergyScoreFormatError", "land_aienergyscore", "parse_task_csv"]
