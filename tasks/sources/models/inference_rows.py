"""The row shape every measured-inference source lands in raw_inference_measurements, and the
live run they share.

ML.ENERGY (v3, v2, v1) and the AI Energy Score parse into these columns; `measurement_frame`
turns a list of row dicts into the typed frame the loading path validates, so a source module
only says what each field of its format means. Both publish one file per task: `land_each`
fetches each (conditionally) and lands it as its own batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import duckdb
import polars as pl

from tasks.core.http import Expect, clean_url_of, make_session
from tasks.core.settings import Settings
from tasks.load.fetched import fetch, land_fetched, previous_validators
from tasks.load.land import LoadResult, Parser

TABLE = "raw_inference_measurements"

SCHEMA: dict[str, Any] = {
    "source": pl.String,
    "task": pl.String,
    "model_id": pl.String,
    "gpu": pl.String,
    "configuration": pl.String,
    "nickname": pl.String,
    "architecture": pl.String,
    "weight_precision": pl.String,
    "total_params_b": pl.Float64,
    "active_params_b": pl.Float64,
    "gpu_count": pl.Int64,
    "max_batch_size": pl.Int64,
    "avg_batch_size": pl.Float64,
    "energy_per_request_j": pl.Float64,
    "energy_per_output_token_j": pl.Float64,
    "avg_output_tokens": pl.Float64,
    "avg_power_w": pl.Float64,
    "output_tokens_per_s": pl.Float64,
    "energy_score": pl.Int64,
    "size_class": pl.String,
    "source_url": pl.String,
}


def number(value: object) -> float | None:
    """A JSON or CSV number as float; None for blanks, text and non-finite values."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(str(value).strip())
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def whole(value: object) -> int | None:
    """A count as int (None when absent or not a whole number)."""
    x = number(value)
    return int(x) if x is not None and x.is_integer() else None


def measurement_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Rows as the typed frame of raw_inference_measurements; a configuration that repeats
    within (source, task, model, GPU) gets ' #2', ' #3' ... in file order, so the natural key
    stays unique without dropping a measurement."""
    out = []
    seen: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        full = {c: row.get(c) for c in SCHEMA}
        key = tuple(str(full[c]) for c in ("source", "task", "model_id", "gpu", "configuration"))
        seen[key] += 1
        if seen[key] > 1:
            full["configuration"] = f"{full['configuration']} #{seen[key]}"
        out.append(full)
    return pl.DataFrame(out, schema=SCHEMA)


def land_each(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source_name: str,
    files: Iterable[tuple[str, str, Callable[[str], Parser]]],
    *,
    expect: Expect,
    run_id: str | None = None,
) -> list[LoadResult]:
    """Fetch each (path, batch scope, parser for a source URL) under the source's base URL, a
    conditional GET against the last copy archived, and land it as its own batch (a 304 is
    'unchanged')."""
    source = settings.source(source_name)
    results = []
    with make_session(source, settings) as session:
        for path, scope, parser_for in files:
            validators = previous_validators(con, source_name, clean_url_of(source, path))
            got = fetch(session, source, settings, path, expect=expect, conditional=validators)
            results.append(
                land_fetched(
                    con,
                    got,
                    TABLE,
                    parser_for(got.url),
                    batch_scope=scope,
                    settings=settings,
                    run_id=run_id,
                )
            )
    return results
