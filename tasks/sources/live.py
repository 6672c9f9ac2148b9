"""Live sources, one at a time: a failing source is reported, the others still land.

Three groups, one per ingest flow: grid intensity (Electricity Maps, Ember, EIA need a token and
are skipped without one; OWID and the GB Carbon Intensity API are keyless), GPU specifications
(Epoch's ML hardware table with the mlco2 and Green Algorithms tables) and model disclosures
(Epoch's model database, model cards on GitHub and the Hugging Face Hub). Each lands through its
own connector module and the one loading path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb

from tasks.core.settings import Settings
from tasks.load.land import LoadResult

# Defaults for a scheduled run: the zones and balancing authorities where models are trained
# most (US hyperscaler regions, the big European grids); override per deployment.
DEFAULT_ZONES = ("US-CAL-CISO", "US-NW-PACW", "US-MIDA-PJM", "US-TEX-ERCO", "DE", "FR", "GB", "SE")
DEFAULT_BALANCING_AUTHORITIES = ("CISO", "PJM", "ERCO", "MISO", "BPAT")
GRID_SOURCES = ("owid", "ember", "electricitymaps", "ukcarbon", "eia")
GPU_SOURCES = ("gpus",)
DISCLOSURE_SOURCES = ("epoch", "github", "hfhub")
NEEDS_TOKEN = frozenset({"ember", "electricitymaps", "eia"})


@dataclass(frozen=True)
class LiveOptions:
    zones: tuple[str, ...] = DEFAULT_ZONES
    balancing_authorities: tuple[str, ...] = DEFAULT_BALANCING_AUTHORITIES
    days: int = 7  # the window of hourly series, ending at the start of the current hour
    first_year: int = 2000
    hf_repos: tuple[str, ...] = ()  # named Hub repos, fetched besides the co2_eq_emissions list
    hf_max_cards: int = 200  # cards per run from the Hub listing (the Hub holds thousands)


@dataclass
class SourceOutcome:
    source: str
    status: str  # landed | skipped | failed
    loads: list[LoadResult] = field(default_factory=list)
    message: str = ""


def _window(days: int) -> tuple[datetime, datetime]:
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    return end - timedelta(days=days), end


def _runner(
    name: str, options: LiveOptions
) -> Callable[[duckdb.DuckDBPyConnection, Settings, str | None], list[LoadResult]]:
    start, end = _window(options.days)
    year = end.year

    def run(
        con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str | None
    ) -> list[LoadResult]:
        if name == "owid":
            from tasks.sources.grid.owid import land_owid

            return land_owid(con, settings, run_id=run_id)
        if name == "ember":
            from tasks.sources.grid.ember import land_ember

            yearly = land_ember(
                con,
                settings,
                granularity="yearly",
                start=str(options.first_year),
                end=str(year),
                run_id=run_id,
            )
            monthly = land_ember(
                con,
                settings,
                granularity="monthly",
                start=f"{year - 1}-01",
                end=end.strftime("%Y-%m"),
                run_id=run_id,
            )
            return [*yearly, *monthly]
        if name == "electricitymaps":
            from tasks.sources.grid.electricitymaps import land_electricitymaps

            return land_electricitymaps(
                con, settings, options.zones, kind="past-range", start=start, end=end, run_id=run_id
            )
        if name == "ukcarbon":
            from tasks.sources.grid.ukcarbon import land_ukcarbon

            return land_ukcarbon(con, settings, start, end, run_id=run_id)
        if name == "eia":
            from tasks.sources.grid.eia import land_eia

            return land_eia(
                con,
                settings,
                options.balancing_authorities,
                start=start.strftime("%Y-%m-%dT%H"),
                end=end.strftime("%Y-%m-%dT%H"),
                run_id=run_id,
            )
        if name == "gpus":
            from tasks.sources.models.epoch import land_gpu_specs_live

            return land_gpu_specs_live(con, settings, run_id).results
        if name == "epoch":
            from tasks.sources.models.epoch import land_epoch_models

            return [land_epoch_models(con, settings, run_id)]
        if name == "github":
            from tasks.sources.models.github import land_github_cards

            return [land_github_cards(con, settings, run_id=run_id).result]
        if name == "hfhub":
            from tasks.sources.models.hf_hub import land_hf_cards

            loaded = land_hf_cards(
                con,
                settings,
                repo_ids=options.hf_repos,
                max_cards=options.hf_max_cards,
                run_id=run_id,
            )
            return [loaded.result]
        known = (*GRID_SOURCES, *GPU_SOURCES, *DISCLOSURE_SOURCES)
        raise ValueError(f"unknown live source {name!r}; known: {', '.join(known)}")

    return run


def land_source(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    name: str,
    options: LiveOptions,
    run_id: str | None = None,
) -> SourceOutcome:
    """One live source; an error is caught and reported (the caller decides what fails)."""
    if name in NEEDS_TOKEN and settings.source(name).token is None:
        return SourceOutcome(name, "skipped", message=f"FOOTPRINTS_{name.upper()}_TOKEN is not set")
    try:
        loads = _runner(name, options)(con, settings, run_id)
    except Exception as err:  # any source failure is that source's; the others still run
        return SourceOutcome(name, "failed", message=f"{type(err).__name__}: {err}")
    return SourceOutcome(name, "landed", loads)
