"""Fan-out: parse many model cards in chunks on Prefect's task runner, then land them once.

The one path for a directory of users' cards, whatever runs the parsing:

* **Parse** (`parse_cards`, per chunk of paths, in `tasks.sources.models.user_cards_parse`):
  read, hash and archive each file content-addressed, parse it into facts (a file that cannot be
  used is quarantined with its name and the reason, and the others go on). No database, no
  DataFrame library: that module, with pyarrow and the parsers, is all a pool worker imports (a
  Dask worker running `parse_cards_chunk`, in `user_cards_task`, adds Prefect); this one, the
  flow's side, imports the loading path.
* **Stage** (`stage_card_chunks`, in the flow's process, chunk by chunk as they arrive): fact rows
  and manifest rows go to two Parquet files under raw/_staging, manifest lines to
  raw/manifest.jsonl; nothing of a chunk is held once it is written, so memory does not grow
  with the number of cards.
* **Land** (`land_staged_cards`): the manifest rows in one statement, then the facts through the
  loading kernel (`tasks.load.land.land_file`): one writer, one transaction, file quarantine
  included.

`footprints run --cards DIR` runs the chunks as `parse_cards_chunk` task runs `.map`ped on the
flow's task runner: threads by default, a Dask cluster with `task_runner_for("dask", address)`
(prefect-dask).
`tasks.sources.models.user_cards.land_user_cards` runs the same chunks in its own thread,
without Prefect. Workers need the card files and the raw area on a filesystem they share with
the flow (a local cluster has that by construction; a remote one needs a shared mount or object
storage).
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from prefect import unmapped
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ThreadPoolTaskRunner

from tasks.core.prefect_server import STARTUP_ATTEMPTS, TemporaryServer, startup_deadline
from tasks.core.progress import track
from tasks.core.settings import Settings, environment_variable, get_settings
from tasks.load.archive import append_line, manifest_lines
from tasks.load.fact_batch import land_fact_rows, whole_item_quarantine
from tasks.load.journal import last_loaded_sha
from tasks.load.land import LoadResult, land_file
from tasks.load.manifest import MANIFEST_FILE
from tasks.load.warehouse import open_warehouse
from tasks.sources.models.user_cards_parse import (
    CHUNK_SIZE,
    FACT_SCHEMA,
    MANIFEST_SCHEMA,
    SOURCE,
    ChunkResult,
    card_files,
    chunked,
)
from tasks.sources.models.user_cards_pool import chunks_on_processes
from tasks.sources.models.user_cards_task import parse_cards_chunk

TABLE = "raw_model_disclosures"


# --- the flow's side: stage, then land ------------------------------------------------------


@dataclass
class StagedCards:
    """A directory's chunks written out: the Parquet files to land and what was found."""

    folder: Path
    facts_file: Path  # raw/_staging/<prefix>.facts.parquet
    manifest_file: Path
    files: int = 0
    chunks: int = 0
    facts: int = 0
    batch_sha: str = ""  # of every file's name and hash: what 'unchanged' compares
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    models: list[tuple[str, str, str]] = field(default_factory=list)  # (file, URL, model)
    parse_s: float = 0.0

    def remove(self) -> None:
        """The staged files and any chunk part left (a failed chunk, an interrupted load)."""
        _remove_parts(self.facts_file.parent, self.facts_file.name.removesuffix(".facts.parquet"))


def _remove_parts(staging: Path, prefix: str) -> None:
    for part in staging.glob(f"{prefix}.*"):
        part.unlink(missing_ok=True)


def stage_card_chunks(
    folder: Path,
    chunks: Iterable[ChunkResult],
    *,
    settings: Settings,
    files: int,
    prefix: str,
) -> StagedCards:
    """Join the chunks' Parquet parts, in chunk order, into one file of facts and one of
    manifest rows (appending the manifest lines to raw/manifest.jsonl), removing each part once
    copied; only what was quarantined and the warnings stay in memory. Times the parsing: from
    the first chunk asked for to the last one joined."""
    staging = settings.raw_path / "_staging"
    staging.mkdir(parents=True, exist_ok=True)
    staged = StagedCards(
        folder,
        staging / f"{prefix}.facts.parquet",
        staging / f"{prefix}.manifest.parquet",
        files=files,
    )
    batch = hashlib.sha256()
    started = time.perf_counter()
    try:
        with (
            pq.ParquetWriter(staged.facts_file, FACT_SCHEMA, compression="zstd") as facts,
            pq.ParquetWriter(staged.manifest_file, MANIFEST_SCHEMA, compression="zstd") as manifest,
        ):
            for chunk in track(chunks, f"cards: parsing {folder.name}"):
                _move_parts(chunk, facts, manifest, settings.raw_path / MANIFEST_FILE)
                batch.update(f"{chunk.files_sha256}\n".encode())
                _count_chunk(staged, chunk)
            staged.batch_sha = batch.hexdigest()
            # The file's hash is what `land_file` compares to skip an unchanged batch: with
            # every card's hash in it, a changed or added bad file is a change too.
            facts.add_key_value_metadata({"footprints.cards_sha256": staged.batch_sha})
        _drop_superseded(staged)
    except BaseException:
        staged.remove()
        raise
    staged.parse_s = time.perf_counter() - started
    return staged


