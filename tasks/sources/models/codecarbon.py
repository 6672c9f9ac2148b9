"""A user's own training runs, measured by CodeCarbon: `emissions.csv` files into `Fact` rows.

CodeCarbon's `EmissionsTracker` appends one row per tracked run to `emissions.csv` (columns:
timestamp, project_name, run_id, experiment_id, duration (s), emissions (kg CO2e),
emissions_rate, cpu/gpu/ram_power (W), cpu/gpu/ram_energy and energy_consumed (kWh),
country_name, country_iso_code, region, cloud_provider, cloud_region, os, python_version,
codecarbon_version, cpu_count, cpu_model, gpu_count, gpu_model, longitude, latitude,
ram_total_size, tracking_mode, on_cloud, pue; recent versions add cpu/ram_utilization_percent,
ram_used_gb, water_consumed and wue, old ones lack run_id, experiment_id and pue). Columns are read
by name, so every version parses.

How rows become runs:
- rows sharing a `run_id` are cumulative snapshots of one run (a tracker that flushed during the
  run, or an "update"-mode file): the latest row of each run is its total;
- the run that ended last is the **training** run (the released model); every earlier run is
  summed as **development** (the sweeps and false starts before it).

Units: energy_consumed kWh / 1000 -> energy_mwh; emissions kg / 1000 -> co2e_t. CodeCarbon
measures the machine (CPU + GPU + RAM), i.e. IT energy: it includes data-centre overhead only when
its `pue` column is above 1. The facts say which in their note, and a `pue` fact is written only
when CodeCarbon applied one. Measured figures are tier 1 of the estimation ladder, confidence high.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import duckdb

from tasks.cards.user_yaml import DisclosureFileError, read_card_bytes
from tasks.core.facts import FACT_COLUMNS, Fact, facts_to_rows
from tasks.core.settings import Settings
from tasks.load.archive import archive_payload
from tasks.load.land import LoadResult, ingest_payload
from tasks.sources.declare import Licence, Resource, Source
from tasks.sources.models.snapshot import read_facts_csv

MAX_BYTES = 50_000_000  # a year of per-minute flushes is far below this
REQUIRED_COLUMNS = ("timestamp", "duration", "emissions", "energy_consumed")
SOURCE_KIND = "codecarbon"


class CodeCarbonError(ValueError):
    """An emissions file that cannot be used; the message names the file and row."""


@dataclass(frozen=True)
class Run:
    """One tracked run: the latest (cumulative) row of its run_id."""

    file: str  # name shown in locators: path relative to the folder given, or the file name
    url: str
    row: int  # 1-based data row (header not counted)
    run_id: str
    ended: datetime
    duration_s: float
    emissions_kg: float
    energy_kwh: float
    pue: float | None
    gpu_model: str
    gpu_count: float | None
    location: str
    location_raw: str


def _num(row: dict[str, str], column: str) -> float | None:
    """Column `column` of a row as a finite number (None when empty); anything else is an error
    naming the column."""
    value = row.get(column)
    if value is None or value.strip() == "" or value.strip().lower() in ("nan", "none", "null"):
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"column {column}: {value.strip()[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"column {column}: {value.strip()[:40]!r} is not a finite number")
    return number


def _text(value: str | None) -> str:
    v = (value or "").strip()
    return "" if v.lower() in ("nan", "none", "null") else v


def _timestamp(value: str) -> datetime:
    """CodeCarbon writes %Y-%m-%dT%H:%M:%S (older versions add microseconds); an offset, if any,
    is converted so every run compares in UTC."""
    ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


def _location(row: dict[str, str]) -> tuple[str, str]:
    """The most specific place CodeCarbon recorded, and all of them for the raw text."""
    cloud_region = _text(row.get("cloud_region"))
    region = _text(row.get("region"))
    iso = _text(row.get("country_iso_code"))
    country = _text(row.get("country_name"))
    provider = _text(row.get("cloud_provider"))
    raw = " / ".join(p for p in (provider, cloud_region, region, country, iso) if p)
    return (cloud_region or region or iso or country), raw


def _files(path: Path) -> list[tuple[Path, str]]:
    if path.is_file():
        return [(path, path.name)]
    if path.is_dir():
        # emissions.csv, or any name given to `output_file`; CodeCarbon's per-task files
        # (`emissions_<experiment>_<run>.csv`, with a task_name column) are skipped when read.
        # a link to a file is listed, then refused by name when read (never followed)
        found = sorted(p for p in path.rglob("*.csv") if p.is_file() or p.is_symlink())
        if not found:
            raise CodeCarbonError(f"{path}: no .csv file in this folder")
        return [(p, p.relative_to(path).as_posix()) for p in found]
    raise CodeCarbonError(f"{path}: no such file or folder")


def _read(path: Path, shown: str) -> list[Run] | None:
    """The runs of one file; None when it is a per-task file (task_name column)."""
    reader = csv.reader(io.StringIO(_file_text(path, shown)))
    header = _header(reader, shown)
    if header is None:
        return None
    # As the user named it (relative to the folder given), never its local path: the source is
    # published in the leaderboard and the report.
    url = f"CodeCarbon {shown}"
    runs: dict[str, Run] = {}
    for n, cells in enumerate(reader, start=1):
        if not cells or all(not c.strip() for c in cells):
            continue
        _keep_latest(runs, _run(_row_of(header, cells, shown, n), shown, url, n))
    return list(runs.values())


def _file_text(path: Path, shown: str) -> str:
    # as a card is read: never through a symbolic link, never a FIFO or device (issue 17)
    try:
        data = read_card_bytes(path, MAX_BYTES)
    except DisclosureFileError as exc:
        raise CodeCarbonError(f"{shown}: {exc.reason}") from None
    if len(data) > MAX_BYTES:
        raise CodeCarbonError(f"{shown}: larger than {MAX_BYTES:,} bytes")
    return data.decode("utf-8-sig", errors="replace")


def _header(reader: Iterator[list[str]], shown: str) -> list[str] | None:
    """The column names, checked; None for a per-task file (a task_name column)."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CodeCarbonError(f"{shown}: empty file") from None
    if "task_name" in header:
        return None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CodeCarbonError(
            f"{shown}: not a CodeCarbon emissions file (no column {', '.join(missing)})"
        )
    return header


