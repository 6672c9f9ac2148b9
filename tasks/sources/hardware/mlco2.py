"""mlco2/impact's GPU table (`gpus.csv`): TDP, memory and fp32 peak of ~50 accelerators.

A public file on GitHub (no token). It is one of the optional inputs of the GPU catalogue: its
rows become aliases of parts we already have, or catalogue rows of their own
(`tasks.sources.hardware.catalog`, landed by `tasks.sources.models.epoch.land_gpu_specs_live`).
"""

from __future__ import annotations

from tasks.sources.declare import Resource, Source
from tasks.sources.hardware.catalog import Value, read_mlco2

SOURCE = "mlco2"
FILE = "gpus.csv"


def parse_gpus(data: bytes) -> list[dict[str, Value]]:
    """Rows of gpus.csv as {name, type, tdp_w, memory_gb, peak_fp32_tflops, source}; the file's
    shifted A10G row is realigned (see `tasks.sources.hardware.catalog.read_mlco2`)."""
    return read_mlco2(data)


# Fetched by the live GPU build (the "gpus" run in tasks/sources/models/epoch.py), with FILE.
DECLARATION = Source(
    SOURCE,
    "hardware",
    base_url="https://raw.githubusercontent.com/mlco2/impact/master/data",
    resources=(Resource("gpus", "raw_gpu_specs", parse=parse_gpus),),
)

__all__ = ["FILE", "SOURCE", "parse_gpus"]
