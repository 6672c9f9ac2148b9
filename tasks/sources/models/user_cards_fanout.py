"""Fan-out: parse many model cards in chunks on Prefect's task runner, then land them once.

The one path for a directory of users' cards, whatever runs the parsing:

* **Parse** (`parse_cards`, per chunk of paths): read, hash and archive each file
  content-addressed, parse it into facts (a file that cannot be used is quarantined with its name
  and the reason, and the others go on). No database, no DataFrame library: a Dask worker running
  `parse_cards_chunk` imports Prefect and the parsers only.
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
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import task, unmapped

from tasks.cards import Quarantined, parse_card, read_card_file
from tasks.core.facts import FACT_COLUMNS, Fact
from tasks.core.settings import Settings, get_settings
from tasks.load.archive import ArchivedFile, append_line, archive_bytes, now, to_json_row
from tasks.load.manifest import MANIFEST_COLUMNS, MANIFEST_FILE, manifest_row

if TYPE_CHECKING:  # the flow's side only: a parsing worker never imports them
    import duckdb

    from tasks.load.land import LoadResult

TABLE = "raw_model_disclosures"
ROW_COLUMNS: tuple[str, ...] = (*FACT_COLUMNS, "_source_url", "_source_sha256")
CARD_SUFFIXES = frozenset({".md", ".yaml", ".yml"})
MAX_CARD_BYTES = 16 * 1024 * 1024  # archived at most; more is not a model card
# Cards per task run: large enough that Prefect's ~20 ms per task run is noise next to the
# ~0.5 s of parsing, small enough that a chunk's rows (~10 facts a card) are a few MB.
CHUNK_SIZE = 1_000
_FACT_ROW = attrgetter(*FACT_COLUMNS)  # a Fact as a tuple of its columns (all text)


@dataclass
class ChunkResult:
    """What a chunk gave: its fact rows (ROW_COLUMNS order) and manifest rows in two Parquet
    files under raw/_staging (None when it has none), its unusable files and its warnings. The
    rows travel as files, not as the task's result: a result is small whatever a chunk holds."""

    facts_file: str | None = None
    manifest_file: str | None = None
    facts: int = 0
    files_sha256: str = ""  # of the chunk's archived files, name:sha256 a line
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file URL, warning)


def card_files(directory: Path) -> list[Path]:
    """The card files of a directory (not recursive), in name order, like iter_cards_dir."""
    if not directory.is_dir():
        raise FileNotFoundError(f"cards: {directory} is not a directory")
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in CARD_SUFFIXES
    )