def _row_of(header: list[str], cells: list[str], shown: str, n: int) -> dict[str, str]:
    if len(cells) != len(header):
        # CodeCarbon's append mode drops all-empty columns from the new row before writing
        # it under the old header, which shifts every later value: refuse rather than
        # read an energy figure from the wrong column.
        raise CodeCarbonError(
            f"{shown}: row {n} has {len(cells)} fields but the header has {len(header)} "
            "(a row appended without its empty columns?); fix or delete that row"
        )
    return dict(zip(header, cells, strict=True))


def _run(row: dict[str, str], shown: str, url: str, n: int) -> Run:
    """Data row `n` as a Run; a figure that is not a number, empty or negative is an error."""
    try:
        ended = _timestamp(row["timestamp"])
    except ValueError:
        raise CodeCarbonError(
            f"{shown}: row {n}: column timestamp: {row['timestamp'][:40]!r} is not a date and time"
        ) from None
    try:
        duration = _num(row, "duration") or 0.0
        emissions = _num(row, "emissions")
        energy = _num(row, "energy_consumed")
        pue = _num(row, "pue")
        gpu_count = _num(row, "gpu_count")
    except ValueError as err:
        raise CodeCarbonError(f"{shown}: row {n}: {err}") from err
    if emissions is None or energy is None:
        raise CodeCarbonError(f"{shown}: row {n}: emissions or energy_consumed is empty")
    if emissions < 0 or energy < 0 or duration < 0:
        raise CodeCarbonError(f"{shown}: row {n}: a negative duration, energy or emission")
    location, location_raw = _location(row)
    return Run(
        file=shown,
        url=url,
        row=n,
        run_id=_text(row.get("run_id")) or f"{shown}:row {n}",  # old files: a row is a run
        ended=ended,
        duration_s=duration,
        emissions_kg=emissions,
        energy_kwh=energy,
        pue=pue,
        gpu_model=_text(row.get("gpu_model")),
        gpu_count=gpu_count if gpu_count else None,
        location=location,
        location_raw=location_raw,
    )


