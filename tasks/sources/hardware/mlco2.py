"""mlco2/impact's GPU table (`gpus.csv`): TDP, memory and fp32 peak of ~50 accelerators.

A public file (no token). It is one of the optional inputs of the GPU catalogue: its rows become
aliases of parts we already have, or catalogue rows of their own (`tasks.sources.hardware.catalog`,
landed by the live GPU build, the registry's `gpus` run).
"""

from __future__ import annotations

from tasks.sources.declare import Citation, Licence, Resource, Source
from tasks.sources.hardware.catalog import Value, read_mlco2

SOURCE = "mlco2"
FILE = "gpus.csv"


def parse_gpus(data: bytes) -> list[dict[str, Value]]:
    """Rows of gpus.csv as {name, type, tdp_w, memory_gb, peak_fp32_tflops, source}; the file's
    shifted A10G row is realigned (see `tasks.sources.hardware.catalog.read_mlco2`)."""
    return read_mlco2(data)


# Fetched, with FILE, by the live GPU build (the registry's "gpus" run).
DECLARATION = Source(
    SOURCE,
    "hardware",
    base_url="https://raw.githubusercontent.com/mlco2/impact/master/data",
    resources=(Resource("gpus", "raw_gpu_specs", parse=parse_gpus),),
    licences=(Licence("MIT", "mlco2/impact"),),
    citation=Citation("mlco2/impact", "https://github.com/mlco2/impact"),
)

__all__ = ["FILE", "SOURCE", "parse_gpus"]
