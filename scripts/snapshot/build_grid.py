"""Build the bundled grid-intensity snapshot from the third-party files in ../shared/data.

Writes, into `warehouse/snapshot/grid/` (schemas: docs/data-contracts.md, "Grid carbon intensity"):

- `grid_intensity_annual.csv`  yearly average intensity per source x zone x year x basis
- `zones.csv`                  every zone_key used anywhere, with its country
- `cloud_regions.csv`          provider x region -> zone_key (+ PUE where a source gives one)
- `location_aliases.csv`       spellings of countries, zones, balancing authorities, regions, cities

Usage: `.venv/bin/python scripts/snapshot/build_grid.py [--shared ../shared/data] [--out DIR]`.
The output is deterministic (sorted rows, fixed rounding), so a re-run on the same input gives
byte-identical files and a changed input gives a readable diff.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pycountry

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # so `tasks` imports when run as a plain script

from tasks.core.locations import normalise_location  # noqa: E402

# --- provenance (commits from shared/data/SOURCES.md) --------------------------------------------

GH = "https://github.com"
OWID_URL = (
    f"{GH}/twsaf1-sys/math_331_cryptocurrency_project/blob/"
    "474919a8f31bccc281a88a91681052096bb096db/carbon-intensity-electricity.csv"
)
CO2JS_COMMIT = "9a0a098a9838da06c227950e5e26148c9bd5c755"
CO2JS_URL = (
    f"{GH}/thegreenwebfoundation/co2.js/blob/{CO2JS_COMMIT}"
    "/data/output/electricity-maps/yearly_{year}.json"
)
MLCO2_YEARLY_URL = (
    f"{GH}/mlco2/impact/blob/381e5d820228561ca7c97811b6e6f534810472dd"
    "/data/2021-10-27yearly_averages.csv"
)

# Short source ids used in the `source` columns.
SRC_OWID = "ember_owid"
SRC_EM = "electricitymaps_co2js"
SRC_MLCO2_YEARLY = "mlco2_em_2021"
SRC_EM_DC = "electricitymaps_data_centers"
SRC_MLCO2_IMPACT = "mlco2_impact"
SRC_BOAVIZTA = "boavizta_cloud_regions"
SRC_GA = "greenalgorithms_cloud"
SRC_GCP = "gcp_region_carbon_info"
SRC_CODECARBON = "codecarbon_cloud_impact"
SRC_PYCOUNTRY = "pycountry"
SRC_CURATED = "footprints_curated"

# What each intensity source measures. OWID's codebook describes carbon_intensity_elec as CO2e per
# kWh generated from Ember, and Ember applies lifecycle (IPCC) emission factors; Electricity Maps
# publishes lifecycle intensity unless asked for direct. The 2021 mlco2 extract of Electricity
# Maps data does not say which factors it used, so the contract's rule applies: `unknown`.
BASIS = {SRC_OWID: "lifecycle", SRC_EM: "lifecycle", SRC_MLCO2_YEARLY: "unknown"}

# Plausibility bounds, g/kWh: below 0 is impossible; 2000 is above the worst fuel (lignite is
# ~1,100-1,200 g/kWh lifecycle), so anything higher is a unit or parsing error.
MIN_G_PER_KWH = 0.0
MAX_G_PER_KWH = 2000.0

# OWID codes that are not ISO 3166-1. Kosovo has no ISO code; XK/XKX is the user-assigned pair
# the EU, IMF and Electricity Maps use (co2.js' Ember file also keys it XKX).
OWID_SPECIAL = {"OWID_KOS": ("XK", "XKX", "Kosovo"), "OWID_WRL": ("WORLD", "", "World")}
WORLD = "WORLD"

INTENSITY_COLUMNS = [
    "zone_key",
    "year",
    "carbon_intensity_g_per_kwh",
    "basis",
    "source",
    "source_url",
]
ZONE_COLUMNS = ["zone_key", "zone_name", "zone_type", "country_iso2", "country_iso3", "source"]
CLOUD_COLUMNS = ["provider", "region", "region_name", "zone_key", "country_iso2", "pue", "source"]
ALIAS_COLUMNS = ["alias", "zone_key", "kind", "source"]

# Spellings people write that neither pycountry nor OWID carry (or carry only in another form).
COMMON_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": (
        "USA",
        "U.S.",
        "U.S.A.",
        "United States",
        "United States of America",
        "the United States",
        "the US",
    ),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales"),
    "KR": ("South Korea", "Korea", "Republic of Korea", "Korea, South"),
    "KP": ("North Korea", "DPRK", "Korea, North"),
    "RU": ("Russia",),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "CZ": ("Czech Republic", "Czechia"),
    "TW": ("Taiwan",),
    "HK": ("Hong Kong",),
    "MO": ("Macau", "Macao"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "CV": ("Cape Verde", "Cabo Verde"),
    "SZ": ("Swaziland", "Eswatini"),
    "MM": ("Burma", "Myanmar"),
    "NL": ("Holland", "The Netherlands"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "TR": ("Turkey", "Türkiye"),
    "PS": ("Palestine",),
    "VA": ("Vatican", "Vatican City"),
    "BN": ("Brunei",),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "MK": ("Macedonia", "North Macedonia"),
    "FM": ("Micronesia",),
    "CN": ("PRC", "Mainland China"),
    "XK": ("Kosovo",),
}

# Electricity Maps sub-zone names too generic to stand for one zone ("East" is RU-AS; Borneo
# spans three countries; "South Island" is both a Faroese and a New Zealand zone).
GENERIC_ZONE_NAMES = frozenset(
    {"east", "peninsula", "main islands", "south island", "north island", "borneo"}
)
# Last segments of US zone keys that are not usable as balancing-authority aliases: "GRID"
# (Gridforce) is an ordinary word; two-letter ones are states/ISO codes (US-CAR-SC vs Seychelles).
BA_DENYLIST = frozenset({"GRID"})
# Cloud "city" values not to use as aliases: "Central" is AWS's name for two regions; mlco2 puts
# Azure westcentralus (Wyoming) in "Mountain View", which readers take for California.
GENERIC_CITY_NAMES = frozenset({"central", "any", "mountain view"})

# Precedence when one spelling points at different zones: a country name beats a zone name, beats
# a balancing authority, beats a cloud region, beats a city.
KIND_RANK = {
    "country_name": 0,
    "iso2": 0,
    "iso3": 0,
    "em_zone": 1,
    "balancing_authority": 2,
    "cloud_region": 3,
    "city": 4,
    "other": 5,
}

KIND_TIEBREAK = [
    "iso2",
    "iso3",
    "country_name",
    "em_zone",
    "balancing_authority",
    "cloud_region",
    "city",
    "other",
]

PROVIDER_NAMES = {"gcp": ("google", "google cloud"), "aws": ("amazon",), "azure": ("microsoft",)}
PROVIDER_CANONICAL = {"ovhcloud": "ovh"}


# --- reading --------------------------------------------------------------------------------------


def read_owid(path: Path) -> pl.DataFrame:
    """OWID grapher export -> Entity, Code, Year, value (g/kWh)."""
    df = pl.read_csv(path, infer_schema_length=0)
    value_col = df.columns[3]  # "Carbon intensity of electricity - gCO2/kWh"
    return df.select(
        pl.col("Entity").alias("entity"),
        pl.col("Code").alias("code"),
        pl.col("Year").cast(pl.Int64).alias("year"),
        pl.col(value_col).cast(pl.Float64).alias("value"),
    )


def owid_code_to_zone(code: str | None) -> tuple[str, str] | None:
    """OWID ISO3 (or OWID_*) code -> (zone_key, iso3); None for aggregates without a code."""
    if not code:
        return None
    if code in OWID_SPECIAL:
        zone, iso3, _ = OWID_SPECIAL[code]
        return zone, iso3
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    return country.alpha_2, code


def owid_intensity(owid: pl.DataFrame) -> pl.DataFrame:
    """Per-country rows of the OWID/Ember series; aggregates ('Africa (Ember)') are dropped."""
    mapping = {c: owid_code_to_zone(c) for c in owid["code"].drop_nulls().unique().to_list()}
    unmapped = sorted(c for c, z in mapping.items() if z is None)
    if unmapped:
        raise ValueError(f"OWID codes without an ISO2 mapping: {unmapped}")
    zone_of = {c: z[0] for c, z in mapping.items() if z is not None}
    return (
        owid.filter(pl.col("code").is_not_null() & pl.col("value").is_not_null())
        .with_columns(pl.col("code").replace_strict(zone_of, return_dtype=pl.String).alias("zone"))
        .select(
            pl.col("zone").alias("zone_key"),
            "year",
            pl.col("value").alias("carbon_intensity_g_per_kwh"),
            pl.lit(BASIS[SRC_OWID]).alias("basis"),
            pl.lit(SRC_OWID).alias("source"),
            pl.lit(OWID_URL).alias("source_url"),
        )
    )


def read_em_yearly(directory: Path) -> dict[int, dict[str, dict]]:
    """co2.js copies of Electricity Maps yearly zone averages, keyed by year then zone."""
    out: dict[int, dict[str, dict]] = {}
    for path in sorted(directory.glob("yearly_*.json")):
        year = int(re.fullmatch(r"yearly_(\d{4})\.json", path.name).group(1))  # type: ignore[union-attr]
        out[year] = json.loads(path.read_text(encoding="utf-8"))
    return out


def em_intensity(yearly: dict[int, dict[str, dict]]) -> pl.DataFrame:
    rows = []
    for year, zones in yearly.items():
        for zone_key, entry in zones.items():
            ci = entry.get("carbonIntensity") or {}
            if ci.get("value") is None:
                continue
            if ci.get("unit") != "gCO2eq/kWh":
                raise ValueError(f"{zone_key} {year}: unexpected unit {ci.get('unit')!r}")
            rows.append(
                {
                    "zone_key": zone_key,
                    "year": year,
                    "carbon_intensity_g_per_kwh": float(ci["value"]),
                    "basis": BASIS[SRC_EM],
                    "source": SRC_EM,
                    "source_url": CO2JS_URL.format(year=year),
                }
            )
    return pl.DataFrame(rows, schema=_intensity_schema())


def read_mlco2_yearly(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"carbon_intensity_avg": pl.Float64})


def mlco2_intensity(df: pl.DataFrame) -> pl.DataFrame:
    """mlco2's Electricity Maps extract; zones keep the keys of 2021 (e.g. AUS-NSW, US-CA).

    Old keys are not renamed to today's: the file holds both US-CA (to 2019) and US-CAL-CISO (from
    2020), so a rename would merge two differently-bounded series. Rows with no hours of data have
    an empty average and are dropped.
    """
    return df.filter(pl.col("carbon_intensity_avg").is_not_null()).select(
        "zone_key",
        pl.col("year").cast(pl.Int64),
        pl.col("carbon_intensity_avg").alias("carbon_intensity_g_per_kwh"),
        pl.lit(BASIS[SRC_MLCO2_YEARLY]).alias("basis"),
        pl.lit(SRC_MLCO2_YEARLY).alias("source"),
        pl.lit(MLCO2_YEARLY_URL).alias("source_url"),
    )


def _intensity_schema() -> pl.Schema:
    return pl.Schema(
        {
            "zone_key": pl.String,
            "year": pl.Int64,
            "carbon_intensity_g_per_kwh": pl.Float64,
            "basis": pl.String,
            "source": pl.String,
            "source_url": pl.String,
        }
    )


def drop_impossible(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """Remove values outside [0, 2000] g/kWh; return the rest and the count dropped per source."""
    ok = pl.col("carbon_intensity_g_per_kwh").is_between(MIN_G_PER_KWH, MAX_G_PER_KWH)
    bad = df.filter(~ok)
    dropped = dict(Counter(bad["source"].to_list()))
    return df.filter(ok), dropped


def combine_intensity(frames: Sequence[pl.DataFrame]) -> pl.DataFrame:
    df = pl.concat([f.select(INTENSITY_COLUMNS).cast(_intensity_schema()) for f in frames])
    # 4 decimals keeps OWID's precision to well under 0.001 g/kWh and makes diffs stable.
    df = df.with_columns(pl.col("carbon_intensity_g_per_kwh").round(4))
    key = ["source", "zone_key", "year", "basis"]
    dupes = df.filter(pl.struct(key).is_duplicated())
    if dupes.height:
        raise ValueError(f"duplicate natural keys:\n{dupes}")
    return df.sort(["zone_key", "source", "year", "basis"])


# --- countries and zones --------------------------------------------------------------------------


def iso3_of(iso2: str) -> str:
    if iso2 == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country is not None else ""


def country_display_name(iso2: str) -> str:
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return ""
    return getattr(country, "common_name", None) or country.name


@dataclass
class CountryIndex:
    """Normalised country spelling -> ISO2, for reading the country columns of cloud sources."""

    by_norm: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, iso2: str) -> None:
        self.by_norm.setdefault(normalise_location(name), iso2)

    def lookup(self, name: str | None) -> str | None:
        if not name:
            return None
        norm = normalise_location(name)
        if norm in self.by_norm:
            return self.by_norm[norm]
        if len(name) == 3:
            country = pycountry.countries.get(alpha_3=name.upper())
            if country is not None:
                return country.alpha_2
        return None


@dataclass(frozen=True)
class Alias:
    alias: str
    zone_key: str
    kind: str
    source: str


def country_aliases(owid: pl.DataFrame, country_zones: Iterable[str]) -> list[Alias]:
    """Names and codes of every country zone: pycountry, OWID entity names, common variants."""
    zones = set(country_zones)
    out: list[Alias] = []
    for country in pycountry.countries:
        iso2 = country.alpha_2
        if iso2 not in zones:
            continue
        out.append(Alias(iso2, iso2, "iso2", SRC_PYCOUNTRY))
        out.append(Alias(country.alpha_3, iso2, "iso3", SRC_PYCOUNTRY))
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                out.append(Alias(value, iso2, "country_name", SRC_PYCOUNTRY))
    for entity, code in owid.select("entity", "code").unique().iter_rows():
        mapped = owid_code_to_zone(code)
        if mapped is None:
            continue
        zone = mapped[0]
        kind = "other" if zone == WORLD else "country_name"
        out.append(Alias(entity, zone, kind, SRC_OWID))
    if "XK" in zones:
        out += [Alias("XK", "XK", "iso2", SRC_CURATED), Alias("XKX", "XK", "iso3", SRC_CURATED)]
    for iso2, names in COMMON_COUNTRY_NAMES.items():
        if iso2 in zones:
            out += [Alias(n, iso2, "country_name", SRC_CURATED) for n in names]
    return out


def build_zones(
    intensity: pl.DataFrame,
    owid: pl.DataFrame,
    em_yearly: dict[int, dict[str, dict]],
    mlco2: pl.DataFrame,
    extra_zone_keys: Iterable[str],
    countries: CountryIndex,
) -> pl.DataFrame:
    """One row per zone_key used by the intensity table or the cloud-region table."""
    names: dict[str, str] = {}
    sources: dict[str, set[str]] = defaultdict(set)
    country_of: dict[str, str] = {}

    for entity, code in owid.select("entity", "code").unique().iter_rows():
        mapped = owid_code_to_zone(code)
        if mapped is not None:
            names.setdefault(mapped[0], entity)
            sources[mapped[0]].add(SRC_OWID)
    # Latest year first so a renamed zone shows today's name.
    for _year, zones in sorted(em_yearly.items(), reverse=True):
        for zone_key, entry in zones.items():
            names.setdefault(zone_key, entry.get("zone", {}).get("zoneName", ""))
            sources[zone_key].add(SRC_EM)
    for zone_key, country_name, zone_name in (
        mlco2.select("zone_key", "Country", "Zone Name").unique().sort("zone_key").iter_rows()
    ):
        names.setdefault(zone_key, zone_name)
        sources[zone_key].add(SRC_MLCO2_YEARLY)
        iso2 = countries.lookup(country_name)
        if iso2:
            country_of.setdefault(zone_key, iso2)

    used = set(intensity["zone_key"].to_list()) | set(extra_zone_keys)
    rows = []
    for zone_key in sorted(used):
        if zone_key == WORLD:
            rows.append(
                {
                    "zone_key": WORLD,
                    "zone_name": "World",
                    "zone_type": "world",
                    "country_iso2": "",
                    "country_iso3": "",
                    "source": SRC_OWID,
                }
            )
            continue
        is_country = "-" not in zone_key
        iso2 = zone_key if is_country else country_of.get(zone_key, zone_key.split("-", 1)[0])
        if not iso3_of(iso2):
            raise ValueError(f"zone {zone_key}: no country for prefix {iso2}")
        name = names.get(zone_key) or country_display_name(zone_key)
        rows.append(
            {
                "zone_key": zone_key,
                "zone_name": name,
                "zone_type": "country" if is_country else "subzone",
                "country_iso2": iso2,
                "country_iso3": iso3_of(iso2),
                "source": ";".join(sorted(sources.get(zone_key, {SRC_PYCOUNTRY}))),
            }
        )
    return pl.DataFrame(rows, schema=dict.fromkeys(ZONE_COLUMNS, pl.String))


def zone_aliases(
    em_yearly: dict[int, dict[str, dict]], mlco2: pl.DataFrame, country_codes: set[str]
) -> list[Alias]:
    """EM zone keys and names, EIA balancing-authority codes, and the 2021 mlco2 zone keys."""
    out: list[Alias] = []
    for _year, zones in sorted(em_yearly.items(), reverse=True):
        for zone_key, entry in zones.items():
            out.append(Alias(zone_key, zone_key, "em_zone", SRC_EM))
            meta = entry.get("zone", {})
            for label in (meta.get("zoneName"), meta.get("displayName")):
                if label and normalise_location(label) not in GENERIC_ZONE_NAMES:
                    out.append(Alias(label, zone_key, "em_zone", SRC_EM))
            parts = zone_key.split("-")
            # US zones are REGION-BA: the last segment is the EIA-930 balancing-authority code.
            if (
                parts[0] == "US"
                and len(parts) == 3
                and len(parts[2]) >= 3
                and parts[2] not in BA_DENYLIST
                and parts[2] not in country_codes
            ):
                out.append(Alias(parts[2], zone_key, "balancing_authority", SRC_EM))
    for zone_key in sorted(set(mlco2["zone_key"].to_list())):
        out.append(Alias(zone_key, zone_key, "em_zone", SRC_MLCO2_YEARLY))
    return out


# --- cloud regions --------------------------------------------------------------------------------


@dataclass
class RegionRecord:
    """What one source says about one provider region."""

    provider: str
    region: str
    source: str
    region_name: str = ""
    em_zone: str | None = None
    country_iso2: str | None = None
    pue: float | None = None
    cities: tuple[str, ...] = ()


def _provider(name: str) -> str:
    p = name.strip().lower()
    return PROVIDER_CANONICAL.get(p, p)


def _clean_city(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip().strip(",;").strip()


def _float_or_none(value: object) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return float(str(value))
    except ValueError:
        return None


def regions_from_em(path: Path) -> list[RegionRecord]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for _key, dc in sorted(data.items()):
        provider = _provider(dc["provider"])
        # Azure's displayName is the region's own name ("West US 2"); for AWS/OVH it is the city
        # or area, for GCP the campus name.
        display = dc.get("displayName") or ""
        name = display if provider == "azure" else ""
        cities = (display,) if provider in ("aws", "ovh") else ()
        out.append(
            RegionRecord(provider, dc["region"], SRC_EM_DC, name, dc["zoneKey"], None, None, cities)
        )
    return out


def regions_from_mlco2(path: Path, countries: CountryIndex) -> list[RegionRecord]:
    df = pl.read_csv(path, infer_schema_length=0)
    out = []
    for row in df.iter_rows(named=True):
        if not row["region"]:
            continue  # Scaleway's row has no region id
        out.append(
            RegionRecord(
                provider=_provider(row["provider"]),
                region=row["region"].strip(),
                source=SRC_MLCO2_IMPACT,
                region_name=(row["regionName"] or "").strip(),
                country_iso2=countries.lookup(row["country"]),
                pue=_float_or_none(row["PUE"]),
                cities=(_clean_city(row["city"]),),
            )
        )
    return out


def regions_from_boavizta(path: Path) -> list[RegionRecord]:
    df = pl.read_csv(path, infer_schema_length=0)
    out = []
    for provider, region, iso3 in df.iter_rows():
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            raise ValueError(f"boavizta region {provider}/{region}: unknown ISO3 {iso3!r}")
        out.append(
            RegionRecord(_provider(provider), region, SRC_BOAVIZTA, country_iso2=country.alpha_2)
        )
    return out


def azure_region_id(name: str) -> str:
    """Azure's programmatic id is its display name without spaces: 'West US 2' -> 'westus2'."""
    return re.sub(r"[^0-9a-z]", "", re.sub(r"\(.*?\)", "", name).lower())