def model_key(name: str) -> str:
    """A model name as two cards are compared: case and spacing aside."""
    return " ".join(name.casefold().split())


def _drop_superseded(staged: StagedCards) -> None:
    """A model in two cards of one run: the later file (in name order) wins, and the earlier
    file's facts for it are quarantined, named, instead of landing beside it. The list of
    models is let go here, not held through the landing (~50 MB at 100,000 cards)."""
    models, staged.models = staged.models, []
    owner: dict[str, tuple[str, str, str]] = {}  # model key -> (file, URL, name) of its card
    superseded: set[tuple[str, str]] = set()  # (URL, model key)
    for file, url, model in models:
        key = model_key(model)
        if key in owner and owner[key][1] != url:
            earlier, earlier_url, written = owner[key]
            superseded.add((earlier_url, key))
            staged.quarantined.append(
                (
                    earlier,
                    f"model: {written!r} is also in {Path(file).name}, a later card of this run, "
                    "which wins; this card's figures for it are not used",
                )
            )
        owner[key] = (file, url, model)
    del models, owner
    if not superseded:
        return
    table = pq.read_table(staged.facts_file, schema=FACT_SCHEMA)
    urls = table.column("_source_url").to_pylist()
    models = table.column("model").to_pylist()
    keep = [(u, model_key(m or "")) not in superseded for u, m in zip(urls, models, strict=True)]
    kept = table.filter(pa.array(keep, pa.bool_()))
    staged.facts -= table.num_rows - kept.num_rows
    tmp = staged.facts_file.with_suffix(".tmp")
    pq.write_table(kept.replace_schema_metadata(table.schema.metadata), tmp, compression="zstd")
    os.replace(tmp, staged.facts_file)


def _move_parts(
    chunk: ChunkResult, facts: pq.ParquetWriter, manifest: pq.ParquetWriter, manifest_jsonl: Path
) -> None:
    """Copy a chunk's parts into the staged files (its manifest rows into raw/manifest.jsonl
    too) and remove them."""
    if chunk.facts_file:
        facts.write_table(_read_part(chunk.facts_file))
        Path(chunk.facts_file).unlink()
    if chunk.manifest_file:
        rows = _read_part(chunk.manifest_file)
        manifest.write_table(rows)
        Path(chunk.manifest_file).unlink()
        append_line(manifest_jsonl, manifest_lines(manifest_jsonl.parent, rows.to_pylist()))


def _read_part(path: str) -> pa.Table:
    """A chunk's part, whole. Read through `ParquetFile` (pyarrow's `read_table` imports pandas,
    ~0.3 s, for nothing here); its schema is the chunk's, and the staged file's writer refuses
    any other."""
    with pq.ParquetFile(path) as part:
        return part.read()


def _count_chunk(staged: StagedCards, chunk: ChunkResult) -> None:
    """Add what a chunk found (its facts, quarantined files and warnings) to the totals."""
    staged.chunks += 1
    staged.facts += chunk.facts
    staged.quarantined += chunk.quarantined
    staged.warnings += chunk.warnings
    staged.models += chunk.models


def land_staged_cards(
    con: duckdb.DuckDBPyConnection,
    staged: StagedCards,
    *,
    settings: Settings,
    run_id: str | None = None,
) -> tuple[LoadResult, list[tuple[str, str]]]:
    """The manifest rows, then the facts in one transaction (scope `user:<directory>`), the
    unusable files quarantined with them. Returns the load and what was quarantined: the files,
    then the rows validation set aside, as (key, reason). Raises ValidationFailed (after
    recording why) when no file gave a fact or the batch is over the quarantine threshold."""
    con.execute(
        "insert into meta_raw_manifest by name "
        "select distinct on (source, url, sha256) * replace (fetched_at::timestamp as fetched_at) "
        "from read_parquet(?) on conflict do nothing",
        [str(staged.manifest_file)],
    )
    scope = f"user:{staged.folder}"
    url = staged.folder.as_uri()
    quarantined = list(staged.quarantined)
    if staged.facts == 0:
        if last_loaded_sha(con, TABLE, scope) == staged.batch_sha:
            return _unchanged(scope), quarantined
        land_fact_rows(  # records the rejection naming the files, and raises
            con,
            [],
            quarantined,
            "file",
            batch_scope=scope,
            batch_sha=staged.batch_sha,
            batch_url=url,
            empty_reason=f"cards: no usable disclosure in {staged.folder}",
            started_at=datetime.now(UTC).replace(tzinfo=None),
            settings=settings,
            run_id=run_id,
        )
    result = land_file(
        con,
        staged.facts_file,
        TABLE,
        source=SOURCE,
        url=url,
        batch_scope=scope,
        settings=settings,
        run_id=run_id,
        extra_quarantine=whole_item_quarantine(quarantined, "file"),
    )
    if result.status == "unchanged":
        return _unchanged(scope), quarantined
    if result.quarantined > len(quarantined):  # rows the checks set aside, after the files
        quarantined += con.execute(
            "select row_key, reason from meta_quarantine where load_id = ? and row_number > 0 "
            "order by row_number, reason",
            [result.load_id],
        ).fetchall()
    return result, quarantined


