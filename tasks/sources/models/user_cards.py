"""Users' own disclosures: a directory of Markdown model cards and YAML disclosure files.

`footprints run --cards DIR` lands every file of DIR as one batch (scope `user:<DIR>`): each file
is archived content-addressed and its facts carry that file's hash; a file that cannot be used is
quarantined with its name and the reason, and the other files still land.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tasks.core.settings import Settings
from tasks.load.land import LoadResult
from tasks.load.warehouse import read_sql
from tasks.sources.models.user_cards_fanout import land_staged_cards, stage_card_chunks
from tasks.sources.models.user_cards_parse import card_files, chunked, parse_cards

TABLE = "raw_model_disclosures"


@dataclass
class CardsLoad:
    """What landing a cards directory did, for the run summary."""

    result: LoadResult
    files: int
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, warning)


def land_user_cards(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    *,
    settings: Settings,
    run_id: str | None = None,
    chunk_size: int = 1_000,
) -> CardsLoad:
    """Parse, validate and land every card in `directory` as one atomic batch, in this thread:
    the same chunks, staging and landing as
    `tasks.sources.models.user_cards_fanout.parse_and_land_cards` (which runs the
    chunks on a flow's task runner), without Prefect."""
    directory = directory.resolve()
    files = [str(p) for p in card_files(directory)]
    prefix = f"cards-{uuid.uuid4().hex}"
    chunks = (parse_cards(paths, settings, prefix) for paths in chunked(files, chunk_size))
    staged = stage_card_chunks(
        directory, chunks, settings=settings, files=len(files), prefix=prefix
    )
    try:
        result, quarantined = land_staged_cards(con, staged, settings=settings, run_id=run_id)
    finally:
        staged.remove()
    return CardsLoad(result, staged.files, quarantined, staged.warnings)


def cards_shown_apart(
    con: duckdb.DuckDBPyConnection, directory: Path
) -> list[tuple[str, str, str]]:
    """(card file, model as written, model as shown) for each card of `directory` naming a model
    its developer discloses: a user's figures never override the developer's, they are shown
    apart as '<model> (user card)' (stg_disclosures__facts)."""
    scope = f"user:{directory.resolve()}"
    rows = con.execute(read_sql("reports/select_user_cards_apart.sql"), [scope]).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]