def regions_from_greenalgorithms(path: Path, em_zone_keys: set[str]) -> list[RegionRecord]:
    # Two header rows: the first is a description of each column, the second the names.
    df = pl.read_csv(path, skip_rows=1, infer_schema_length=0)
    out = []
    for row in df.iter_rows(named=True):
        provider = _provider(row["provider"])
        name = (row["Name"] or "").strip()
        location = (row["location"] or "").strip()
        if not name:
            continue
        region = azure_region_id(name) if provider == "azure" else name
        # GA locations are its own codes: ISO2, or ISO2-state ('US-OR'); some equal EM zones
        # ('AU-NSW', 'CA-QC'). 'CN-HK' is Hong Kong, which has its own ISO2 code.
        location = "HK" if location == "CN-HK" else location
        em_zone = location if "-" in location and location in em_zone_keys else None
        iso2 = location.split("-", 1)[0] if location else None
        extra = _clean_city(row["Extra_details"])
        out.append(
            RegionRecord(
                provider,
                region,
                SRC_GA,
                region_name=name if provider == "azure" else "",
                em_zone=em_zone,
                country_iso2=iso2,
                pue=_float_or_none(row["PUE"]),
                cities=(extra,) if extra else (),
            )
        )
    return out


def regions_from_gcp(directory: Path, countries: CountryIndex) -> list[RegionRecord]:
    """Google's own region list; `Location` is how Google names the region's place."""
    latest: dict[str, str] = {}
    for path in sorted(directory.glob("*.csv")):  # later years overwrite earlier names
        df = pl.read_csv(path, infer_schema_length=0)
        for region, location in df.select(df.columns[0], df.columns[1]).iter_rows():
            if region and location:
                latest[region.strip()] = location.strip()
    out = []
    for region, location in sorted(latest.items()):
        # Google names US regions by state or city ("Georgia" is us-east2, not the country), so
        # the country comes from the region prefix there; elsewhere only an exact country name
        # ("Finland", "Taiwan") is trusted, a city gives no country.
        country = "US" if region.startswith("us-") else countries.lookup(location)
        out.append(
            RegionRecord(
                "gcp",
                region,
                SRC_GCP,
                region_name=location,
                country_iso2=country,
                cities=(location,),
            )
        )
    return out


