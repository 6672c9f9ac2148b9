"""GPU specifications and the aliases that resolve the names cards use."""

from __future__ import annotations

from tasks.load.ingest import SnapshotFile

SNAPSHOT_FILES = (
    SnapshotFile("gpus/gpu_specs.csv", "raw_gpu_specs"),
    SnapshotFile("gpus/gpu_aliases.csv", "raw_gpu_aliases"),
)