def _keep_latest(runs: dict[str, Run], run: Run) -> None:
    """Keep `run` unless its run_id already has a later snapshot: the cumulative snapshot with
    the latest timestamp is the run's total (a later row wins a tie: files are written top to
    bottom, and read in order)."""
    kept = runs.get(run.run_id)
    if kept is None or run.ended >= kept.ended:
        runs[run.run_id] = run


def read_runs(path: Path) -> list[Run]:
    """Every run in a file or folder, one per run_id (across files too), oldest first."""
    path = Path(path)
    by_id: dict[str, Run] = {}
    for file, shown in _files(path):
        for run in _read(file, shown) or ():
            _keep_latest(by_id, run)
    if not by_id:
        raise CodeCarbonError(f"{path}: no CodeCarbon run found")
    return sorted(by_id.values(), key=lambda r: (r.ended, r.file, r.row))


def _fmt(x: float) -> str:
    return f"{x:.12g}"


def _pue_note(runs: list[Run]) -> str:
    pues = {r.pue for r in runs}
    if all(p is not None and p > 1 for p in pues):
        shown = ", ".join(_fmt(p) for p in sorted(p for p in pues if p is not None))
        return f"measured by CodeCarbon, including its PUE {shown}"
    if any(p is not None and p > 1 for p in pues):
        return "measured by CodeCarbon; PUE applied to some runs only"
    return (
        "measured by CodeCarbon: IT energy of the machine (CPU+GPU+RAM), no data-centre overhead "
        "(its pue column is 1 or absent)"
    )


def _locator(runs: list[Run]) -> str:
    if len(runs) == 1:
        return f"{runs[0].file}:row {runs[0].row}"
    by_file: dict[str, list[int]] = {}
    for r in runs:
        by_file.setdefault(r.file, []).append(r.row)
    parts = [f"{f}:rows {','.join(str(n) for n in sorted(rows))}" for f, rows in by_file.items()]
    return " + ".join(parts) + " (summed)"


def _phase_facts(model: str, phase: str, runs: list[Run]) -> list[Fact]:
    """The facts of one phase's runs: what they measured, then what they ran on and where."""
    fact = partial(
        Fact,
        model=model,
        phase=phase,
        source_kind=SOURCE_KIND,
        source_url=runs[-1].url,
        source_locator=_locator(runs),
        confidence="high",
    )
    return [*_measured_facts(runs, fact), *_setup_facts(runs, fact)]


def _measured_facts(runs: list[Run], fact: Callable[..., Fact]) -> Iterator[Fact]:
    """Energy, emissions and tracked time summed over the runs; the first start, the last end."""
    note = _pue_note(runs)
    summed = f"sum of {len(runs)} runs; " if len(runs) > 1 else ""
    kwh = sum(r.energy_kwh for r in runs)
    kg = sum(r.emissions_kg for r in runs)
    seconds = sum(r.duration_s for r in runs)
    yield fact(
        field="energy_mwh",
        value=_fmt(kwh / 1000),
        raw_text=f"energy_consumed {_fmt(kwh)} kWh",
        note=summed + note,
    )
    yield fact(
        field="co2e_t",
        value=_fmt(kg / 1000),
        raw_text=f"emissions {_fmt(kg)} kg",
        note=summed + note,
    )
    if seconds > 0:
        yield fact(
            field="duration_days",
            value=_fmt(seconds / 86_400),
            raw_text=f"duration {_fmt(seconds)} s",
            note=summed + "tracked wall-clock time",
        )
    start = min(r.ended - timedelta(seconds=r.duration_s) for r in runs)
    yield fact(field="start_date", value=start.date().isoformat(), raw_text=start.isoformat())
    end = max(r.ended for r in runs).date().isoformat()
    yield fact(field="end_date", value=end, raw_text=runs[-1].ended.isoformat())


