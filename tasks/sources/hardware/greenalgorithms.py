"""Green Algorithms' GPU TDP table (`TDP_gpu.csv`): one TDP per GPU model.

A public file (no token), with a units row above its header. One of the optional inputs of the
GPU catalogue (`tasks.sources.hardware.catalog`, landed by the live GPU build, the registry's
`gpus` run).
"""

from __future__ import annotations

from tasks.sources.declare import Licence, Resource, Source
from tasks.sources.hardware.catalog import Value, read_greenalgorithms

SOURCE = "greenalgorithms"
FILE = "TDP_gpu.csv"


def parse_tdp_gpu(data: bytes) -> list[dict[str, Value]]:
    """Rows of TDP_gpu.csv as {name, tdp_w, source}; the catch-all 'Any' row is dropped."""
    return read_greenalgorithms(data)


# Fetched, with FILE, by the live GPU build (the registry's "gpus" run).
DECLARATION = Source(
    SOURCE,
    "hardware",
    base_url=(
        "https://raw.githubusercontent.com/GreenAlgorithms/green-algorithms-tool/master/data/latest"
    ),
    resources=(Resource("tdp_gpu", "raw_gpu_specs", parse=parse_tdp_gpu),),
    licences=(Licence("CC-BY-4.0", "Green Algorithms"),),
)

__all__ = ["FILE", "SOURCE", "parse_tdp_gpu"]
