"""The worker's side of the cards fan-out: parse one chunk of card files into staged Parquet.

What a worker runs (`parse_cards`) lives here, apart from the flow's side in
`tasks.sources.models.user_cards_fanout` (stage, land) and from Prefect's task
(`tasks.sources.models.user_cards_task`), so that a worker importing this module gets pyarrow (to
write the chunk's parts) and the card parsers, and no Prefect, database or DataFrame library:
nothing of duckdb, polars or `tasks.load`'s database side (tests/sources/test_fanout.py checks it
in a fresh interpreter).

Each file is read, hashed and archived content-addressed under raw/user_cards, then parsed into
facts (a file that cannot be used is quarantined with its name and the reason, and the others go
on); a chunk's fact rows and manifest rows go to two Parquet files under raw/_staging, which the
flow joins.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow.lib import StringBuilder

from tasks.cards import DisclosureFileError, Quarantined, parse_card, read_card_file
from tasks.cards.card_files import is_card_name
from tasks.cards.user_yaml import read_card_bytes
from tasks.core.facts import FACT_COLUMNS, Fact
from tasks.core.settings import Settings, get_settings
from tasks.load.archive import ArchivedFile, archive_bytes, now
from tasks.load.manifest import MANIFEST_COLUMNS, manifest_row

SOURCE = "user_cards"  # the manifest's source and the archive folder raw/user_cards
ROW_COLUMNS: tuple[str, ...] = (*FACT_COLUMNS, "_source_url", "_source_sha256")
# The Parquet schemas of a chunk's two parts, and of the staged files the flow joins them into.
FACT_SCHEMA = pa.schema([(c, pa.string()) for c in ROW_COLUMNS])
_MANIFEST_NUMBERS = {"http_status": pa.int32(), "bytes": pa.int64()}
MANIFEST_SCHEMA = pa.schema([(c, _MANIFEST_NUMBERS.get(c, pa.string())) for c in MANIFEST_COLUMNS])
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
    # (file, its URL, model) for each model a file gave facts for, in file order: a model in
    # two files of one run is resolved by the flow, across chunks (later file wins)
    models: list[tuple[str, str, str]] = field(default_factory=list)


def card_files(directory: Path) -> list[Path]:
    """The card files of a directory (not recursive), in name order, like iter_cards_dir:
    symbolic links and other non-regular files named like cards too, so that each is named
    when it is refused (`read_card_bytes`) rather than skipped unseen."""
    if not directory.is_dir():
        raise FileNotFoundError(f"cards: {directory} is not a directory")
    return sorted(p for p in directory.iterdir() if is_card_name(p))


def chunked(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def parse_cards(
    paths: Sequence[str], settings: Settings | None = None, prefix: str = "cards"
) -> ChunkResult:
    """Read, archive and parse card files (`tasks.cards.read_card_file` decides what
    a file gives: facts, or why it is quarantined); the others still parse. The rows are
    written to raw/_staging/<prefix>.*.parquet."""
    settings = settings or get_settings()
    folder = settings.raw_path / SOURCE
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
            # Checked before anything is archived: a link to /proc/self/environ is never read.
            data = read_card_bytes(path, MAX_CARD_BYTES)[:MAX_CARD_BYTES]
        except DisclosureFileError as err:
            out.quarantined.append((str(path), err.reason))
            continue
        digest = hashlib.sha256(data).hexdigest()
        url = path.as_uri()
        # Synced once per chunk (below), not once per file.
        raw_path = archive_bytes(folder, data, digest, fsync=False)
        archived = ArchivedFile(SOURCE, url, digest, raw_path, len(data), now(), None)
        manifest.append(tuple(manifest_row(archived).values()))  # MANIFEST_COLUMNS order
        digests.update(f"{path.name}:{digest}\n".encode())
        outcome = read_card_file(path, markdown, data=data)
        if isinstance(outcome, Quarantined):
            where = f"{outcome.field}: " if outcome.field else ""
            out.quarantined.append((str(outcome.path), f"{where}{outcome.reason}"))
            continue
        rows.extend((*_FACT_ROW(f), url, digest) for f in outcome or ())
        out.models += [(str(path), url, m) for m in dict.fromkeys(f.model for f in outcome or ())]
    if manifest:
        os.sync()  # one flush for the chunk's archived files, not one fsync per file
    staging = settings.raw_path / "_staging"
    out.facts = len(rows)
    out.files_sha256 = digests.hexdigest()
    out.facts_file = _write_part(staging, prefix, FACT_SCHEMA, rows)
    out.manifest_file = _write_part(staging, prefix, MANIFEST_SCHEMA, manifest)
    return out


def _write_part(
    staging: Path, prefix: str, schema: pa.Schema, rows: Sequence[Sequence[Any]]
) -> str | None:
    """Rows (in the order of `schema`) as one Parquet file in `staging`; None for no rows.
    LZ4, not zstd: a part lives until the flow copies it into the staged file (which is zstd),
    and LZ4 writes it in two thirds of the time and reads it in a third."""
    if not rows:
        return None
    staging.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=staging, prefix=f"{prefix}.", suffix=".parquet")
    os.close(fd)
    columns = list(zip(*rows, strict=True))
    arrays = [_arrow_column(c, f.type) for c, f in zip(columns, schema, strict=True)]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), tmp, compression="lz4")
    return tmp


def _arrow_column(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """A column of text (None is null), or of integers through their text, built without
    `pa.array`: that imports pandas, when installed, to ask whether a list is a pandas object,
    and a parsing worker has none (pandas is ~0.4 s and ~50 MB a worker)."""
    builder = StringBuilder()
    if pa.types.is_string(type_):
        builder.append_values(list(values))
        return builder.finish()
    builder.append_values([None if v is None else str(v) for v in values])
    return builder.finish().cast(type_)
