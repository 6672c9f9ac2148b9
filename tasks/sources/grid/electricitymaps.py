"""Electricity Maps API v3: hourly carbon intensity per zone -> raw_grid_intensity_hourly.

Endpoints (token in the `auth-token` header): `/zones` (the zone keys the API knows, used to
refuse a misspelt zone before asking for its data), `/carbon-intensity/latest?zone=`,
`/carbon-intensity/history?zone=` (the last 24 hours, hourly) and
`/carbon-intensity/past-range?zone=&start=&end=` (hourly; the API caps one request at 10 days,
so longer ranges are fetched window by window and landed as one batch).

Basis: the API's default is lifecycle; `emissionFactorType=direct` asks for direct (combustion)
factors. The hourly table's natural key has no basis, so the basis is carried in `source`
(`electricitymaps` = lifecycle, `electricitymaps_direct`) and the two never overwrite each other.

Batch scope: `electricitymaps:<endpoint>:<zone>:<basis>:<first hour>/<last hour>`. The span is part
of the scope because history and latest are rolling windows: with a fixed scope each run would
delete the hours the previous run landed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import duckdb
import polars as pl
import requests

from tasks.core.http import HttpError, clean_url_of, make_session, paginate, time_windows
from tasks.core.settings import Settings, SourceSettings, TokenPlacement
from tasks.load.fetched import (
    FetchResult,
    archive_pages,
    fetch,
    json_of,
    land_fetched,
    previous_validators,
)
from tasks.load.land import LoadResult
from tasks.sources.declare import Citation, Licence, LiveOptions, LiveRun, Resource, Source
from tasks.sources.grid.frames import HOURLY_SCHEMA

SOURCE = "electricitymaps"
TABLE = "raw_grid_intensity_hourly"
# Documented limit of /past-range at hourly granularity.
PAST_RANGE_MAX_SPAN = timedelta(days=10)
SOURCE_BY_BASIS = {"lifecycle": "electricitymaps", "direct": "electricitymaps_direct"}
PERIOD_MINUTES = {"5_minutes": 5, "15_minutes": 15, "hourly": 60}

Basis = Literal["lifecycle", "direct"]
Kind = Literal["latest", "history", "past-range"]


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_naive(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _factor_params(emission_factor_type: Basis) -> dict[str, str]:
    # Lifecycle is the API default; sending it only when it differs keeps the URLs (and so the
    # conditional-request validators) the same as a plain call.
    return {"emissionFactorType": "direct"} if emission_factor_type == "direct" else {}


# ---------------------------------------------------------------------------------------------
# Fetch


def fetch_zones(
    session: requests.Session, source: SourceSettings, settings: Settings
) -> FetchResult:
    return fetch(session, source, settings, "/zones")


def fetch_latest(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    zone: str,
    *,
    emission_factor_type: Basis = "lifecycle",
) -> FetchResult:
    params = {"zone": zone, **_factor_params(emission_factor_type)}
    return fetch(session, source, settings, "/carbon-intensity/latest", params=params)


def fetch_history(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    zone: str,
    *,
    emission_factor_type: Basis = "lifecycle",
    conditional: Any = None,
) -> FetchResult:
    params = {"zone": zone, **_factor_params(emission_factor_type)}
    return fetch(
        session,
        source,
        settings,
        "/carbon-intensity/history",
        params=params,
        conditional=conditional,
    )


def fetch_past_range(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    zone: str,
    start: datetime,
    end: datetime,
    *,
    emission_factor_type: Basis = "lifecycle",
) -> list[FetchResult]:
    """Every window of [start, end), at most PAST_RANGE_MAX_SPAN each, under the page guard."""
    if end <= start:
        raise ValueError(f"past-range: end {end} is not after start {start}")

    def page(window_start: datetime) -> FetchResult:
        window_end = min(window_start + PAST_RANGE_MAX_SPAN, end)
        params = {
            "zone": zone,
            "start": _iso(window_start),
            "end": _iso(window_end),
            **_factor_params(emission_factor_type),
        }
        return fetch(session, source, settings, "/carbon-intensity/past-range", params=params)

    return list(
        paginate(
            start,
            time_windows(start, end, PAST_RANGE_MAX_SPAN),
            fetch_page=page,
            max_pages=settings.http_max_pages,
            source=source.name,
        )
    )


# ---------------------------------------------------------------------------------------------
# Parse


def parse_zones(data: bytes) -> frozenset[str]:
    """Zone keys of a `/zones` response (a mapping zone key -> {zoneName, ...})."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or not doc:
        raise ValueError("not an Electricity Maps /zones response (expected a non-empty mapping)")
    return frozenset(doc)


