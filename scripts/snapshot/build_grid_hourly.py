"""Build the bundled hourly / sub-hourly grid-intensity series from ../shared/data.

Writes `warehouse/snapshot/grid/intensity_hourly.parquet` with the business columns of
`raw_grid_intensity_hourly` (sql/ddl/create_raw_tables.sql): zone_key, ts_utc (start of the
interval, naive UTC), period_minutes, carbon_intensity_g_per_kwh, basis, source, source_url.

Inputs (provenance in ../shared/data/SOURCES.md):

- `grid/hourly_us_eia_2022/<BA>_NG_avgCI_2022.csv` - HewlettPackard/dc-rl, hourly 2022 (UTC),
  `avg_CI` in g CO2/kWh derived from EIA-930 generation by fuel. The balancing authority (BA)
  is mapped to its Electricity Maps zone through `grid/location_aliases.csv` (CISO ->
  US-CAL-CISO). The emission factors behind `avg_CI` are not documented in our copy, so the
  basis is `unknown`. Hours with an empty `avg_CI` are dropped (they count as gaps against a
  run's coverage). WAAT has no Electricity Maps zone in `zones.csv` and is skipped (its series
  also starts identical to BPAT's).
- `grid/subhourly/vessim_watttime_example_caiso_north_5min.csv` - dos-group/vessim, a 5-minute
  WattTime signal for CAISO_NORTH, 2023-06-08..07-08. The header reads `oootime,Caiso_North`
  (an upstream typo). WattTime's MOER is a *marginal* signal in lbs CO2/MWh; we convert with
  1 lb/MWh = 0.45359 g/kWh and label the basis `marginal`. CAISO_NORTH lies inside CAISO, so the
  zone is US-CAL-CISO. A marginal rate answers "what would one more kWh emit", not "what did the
  average kWh emit", so the transforms keep it apart: it is never used as an average intensity
  (see sql/intermediate/int_runs_hourly_matched.sql).
- `grid/subhourly/vessim_carbon_intensity_DE_15min_2020.csv` - dos-group/vessim, 15-minute
  Germany 2019-12-20..2021-01-09 in g CO2/kWh; the upstream source and basis are undocumented
  (basis `unknown`); the timestamps carry no offset and no DST duplicates, so they are read as UTC.

Usage: `.venv/bin/python scripts/snapshot/build_grid_hourly.py [--shared ../shared/data] [--out F]`.
The output is deterministic (sorted rows, fixed rounding, no parquet statistics timestamps).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # so `tasks` imports when run as a plain script

from tasks.core.locations import normalise_location  # noqa: E402

GH = "https://github.com"
DCRL_COMMIT = "6f66e82952a61272623105e464c70d3d6c534066"
DCRL_URL = (
    f"{GH}/HewlettPackard/dc-rl/blob/{DCRL_COMMIT}/data/CarbonIntensity/{{ba}}_NG_&_avgCI.csv"
)
VESSIM_WT_URL = (
    f"{GH}/dos-group/vessim/blob/b168852b6d3b7b367f6ba6194e7d311f4cf8abd7"
    "/datasets/watttime_example.csv"
)
VESSIM_DE_URL = (
    f"{GH}/dos-group/vessim/blob/fc6b9891be7b6c27ec4a66af6b912e55f4a9c579"
    "/examples/data/carbon_intensity.csv"
)
SRC_EIA = "eia930_dcrl"
SRC_WATTTIME = "watttime_vessim"
SRC_DE = "vessim_de"

LBS_PER_MWH_TO_G_PER_KWH = 0.45359  # 1 lb = 453.59 g; 1 MWh = 1,000 kWh
SKIPPED_BAS = {"WAAT": "no Electricity Maps zone in zones.csv"}

COLUMNS = {
    "zone_key": pl.String,
    "ts_utc": pl.Datetime("us"),
    "period_minutes": pl.Int32,
    "carbon_intensity_g_per_kwh": pl.Float64,
    "basis": pl.String,
    "source": pl.String,
    "source_url": pl.String,
}


def ba_zones(aliases_csv: Path) -> dict[str, str]:
    """Balancing-authority code -> zone key, from the alias table (kind balancing_authority or an
    em_zone alias spelled as the code, e.g. MISO, PJM)."""
    out: dict[str, str] = {}
    with aliases_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            alias = normalise_location(row["alias"]).upper().replace(" ", "")
            if row["kind"] in ("balancing_authority", "em_zone") and alias.isalnum():
                out.setdefault(alias, row["zone_key"])
    return out


def _frame(
    ts: pl.Series, ci: pl.Series, *, zone: str, period: int, basis: str, source: str, url: str
) -> pl.DataFrame:
    frame = pl.DataFrame({"ts_utc": ts, "carbon_intensity_g_per_kwh": ci.cast(pl.Float64)})
    return (
        frame.drop_nulls()
        .filter(pl.col("carbon_intensity_g_per_kwh").is_not_nan())
        .with_columns(
            pl.lit(zone).alias("zone_key"),
            pl.lit(period, dtype=pl.Int32).alias("period_minutes"),
            pl.col("carbon_intensity_g_per_kwh").round(4),
            pl.lit(basis).alias("basis"),
            pl.lit(source).alias("source"),
            pl.lit(url).alias("source_url"),
        )
        .select(list(COLUMNS))
    )


def eia_hourly(folder: Path, zones: dict[str, str]) -> list[pl.DataFrame]:
    frames = []
    for path in sorted(folder.glob("*_NG_avgCI_2022.csv")):
        ba = path.name.split("_", 1)[0]
        if ba in SKIPPED_BAS:
            print(f"skip {ba}: {SKIPPED_BAS[ba]}", file=sys.stderr)
            continue
        zone = zones.get(ba)
        if zone is None:
            print(f"skip {ba}: no alias to a zone", file=sys.stderr)
            continue
        raw = pl.read_csv(path, infer_schema=False)
        ts = (
            raw[raw.columns[0]]
            .str.to_datetime("%Y-%m-%d %H:%M:%S%z", time_unit="us")
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None)
        )
        ci = raw["avg_CI"].cast(pl.Float64, strict=False)
        url = DCRL_URL.format(ba=ba)
        frames.append(
            _frame(ts, ci, zone=zone, period=60, basis="unknown", source=SRC_EIA, url=url)
        )
    return frames


def watttime(path: Path) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema=False)
    time_col, value_col = raw.columns[0], raw.columns[1]  # `oootime`, `Caiso_North`
    ts = raw[time_col].str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
    ci = raw[value_col].cast(pl.Float64, strict=False) * LBS_PER_MWH_TO_G_PER_KWH
    return _frame(
        ts,
        ci,
        zone="US-CAL-CISO",
        period=5,
        basis="marginal",
        source=SRC_WATTTIME,
        url=VESSIM_WT_URL,
    )


def germany(path: Path) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema=False)
    ts = raw["time"].str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
    ci = raw["DE"].cast(pl.Float64, strict=False)
    return _frame(ts, ci, zone="DE", period=15, basis="unknown", source=SRC_DE, url=VESSIM_DE_URL)


def build(shared: Path, aliases_csv: Path) -> pl.DataFrame:
    grid = shared / "grid"
    frames = eia_hourly(grid / "hourly_us_eia_2022", ba_zones(aliases_csv))
    frames.append(watttime(grid / "subhourly" / "vessim_watttime_example_caiso_north_5min.csv"))
    frames.append(germany(grid / "subhourly" / "vessim_carbon_intensity_DE_15min_2020.csv"))
    out = pl.concat(frames).sort(["source", "zone_key", "ts_utc"])
    dupes = out.select(["zone_key", "ts_utc", "source"]).is_duplicated().sum()
    if dupes:
        raise SystemExit(f"{dupes} duplicate (zone_key, ts_utc, source) rows")
    return out.cast(COLUMNS)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--out", type=Path, default=REPO / "warehouse/snapshot/grid/intensity_hourly.parquet"
    )
    args = parser.parse_args(argv)
    aliases = REPO / "warehouse/snapshot/grid/location_aliases.csv"
    frame = build(args.shared, aliases)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(args.out, compression="zstd", statistics=False)
    summary = frame.group_by(["source", "zone_key", "basis", "period_minutes"]).agg(
        pl.len().alias("rows"), pl.col("ts_utc").min().alias("from"), pl.col("ts_utc").max()
    )
    print(summary.sort(["source", "zone_key"]))
    print(f"wrote {frame.height} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
