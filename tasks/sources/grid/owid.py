"""Our World in Data energy dataset: annual carbon intensity of electricity by country.

One CSV (`owid-energy-data.csv`, ~130 columns, one row per country x year) from the OWID
energy-data repository; we keep `iso_code` (ISO3), `year` and `carbon_intensity_elec` (g CO2e/kWh,
from Ember and the Energy Institute, lifecycle factors). Regions and aggregates have no ISO code
(or an `OWID_` one) and are dropped; so are years without an intensity (the file runs back to
1900, intensities start around 2000). Kosovo's `OWID_KOS` is kept as `XK`.

Lands in raw_grid_intensity_annual, source `owid_energy`, scope `owid:energy` (the whole file is the
batch: a country OWID drops is deleted). The file is served with an ETag, so an unchanged file
costs a 304.
"""

from __future__ import annotations

import io
from functools import partial

import duckdb
import polars as pl
import requests

from tasks.core.http import Conditional, clean_url_of, make_session
from tasks.core.settings import Settings, SourceSettings
from tasks.load.fetched import FetchResult, fetch, land_fetched, previous_validators
from tasks.load.land import LoadResult
from tasks.sources.declare import Citation, Licence, LiveOptions, LiveRun, Resource, Source
from tasks.sources.grid.frames import ANNUAL_SCHEMA, iso3_to_iso2

SOURCE = "owid"
SOURCE_ID = "owid_energy"
TABLE = "raw_grid_intensity_annual"
FILE = "owid-energy-data.csv"
SCOPE = "owid:energy"
NEEDED = ("iso_code", "year", "carbon_intensity_elec")


def fetch_energy_data(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    *,
    conditional: Conditional | None = None,
) -> FetchResult:
    return fetch(session, source, settings, FILE, expect="csv", conditional=conditional)


def parse_energy_data(data: bytes, source_url: str) -> pl.DataFrame:
    """Rows of raw_grid_intensity_annual from the OWID energy CSV."""
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy")
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        raise ValueError(f"OWID energy CSV lacks column(s) {', '.join(missing)}")
    rows = []
    for iso3, year, value in frame.select(NEEDED).iter_rows():
        if not iso3 or not (value or "").strip():
            continue
        if iso3.startswith("OWID_") and iso3 not in ("OWID_KOS",):
            continue  # OWID's own aggregates (World, continents, income groups)
        rows.append(
            {
                # An ISO3 that pycountry does not know stays visible: null -> quarantined.
                "zone_key": iso3_to_iso2(iso3),
                "year": int(year),
                "carbon_intensity_g_per_kwh": float(value),
                "basis": "lifecycle",
                "source": SOURCE_ID,
                "source_url": source_url,
            }
        )
    return pl.DataFrame(rows, schema=ANNUAL_SCHEMA)


def land_owid(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, run_id: str | None = None
) -> list[LoadResult]:
    source = settings.source(SOURCE)
    url = clean_url_of(source, FILE)
    with make_session(source, settings) as session:
        got = fetch_energy_data(
            session, source, settings, conditional=previous_validators(con, source.name, url)
        )
    parser = partial(parse_energy_data, source_url=got.url)
    return [
        land_fetched(con, got, TABLE, parser, batch_scope=SCOPE, settings=settings, run_id=run_id)
    ]


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the whole energy-data file (a 304 when it has not changed)."""
    return land_owid(con, settings, run_id=run_id)


DECLARATION = Source(
    "owid",
    "grid",
    base_url="https://raw.githubusercontent.com/owid/energy-data/master",
    resources=(Resource("energy_data", TABLE, fetch_energy_data, parse_energy_data),),
    live=(LiveRun("owid", "grid", "15 1 * * *", land_live),),
    licences=(Licence("CC-BY-4.0", "Our World in Data / Ember grid intensity"),),
    citation=Citation(
        "Our World in Data / Ember: carbon intensity of electricity",
        "https://github.com/owid/energy-data",
    ),
)
