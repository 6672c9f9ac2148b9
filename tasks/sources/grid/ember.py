"""Ember API v1: monthly and yearly carbon intensity of electricity by country.

`/carbon-intensity/monthly` -> raw_grid_intensity_monthly, `/carbon-intensity/yearly` ->
raw_grid_intensity_annual. The key goes in the `api_key` query parameter. Ember names countries by
ISO 3166-1 alpha-3 (`entity_code`); the warehouse keys countries by alpha-2, so codes are mapped
with pycountry. Aggregates (`is_aggregate_entity`: World, EU, G20 ...) are not zones and are
dropped. Ember's intensities use lifecycle emission factors, so basis is `lifecycle`.

Batch scope: `ember:<monthly|yearly>:<start>/<end>[:<entity codes>]` - the request's own range, so a
re-run of the same range replaces it and other ranges are untouched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from typing import Any, Literal

import duckdb
import polars as pl
import requests

from tasks.core.http import Conditional, clean_url_of, make_session
from tasks.core.settings import Settings, SourceSettings, TokenPlacement
from tasks.load.fetched import FetchResult, fetch, land_fetched, previous_validators
from tasks.load.land import LoadResult
from tasks.sources.declare import LiveOptions, LiveRun, Resource, Source
from tasks.sources.grid.frames import ANNUAL_SCHEMA, MONTHLY_SCHEMA, iso3_to_iso2

SOURCE = "ember"
SOURCE_ID = "ember_api"  # the `source` column; the annual snapshot's Ember data is `ember_owid`
Granularity = Literal["monthly", "yearly"]
TABLES: dict[str, str] = {
    "monthly": "raw_grid_intensity_monthly",
    "yearly": "raw_grid_intensity_annual",
}


def fetch_carbon_intensity(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    granularity: Granularity,
    *,
    start: str,
    end: str,
    entity_codes: Sequence[str] = (),
    conditional: Conditional | None = None,
) -> FetchResult:
    """One request for a date range (`2023-01`..`2024-12` monthly, `2019`..`2024` yearly)."""
    return fetch(
        session,
        source,
        settings,
        f"/carbon-intensity/{granularity}",
        params=_params(start, end, entity_codes),
        conditional=conditional,
    )


def _params(start: str, end: str, entity_codes: Sequence[str]) -> dict[str, str]:
    params = {"start_date": start, "end_date": end}
    if entity_codes:
        params["entity_code"] = ",".join(entity_codes)
    return params


def _records(data: bytes) -> list[dict[str, Any]]:
    doc = json.loads(data)
    records = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(records, list):
        raise ValueError("not an Ember API response (no `data` list)")
    return [r for r in records if isinstance(r, dict) and not r.get("is_aggregate_entity")]


def _year_month(value: Any) -> tuple[int, int | None]:
    text = str(value).strip()
    parts = text.split("-")
    if not parts[0].isdigit():
        raise ValueError(f"cannot read Ember date {text!r}")
    return int(parts[0]), (int(parts[1]) if len(parts) > 1 else None)


def parse_monthly(data: bytes, source_url: str) -> pl.DataFrame:
    """Rows of raw_grid_intensity_monthly (dates `YYYY-MM` or `YYYY-MM-DD`)."""
    rows = []
    for rec in _records(data):
        year, month = _year_month(rec.get("date"))
        rows.append(
            {
                "zone_key": iso3_to_iso2(rec.get("entity_code")),
                "year": year,
                "month": month,
                "carbon_intensity_g_per_kwh": rec.get("emissions_intensity_gco2_per_kwh"),
                "basis": "lifecycle",
                "source": SOURCE_ID,
                "source_url": source_url,
            }
        )
    return pl.DataFrame(rows, schema=MONTHLY_SCHEMA)


def parse_yearly(data: bytes, source_url: str) -> pl.DataFrame:
    """Rows of raw_grid_intensity_annual."""
    rows = []
    for rec in _records(data):
        year, _ = _year_month(rec.get("date"))
        rows.append(
            {
                "zone_key": iso3_to_iso2(rec.get("entity_code")),
                "year": year,
                "carbon_intensity_g_per_kwh": rec.get("emissions_intensity_gco2_per_kwh"),
                "basis": "lifecycle",
                "source": SOURCE_ID,
                "source_url": source_url,
            }
        )
    return pl.DataFrame(rows, schema=ANNUAL_SCHEMA)


PARSERS = {"monthly": parse_monthly, "yearly": parse_yearly}


def land_ember(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    granularity: Granularity,
    start: str,
    end: str,
    entity_codes: Sequence[str] = (),
    run_id: str | None = None,
) -> list[LoadResult]:
    """Fetch one range (conditionally, from the manifest's validators) and land it."""
    source = settings.source(SOURCE)
    path = f"/carbon-intensity/{granularity}"
    url = clean_url_of(source, path, _params(start, end, entity_codes))
    scope = f"{SOURCE}:{granularity}:{start}/{end}"
    if entity_codes:
        scope += ":" + ",".join(entity_codes)
    with make_session(source, settings) as session:
        got = fetch_carbon_intensity(
            session,
            source,
            settings,
            granularity,
            start=start,
            end=end,
            entity_codes=entity_codes,
            conditional=previous_validators(con, source.name, url),
        )
    parser = partial(PARSERS[granularity], source_url=got.url)
    return [
        land_fetched(
            con,
            got,
            TABLES[granularity],
            parser,
            batch_scope=scope,
            settings=settings,
            run_id=run_id,
        )
    ]


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: every year since `first_year`, and every month since last January."""
    _, end = options.window()
    yearly = land_ember(
        con,
        settings,
        granularity="yearly",
        start=str(options.first_year),
        end=str(end.year),
        run_id=run_id,
    )
    monthly = land_ember(
        con,
        settings,
        granularity="monthly",
        start=f"{end.year - 1}-01",
        end=end.strftime("%Y-%m"),
        run_id=run_id,
    )
    return [*yearly, *monthly]


DECLARATION = Source(
    "ember",
    "grid",
    base_url="https://api.ember-energy.org/v1",
    resources=tuple(
        Resource(granularity, table, fetch_carbon_intensity, PARSERS[granularity])
        for granularity, table in TABLES.items()
    ),
    live=(LiveRun("ember", "grid", "15 1 * * *", land_live),),
    token=TokenPlacement("query", "api_key"),
    needs_token=True,
)
