"""Epoch AI's data downloads: the ML hardware table (-> the GPU catalogue) and the models
database (-> disclosure facts).

Files, under the EPOCH base URL (public, no token): `ml_hardware.csv`, `all_ai_models.csv`, and
the two curated lists beside it, `notable_ai_models.csv` and `large_scale_ai_models.csv`.

* `land_epoch_models` lands the all-models CSV, parsed by
  `tasks.sources.models.epoch_rows` (source_kind `epoch`), in raw_model_disclosures, scope
  `epoch:all_ai_models`. By default only the rows
  that support an estimate are kept, as in the bundled snapshot (`select_notable`). The file is
  served with an ETag, so an unchanged file costs a 304.
* `land_epoch_list` lands one list with the same parser, every row (a listed model keeps its
  descriptive facts even when nothing supports an estimate, so it reaches rpt_not_estimable),
  each with an `epoch_list` fact; scope `epoch:<file stem>`. The scheduled run lands both lists
  and the all-models CSV: the three are one database on one day, so the same model's facts
  agree across them (the bundled snapshot reconciles copies of different dates instead:
  `tasks.sources.models.epoch_lists`).
* `land_gpu_specs_live` builds gpu_specs and gpu_aliases with the snapshot's own builder
  (`tasks.sources.hardware.catalog`) from what it fetches: Epoch's ML hardware table
  (required), Epoch's chip
  dataset (the pinned GitHub copy the snapshot uses; optional), mlco2/impact's `gpus.csv` and
  Green Algorithms' `TDP_gpu.csv` (optional). Each input is archived raw as fetched; an optional
  input that fails is reported and replaced by its last archived copy when there is one (so a
  flaky host does not delete the rows it contributed), else left out. The two built tables are
  archived as derived payloads (source `gpu_catalog`, URL `live:gpus/<file>?inputs=<hash of
  the inputs and the builder's code>`) and land through the one loading path with the
  snapshot's parser, scope `live:gpus`. When the inputs are those of the last landed build
  (every input a 304, or the same archived copies), the build and both loads are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import duckdb
import polars as pl
import requests

from tasks.core.facts import FACT_COLUMNS, Fact, facts_to_rows
from tasks.core.http import Conditional, HttpError, clean_url_of, make_session
from tasks.core.settings import Settings, SourceSettings
from tasks.load.archive import Payload, archive_payload, sha256_bytes
from tasks.load.fetched import FetchResult, fetch, land_fetched, previous_validators
from tasks.load.ingest import read_csv_text
from tasks.load.journal import last_loaded_sha
from tasks.load.land import LoadResult, SourceError, ingest_payload
from tasks.load.manifest import record_manifest
from tasks.sources.declare import Citation, Licence, LiveOptions, LiveRun, Resource, Source
from tasks.sources.hardware import catalog as gpu_catalog
from tasks.sources.hardware import greenalgorithms, mlco2
from tasks.sources.hardware.catalog import (
    SourceLabels,
    Value,
    build_gpu_tables,
    read_epoch,
    table_csv,
)
from tasks.sources.models import github
from tasks.sources.models.epoch_rows import parse_epoch_models, select_notable
from tasks.sources.models.hf_hub import archived_copy, fetch_current

log = logging.getLogger(__name__)

SOURCE = "epoch"
HARDWARE_FILE = "ml_hardware.csv"
MODELS_FILE = "all_ai_models.csv"
MODELS_TABLE = "raw_model_disclosures"
MODELS_SCOPE = "epoch:all_ai_models"
# Epoch's curated lists beside all_ai_models.csv: (file, the epoch_list fact its rows carry).
LIST_FILES = (("notable_ai_models.csv", "notable"), ("large_scale_ai_models.csv", "large-scale"))
GPU_SCOPE = "live:gpus"
DERIVED_SOURCE = "gpu_catalog"
GPU_TABLES = (("raw_gpu_specs", "gpu_specs.csv"), ("raw_gpu_aliases", "gpu_aliases.csv"))
# Epoch's chip dataset is not among its downloads; the snapshot reads this commit of it from the
# training-cost-trends repository, fetched from the GITHUB source (pinned, so it never changes).
EPOCH_CHIPS_PATH = (
    "epoch-research/training-cost-trends/5e8c5c4fc17ff70c6865d527016da7826fabacc2/"
    "data/Chip%20dataset-Grid%20view.csv"
)


# ---------------------------------------------------------------------------------------------
# Fetch and parse


def fetch_models(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    *,
    conditional: Conditional | None = None,
    file: str = MODELS_FILE,
) -> FetchResult:
    return fetch(session, source, settings, file, expect="csv", conditional=conditional)


def parse_ml_hardware(data: bytes) -> dict[str, dict[str, Value]]:
    """The ML hardware CSV as {hardware name: spec fields in our units}."""
    return read_epoch(data)


def parse_models(data: bytes, source_url: str, *, notable_only: bool = True) -> list[Fact]:
    """Facts of the all-models CSV; with `notable_only`, only rows that support an estimate."""
    facts = parse_epoch_models(data, source_url)
    return select_notable(facts) if notable_only else facts


def parse_list(data: bytes, source_url: str, *, epoch_list: str) -> list[Fact]:
    """Facts of every row of one of Epoch's lists, each model marked with the list."""
    return parse_epoch_models(data, source_url, epoch_list=epoch_list)


