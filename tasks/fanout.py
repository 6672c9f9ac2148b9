"""Fan-out: parse many model cards in chunks on Prefect's task runner, then land them once.

The work that scales with the number of cards (reading, hashing, archiving and parsing files)
runs as `parse_cards_chunk` task runs, `.map`ped over chunks of paths, on whatever task runner
the flow has: threads by default, a Dask cluster with `task_runner_for("dask", address)`
(prefect-dask). A chunk touches no database: it returns its facts as rows. The flow's own
process then writes them, in chunk order, to one Parquet file and lands that through the bulk
path (`tasks.bulk.land_parquet`): one writer, one transaction, whatever ran the parsing.

Workers need the card files and the raw area on a filesystem they share with the flow (a local
cluster has that by construction; a remote one needs a shared mount or object storage).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task, unmapped
from prefect.task_runners import ThreadPoolTaskRunner

from footprints.settings import Settings, get_settings
from tasks.card_parsing import parse_card
from tasks.disclosure_yaml import (
    DisclosureFileError,
    _read_text,
    load_disclosure_file,
)
from tasks.facts import FACT_COLUMNS, facts_to_rows
from tasks.validate import QUARANTINE_SCHEMA
from tasks.warehouse import MANIFEST_FILE, LoadResult, append_line, to_json_row

TABLE = "raw_model_disclosures"
ROW_COLUMNS: tuple[str, ...] = (*FACT_COLUMNS, "_source_url", "_source_sha256")
CARD_SUFFIXES = frozenset({".md", ".yaml", ".yml"})
MAX_CARD_BYTES = 16 * 1024 * 1024  # as tasks.model_cards archives: more is not a model card
# Cards per task run: large enough that Prefect's ~20 ms per task run is noise next to the
# ~1 s of parsing, small enough that a chunk's rows (~10 facts a card) are a few MB.
CHUNK_SIZE = 1_000


@dataclass
class ChunkResult:
    """A chunk's facts as rows (ROW_COLUMNS order), its unusable files and its manifest rows."""

    rows: list[tuple[str, ...]] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    manifest: list[dict[str, object]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, warning)


def card_files(directory: Path) -> list[Path]:
    """The card files of a directory (not recursive), in name order, like iter_cards_dir."""
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in CARD_SUFFIXES
    )


def _archive(settings: Settings, data: bytes, digest: str) -> Path:
    """Content-addressed copy under raw/user_cards (temp file + rename; synced per chunk)."""
    target = settings.raw_path / "user_cards" / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{digest}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return target


