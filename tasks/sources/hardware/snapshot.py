"""GPU specifications, the aliases that resolve the names cards use, and the largest cluster that
existed at each date (a curated step function, for the cluster-size plausibility guard), and the
cloud and purchase prices of accelerator families by year (for the cost views)."""

from __future__ import annotations

from tasks.load.ingest import SnapshotFile

SNAPSHOT_FILES = (
    SnapshotFile("gpus/gpu_specs.csv", "raw_gpu_specs"),
    SnapshotFile("gpus/gpu_aliases.csv", "raw_gpu_aliases"),
    SnapshotFile("gpus/curated/largest_clusters.csv", "raw_largest_clusters"),
    SnapshotFile("gpus/curated/cloud_prices.csv", "raw_cloud_prices"),
    SnapshotFile("gpus/curated/purchase_prices.csv", "raw_purchase_prices"),
)
