"""Live sources, one at a time: a failing source is reported, the others still land.

Each flow runs its kind's live runs from the registry (tasks/sources/registry.py): grid
intensity, GPU specifications, model disclosures. A source whose API needs a token is skipped
without one. Each lands through its own connector module and the one loading path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from tasks.core.settings import Settings
from tasks.load.land import LoadResult
from tasks.sources import registry
from tasks.sources.declare import LiveOptions

__all__ = ["LiveOptions", "SourceOutcome", "land_source"]


@dataclass
class SourceOutcome:
    source: str
    status: str  # landed | skipped | failed
    loads: list[LoadResult] = field(default_factory=list)
    message: str = ""


def land_source(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    name: str,
    options: LiveOptions,
    run_id: str | None = None,
) -> SourceOutcome:
    """One live source; an error is caught and reported (the caller decides what fails)."""
    try:
        source, run = registry.live_run(name)
        if source.needs_token and source.settings(settings).token is None:
            message = f"FOOTPRINTS_{name.upper()}_TOKEN is not set"
            return SourceOutcome(name, "skipped", message=message)
        loads = run.land(con, settings, options, run_id)
    except Exception as err:  # any source failure is that source's; the others still run
        return SourceOutcome(name, "failed", message=f"{type(err).__name__}: {err}")
    return SourceOutcome(name, "landed", loads)
