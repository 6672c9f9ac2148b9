"""The part of an in-memory load that needs no warehouse: a payload's bytes parsed and validated
(`prepare_payload`). `tasks.load.land` lands the result; a caller may compute it ahead, on another
thread, while the previous load commits (`tasks.load.ingest` does, for the snapshot's files)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from tasks.load.archive import now
from tasks.load.validate import ValidationOutcome, validate_batch

Parser = Callable[[bytes], pl.DataFrame]


class SourceError(RuntimeError):
    """A payload could not be read; the message names the source and file or URL."""


@dataclass(frozen=True)
class Prepared:
    """A payload parsed and validated, not yet landed: the part of an in-memory load that needs
    no warehouse (`prepare_payload`), which a caller may compute ahead, on another thread."""

    sha256: str  # of the bytes it was computed from: used only for a payload with this hash
    started: datetime
    outcome: ValidationOutcome


def prepare_payload(
    source: str,
    url: str,
    data: bytes,
    sha256: str,
    table: str,
    parser: Parser,
    *,
    threshold: float,
) -> Prepared:
    """Parse and validate (polars and Great Expectations, the whole batch) a payload's bytes,
    whose SHA-256 (`sha256`) the caller has computed already."""
    started = now()
    try:
        frame = parser(data)
    except (pl.exceptions.PolarsError, ValueError, UnicodeDecodeError) as err:
        raise SourceError(f"{source}: cannot parse {url}: {err}") from err
    outcome = validate_batch(table, _with_meta(frame, url, sha256), threshold=threshold)
    return Prepared(sha256, started, outcome)


def _with_meta(frame: pl.DataFrame, url: str, sha256: str) -> pl.DataFrame:
    """The parsed rows with `_source_url` and `_source_sha256` (the payload's, unless the parser
    gave each row its own)."""
    return frame.with_columns(
        pl.lit(url).alias("_source_url")
        if "_source_url" not in frame.columns
        else pl.col("_source_url"),
        pl.lit(sha256).alias("_source_sha256")
        if "_source_sha256" not in frame.columns
        else pl.col("_source_sha256"),
    )