def facts_frame(facts: list[Fact]) -> pl.DataFrame:
    """Facts as the text frame raw_model_disclosures is validated from."""
    return pl.DataFrame(facts_to_rows(facts), schema={c: pl.String for c in FACT_COLUMNS})


def _models_parser(data: bytes, *, source_url: str, notable_only: bool) -> pl.DataFrame:
    return facts_frame(parse_models(data, source_url, notable_only=notable_only))


def _list_parser(data: bytes, *, source_url: str, epoch_list: str) -> pl.DataFrame:
    return facts_frame(parse_list(data, source_url, epoch_list=epoch_list))


# ---------------------------------------------------------------------------------------------
# Land: model facts


def _land_models_file(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    file: str,
    scope: str,
    parser: Callable[..., pl.DataFrame],
    run_id: str | None,
) -> LoadResult:
    """Fetch one models CSV (conditionally) and land its facts; a 304 is 'unchanged'."""
    source = settings.source(SOURCE)
    url = clean_url_of(source, file)
    with make_session(source, settings) as session:
        got = fetch_models(
            session,
            source,
            settings,
            conditional=previous_validators(con, source.name, url),
            file=file,
        )
    return land_fetched(
        con,
        got,
        MODELS_TABLE,
        partial(parser, source_url=got.url),
        batch_scope=scope,
        settings=settings,
        run_id=run_id,
    )


def land_epoch_models(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str | None = None,
    *,
    notable_only: bool = True,
) -> LoadResult:
    """Fetch the all-models CSV (conditionally) and land its facts; a 304 is 'unchanged'."""
    parser = partial(_models_parser, notable_only=notable_only)
    return _land_models_file(con, settings, MODELS_FILE, MODELS_SCOPE, parser, run_id)


def land_epoch_list(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    file: str,
    epoch_list: str,
    run_id: str | None = None,
) -> LoadResult:
    """Fetch one of Epoch's lists (conditionally) and land every row's facts."""
    scope = f"{SOURCE}:{file.removesuffix('.csv')}"
    parser = partial(_list_parser, epoch_list=epoch_list)
    return _land_models_file(con, settings, file, scope, parser, run_id)


# ---------------------------------------------------------------------------------------------
# Land: GPU specifications


@dataclass
class GpuInput:
    """One input table of the live GPU build and what became of it."""

    name: str
    url: str
    status: str  # fetched | not modified | archived copy | left out
    sha256: str | None = None
    error: str | None = None