# codecarbon's impact.csv misspells one GCP region id; Google's own list has me-central1 (Doha).
CODECARBON_REGION_TYPOS = {"me-cenrtal1": "me-central1"}


def regions_from_codecarbon(path: Path) -> list[RegionRecord]:
    # The file starts with a UTF-8 BOM; strip it from the first column name if polars keeps it.
    df = pl.read_csv(path, infer_schema_length=0)
    df = df.rename({c: c.lstrip("\ufeff") for c in df.columns})
    out = []
    for row in df.iter_rows(named=True):
        country = pycountry.countries.get(alpha_3=(row["countryIsoCode"] or "").strip())
        region = row["region"].strip()
        out.append(
            RegionRecord(
                _provider(row["provider"]),
                CODECARBON_REGION_TYPOS.get(region, region),
                SRC_CODECARBON,
                country_iso2=country.alpha_2 if country else None,
                cities=(_clean_city(row["city"]),),
            )
        )
    return out


# Which source to believe first for each field of a merged region.
ZONE_PRIORITY = [SRC_EM_DC, SRC_GA, SRC_MLCO2_IMPACT, SRC_GCP, SRC_CODECARBON, SRC_BOAVIZTA]
NAME_PRIORITY = [SRC_EM_DC, SRC_MLCO2_IMPACT, SRC_GA, SRC_GCP]
PUE_PRIORITY = [SRC_MLCO2_IMPACT, SRC_GA]


