"""EcoLogits' model list: parameter counts of provider and Hub models, total and active.

One JSON file (genai-impact/ecologits `ecologits/data/models.json`): `{aliases: [...], models:
[{provider, name, architecture: {type: dense|moe, parameters}, warnings, sources}]}`. A dense
model's `parameters` is a number of billions or a `{min, max}` range (sizes the provider has not
released, estimated by EcoLogits); a mixture of experts has `{total, active}`, each a number or a
range. Each lands as low/high bounds (equal for an exact count), with the warnings
(`model-arch-not-released`, `model-arch-multimodal`) and the first source URL EcoLogits cites.

Lands in raw_model_parameters, source `ecologits`, scope `ecologits:models`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from typing import Any

import duckdb
import polars as pl
import requests

from tasks.core.http import Conditional, clean_url_of, make_session
from tasks.core.settings import Settings, SourceSettings
from tasks.load.fetched import FetchResult, fetch, land_fetched, previous_validators
from tasks.load.land import LoadResult
from tasks.sources.declare import Citation, Licence, LiveOptions, LiveRun, Resource, Source
from tasks.sources.models.inference_rows import number

SOURCE = "ecologits"
TABLE = "raw_model_parameters"
FILE = "models.json"
SCOPE = "ecologits:models"
SCHEMA: dict[str, Any] = {
    "source": pl.String,
    "provider": pl.String,
    "model_id": pl.String,
    "architecture": pl.String,
    "total_params_b_low": pl.Float64,
    "total_params_b_high": pl.Float64,
    "active_params_b_low": pl.Float64,
    "active_params_b_high": pl.Float64,
    "warnings": pl.String,
    "source_url": pl.String,
}


class EcoLogitsFormatError(ValueError):
    """A file that is not EcoLogits' models.json; the message names the file."""


def _bounds(value: object) -> tuple[float | None, float | None]:
    """(low, high) of a count in billions: a number, or a {min, max} range."""
    if isinstance(value, Mapping):
        return number(value.get("min")), number(value.get("max"))
    x = number(value)
    return x, x


def _row(entry: Mapping[str, Any], source_url: str) -> dict[str, Any]:
    arch = entry.get("architecture") or {}
    params = arch.get("parameters") if isinstance(arch, Mapping) else None
    if isinstance(params, Mapping) and "total" in params:
        total, active = _bounds(params.get("total")), _bounds(params.get("active"))
    else:
        total = active = _bounds(params)
    sources = [s for s in entry.get("sources") or [] if isinstance(s, str)]
    return {
        "source": SOURCE,
        "provider": entry.get("provider"),
        "model_id": entry.get("name"),
        "architecture": arch.get("type") if isinstance(arch, Mapping) else None,
        "total_params_b_low": total[0],
        "total_params_b_high": total[1],
        "active_params_b_low": active[0],
        "active_params_b_high": active[1],
        "warnings": "; ".join(entry.get("warnings") or []) or None,
        # Where EcoLogits took the count from; the file itself when it cites nothing.
        "source_url": sources[0] if sources else source_url,
    }


def parse_models(data: bytes, source_url: str) -> pl.DataFrame:
    """Rows of raw_model_parameters from models.json (aliases are not models: skipped)."""
    try:
        doc = json.loads(data)
        models = doc["models"]
    except (ValueError, KeyError, TypeError) as err:
        raise EcoLogitsFormatError(f"{source_url}: not EcoLogits' models.json ({err})") from None
    rows = [_row(m, source_url) for m in models if isinstance(m, Mapping)]
    return pl.DataFrame(rows, schema=SCHEMA)


# raw.githubusercontent.com serves .json as text/plain: fetched as text, parsed here.
def fetch_models(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    *,
    conditional: Conditional | None = None,
) -> FetchResult:
    return fetch(session, source, settings, FILE, expect="text", conditional=conditional)


def land_ecologits(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, run_id: str | None = None
) -> list[LoadResult]:
    source = settings.source(SOURCE)
    url = clean_url_of(source, FILE)
    with make_session(source, settings) as session:
        got = fetch_models(
            session, source, settings, conditional=previous_validators(con, SOURCE, url)
        )
    parser = partial(parse_models, source_url=got.url)
    return [
        land_fetched(con, got, TABLE, parser, batch_scope=SCOPE, settings=settings, run_id=run_id)
    ]


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the whole model list (a 304 when it has not changed)."""
    return land_ecologits(con, settings, run_id=run_id)


DECLARATION = Source(
    SOURCE,
    "models",
    base_url="https://raw.githubusercontent.com/genai-impact/ecologits/main/ecologits/data",
    resources=(Resource("models", TABLE, fetch_models, parse_models),),
    live=(LiveRun(SOURCE, "models", "45 1 * * *", land_live),),
    licences=(
        Licence(
            "MPL-2.0",
            "EcoLogits model list (parameter counts)",
            "https://github.com/genai-impact/ecologits/blob/main/LICENSE",
        ),
    ),
    citation=Citation(
        "EcoLogits (GenAI Impact): models.json, parameter counts of provider models",
        "https://github.com/genai-impact/ecologits",
    ),
)

__all__ = ["EcoLogitsFormatError", "land_ecologits", "parse_models"]
