"""Grid carbon intensity: annual values per country and zone, zones, cloud regions, aliases."""

from __future__ import annotations

from tasks.grid_hourly import SNAPSHOT_FILES as HOURLY_FILES
from tasks.ingest import SnapshotFile

# Natural keys live in tasks/warehouse.py:RAW_TABLE_KEYS; all four land as full replacements of
# their snapshot scope (MERGE with delete of vanished rows).
SNAPSHOT_FILES = (
    SnapshotFile("grid/zones.csv", "raw_zones"),
    SnapshotFile("grid/grid_intensity_annual.csv", "raw_grid_intensity_annual"),
    SnapshotFile("grid/cloud_regions.csv", "raw_cloud_regions"),
    SnapshotFile("grid/location_aliases.csv", "raw_location_aliases"),
    *HOURLY_FILES,
)