def merge_regions(
    records: Sequence[RegionRecord],
) -> tuple[pl.DataFrame, dict[tuple[str, str], RegionRecord]]:
    """One row per provider x region: the EM zone when any source gives one, else the country."""
    grouped: dict[tuple[str, str], list[RegionRecord]] = defaultdict(list)
    for r in records:
        grouped[(r.provider, r.region)].append(r)

    def pick(recs: list[RegionRecord], attr: str, order: list[str]) -> tuple[Any, str]:
        for src in order:
            for r in recs:
                value = getattr(r, attr)
                if r.source == src and value not in (None, ""):
                    return value, src
        return None, ""

    rows = []
    merged: dict[tuple[str, str], RegionRecord] = {}
    for (provider, region), recs in sorted(grouped.items()):
        em_zone, zone_src = pick(recs, "em_zone", ZONE_PRIORITY)
        country, country_src = pick(recs, "country_iso2", ZONE_PRIORITY)
        name, _ = pick(recs, "region_name", NAME_PRIORITY)
        pue, pue_src = pick(recs, "pue", PUE_PRIORITY)
        zone = em_zone or country
        if zone is None:
            continue  # no source places it (e.g. GA's 'Qatar Central' row has no location)
        if em_zone:
            country = em_zone.split("-", 1)[0]
        source = zone_src if em_zone else country_src
        if pue is not None and pue_src != source:
            source = f"{source};pue={pue_src}"
        cities = tuple(c for r in recs for c in r.cities if c)
        merged[(provider, region)] = RegionRecord(
            provider, region, source, str(name or ""), str(zone), str(country), pue, cities
        )
        rows.append(
            {
                "provider": provider,
                "region": region,
                "region_name": str(name or ""),
                "zone_key": str(zone),
                "country_iso2": str(country),
                "pue": pue,
                "source": source,
            }
        )
    schema = dict.fromkeys(CLOUD_COLUMNS, pl.String) | {"pue": pl.Float64}
    return pl.DataFrame(rows, schema=schema), merged