def parse_cards(paths: Sequence[str], settings: Settings | None = None) -> ChunkResult:
    """Read, archive and parse card files; a file that cannot be used is quarantined, the
    others still parse (as `tasks.model_cards.land_user_cards` does, file by file)."""
    settings = settings or get_settings()
    out = ChunkResult()
    for name in paths:
        path = Path(name)
        url = path.resolve().as_uri()
        try:
            data = path.read_bytes()[:MAX_CARD_BYTES]
        except OSError as err:
            out.quarantined.append((str(path), f"cannot read: {err.strerror or err}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        raw_path = _archive(settings, data, digest)
        out.manifest.append(
            {
                "sha256": digest,
                "source": "user_cards",
                "url": url,
                "etag": None,
                "last_modified": None,
                "http_status": None,
                "content_type": None,
                "bytes": len(data),
                "fetched_at": _now_iso(),
                "raw_path": str(raw_path),
            }
        )
        try:
            if path.suffix.lower() == ".md":
                parsed = parse_card(_read_text(path, MAX_CARD_BYTES), url, source_kind="user")
                facts = parsed.facts
                out.warnings += [(url, w) for w in parsed.warnings]
            else:
                facts = load_disclosure_file(path)
        except DisclosureFileError as err:
            where = f"{err.field}: " if err.field else ""
            out.quarantined.append((str(path), f"{where}{err.reason}"))
            continue
        except Exception as err:  # someone else's card: it is quarantined, the rest go on
            out.quarantined.append((str(path), f"{type(err).__name__}: {err}"[:300]))
            continue
        for row in facts_to_rows(facts):
            out.rows.append((*(row[c] for c in FACT_COLUMNS), url, digest))
    if out.manifest:
        os.sync()  # one flush for the chunk's archived files, not one fsync per file
        append_line(
            settings.raw_path / MANIFEST_FILE,
            "\n".join(to_json_row(m) for m in out.manifest),
        )
    return out


def _now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None).isoformat()


@task(name="parse_cards_chunk")
def parse_cards_chunk(paths: list[str], warehouse: str | None = None) -> ChunkResult:
    """Parse one chunk of card files into fact rows (no database access)."""
    return parse_cards(paths, get_settings(warehouse=Path(warehouse) if warehouse else None))


def chunked(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


_ROW_SCHEMA = pa.schema([(c, pa.string()) for c in ROW_COLUMNS])


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


def parse_and_land_cards(
    directory: str,
    warehouse: str | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    run_id: str | None = None,
) -> FanoutLoad:
    """Inside a flow: map `parse_cards_chunk` over the directory's cards on the flow's task
    runner, write the rows in chunk order to one Parquet file, and land it once (scope
    `user:<directory>`, as `land_user_cards`)."""
    from tasks.bulk import land_parquet
    from tasks.warehouse import open_warehouse

    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    folder = Path(directory).resolve()
    files = [str(p) for p in card_files(folder)]
    chunks = chunked(files, chunk_size)
    started = time.perf_counter()
    futures = parse_cards_chunk.map(chunks, warehouse=unmapped(str(settings.warehouse)))
    quarantined: list[tuple[str, str]] = []
    manifest: list[dict[str, object]] = []
    facts = 0
    warnings: list[tuple[str, str]] = []
    staging = settings.raw_path / "_staging"
    staging.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=staging, prefix="cards.", suffix=".parquet")
    os.close(fd)
    parquet = Path(tmp)
    try:
        with pq.ParquetWriter(parquet, _ROW_SCHEMA, compression="zstd") as writer:
            for i in range(len(futures)):
                chunk = futures[i].result()
                futures[i] = None  # type: ignore[call-overload]  # let the chunk's rows go
                if chunk.rows:
                    columns = list(zip(*chunk.rows, strict=True))
                    writer.write_table(
                        pa.Table.from_arrays(
                            [pa.array(c, pa.string()) for c in columns], schema=_ROW_SCHEMA
                        )
                    )
                facts += len(chunk.rows)
                quarantined += chunk.quarantined
                manifest += chunk.manifest
                warnings += chunk.warnings
        parsed = time.perf_counter()
        file_quarantine = pl.DataFrame(
            [
                {
                    "row_number": 0,  # the whole file, not a row of it
                    "row_key": f"file={file}",
                    "reason": reason,
                    "row_json": to_json_row({"file": file}),
                }
                for file, reason in quarantined
            ],
            schema=QUARANTINE_SCHEMA,
        )
        with open_warehouse(settings=settings) as con:
            record_manifest_rows(con, manifest)
            result = land_parquet(
                con,
                parquet,
                TABLE,
                source="user_cards",
                url=folder.as_uri(),
                batch_scope=f"user:{folder}",
                settings=settings,
                run_id=run_id,
                extra_quarantine=file_quarantine,
            )
    finally:
        parquet.unlink(missing_ok=True)
    return FanoutLoad(
        result,
        len(files),
        len(chunks),
        facts,
        quarantined,
        warnings,
        parsed - started,
        time.perf_counter() - parsed,
    )


_MANIFEST_SCHEMA = {
    "sha256": pl.String,
    "source": pl.String,
    "url": pl.String,
    "etag": pl.String,
    "last_modified": pl.String,
    "http_status": pl.Int32,
    "content_type": pl.String,
    "bytes": pl.Int64,
    "fetched_at": pl.String,
    "raw_path": pl.String,
}


def record_manifest_rows(con: Any, rows: list[dict[str, object]]) -> None:
    """meta_raw_manifest rows of many payloads in one statement (the first record of a
    source x URL x sha256 wins, as in warehouse.insert_manifest_row)."""
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=_MANIFEST_SCHEMA).with_columns(
        pl.col("fetched_at").str.to_datetime(time_unit="us")
    )
    con.register("manifest_batch", frame.to_arrow())
    try:
        con.execute(
            "insert into meta_raw_manifest by name "
            "select distinct on (source, url, sha256) * from manifest_batch "
            "on conflict do nothing"
        )
    finally:
        con.unregister("manifest_batch")


def task_runner_for(name: str = "thread", address: str | None = None, workers: int = 2) -> Any:
    """Prefect's task runner by name: `thread` (ThreadPoolTaskRunner, the default) or `dask`
    (prefect-dask's DaskTaskRunner on the cluster at `address`, else a local cluster of
    `workers` single-threaded worker processes: parsing is pure Python, so processes, not
    threads, are what use more than one core)."""
    if name == "thread":
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