def parse_cards(
    paths: Sequence[str], settings: Settings | None = None, prefix: str = "cards"
) -> ChunkResult:
    """Read, archive and parse card files (`tasks.cards.user_yaml.read_card_file` decides what
    a file gives: facts, or why it is quarantined); the others still parse. The rows are
    written to raw/_staging/<prefix>.*.parquet."""
    settings = settings or get_settings()
    folder = settings.raw_path / "user_cards"
    out = ChunkResult()
    rows: list[tuple[str, ...]] = []
    manifest: list[tuple[Any, ...]] = []
    digests = hashlib.sha256()

    def markdown(text: str, source_url: str) -> list[Fact]:
        parsed = parse_card(text, source_url, source_kind="user")
        out.warnings.extend((source_url, w) for w in parsed.warnings)
        return parsed.facts

    for name in paths:
        path = Path(name).absolute()
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_CARD_BYTES)
        except OSError as err:
            out.quarantined.append((str(path), f"cannot read: {err.strerror or err}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        url = path.as_uri()
        # Synced once per chunk (below), not once per file.
        raw_path = archive_bytes(folder, data, digest, fsync=False)
        archived = ArchivedFile("user_cards", url, digest, raw_path, len(data), now(), None)
        manifest.append(tuple(manifest_row(archived).values()))
        digests.update(f"{path.name}:{digest}\n".encode())
        outcome = read_card_file(path, markdown)
        if isinstance(outcome, Quarantined):
            where = f"{outcome.field}: " if outcome.field else ""
            out.quarantined.append((str(outcome.path), f"{where}{outcome.reason}"))
            continue
        rows.extend((*_FACT_ROW(f), url, digest) for f in outcome or ())
    if manifest:
        os.sync()  # one flush for the chunk's archived files, not one fsync per file
    staging = settings.raw_path / "_staging"
    out.facts = len(rows)
    out.files_sha256 = digests.hexdigest()
    out.facts_file = _write_part(staging, prefix, _FACT_TYPES, rows)
    out.manifest_file = _write_part(staging, prefix, _MANIFEST_TYPES, manifest)
    return out


_FACT_TYPES = dict.fromkeys(ROW_COLUMNS, "string")
_MANIFEST_TYPES = {
    **dict.fromkeys(MANIFEST_COLUMNS, "string"),
    "http_status": "int32",
    "bytes": "int64",
}


def _write_part(
    staging: Path, prefix: str, types: dict[str, str], rows: Sequence[Sequence[Any]]
) -> str | None:
    """Rows (in the order of `types`) as one Parquet file in `staging`; None for no rows."""
    if not rows:
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    staging.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=staging, prefix=f"{prefix}.", suffix=".parquet")
    os.close(fd)
    columns = list(zip(*rows, strict=True))
    arrays = [pa.array(c, t) for c, t in zip(columns, types.values(), strict=True)]
    pq.write_table(pa.Table.from_arrays(arrays, names=list(types)), tmp, compression="zstd")
    return tmp


@task(name="parse_cards_chunk", persist_result=False)
def parse_cards_chunk(
    paths: list[str], warehouse: str | None = None, prefix: str = "cards"
) -> ChunkResult:
    """Parse one chunk of card files into staged fact rows (no database access)."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    return parse_cards(paths, settings, prefix)


def chunked(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


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
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.core.progress import track

    staging = settings.raw_path / "_staging"
    staging.mkdir(parents=True, exist_ok=True)
    staged = StagedCards(
        folder, staging / f"{prefix}.facts.parquet", staging / f"{prefix}.manifest.parquet"
    )
    staged.files = files
    schemas = [
        pa.schema([(c, pa.type_for_alias(t)) for c, t in types.items()])
        for types in (_FACT_TYPES, _MANIFEST_TYPES)
    ]
    batch = hashlib.sha256()
    started = time.perf_counter()
    try:
        with (
            pq.ParquetWriter(staged.facts_file, schemas[0], compression="zstd") as facts,
            pq.ParquetWriter(staged.manifest_file, schemas[1], compression="zstd") as manifest,
        ):
            for chunk in track(chunks, f"cards: parsing {folder.name}"):
                if chunk.facts_file:
                    facts.write_table(pq.read_table(chunk.facts_file, schema=schemas[0]))
                    Path(chunk.facts_file).unlink()
                if chunk.manifest_file:
                    rows = pq.read_table(chunk.manifest_file, schema=schemas[1])
                    manifest.write_table(rows)
                    Path(chunk.manifest_file).unlink()
                    append_line(
                        settings.raw_path / MANIFEST_FILE,
                        "\n".join(to_json_row(m) for m in rows.to_pylist()),
                    )
                batch.update(f"{chunk.files_sha256}\n".encode())
                staged.chunks += 1
                staged.facts += chunk.facts
                staged.quarantined += chunk.quarantined
                staged.warnings += chunk.warnings
            staged.batch_sha = batch.hexdigest()
            # The file's hash is what `land_file` compares to skip an unchanged batch: with
            # every card's hash in it, a changed or added bad file is a change too.
            facts.add_key_value_metadata({"footprints.cards_sha256": staged.batch_sha})
    except BaseException:
        staged.remove()
        raise
    staged.parse_s = time.perf_counter() - started
    return staged


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
    from tasks.load.fact_batch import land_fact_rows, whole_item_quarantine
    from tasks.load.journal import last_loaded_sha
    from tasks.load.land import land_file

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
        source="user_cards",
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
    from tasks.load.land import LoadResult

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
    from tasks.load.warehouse import open_warehouse

    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    folder = Path(directory).resolve()
    files = [str(p) for p in card_files(folder)]
    prefix = f"cards-{uuid.uuid4().hex}"
    futures = parse_cards_chunk.map(
        chunked(files, chunk_size),
        warehouse=unmapped(str(settings.warehouse)),
        prefix=unmapped(prefix),
    )
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


def task_runner_for(name: str = "thread", address: str | None = None, workers: int = 2) -> Any:
    """Prefect's task runner by name: `thread` (ThreadPoolTaskRunner, the default) or `dask`
    (prefect-dask's DaskTaskRunner on the cluster at `address`, else a local cluster of
    `workers` single-threaded worker processes: parsing is pure Python, so processes, not
    threads, are what use more than one core)."""
    if name == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "dask":
        try:
            from prefect_dask import DaskTaskRunner
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
    """A Prefect API that Dask worker processes can reach. With PREFECT_API_URL set (a server,
    Prefect Cloud) that is it; without, each process would start its own temporary server, so
    one is started here and exported to the workers through the environment."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield server.api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()
