"""The default runner of the cards fan-out: the chunks on a pool of worker processes.

Parsing a card is pure Python, so threads share one core through the GIL: on the flow's default
thread runner the chunks parsed at ~900 cards/s on two cores, where the same chunks on two Dask
worker processes parsed at ~1,900/s. When the flow runs on threads,
`tasks.sources.models.user_cards_fanout.parse_and_land_cards` hands the chunks to this pool
instead: one *spawned* process per core (not forked: a fork of the flow's process would carry
Prefect's server module, DuckDB and polars into every worker), each importing only the worker's
side of the fan-out (`tasks.sources.models.user_cards_parse`: the parsers and pyarrow; no Prefect,
no pandas), running `parse_cards` on one chunk at a time and writing its rows to Parquet exactly
as a Prefect task run of `parse_cards_chunk` does. Only the small `ChunkResult` (names of the
staged parts, quarantined files, warnings) travels back. The pool is shut down before the
landing, so its processes hold no memory while the flow's process lands.

This module imports nothing heavy at import time: it is what a spawned worker imports first.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tasks.sources.models.user_cards_parse import ChunkResult


def parse_chunk(paths: list[str], warehouse: str | None, prefix: str) -> ChunkResult:
    """In a worker process: one chunk, as the Prefect task `parse_cards_chunk` parses it."""
    # deferred: a spawned worker imports only the parser's side, when it first gets work
    from pathlib import Path

    from tasks.core.settings import get_settings
    from tasks.sources.models.user_cards_parse import parse_cards

    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    return parse_cards(paths, settings, prefix)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes for `parse_chunk`; they start with the first
    chunk submitted."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class _Done:
    """A finished chunk with the interface of a Prefect future (`result`, `wait`)."""

    def __init__(self, value: ChunkResult) -> None:
        self._value = value

    def result(self) -> ChunkResult:
        return self._value

    def wait(self) -> None:
        return None


class _Pending:
    """A chunk on the pool, with the interface of a Prefect future (`result`, `wait`)."""

    def __init__(self, future: Future[ChunkResult]) -> None:
        self._future = future

    def result(self) -> ChunkResult:
        return self._future.result()

    def wait(self) -> None:
        self._future.cancel()  # not started: never will; started: finishes, then is waited on
        if not self._future.cancelled():
            self._future.exception()


@contextmanager
def chunks_on_processes(
    chunks: Sequence[list[str]], warehouse: str | None, prefix: str, workers: int | None = None
) -> Iterator[list[Any]]:
    """Submit every chunk to a pool of `workers` spawned processes (default: one per usable
    core, at most one per chunk); yields one future per chunk, in order. A single chunk is
    parsed here, without a pool: spawning one costs more than it parses. On leaving, the pool
    is shut down (chunks not started are cancelled, started ones finish)."""
    workers = min(workers or usable_cores(), len(chunks))
    if workers <= 1:
        yield [_Done(parse_chunk(c, warehouse, prefix)) for c in chunks]
        return
    pool = worker_pool(workers)
    try:
        yield [_Pending(pool.submit(parse_chunk, c, warehouse, prefix)) for c in chunks]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
