"""The declaration types of a source: what it is, where it lives, what it lands and when.

Each module under tasks/sources/<kind>/ ends with one `Source(...)`; tasks/sources/registry.py
collects them. Live runs, settings (base URL, token), licences, citations and schedules are all
read from these declarations, so a new source is one module and one registry line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import duckdb

from tasks.core.settings import Settings, SourceSettings, TokenPlacement, declare_source
from tasks.load.land import LoadResult
from tasks.load.warehouse import RAW_TABLE_KEYS

Kind = Literal["grid", "hardware", "models"]
# Every raw table lands the same way: rows merged by natural key inside one batch scope, rows
# of that scope missing from the new batch deleted (tasks/load/land.land_batch).
Landing = Literal["merge"]

# Defaults for a scheduled run: the zones and balancing authorities where models are trained
# most (US hyperscaler regions, the big European grids); override per deployment.
DEFAULT_ZONES = ("US-CAL-CISO", "US-NW-PACW", "US-MIDA-PJM", "US-TEX-ERCO", "DE", "FR", "GB", "SE")
DEFAULT_BALANCING_AUTHORITIES = ("CISO", "PJM", "ERCO", "MISO", "BPAT")


@dataclass(frozen=True)
class LiveOptions:
    zones: tuple[str, ...] = DEFAULT_ZONES
    balancing_authorities: tuple[str, ...] = DEFAULT_BALANCING_AUTHORITIES
    days: int = 7  # the window of hourly series, ending at the start of the current hour
    first_year: int = 2000
    hf_repos: tuple[str, ...] = ()  # named Hub repos, fetched besides the co2_eq_emissions list
    hf_max_cards: int = 200  # cards per run from the Hub listing (the Hub holds thousands)

    def window(self) -> tuple[datetime, datetime]:
        """The hourly window: `days` days ending at the start of the current hour (UTC)."""
        end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
        return end - timedelta(days=self.days), end


# A live run's entry point: fetch, parse and land, returning what each batch became.
Land = Callable[[duckdb.DuckDBPyConnection, Settings, LiveOptions, str | None], list[LoadResult]]


@dataclass(frozen=True)
class Resource:
    """One thing a source lands: a file or endpoint, its parser, and the raw table it feeds."""

    name: str
    raw_table: str
    fetch: Callable[..., Any] | None = None
    parse: Callable[..., Any] | None = None
    landing: Landing = "merge"

    @property
    def natural_key(self) -> tuple[str, ...]:
        """The raw table's natural key (the one list of them is the warehouse's)."""
        return RAW_TABLE_KEYS[self.raw_table]


@dataclass(frozen=True)
class LiveRun:
    """A live run of a flow: its name (a flow's `sources` entry), the flow that runs it (by
    kind), its cron (UTC, the flow's deployment in prefect.yaml) and its entry point."""

    name: str
    kind: Kind
    schedule: str
    land: Land


@dataclass(frozen=True)
class Licence:
    """The licence of what we take from a source, as the data package lists it."""

    name: str  # its identifier in the data package: CC-BY-4.0, ODbL-1.0, MIT ...
    covers: str  # what of ours it covers, in the licence's title
    path: str | None = None  # where its terms are, when the source states them itself


@dataclass(frozen=True)
class Citation:
    """A source as the data package cites it."""

    title: str
    path: str


@dataclass(frozen=True)
class Source:
    """A source: where it lives (default base URL, overridden by FOOTPRINTS_<NAME>_BASE_URL), how
    its API takes a token, what it lands and when."""

    name: str
    kind: Kind
    base_url: str | None = None  # None: not fetched live (a snapshot file or a user's file)
    resources: tuple[Resource, ...] = ()
    live: tuple[LiveRun, ...] = ()
    token: TokenPlacement | None = None
    needs_token: bool = False  # skipped, not failed, without one
    licences: tuple[Licence, ...] = ()
    citation: Citation | None = None

    def __post_init__(self) -> None:
        # Settings.source(name) finds the defaults from here on (a source's own module always
        # imports them, since its declaration is in it).
        declare_source(self.name, self.base_url, self.token)

    def settings(self, settings: Settings) -> SourceSettings:
        """This source's base URL and token, from the environment or its declared default."""
        return settings.source(self.name)
