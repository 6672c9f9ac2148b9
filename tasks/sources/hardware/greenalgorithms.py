"""Green Algorithms' GPU TDP table (`TDP_gpu.csv`): one TDP per GPU model.

A public file on GitHub (no token), with a units row above its header. One of the optional inputs
of the GPU catalogue (`tasks.sources.hardware.catalog`, landed by
`tasks.sources.models.epoch.land_gpu_specs_live`).
"""

from __future__ import annotations

from tasks.sources.declare import Resource, Source
from tasks.sources.hardware.catalog import Value, read_greenalgorithms

SOURCE = "greenalgorithms"
FILE = "TDP_gpu.csv"


def parse_tdp_gpu(data: bytes) -> list[dict[str, Value]]:
    """Rows of TDP_gpu.csv as {name, tdp_w, source}; the catch-all 'Any' row is dropped."""
    return read_greenalgorithms(data)


# Fetched by the live GPU build (the "gpus" run in tasks/sources/models/epoch.py), with FILE.
DECLARATION = Source(
    SOURCE,
    "hardware",
    base_url=(
        "https://raw.githubusercontent.com/GreenAlgorithms/green-algorithms-tool/master/data/latest"
    ),
    resources=(Resource("tdp_gpu", "raw_gpu_specs", parse=parse_tdp_gpu),),
)

__all__ = ["FILE", "SOURCE", "parse_tdp_gpu"]