def cloud_aliases(merged: dict[tuple[str, str], RegionRecord], us_states: set[str]) -> list[Alias]:
    """Region ids, provider-prefixed ids, provider-written names, and the cities regions sit in."""
    out: list[Alias] = []
    for (provider, region), r in sorted(merged.items()):
        zone = r.em_zone or ""  # merged records carry the chosen zone here
        src = r.source.split(";", 1)[0]
        prefixes = (provider, *PROVIDER_NAMES.get(provider, ()))
        out.append(Alias(region, zone, "cloud_region", src))
        out += [Alias(f"{p} {region}", zone, "cloud_region", src) for p in prefixes]
        # Provider-written names only for Azure/AWS, where they name the region itself; Google's
        # 'Location' is a place (often a state or country) and goes in as a city below.
        if r.region_name and provider in ("azure", "aws"):
            out.append(Alias(r.region_name, zone, "cloud_region", src))
            out += [Alias(f"{p} {r.region_name}", zone, "cloud_region", src) for p in prefixes]
        for city in sorted(set(r.cities)):
            norm = normalise_location(city)
            if not norm or norm in GENERIC_CITY_NAMES or norm in us_states:
                continue  # a US state is not a point: "Iowa" is not only us-central1's grid
            out.append(Alias(city, zone, "city", src))
    return out