def _unchanged(scope: str) -> LoadResult:
    return LoadResult(TABLE, scope, "", "unchanged", message="cards unchanged")


@dataclass
class FanoutLoad:
    """What a fanned-out cards load did."""

    result: LoadResult
    files: int
    chunks: int
    facts: int
    quarantined: list[tuple[str, str]]
    warnings: list[tuple[str, str]]
    parse_s: float = 0.0  # from the first task submitted to the last chunk's rows written
    land_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The same keys as the `land_user_cards` task returns (what the CLI prints)."""
        return {
            **asdict(self.result),
            "files": self.files,
            "quarantined_files": self.quarantined,
            "warnings": self.warnings,
        }


def _in_order(futures: list[Any]) -> Iterator[ChunkResult]:
    """Each future's result in submission order, dropping it once taken (its rows can go)."""
    for i in range(len(futures)):
        chunk = futures[i].result()
        futures[i] = None
        yield chunk


def parse_and_land_cards(
    directory: str,
    warehouse: str | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    run_id: str | None = None,
) -> FanoutLoad:
    """Inside a flow: map `parse_cards_chunk` over the directory's cards on the flow's task
    runner, stage the chunks as they arrive, and land them once."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    folder = Path(directory).resolve()
    files = [str(p) for p in card_files(folder)]
    prefix = f"cards-{uuid.uuid4().hex}"
    with _chunk_futures(chunked(files, chunk_size), str(settings.warehouse), prefix) as futures:
        try:
            staged = stage_card_chunks(
                folder, _in_order(futures), settings=settings, files=len(files), prefix=prefix
            )
        except BaseException:
            for future in futures:  # no chunk may write a part after the clean-up
                if future is not None:
                    future.wait()
            _remove_parts(settings.raw_path / "_staging", prefix)
            raise
    try:
        started = time.perf_counter()
        with open_warehouse(settings=settings) as con:
            result, quarantined = land_staged_cards(con, staged, settings=settings, run_id=run_id)
    finally:
        staged.remove()
    return FanoutLoad(
        result,
        staged.files,
        staged.chunks,
        staged.facts,
        quarantined,
        staged.warnings,
        staged.parse_s,
        time.perf_counter() - started,
    )


@contextmanager
def _chunk_futures(chunks: list[list[str]], warehouse: str, prefix: str) -> Iterator[list[Any]]:
    """One future per chunk, in order: on the flow's default thread runner the chunks go to a
    pool of worker processes (`tasks.sources.models.user_cards_pool`: threads would parse on one
    core), on any other runner (Dask) they are `parse_cards_chunk` task runs `.map`ped on it."""
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if runner is None or isinstance(runner, ThreadPoolTaskRunner):
        with chunks_on_processes(chunks, warehouse, prefix) as futures:
            yield futures
        return
    mapped = parse_cards_chunk.map(chunks, warehouse=unmapped(warehouse), prefix=unmapped(prefix))
    yield list(mapped)


def task_runner_for(name: str = "thread", address: str | None = None, workers: int = 2) -> Any:
    """Prefect's task runner by name: `thread` (ThreadPoolTaskRunner, the default) or `dask`
    (prefect-dask's DaskTaskRunner on the cluster at `address`, else a local cluster of
    `workers` single-threaded worker processes: parsing is pure Python, so processes, not
    threads, are what use more than one core)."""
    if name == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "dask":
        try:
            from prefect_dask import DaskTaskRunner  # deferred: an optional extra
        except ImportError as err:  # an optional extra
            raise RuntimeError(
                "--task-runner dask needs prefect-dask: pip install 'footprints[dask]'"
            ) from err
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    raise ValueError(f"unknown task runner {name!r}: use 'thread' or 'dask'")


@contextmanager
def prefect_api_for_workers() -> Iterator[str | None]:
    """A Prefect API that Dask worker processes can reach, exported to them through the
    environment (a worker reads PREFECT_API_URL, not this process's profile). The API this
    process is configured with (the environment, a profile, `temporary_settings`: a server,
    Prefect Cloud) when it has one, so that the workers' task runs go where the flow run is;
    without, each worker would start a temporary server of its own, so one is started here."""
    configured = os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()
    if configured:
        with environment_variable("PREFECT_API_URL", configured):
            yield configured
        return
    server = TemporaryServer()  # the one `footprints run` starts for itself
    try:
        server.start()
        server.wait(startup_deadline(), STARTUP_ATTEMPTS)
        with environment_variable("PREFECT_API_URL", server.api_url):
            yield server.api_url
    finally:
        server.stop()
