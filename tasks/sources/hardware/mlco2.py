"""mlco2/impact's GPU table (`gpus.csv`): TDP, memory and fp32 peak of ~50 accelerators.

A public file on GitHub (no token). It is one of the optional inputs of the GPU catalogue: its
rows become aliases of parts we already have, or catalogue rows of their own
(`tasks.sources.hardware.catalog`, landed by `tasks.sources.models.epoch.land_gpu_specs_live`).
"""

from __future__ import annotations

import requests

from tasks.core.http import Conditional
from tasks.core.settings import Settings, SourceSettings
from tasks.load.fetched import FetchResult, fetch
from tasks.sources.hardware.catalog import Value, read_mlco2

SOURCE = "mlco2"
FILE = "gpus.csv"


def fetch_gpus(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    *,
    conditional: Conditional | None = None,
) -> FetchResult:
    return fetch(session, source, settings, FILE, expect="csv", conditional=conditional)


def parse_gpus(data: bytes) -> list[dict[str, Value]]:
    """Rows of gpus.csv as {name, type, tdp_w, memory_gb, peak_fp32_tflops, source}; the file's
    shifted A10G row is realigned (see `tasks.sources.hardware.catalog.read_mlco2`)."""
    return read_mlco2(data)


__all__ = ["FILE", "SOURCE", "fetch_gpus", "parse_gpus"]
