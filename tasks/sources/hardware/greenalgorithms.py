"""Green Algorithms' GPU TDP table (`TDP_gpu.csv`): one TDP per GPU model.

A public file on GitHub (no token), with a units row above its header. One of the optional inputs
of the GPU catalogue (`tasks.sources.hardware.catalog`, landed by
`tasks.sources.models.epoch.land_gpu_specs_live`).
"""

from __future__ import annotations

import requests

from tasks.core.http import Conditional
from tasks.core.settings import Settings, SourceSettings
from tasks.load.fetched import FetchResult, fetch
from tasks.sources.hardware.catalog import Value, read_greenalgorithms

SOURCE = "greenalgorithms"
FILE = "TDP_gpu.csv"


def fetch_tdp_gpu(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    *,
    conditional: Conditional | None = None,
) -> FetchResult:
    return fetch(session, source, settings, FILE, expect="csv", conditional=conditional)


def parse_tdp_gpu(data: bytes) -> list[dict[str, Value]]:
    """Rows of TDP_gpu.csv as {name, tdp_w, source}; the catch-all 'Any' row is dropped."""
    return read_greenalgorithms(data)


__all__ = ["FILE", "SOURCE", "fetch_tdp_gpu", "parse_tdp_gpu"]
