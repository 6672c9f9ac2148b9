"""EIA API v2, EIA-930: hourly net generation by fuel for a balancing authority -> intensity.

`electricity/rto/fuel-type-data/data/` with `facets[respondent][]=<BA>` (and optionally
`facets[fueltype][]`), `frequency=hourly`, key in `api_key`. The API returns at most 5,000 rows a
request; pages are walked with `offset`/`length` under the pagination guard and joined into one
batch (an hour's fuels can straddle two pages).

Intensity of each hour = sum(generation x factor) / sum(generation) over the fuels, with the
per-fuel lifecycle factors in `warehouse/snapshot/grid/fuel_emission_factors.csv` (IPCC AR5 medians
as Electricity Maps uses them). This is the intensity of the BA's *generation*, not of its
consumption (imports are not traced). Storage (BAT, PS, OES) is left out; negative net generation
(plants' own use) counts as zero; a fuel code the file lacks gets the `UNK` factor.

EIA stamps hours by their *end* (EIA-930 'hour ending' convention); the warehouse stamps intervals
by their start, so ts_utc = period - 1 h. zone_key is the Electricity Maps zone of the BA
(CISO -> US-CAL-CISO) from the location aliases. Lands in raw_grid_intensity_hourly, source
`eia930_fuel_mix`, basis lifecycle, scope `eia:<BA>:<start>/<end>`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import requests

from tasks.core.http import clean_url_of, make_session, paginate
from tasks.core.locations import LocationResolver
from tasks.core.settings import Settings, SourceSettings, TokenPlacement
from tasks.load.fetched import FetchResult, archive_pages, fetch, json_of, land_fetched
from tasks.load.land import LoadResult
from tasks.sources.declare import LiveOptions, LiveRun, Resource, Source
from tasks.sources.grid.frames import HOURLY_SCHEMA

SOURCE = "eia"
SOURCE_ID = "eia930_fuel_mix"
TABLE = "raw_grid_intensity_hourly"
ROUTE = "/electricity/rto/fuel-type-data/data/"
PAGE_LENGTH = 5000  # the API's maximum rows per request
FACTORS_FILE = Path("grid") / "fuel_emission_factors.csv"
UNKNOWN_FUEL = "UNK"


def load_fuel_factors(snapshot_dir: Path) -> dict[str, float | None]:
    """{fuel code: g CO2e/kWh}, None for fuels left out of the mix (storage)."""
    text = (snapshot_dir / FACTORS_FILE).read_text(encoding="utf-8")
    out: dict[str, float | None] = {}
    for row in csv.DictReader(io.StringIO(text)):
        value = (row["g_co2e_per_kwh"] or "").strip()
        out[row["fuel_code"].strip().upper()] = float(value) if value else None
    if UNKNOWN_FUEL not in out or out[UNKNOWN_FUEL] is None:
        raise ValueError(f"{FACTORS_FILE} needs a factor for {UNKNOWN_FUEL}")
    return out


def ba_zone(ba: str, snapshot_dir: Path) -> str:
    """The Electricity Maps zone of an EIA balancing authority code."""
    res = LocationResolver.from_snapshot(snapshot_dir).resolve(ba)
    if res.resolved is None or res.method not in ("exact", "alias"):
        raise ValueError(f"eia: no zone for balancing authority {ba!r} ({res.note or res.method})")
    return res.resolved


def _params(
    ba: str, start: str, end: str, fueltypes: Sequence[str], offset: int, length: int
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "frequency": "hourly",
        "data[0]": "value",
        "facets[respondent][]": ba,
        "start": start,
        "end": end,
        "sort[0][column]": "period",
        "sort[0][direction]": "asc",
    }
    if fueltypes:
        params["facets[fueltype][]"] = list(fueltypes)
    params["offset"] = offset
    params["length"] = length
    return params


def fetch_fuel_type_data(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    ba: str,
    *,
    start: str,
    end: str,
    fueltypes: Sequence[str] = (),
    page_length: int = PAGE_LENGTH,
) -> list[FetchResult]:
    """Every page for one BA and hour range (`2022-01-01T00` .. `2022-01-31T23`, UTC)."""

    def page(offset: int) -> FetchResult:
        params = _params(ba, start, end, fueltypes, offset, page_length)
        return fetch(session, source, settings, ROUTE, params=params)

    def next_offset(offset: int, got: FetchResult) -> int | None:
        response = json_of(got).get("response") or {}
        rows = len(response.get("data") or [])
        total = int(response.get("total") or 0)
        following = offset + rows
        return following if rows and following < total else None

    return list(
        paginate(
            0, next_offset, fetch_page=page, max_pages=settings.http_max_pages, source=source.name
        )
    )


def _rows(data: bytes) -> list[dict[str, Any]]:
    doc = json.loads(data)
    response = doc.get("response") if isinstance(doc, dict) else None
    rows = response.get("data") if isinstance(response, dict) else None
    if not isinstance(rows, list):
        raise ValueError("not an EIA API v2 response (no response.data list)")
    return [r for r in rows if isinstance(r, dict)]


def intensity_by_hour(
    rows: Sequence[Mapping[str, Any]], factors: Mapping[str, float | None]
) -> dict[str, float | None]:
    """{EIA period: g CO2e/kWh} from generation rows (period, fueltype, value in MWh)."""
    emitted: dict[str, float] = defaultdict(float)
    generated: dict[str, float] = defaultdict(float)
    for row in rows:
        period, fuel = row.get("period"), str(row.get("fueltype") or "").upper()
        if not period or row.get("value") in (None, ""):
            continue
        factor = factors.get(fuel, factors[UNKNOWN_FUEL])
        if factor is None:
            continue  # storage: left out of the mix
        mwh = max(float(row["value"]), 0.0)
        emitted[period] += mwh * factor
        generated[period] += mwh
    return {p: (emitted[p] / generated[p] if generated[p] > 0 else None) for p in generated}


def parse_fuel_type_data(
    data: bytes, source_url: str, *, zone_key: str, factors: Mapping[str, float | None]
) -> pl.DataFrame:
    """Rows of raw_grid_intensity_hourly computed from the generation mix."""
    rows = []
    for period, value in sorted(intensity_by_hour(_rows(data), factors).items()):
        hour_end = datetime.strptime(period, "%Y-%m-%dT%H")
        rows.append(
            {
                "zone_key": zone_key,
                "ts_utc": hour_end - timedelta(hours=1),
                "period_minutes": 60,
                "carbon_intensity_g_per_kwh": value,
                "basis": "lifecycle",
                "source": SOURCE_ID,
                "source_url": source_url,
            }
        )
    return pl.DataFrame(rows, schema=HOURLY_SCHEMA)


def _join_pages(pages: list[FetchResult]) -> bytes:
    rows: list[Any] = []
    for page in pages:
        rows.extend(_rows(page.payload.data if page.payload else b'{"response": {"data": []}}'))
    return json.dumps({"response": {"total": len(rows), "data": rows}}, sort_keys=True).encode()


def land_eia(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    balancing_authorities: Sequence[str],
    *,
    start: str,
    end: str,
    fueltypes: Sequence[str] = (),
    page_length: int = PAGE_LENGTH,
    run_id: str | None = None,
) -> list[LoadResult]:
    """One load per balancing authority over [start, end] (EIA hour stamps, UTC)."""
    source = settings.source(SOURCE)
    factors = load_fuel_factors(settings.snapshot_dir)
    results = []
    with make_session(source, settings) as session:
        for ba in balancing_authorities:
            zone = ba_zone(ba, settings.snapshot_dir)
            pages = fetch_fuel_type_data(
                session,
                source,
                settings,
                ba,
                start=start,
                end=end,
                fueltypes=fueltypes,
                page_length=page_length,
            )
            params = _params(ba, start, end, fueltypes, 0, page_length)
            del params["offset"], params["length"]
            url = clean_url_of(source, ROUTE, params)
            payload = archive_pages(
                con,
                pages,
                source=source.name,
                url=url,
                body=_join_pages(pages),
                settings=settings,
            )
            parser = partial(parse_fuel_type_data, source_url=url, zone_key=zone, factors=factors)
            results.append(
                land_fetched(
                    con,
                    FetchResult("fetched", payload, url),
                    TABLE,
                    parser,
                    batch_scope=f"{SOURCE}:{ba}:{start}/{end}",
                    settings=settings,
                    run_id=run_id,
                )
            )
    return results


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the hourly window of every configured balancing authority."""
    start, end = options.window()
    return land_eia(
        con,
        settings,
        options.balancing_authorities,
        start=start.strftime("%Y-%m-%dT%H"),
        end=end.strftime("%Y-%m-%dT%H"),
        run_id=run_id,
    )


DECLARATION = Source(
    "eia",
    "grid",
    base_url="https://api.eia.gov/v2",
    resources=(Resource("fuel_type_data", TABLE, fetch_fuel_type_data, parse_fuel_type_data),),
    live=(LiveRun("eia", "grid", "15 1 * * *", land_live),),
    token=TokenPlacement("query", "api_key"),
    needs_token=True,
)