@dataclass
class GpuSpecsLoad:
    results: list[LoadResult]  # raw_gpu_specs, then raw_gpu_aliases
    inputs: list[GpuInput] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        """Messages of the inputs that could not be fetched (token-free)."""
        return [i.error for i in self.inputs if i.error]


def _get_input(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    name: str,
    source_name: str,
    path: str,
    *,
    required: bool,
) -> tuple[Payload | None, GpuInput]:
    source = settings.source(source_name)
    url = clean_url_of(source, path)
    try:
        with make_session(source, settings) as session:
            payload, unchanged = fetch_current(con, session, source, settings, path, expect="csv")
    except HttpError as err:
        if required:
            raise
        kept = archived_copy(con, settings, source.name, url)
        log.warning("%s: %s; %s", name, err, "using its archived copy" if kept else "left out")
        status = "archived copy" if kept else "left out"
        return kept, GpuInput(name, url, status, kept.sha256 if kept else None, str(err))
    record_manifest(con, payload)
    status = "not modified" if unchanged else "fetched"
    return payload, GpuInput(name, payload.url, status, payload.sha256)


def _build_digest(inputs: list[GpuInput]) -> str:
    """Hash of what a build depends on: each input (name, URL, content) and the builder's code."""
    parts = [f"{i.name}\t{i.url}\t{i.sha256 or '-'}" for i in inputs]
    for path in gpu_catalog.builder_files():
        parts.append(sha256_bytes(path.read_bytes()))
    return sha256_bytes("\n".join(parts).encode())[:16]


def _landed(con: duckdb.DuckDBPyConnection, source: str, url: str, table: str) -> bool:
    """True when a payload archived under `url` is the last one `table` landed for GPU_SCOPE."""
    last = last_loaded_sha(con, table, GPU_SCOPE)
    rows = con.execute(
        "select sha256 from meta_raw_manifest where source = ? and url = ?", [source, url]
    ).fetchall()
    return last is not None and any(sha == last for (sha,) in rows)


def _fetch_inputs(
    con: duckdb.DuckDBPyConnection, settings: Settings, epoch_chips: str | None
) -> tuple[list[Payload | None], list[GpuInput]]:
    """The build's inputs (ML hardware, chips, mlco2, Green Algorithms) and what became of each;
    only the ML hardware table is required."""
    hardware, hw_in = _get_input(
        con, settings, "epoch ml_hardware", SOURCE, HARDWARE_FILE, required=True
    )
    payloads, inputs = [hardware], [hw_in]
    for name, source_name, path in (
        ("epoch chips", github.SOURCE, epoch_chips),
        ("mlco2 gpus", mlco2.SOURCE, mlco2.FILE),
        ("greenalgorithms TDP_gpu", greenalgorithms.SOURCE, greenalgorithms.FILE),
    ):
        if path is None:
            payloads.append(None)
            continue
        payload, info = _get_input(con, settings, name, source_name, path, required=False)
        payloads.append(payload)
        inputs.append(info)
    return payloads, inputs


def _land_tables(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    frames: tuple[pl.DataFrame, pl.DataFrame],
    derived_urls: dict[str, str],
    run_id: str | None,
) -> list[LoadResult]:
    results = []
    for (table, _), frame in zip(GPU_TABLES, frames, strict=True):
        # Derived from the raw inputs archived above; kept too, so a load can be replayed, and
        # its URL names the inputs it was built from.
        payload = archive_payload(
            DERIVED_SOURCE,
            derived_urls[table],
            table_csv(frame),
            settings=settings,
            content_type="text/csv",
        )
        results.append(
            ingest_payload(
                con,
                payload,
                table,
                read_csv_text,
                batch_scope=GPU_SCOPE,
                settings=settings,
                run_id=run_id,
            )
        )
    return results


