"""Grid carbon intensity: annual values per country and zone, zones, cloud regions, aliases;
and what a site's electricity costs (country x year, for the amortised cost view)."""

from __future__ import annotations

from tasks.load.ingest import SnapshotFile
from tasks.sources.grid.snapshot_hourly import SNAPSHOT_FILES as HOURLY_FILES

# Natural keys live in tasks/load/warehouse.py:RAW_TABLE_KEYS; all four land as full replacements of
# their snapshot scope (MERGE with delete of vanished rows).
SNAPSHOT_FILES = (
    SnapshotFile("grid/zones.csv", "raw_zones"),
    SnapshotFile("grid/grid_intensity_annual.csv", "raw_grid_intensity_annual"),
    SnapshotFile("grid/cloud_regions.csv", "raw_cloud_regions"),
    SnapshotFile("grid/location_aliases.csv", "raw_location_aliases"),
    SnapshotFile("grid/electricity_prices.csv", "raw_electricity_prices"),
    *HOURLY_FILES,
)