def check_zones(zones: Sequence[str], known: frozenset[str]) -> None:
    unknown = [z for z in zones if z not in known]
    if unknown:
        raise ValueError(
            f"{SOURCE}: unknown zone key(s) {', '.join(unknown)} (not in the API's /zones list)"
        )


def _records(doc: Any) -> tuple[list[dict[str, Any]], str | None]:
    if isinstance(doc, dict):
        if isinstance(doc.get("history"), list):  # /history
            return doc["history"], doc.get("zone")
        if isinstance(doc.get("data"), list):  # /past-range
            return doc["data"], doc.get("zone")
        if "carbonIntensity" in doc:  # /latest
            return [doc], doc.get("zone")
    raise ValueError("not an Electricity Maps carbon-intensity response (no history/data)")


def parse_carbon_intensity(
    data: bytes, source_url: str, *, emission_factor_type: Basis = "lifecycle"
) -> pl.DataFrame:
    """Rows of raw_grid_intensity_hourly from a latest, history or past-range response.

    A null intensity is kept (the validator quarantines it with its reason) rather than dropped,
    so a zone with gaps shows in meta_quarantine instead of silently thinning out."""
    records, doc_zone = _records(json.loads(data))
    rows = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict) or not rec.get("datetime"):
            raise ValueError(f"record {i + 1} has no datetime")
        basis = rec.get("emissionFactorType") or emission_factor_type
        rows.append(
            {
                "zone_key": rec.get("zone") or doc_zone,
                "ts_utc": _utc_naive(str(rec["datetime"])),
                "period_minutes": PERIOD_MINUTES.get(rec.get("temporalGranularity") or "", 60),
                "carbon_intensity_g_per_kwh": rec.get("carbonIntensity"),
                "basis": basis,
                "source": SOURCE_BY_BASIS.get(basis, f"electricitymaps_{basis}"),
                "source_url": source_url,
            }
        )
    return pl.DataFrame(rows, schema=HOURLY_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Land


def _span(frame: pl.DataFrame) -> str:
    if frame.height == 0:
        return "empty"
    lo: datetime = frame["ts_utc"].min()  # type: ignore[assignment,unused-ignore]
    hi: datetime = frame["ts_utc"].max()  # type: ignore[assignment,unused-ignore]
    return f"{lo:%Y-%m-%dT%H:%M}/{hi:%Y-%m-%dT%H:%M}"


def _land_one(
    con: duckdb.DuckDBPyConnection,
    result: FetchResult,
    *,
    kind: str,
    zone: str,
    basis: Basis,
    settings: Settings,
    run_id: str | None,
) -> LoadResult:
    parser = partial(parse_carbon_intensity, source_url=result.url, emission_factor_type=basis)
    scope = f"{SOURCE}:{kind}:{zone}:{basis}"
    if result.payload is not None:
        # Unreadable: no span here, and ingest_payload raises SourceError naming the URL.
        with contextlib.suppress(ValueError):
            scope += ":" + _span(parser(result.payload.data))
    return land_fetched(
        con, result, TABLE, parser, batch_scope=scope, settings=settings, run_id=run_id
    )


def _join_pages(zone: str, pages: list[FetchResult]) -> bytes:
    records: list[Any] = []
    for page in pages:
        records.extend(json_of(page).get("data") or [])
    return json.dumps({"zone": zone, "data": records}, sort_keys=True).encode()


def _fetch_zone(
    con: duckdb.DuckDBPyConnection,
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    zone: str,
    kind: Kind,
    window: tuple[datetime | None, datetime | None],
    basis: Basis,
) -> FetchResult:
    """One zone's `kind`; a past range fetched in several pages is archived as one payload."""
    if kind == "latest":
        return fetch_latest(session, source, settings, zone, emission_factor_type=basis)
    if kind == "history":
        params = {"zone": zone, **_factor_params(basis)}
        history_url = clean_url_of(source, "/carbon-intensity/history", params)
        return fetch_history(
            session,
            source,
            settings,
            zone,
            emission_factor_type=basis,
            conditional=previous_validators(con, source.name, history_url),
        )
    start, end = window
    if start is None or end is None:
        raise ValueError("past-range needs start and end")
    pages = fetch_past_range(
        session, source, settings, zone, start, end, emission_factor_type=basis
    )
    if len(pages) == 1:
        return pages[0]
    range_url = clean_url_of(
        source,
        "/carbon-intensity/past-range",
        {"zone": zone, "start": _iso(start), "end": _iso(end)},
    )
    payload = archive_pages(
        con,
        pages,
        source=source.name,
        url=range_url,
        body=_join_pages(zone, pages),
        settings=settings,
    )
    return FetchResult("fetched", payload, range_url)


def land_electricitymaps(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    zones: Sequence[str],
    *,
    kind: Kind = "history",
    start: datetime | None = None,
    end: datetime | None = None,
    emission_factor_type: Basis = "lifecycle",
    check_zone_keys: bool = True,
    run_id: str | None = None,
) -> list[LoadResult]:
    """Fetch and land `kind` for each zone; one load per zone. Unknown zones fail before any
    data request when `check_zone_keys` (the /zones list) is on."""
    source = settings.source(SOURCE)
    results: list[LoadResult] = []
    with make_session(source, settings) as session:
        if check_zone_keys:
            listing = fetch_zones(session, source, settings)
            check_zones(zones, parse_zones(listing.payload.data if listing.payload else b"{}"))
        for zone in zones:
            got = _fetch_zone(
                con, session, source, settings, zone, kind, (start, end), emission_factor_type
            )
            results.append(
                _land_one(
                    con,
                    got,
                    kind=kind,
                    zone=zone,
                    basis=emission_factor_type,
                    settings=settings,
                    run_id=run_id,
                )
            )
    return results


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the hourly window of every configured zone."""
    start, end = options.window()
    return land_electricitymaps(
        con, settings, options.zones, kind="past-range", start=start, end=end, run_id=run_id
    )


DECLARATION = Source(
    "electricitymaps",
    "grid",
    base_url="https://api.electricitymap.org/v3",
    resources=(
        Resource("carbon_intensity", TABLE, fetch_past_range, parse_carbon_intensity),
        Resource("carbon_intensity_history", TABLE, fetch_history, parse_carbon_intensity),
        Resource("carbon_intensity_latest", TABLE, fetch_latest, parse_carbon_intensity),
    ),
    live=(LiveRun("electricitymaps", "grid", "15 1 * * *", land_live),),
    token=TokenPlacement("header", "auth-token"),
    needs_token=True,
    # The snapshot's yearly zone averages come by way of co2.js; the zone list from its configs.
    licences=(
        Licence("ODbL-1.0", "Electricity Maps yearly averages"),
        Licence("AGPL-3.0", "Electricity Maps zone configurations"),
    ),
    citation=Citation(
        "Electricity Maps yearly zone averages via thegreenwebfoundation/co2.js",
        "https://github.com/thegreenwebfoundation/co2.js",
    ),
)

__all__ = [
    "HttpError",
    "check_zones",
    "fetch_history",
    "fetch_latest",
    "fetch_past_range",
    "fetch_zones",
    "land_electricitymaps",
    "parse_carbon_intensity",
    "parse_zones",
]
