"""The frames every grid source parses into: one schema per raw grid-intensity table, and the
country-code mapping they share."""

from __future__ import annotations

from typing import Any

import polars as pl
import pycountry

# raw_grid_intensity_hourly
HOURLY_SCHEMA: dict[str, Any] = {
    "zone_key": pl.String,
    "ts_utc": pl.Datetime("us"),
    "period_minutes": pl.Int32,
    "carbon_intensity_g_per_kwh": pl.Float64,
    "basis": pl.String,
    "source": pl.String,
    "source_url": pl.String,
}

# raw_grid_intensity_monthly and raw_grid_intensity_annual
MONTHLY_SCHEMA: dict[str, Any] = {
    "zone_key": pl.String,
    "year": pl.Int32,
    "month": pl.Int32,
    "carbon_intensity_g_per_kwh": pl.Float64,
    "basis": pl.String,
    "source": pl.String,
    "source_url": pl.String,
}
ANNUAL_SCHEMA: dict[str, Any] = {k: v for k, v in MONTHLY_SCHEMA.items() if k != "month"}

# ISO3 codes that pycountry does not know but data sources use.
ISO3_EXTRA = {"XKX": "XK", "OWID_KOS": "XK"}


def iso3_to_iso2(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 for an alpha-3 code, None when it is not a country code."""
    if not code:
        return None
    code = code.strip().upper()
    if code in ISO3_EXTRA:
        return ISO3_EXTRA[code]
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    return country.alpha_2 if country else None