# --- alias table ----------------------------------------------------------------------------------


def resolve_alias_conflicts(
    aliases: Iterable[Alias], zone_country: dict[str, str]
) -> tuple[pl.DataFrame, list[str]]:
    """One row per normalised alias. Returns the table and a log of every decision taken.

    Rules, in order: the highest-precedence kind wins (KIND_RANK); among those, one zone wins
    outright; a country and one sub-zone of it -> the sub-zone; several sub-zones of one country
    -> the country; several countries -> the zone more source rows support, and if tied the alias
    is dropped (never a coin toss).
    """
    by_norm: dict[str, list[Alias]] = defaultdict(list)
    for a in aliases:
        norm = normalise_location(a.alias)
        if norm and a.zone_key:
            by_norm[norm].append(a)

    log: list[str] = []
    rows = []
    for norm in sorted(by_norm):
        cands = by_norm[norm]
        best = min(KIND_RANK[a.kind] for a in cands)
        top = [a for a in cands if KIND_RANK[a.kind] == best]
        zones = sorted({a.zone_key for a in top})
        chosen: str | None
        if len(zones) == 1:
            chosen = zones[0]
        else:
            countries = {zone_country.get(z, z.split("-", 1)[0]) for z in zones}
            if len(countries) == 1:
                country = next(iter(countries))
                subs = [z for z in zones if z != country]
                chosen = subs[0] if len(subs) == 1 else country
            else:
                support = Counter(a.zone_key for a in top).most_common()
                chosen = support[0][0] if support[0][1] > support[1][1] else None
            log.append(f"alias {norm!r}: {zones} -> {chosen or 'dropped'}")
        if chosen is None:
            continue
        # Which row's spelling/kind/source to keep: a code over a name, a third-party source over
        # our curated list, then alphabetical, so the choice is stable.
        # When several sub-zones fell back to their country, no row names it: use any of them.
        rows_for_chosen = [a for a in top if a.zone_key == chosen] or top
        a = min(
            rows_for_chosen,
            key=lambda a: (a.source == SRC_CURATED, KIND_TIEBREAK.index(a.kind), a.source, a.alias),
        )
        rows.append(
            {"alias": a.alias, "zone_key": chosen, "kind": a.kind, "source": a.source, "n": norm}
        )
    df = pl.DataFrame(rows, schema=dict.fromkeys([*ALIAS_COLUMNS, "n"], pl.String))
    return df.sort("n", "alias").drop("n"), log