def land_gpu_specs_live(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str | None = None,
    *,
    epoch_chips: str | None = EPOCH_CHIPS_PATH,
) -> GpuSpecsLoad:
    """Fetch the GPU tables, build the catalogue, land raw_gpu_specs and raw_gpu_aliases.

    `epoch_chips`: path under the GITHUB base (or a URL) of Epoch's chip dataset; None builds
    without it (the catalogue then holds only what the ML hardware table lists). Raises HttpError
    when Epoch's ML hardware table cannot be fetched, SourceError when the inputs do not build,
    ValidationFailed when a table is rejected."""
    (hardware, chips, ml, ga), inputs = _fetch_inputs(con, settings, epoch_chips)
    assert hardware is not None  # required inputs raise instead

    # The built tables depend only on the inputs and the builder: when a build from these very
    # inputs is what both tables last landed, skip building (a few seconds) as well as loading.
    digest = _build_digest(inputs)
    derived_urls = {table: f"{GPU_SCOPE}/{name}?inputs={digest}" for table, name in GPU_TABLES}
    if all(_landed(con, DERIVED_SOURCE, url, table) for table, url in derived_urls.items()):
        return GpuSpecsLoad(
            [
                LoadResult(table, GPU_SCOPE, "", "unchanged", message="inputs unchanged")
                for table, _ in GPU_TABLES
            ],
            inputs,
        )
    labels = SourceLabels(
        epoch_hardware=f"Epoch AI ML Hardware, {hardware.url}",
        epoch_chips=f"Epoch AI chip dataset, {chips.url}" if chips else "",
        mlco2=ml.url if ml else "",
        greenalgorithms=ga.url if ga else "",
    )
    try:
        frames = build_gpu_tables(
            hardware.data,
            chips.data if chips else None,
            ml.data if ml else None,
            ga.data if ga else None,
            labels=labels,
        )
    except (ValueError, UnicodeDecodeError, pl.exceptions.PolarsError) as err:
        used = ", ".join(f"{i.url} ({i.status})" for i in inputs)
        raise SourceError(f"live GPU tables: cannot build from {used}: {err}") from err
    return GpuSpecsLoad(_land_tables(con, settings, frames, derived_urls, run_id), inputs)


# ---------------------------------------------------------------------------------------------
# Declaration


def land_gpus_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled GPU build (weekly: specifications change with product launches)."""
    return land_gpu_specs_live(con, settings, run_id).results


def land_models_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled fetch of the two lists and the all-models CSV (daily, with the cards)."""
    lists = [land_epoch_list(con, settings, file, name, run_id) for file, name in LIST_FILES]
    return [*lists, land_epoch_models(con, settings, run_id)]


DECLARATION = Source(
    SOURCE,
    "models",
    base_url="https://epoch.ai/data",
    resources=(
        Resource("ml_hardware", "raw_gpu_specs", parse=parse_ml_hardware),
        Resource("all_ai_models", MODELS_TABLE, fetch_models, parse_models),
        Resource("notable_ai_models", MODELS_TABLE, fetch_models, parse_list),
        Resource("large_scale_ai_models", MODELS_TABLE, fetch_models, parse_list),
    ),
    live=(
        LiveRun("gpus", "hardware", "30 1 * * 1", land_gpus_live),
        LiveRun(SOURCE, "models", "45 1 * * *", land_models_live),
    ),
    licences=(Licence("CC-BY", "Epoch AI datasets", "https://epoch.ai/data"),),
    citation=Citation(
        "Epoch AI: Notable, Large-Scale and all AI models, ML Hardware", "https://epoch.ai/data"
    ),
)


__all__ = [
    "EPOCH_CHIPS_PATH",
    "GPU_SCOPE",
    "LIST_FILES",
    "MODELS_SCOPE",
    "GpuInput",
    "GpuSpecsLoad",
    "facts_frame",
    "fetch_models",
    "land_epoch_list",
    "land_epoch_models",
    "land_gpu_specs_live",
    "parse_list",
    "parse_ml_hardware",
    "parse_models",
]
