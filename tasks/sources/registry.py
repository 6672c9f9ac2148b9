"""Every source, in one tuple: live runs, settings, schedules and snapshot files read it.

Adding a source is one module under tasks/sources/<kind>/ ending with its `DECLARATION`, and one
line here.
"""

from __future__ import annotations

from tasks.load.ingest import SnapshotFile
from tasks.sources.declare import Kind, LiveRun, Source
from tasks.sources.grid import eia, electricitymaps, ember, owid, ukcarbon
from tasks.sources.grid import snapshot as grid_snapshot
from tasks.sources.hardware import greenalgorithms, mlco2
from tasks.sources.hardware import snapshot as hardware_snapshot
from tasks.sources.models import (
    aienergyscore,
    codecarbon,
    ecologits,
    epoch,
    github,
    hf_hub,
    hfco2,
    mlenergy,
)
from tasks.sources.models import snapshot as models_snapshot

SOURCES: tuple[Source, ...] = (
    owid.DECLARATION,
    ember.DECLARATION,
    electricitymaps.DECLARATION,
    ukcarbon.DECLARATION,
    eia.DECLARATION,
    mlco2.DECLARATION,
    greenalgorithms.DECLARATION,
    epoch.DECLARATION,
    github.DECLARATION,
    hf_hub.DECLARATION,
    hfco2.DECLARATION,
    codecarbon.DECLARATION,
    mlenergy.DECLARATION,
    aienergyscore.DECLARATION,
    ecologits.DECLARATION,
)

# The bundled snapshot, by the flow that lands it; the footprint model's coefficients apart.
SNAPSHOT_FILES: dict[Kind, tuple[SnapshotFile, ...]] = {
    "grid": grid_snapshot.SNAPSHOT_FILES,
    "hardware": hardware_snapshot.SNAPSHOT_FILES,
    "models": (*models_snapshot.SNAPSHOT_FILES, *models_snapshot.INFERENCE_FILES),
}
ASSUMPTION_FILES = models_snapshot.ASSUMPTION_FILES


def source(name: str) -> Source:
    """The declared source called `name` (a ValueError naming the known ones otherwise)."""
    for declared in SOURCES:
        if declared.name == name.lower():
            return declared
    known = ", ".join(s.name for s in SOURCES)
    raise ValueError(f"unknown source {name!r}; known: {known}")


def live_runs(kind: Kind | None = None) -> tuple[tuple[Source, LiveRun], ...]:
    """Every live run (of one flow's kind, if given) with its source, in declaration order."""
    return tuple((s, run) for s in SOURCES for run in s.live if kind is None or run.kind == kind)


def live_names(kind: Kind) -> tuple[str, ...]:
    """The names of one flow's live runs: its default `sources`."""
    return tuple(run.name for _, run in live_runs(kind))


def live_run(name: str) -> tuple[Source, LiveRun]:
    """The live run called `name` and its source."""
    for declared, run in live_runs():
        if run.name == name:
            return declared, run
    known = ", ".join(run.name for _, run in live_runs())
    raise ValueError(f"unknown live source {name!r}; known: {known}")