def _setup_facts(runs: list[Run], fact: Callable[..., Fact]) -> Iterator[Fact]:
    """The GPU and place most used, the largest GPU count, and a PUE CodeCarbon applied."""
    gpus = Counter(r.gpu_model for r in runs if r.gpu_model)
    if gpus:
        gpu, _ = gpus.most_common(1)[0]
        note = "most used across runs" if len(gpus) > 1 else ""
        yield fact(field="gpu", value=gpu, raw_text=gpu, note=note)
    counts = [r.gpu_count for r in runs if r.gpu_count]
    if counts:
        most = _fmt(max(counts))
        note = "largest across runs" if len(set(counts)) > 1 else ""
        yield fact(field="gpu_count", value=most, raw_text=f"gpu_count {most}", note=note)
    places = Counter(r.location for r in runs if r.location)
    if places:
        place, _ = places.most_common(1)[0]
        raw = next(r.location_raw for r in reversed(runs) if r.location == place)
        note = "most used across runs" if len(places) > 1 else ""
        yield fact(field="location", value=place, raw_text=raw, note=note)
    pues = {r.pue for r in runs if r.pue is not None and r.pue > 1}
    if len(pues) == 1:
        # CodeCarbon already multiplied its energy by this PUE: say so, so it is not applied twice.
        (pue,) = pues
        yield fact(
            field="pue", value=_fmt(pue), raw_text=f"pue {_fmt(pue)}", note="applied by CodeCarbon"
        )


def parse_codecarbon(path: Path, model: str) -> list[Fact]:
    """Facts for `model` from one CodeCarbon `emissions.csv` or a folder of them.

    The run that ended last is the training run; all earlier runs, summed, are development."""
    if not model.strip():
        raise CodeCarbonError("a model name is needed (--model)")
    runs = read_runs(Path(path))
    *earlier, final = runs
    facts = _phase_facts(model.strip(), "training", [final])
    if earlier:
        facts += _phase_facts(model.strip(), "development", earlier)
    return facts


def facts_csv_bytes(facts: list[Fact]) -> bytes:
    """Facts as a facts CSV (docs/data-contracts.md), the payload the loading path takes."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FACT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(facts_to_rows(facts))
    return buf.getvalue().encode("utf-8")


def land_codecarbon(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    model: str,
    *,
    settings: Settings,
    run_id: str | None = None,
) -> LoadResult:
    """Parse, then land the facts into raw_model_disclosures through the one loading path
    (archived, validated, merged by key). The batch scope is per model, so re-landing a model's
    runs replaces its earlier CodeCarbon facts and leaves every other source alone.

    Raises CodeCarbonError for an unusable file, ValidationFailed when the batch is rejected."""
    facts = parse_codecarbon(path, model)
    payload = archive_payload(
        "codecarbon", Path(path).resolve().as_uri(), facts_csv_bytes(facts), settings=settings
    )
    return ingest_payload(
        con,
        payload,
        "raw_model_disclosures",
        read_facts_csv,
        batch_scope=f"codecarbon:{model.strip()}",
        settings=settings,
        run_id=run_id,
    )


# Not fetched: a user's own emissions.csv files, landed by `footprints run --codecarbon`.
DECLARATION = Source(
    SOURCE_KIND,
    "models",
    resources=(Resource("runs", "raw_model_disclosures", parse=parse_codecarbon),),
    # The snapshot's zone and cloud-region tables take rows from CodeCarbon's data files.
    licences=(Licence("MIT", "CodeCarbon tables"),),
)
