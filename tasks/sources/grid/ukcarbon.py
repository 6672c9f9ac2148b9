"""GB Carbon Intensity API (NESO / National Grid): half-hourly intensity, national and regional.

`/intensity/{from}/{to}` gives GB's forecast and, once known, actual intensity per half hour;
`/regional/intensity/{from}/{to}` gives a forecast for each of the API's regions. The API caps
the range of one request (14 days), so a longer range is fetched window by window under the
pagination guard and the windows are landed as one batch.

Zone keys: national -> `GB`. Regions -> `GB-CI-<regionid>` (`GB-CI-1` North Scotland ...
`GB-CI-14` South East England, `GB-CI-15` England, `GB-CI-16` Scotland, `GB-CI-17` Wales,
`GB-CI-18` GB as the regional model sees it). The `CI` infix keeps them apart from Electricity
Maps' own `GB-*` zones (`GB-NIR`, `GB-ORK`), which are different areas.

Value: `actual` when the API has it, else `forecast`; `source` says which
(`ukcarbon_actual` / `ukcarbon_forecast`, regional values are always forecasts). The API counts
CO2 from generation only (no upstream/lifecycle share), so basis is `direct`. Rows land in
raw_grid_intensity_hourly with period_minutes 30, scope `ukcarbon:<national|regional>:<from>/<to>`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import duckdb
import polars as pl
import requests

from tasks.core.http import clean_url_of, make_session, paginate, time_windows
from tasks.core.settings import Settings, SourceSettings
from tasks.load.fetched import FetchResult, archive_pages, fetch, land_fetched
from tasks.load.land import LoadResult
from tasks.sources.declare import LiveOptions, LiveRun, Resource, Source
from tasks.sources.grid.frames import HOURLY_SCHEMA

SOURCE = "ukcarbon"
TABLE = "raw_grid_intensity_hourly"
# The API refuses from/to ranges longer than this.
MAX_SPAN = timedelta(days=14)
Level = Literal["national", "regional"]
PATHS: dict[str, str] = {"national": "/intensity", "regional": "/regional/intensity"}


def _stamp(ts: datetime) -> str:
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%dT%H:%MZ")


def _utc_naive(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def range_path(level: Level, start: datetime, end: datetime) -> str:
    return f"{PATHS[level]}/{_stamp(start)}/{_stamp(end)}"


def fetch_intensity(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    level: Level,
    start: datetime,
    end: datetime,
    *,
    max_span: timedelta = MAX_SPAN,
) -> list[FetchResult]:
    """Every window of [start, end) at most `max_span` long, under the pagination guard."""
    if end <= start:
        raise ValueError(f"ukcarbon: end {end} is not after start {start}")

    def page(window_start: datetime) -> FetchResult:
        window_end = min(window_start + max_span, end)
        return fetch(session, source, settings, range_path(level, window_start, window_end))

    return list(
        paginate(
            start,
            time_windows(start, end, max_span),
            fetch_page=page,
            max_pages=settings.http_max_pages,
            source=source.name,
        )
    )


def _periods(data: bytes) -> list[dict[str, Any]]:
    doc = json.loads(data)
    periods = doc.get("data") if isinstance(doc, dict) else None
    if isinstance(periods, dict):  # a single-region answer wraps its periods one level down
        periods = periods.get("data")
    if not isinstance(periods, list):
        raise ValueError("not a Carbon Intensity API response (no `data` list)")
    if not all(isinstance(p, dict) and p.get("from") and p.get("to") for p in periods):
        raise ValueError("a Carbon Intensity period lacks its from/to")
    return periods


def _minutes(period: dict[str, Any]) -> int:
    start, end = _utc_naive(period["from"]), _utc_naive(period["to"])
    return int((end - start).total_seconds() // 60)


def parse_national(data: bytes, source_url: str) -> pl.DataFrame:
    rows = []
    for period in _periods(data):
        intensity = period.get("intensity") or {}
        actual = intensity.get("actual")
        value, kind = (
            (actual, "actual") if actual is not None else (intensity.get("forecast"), "forecast")
        )
        rows.append(
            {
                "zone_key": "GB",
                "ts_utc": _utc_naive(period["from"]),
                "period_minutes": _minutes(period),
                "carbon_intensity_g_per_kwh": value,
                "basis": "direct",
                "source": f"{SOURCE}_{kind}",
                "source_url": source_url,
            }
        )
    return pl.DataFrame(rows, schema=HOURLY_SCHEMA)


def parse_regional(data: bytes, source_url: str) -> pl.DataFrame:
    rows = []
    for period in _periods(data):
        for region in period.get("regions") or []:
            intensity = region.get("intensity") or {}
            actual = intensity.get("actual")
            value, kind = (
                (actual, "actual")
                if actual is not None
                else (intensity.get("forecast"), "forecast")
            )
            rows.append(
                {
                    "zone_key": f"GB-CI-{int(region['regionid'])}",
                    "ts_utc": _utc_naive(period["from"]),
                    "period_minutes": _minutes(period),
                    "carbon_intensity_g_per_kwh": value,
                    "basis": "direct",
                    "source": f"{SOURCE}_{kind}",
                    "source_url": source_url,
                }
            )
    return pl.DataFrame(rows, schema=HOURLY_SCHEMA)


PARSERS = {"national": parse_national, "regional": parse_regional}


def _join_pages(pages: list[FetchResult]) -> bytes:
    """The windows' periods in one `{"data": [...]}`. Windows share their boundary half hour
    (the API also returns the period ending at `from`), so a period seen twice is kept once."""
    by_start: dict[str, Any] = {}
    for page in pages:
        for period in _periods(page.payload.data if page.payload else b'{"data": []}'):
            by_start[str(period.get("from"))] = period
    return json.dumps({"data": [by_start[k] for k in sorted(by_start)]}, sort_keys=True).encode()


def land_ukcarbon(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    start: datetime,
    end: datetime,
    *,
    levels: tuple[Level, ...] = ("national", "regional"),
    max_span: timedelta = MAX_SPAN,
    run_id: str | None = None,
) -> list[LoadResult]:
    source = settings.source(SOURCE)
    results = []
    with make_session(source, settings) as session:
        for level in levels:
            pages = fetch_intensity(session, source, settings, level, start, end, max_span=max_span)
            url = clean_url_of(source, range_path(level, start, end))
            payload = archive_pages(
                con,
                pages,
                source=source.name,
                url=url,
                body=_join_pages(pages),
                settings=settings,
            )
            parser = partial(PARSERS[level], source_url=url)
            results.append(
                land_fetched(
                    con,
                    FetchResult("fetched", payload, url),
                    TABLE,
                    parser,
                    batch_scope=f"{SOURCE}:{level}:{_stamp(start)}/{_stamp(end)}",
                    settings=settings,
                    run_id=run_id,
                )
            )
    return results


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: national and regional intensity over the hourly window."""
    start, end = options.window()
    return land_ukcarbon(con, settings, start, end, run_id=run_id)


DECLARATION = Source(
    "ukcarbon",
    "grid",
    base_url="https://api.carbonintensity.org.uk",
    resources=tuple(
        Resource(level, TABLE, fetch_intensity, parser) for level, parser in PARSERS.items()
    ),
    live=(LiveRun("ukcarbon", "grid", "15 1 * * *", land_live),),
)
