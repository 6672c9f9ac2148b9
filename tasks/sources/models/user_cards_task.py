"""The cards fan-out's Prefect task: one chunk of card files parsed on a task runner (Dask).

Apart from `tasks.sources.models.user_cards_parse` so that the parser's side imports no Prefect:
the default runner's worker processes (`tasks.sources.models.user_cards_pool`) run
`parse_cards` without it (Prefect is 1-2 s of import and ~50 MB per worker); a Dask worker
unpickling `parse_cards_chunk` imports this module, hence Prefect, and the parser's side, still
no database or DataFrame library (tests/sources/test_fanout.py checks both in a fresh
interpreter).
"""

from __future__ import annotations

from pathlib import Path

from prefect import task

from tasks.core.settings import get_settings
from tasks.sources.models.user_cards_parse import ChunkResult, parse_cards


@task(name="parse_cards_chunk", persist_result=False)
def parse_cards_chunk(
    paths: list[str], warehouse: str | None = None, prefix: str = "cards"
) -> ChunkResult:
    """Parse one chunk of card files into staged fact rows (no database access)."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    return parse_cards(paths, settings, prefix)