# --- writing --------------------------------------------------------------------------------------


def write_csv(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_csv(path, null_value="", line_terminator="\n")


@dataclass
class Snapshot:
    intensity: pl.DataFrame
    zones: pl.DataFrame
    cloud_regions: pl.DataFrame
    aliases: pl.DataFrame
    dropped_impossible: dict[str, int]
    dropped_empty: int
    alias_log: list[str]


def build(shared: Path) -> Snapshot:
    grid = shared / "grid"
    owid = read_owid(grid / "owid_grapher_carbon-intensity-electricity.csv")
    em_yearly = read_em_yearly(grid / "electricitymaps_yearly_co2js")
    mlco2 = read_mlco2_yearly(grid / "mlco2_impact_2021-10-27_yearly_averages.csv")

    raw = combine_intensity([owid_intensity(owid), em_intensity(em_yearly), mlco2_intensity(mlco2)])
    intensity, dropped = drop_impossible(raw)
    dropped_empty = int(mlco2["carbon_intensity_avg"].null_count())

    country_zones = {z for z in intensity["zone_key"].to_list() if "-" not in z}
    c_aliases = country_aliases(owid, country_zones)
    countries = CountryIndex()
    for a in c_aliases:
        if a.kind in ("country_name", "iso2", "iso3"):
            countries.add(a.alias, a.zone_key)

    em_keys = {k for zones in em_yearly.values() for k in zones}
    records = [
        *regions_from_em(grid / "electricitymaps_data_centers.json"),
        *regions_from_greenalgorithms(
            grid / "greenalgorithms_cloudProviders_datacenters.csv", em_keys
        ),
        *regions_from_mlco2(grid / "mlco2_impact_impact.csv", countries),
        *regions_from_gcp(grid / "gcp_region_carbon_info", countries),
        *regions_from_codecarbon(grid / "codecarbon_cloud_impact.csv"),
        *regions_from_boavizta(grid / "boavizta_cloud_regions.csv"),
    ]
    cloud, merged = merge_regions(records)

    zones = build_zones(intensity, owid, em_yearly, mlco2, cloud["zone_key"].to_list(), countries)
    zone_country = dict(zip(zones["zone_key"], zones["country_iso2"], strict=True))
    known = set(zone_country)

    us_states = {
        normalise_location(s.name) for s in pycountry.subdivisions.get(country_code="US") or []
    }
    all_codes = {c.alpha_2 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.countries}
    # A US state resolves to the US (kind 'other', lowest precedence, so the country Georgia
    # keeps its name). Without it "Paris, Texas" would silently become France.
    state_aliases = [
        Alias(s.name, "US", "other", SRC_PYCOUNTRY)
        for s in sorted(pycountry.subdivisions.get(country_code="US") or [], key=lambda s: s.code)
    ]
    candidates = [
        *c_aliases,
        *state_aliases,
        *zone_aliases(em_yearly, mlco2, all_codes),
        *cloud_aliases(merged, us_states),
    ]
    candidates = [a for a in candidates if a.zone_key in known]
    aliases, log = resolve_alias_conflicts(candidates, zone_country)

    return Snapshot(
        intensity=intensity,
        zones=zones,
        cloud_regions=cloud.sort("provider", "region"),
        aliases=aliases,
        dropped_impossible=dropped,
        dropped_empty=dropped_empty,
        alias_log=log,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "warehouse" / "snapshot" / "grid")
    parser.add_argument("-v", "--verbose", action="store_true", help="print alias decisions")
    args = parser.parse_args(argv)

    snap = build(args.shared)
    write_csv(snap.intensity, args.out / "grid_intensity_annual.csv")
    write_csv(snap.zones, args.out / "zones.csv")
    write_csv(snap.cloud_regions, args.out / "cloud_regions.csv")
    write_csv(snap.aliases, args.out / "location_aliases.csv")

    per_source = snap.intensity.group_by("source").len().sort("source").iter_rows()
    print(f"grid_intensity_annual.csv: {snap.intensity.height} rows")
    for source, n in per_source:
        print(f"  {source}: {n}")
    total_dropped = sum(snap.dropped_impossible.values())
    print(f"  dropped as impossible (<0 or >2000 g/kWh): {total_dropped} {snap.dropped_impossible}")
    print(f"  dropped as empty ({SRC_MLCO2_YEARLY}, zero hours of data): {snap.dropped_empty}")
    countries = snap.intensity.filter(
        (pl.col("source") == SRC_OWID) & (pl.col("zone_key") != WORLD)
    )["zone_key"].n_unique()
    print(f"  countries with {SRC_OWID} data: {countries}")
    print(f"zones.csv: {snap.zones.height} rows")
    print(f"cloud_regions.csv: {snap.cloud_regions.height} rows")
    print(f"location_aliases.csv: {snap.aliases.height} rows ({len(snap.alias_log)} conflicts)")
    for line in snap.alias_log if args.verbose else []:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
