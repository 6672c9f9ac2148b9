"""What if a model's final training run had happened elsewhere, on other hardware, in another hall?

Pure functions over a read-only warehouse connection (nothing is written):

- **zone** (`--zone`, several allowed): the same facility energy at the zone's intensity. The
  zone is written any way the location resolver understands (country, ISO2/ISO3, Electricity Maps
  zone, balancing authority, cloud region, free text). Its intensity is the time-weighted mean of
  an hourly average series when one covers >= 90% of the run's window (the run must disclose its
  dates), else the zone's latest annual average (else its country's). Range: the annual or hourly
  `carbon_intensity_rel` coefficient, as in the estimate.
- **gpu** (`--gpu`): GPU-hours scaled by the ratio of peak dense bf16 TFLOP/s (old / new; tf32,
  then fp32 when a part has no 16-bit figure), power from the new GPU's TDP x the power share
  while training, and the assumed PUE unless `--pue` is given (a PUE-inclusive disclosed power no
  longer applies to other hardware).
- **pue** (`--pue`): IT energy (facility energy / the PUE the estimate used) x the new PUE. A run
  whose disclosed power was already PUE-adjusted (Meta's 700 W) used PUE 1.0, so its whole energy
  counts as IT energy.

- **intensity** (`--intensity`, several allowed): the same facility energy at a carbon intensity
  given in kg CO2e/kWh (exact: no range of its own), for a grid the warehouse does not hold or a
  figure quoted elsewhere.

A **family** (`--model "Llama 3.1"`, a name that is not itself on the leaderboard) is the models
one developer disclosure covers (sql/reports/select_model_family.sql): every scenario is computed
for each member and summed, one row per scenario with the family's totals.

The energy of a run that discloses its emissions is its disclosed or recomputed facility energy
(Llama 3.1 405B: 30.84M H100-hours x 700 W = 21,588 MWh). Bounds are interval arithmetic, as in
int_runs_estimated: low x low, high x high (every factor here is non-negative and monotone).
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, replace
from typing import Any

import duckdb

from tasks.core.gpu_names import GpuResolver
from tasks.core.locations import LocationResolver
from tasks.load.sql import read_sql

BOUNDS = ("low", "central", "high")
HOURLY_MIN_COVERAGE = 0.9  # as in sql/intermediate/int_runs_hourly_matched.sql


class WhatIfError(ValueError):
    """A scenario that cannot be computed; the message says what to change."""


@dataclass(frozen=True)
class Triple:
    """A low / central / high value."""

    low: float
    central: float
    high: float

    def __mul__(self, other: Triple | float) -> Triple:
        if isinstance(other, Triple):
            return Triple(
                self.low * other.low, self.central * other.central, self.high * other.high
            )
        return Triple(self.low * other, self.central * other, self.high * other)

    def __add__(self, other: Triple) -> Triple:
        return Triple(self.low + other.low, self.central + other.central, self.high + other.high)

    def __truediv__(self, other: Triple | float) -> Triple:
        # Division by a bounded quantity takes its opposite end (interval arithmetic).
        if isinstance(other, Triple):
            return Triple(
                self.low / other.high, self.central / other.central, self.high / other.low
            )
        return Triple(self.low / other, self.central / other, self.high / other)

    @classmethod
    def exact(cls, value: float) -> Triple:
        return cls(value, value, value)


@dataclass(frozen=True)
class BaseRun:
    """A model's final training run as the warehouse estimated it."""

    model: str
    zone_key: str | None
    carbon_intensity: Triple  # kg/kWh, as used (or implied) by the estimate
    intensity_granularity: str
    energy_mwh: Triple  # facility energy
    co2e_t: Triple  # as estimated (a disclosed figure keeps its own +-5% rounding range)
    pue: Triple  # as used (1.0 when the disclosed power was PUE-adjusted)
    gpu_id: str | None
    gpu_hours: Triple | None
    window: tuple[object, object] | None  # (start, end exclusive), UTC, when the run has dates
    intensity_source: str = ""


@dataclass(frozen=True)
class ZoneIntensity:
    zone_key: str
    carbon_intensity: Triple  # kg/kWh, with its range
    granularity: str  # 'hourly' | 'annual'
    detail: str = ""


@dataclass(frozen=True)
class Gpu:
    gpu_id: str
    name: str
    tdp_w: float
    peak_tflops: float


@dataclass(frozen=True)
class ScenarioRow:
    model: str
    scenario: str
    zone: str
    carbon_intensity_kg_per_kwh: float
    carbon_intensity_kg_per_kwh_low: float
    carbon_intensity_kg_per_kwh_high: float
    carbon_intensity_granularity: str
    carbon_intensity_source: str
    gpu: str
    gpu_hours: float | None
    pue: float
    training_energy_mwh: float
    training_energy_mwh_low: float
    training_energy_mwh_high: float
    training_co2e_t: float
    training_co2e_t_low: float
    training_co2e_t_high: float
    members: str = ""  # the models summed: the model itself, or a family's members

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


COLUMNS = tuple(ScenarioRow.__dataclass_fields__)


# -- reading the warehouse ------------------------------------------------------------------------


def coefficients(con: duckdb.DuckDBPyConnection) -> dict[str, Triple]:
    rows = con.execute(
        "select key, low, central, high from stg_assumptions__coefficients"
    ).fetchall()
    return {k: Triple(lo, ce, hi) for k, lo, ce, hi in rows}


def family_members(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The models one developer disclosure covers under a family name (empty when none)."""
    rows = con.execute(read_sql("reports/select_model_family.sql"), {"family": name}).fetchall()
    return [r[0] for r in rows]


def resolve_subject(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, list[str]]:
    """(label, models): a model on the leaderboard, else a family of them, else an error."""
    try:
        model = resolve_model(con, name)
    except WhatIfError:
        members = family_members(con, name)
        if not members:
            raise
        return name.strip(), members
    return model, [model]


def resolve_model(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The leaderboard's spelling of a model name (case-insensitive, or through its aliases)."""
    models = [r[0] for r in con.execute("select model from rpt_leaderboard").fetchall()]
    return pick_model(con, name, models, "on the leaderboard")


def pick_model(con: duckdb.DuckDBPyConnection, name: str, models: list[str], where: str) -> str:
    """`name` as spelled in `models` (case-insensitive, or through its aliases); the error says
    it is not `where`, with the closest names."""
    by_lower = {m.lower(): m for m in models}
    key = name.strip().lower()
    if key in by_lower:
        return by_lower[key]
    alias = con.execute(
        "select model from raw_model_aliases where lower(trim(alias)) = ?", [key]
    ).fetchall()
    if alias and alias[0][0].lower() in by_lower:
        return by_lower[alias[0][0].lower()]
    close = difflib.get_close_matches(name, models, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise WhatIfError(f"model {name!r} is not {where}{hint}")


def load_base(con: duckdb.DuckDBPyConnection, model: str) -> BaseRun:
    """The model's training run (all three bounds) from int_runs_estimated."""
    rows = con.execute(
        """
        select bound, zone_key, carbon_intensity_kg_per_kwh, carbon_intensity_granularity,
            energy_mwh, pue, gpu_id, gpu_hours, co2e_t, intensity_source, intensity_year_used
        from int_runs_estimated
        where model = ? and phase = 'training'
        """,
        [model],
    ).fetchall()
    by_bound = {r[0]: r for r in rows}
    if set(by_bound) != set(BOUNDS):
        raise WhatIfError(f"{model}: no estimated training run in the warehouse")
    c = by_bound["central"]
    if c[4] is None:
        raise WhatIfError(
            f"{model}: the warehouse has no training energy for it (only disclosed emissions, "
            "no GPU-hours or energy), so there is nothing to move"
        )

    def triple(i: int) -> Triple | None:
        vals = [by_bound[b][i] for b in BOUNDS]
        return None if any(v is None for v in vals) else Triple(*vals)

    window = con.execute(
        "select window_start_utc, window_end_utc from int_runs_hourly_matched "
        "where model = ? and phase = 'training' limit 1",
        [model],
    ).fetchall()
    return BaseRun(
        model=model,
        zone_key=c[1],
        carbon_intensity=triple(2) or Triple.exact(0.0),
        intensity_granularity=c[3],
        energy_mwh=triple(4),  # type: ignore[arg-type]
        co2e_t=triple(8),  # type: ignore[arg-type]
        pue=triple(5),  # type: ignore[arg-type]
        gpu_id=c[6],
        gpu_hours=triple(7),
        window=(window[0][0], window[0][1]) if window else None,
        intensity_source=" ".join(str(x) for x in (c[9], c[10]) if x is not None),
    )


def location_resolver(con: duckdb.DuckDBPyConnection) -> LocationResolver:
    aliases = con.execute("select alias, zone_key from raw_location_aliases").fetchall()
    countries = dict(
        con.execute(
            "select zone_key, country_iso2 from raw_zones where country_iso2 is not null"
        ).fetchall()
    )
    return LocationResolver(aliases, countries)


def resolve_zone(con: duckdb.DuckDBPyConnection, text: str) -> str:
    res = location_resolver(con).resolve(text)
    if res.resolved is None:
        why = f" ({res.note})" if res.note else ""
        raise WhatIfError(f"zone {text!r} does not resolve to a grid zone{why}")
    return res.resolved


def zone_intensity(
    con: duckdb.DuckDBPyConnection,
    zone_key: str,
    *,
    window: tuple[object, object] | None = None,
    coef: dict[str, Triple] | None = None,
) -> ZoneIntensity:
    """The zone's hourly mean over `window` when an average series covers >= 90% of it, else its
    latest annual average (else its country's), with the matching relative range."""
    coef = coef or coefficients(con)
    if window is not None:
        row = con.execute(
            """
            with o as (
                select source, carbon_intensity_kg_per_kwh as ci,
                    epoch(least(ts_end_utc, $end) - greatest(ts_utc, $start)) as s
                from stg_grid__intensity_hourly
                where zone_key = $zone and basis <> 'marginal'
                    and ts_utc < $end and ts_end_utc > $start
            )
            select source, sum(ci * s) / sum(s), sum(s) / epoch($end - $start)
            from o where s > 0 group by source order by 3 desc, 1 limit 1
            """,
            {"zone": zone_key, "start": window[0], "end": window[1]},
        ).fetchall()
        if row and row[0][2] >= HOURLY_MIN_COVERAGE:
            source, mean, coverage = row[0]
            return ZoneIntensity(
                zone_key,
                coef["carbon_intensity_rel_hourly"] * mean,
                "hourly",
                f"{source}, {coverage:.1%} of the window",
            )
    row = con.execute(
        """
        select i.zone_key, i.year, i.carbon_intensity_kg_per_kwh, i.source
        from int_grid_intensity_ranked as i
        left join raw_zones as z on z.zone_key = $zone
        where i.zone_key in ($zone, z.country_iso2)
        order by i.zone_key = $zone desc, i.year desc
        limit 1
        """,
        {"zone": zone_key},
    ).fetchall()
    if not row:
        raise WhatIfError(f"zone {zone_key} has no intensity in the warehouse")
    found, year, value, source = row[0]
    via = "" if found == zone_key else f" (its country {found})"
    return ZoneIntensity(
        zone_key, coef["carbon_intensity_rel"] * value, "annual", f"{source} {year}{via}"
    )


def load_gpu(con: duckdb.DuckDBPyConnection, text: str) -> Gpu:
    aliases = con.execute("select alias, gpu_id from raw_gpu_aliases").fetchall()
    ids = [r[0] for r in con.execute("select gpu_id from raw_gpu_specs").fetchall()]
    res = GpuResolver(aliases, ids, strict=False).resolve(text)
    if res.resolved is None:
        why = f" ({res.note})" if res.note else ""
        raise WhatIfError(f"GPU {text!r} does not resolve to a known accelerator{why}")
    return gpu_by_id(con, res.resolved)


def gpu_by_id(con: duckdb.DuckDBPyConnection, gpu_id: str) -> Gpu:
    row = con.execute(
        "select gpu_id, name, tdp_w, "
        "coalesce(peak_bf16_tflops, peak_tf32_tflops, peak_fp32_tflops) "
        "from stg_gpus__specs where gpu_id = ?",
        [gpu_id],
    ).fetchall()
    if not row:
        raise WhatIfError(f"GPU {gpu_id!r} is not in the warehouse")
    gid, name, tdp, peak = row[0]
    if tdp is None or peak is None:
        raise WhatIfError(f"GPU {name} has no TDP or peak TFLOP/s in gpu_specs: cannot scale to it")
    return Gpu(gid, name, float(tdp), float(peak))


# -- the arithmetic (pure) ----------------------------------------------------------------------


def scenario_energy(
    base: BaseRun,
    coef: dict[str, Triple],
    *,
    old_gpu: Gpu | None = None,
    new_gpu: Gpu | None = None,
    pue: float | None = None,
) -> tuple[Triple, Triple | None, Triple]:
    """(facility energy MWh, GPU-hours, PUE) of the run with other hardware and/or PUE."""
    if new_gpu is None:
        if pue is None:
            return base.energy_mwh, base.gpu_hours, base.pue
        # IT energy: facility energy / the PUE the estimate used, bound by bound (the same PUE
        # made each bound's energy, so this is not a division of independent intervals).
        it_energy = Triple(
            base.energy_mwh.low / base.pue.low,
            base.energy_mwh.central / base.pue.central,
            base.energy_mwh.high / base.pue.high,
        )
        return it_energy * pue, base.gpu_hours, Triple.exact(pue)
    if base.gpu_hours is None or old_gpu is None:
        raise WhatIfError(
            f"{base.model}: the run has no GPU-hours and GPU to scale from, so --gpu cannot apply"
        )
    hours = base.gpu_hours * (old_gpu.peak_tflops / new_gpu.peak_tflops)
    power_w = coef["power_share_of_tdp"] * new_gpu.tdp_w
    pue_t = Triple.exact(pue) if pue is not None else coef["pue"]
    energy = hours * power_w * pue_t * 1e-6
    return energy, hours, pue_t


def scenario_row(
    base: BaseRun,
    *,
    scenario: str,
    zone: str,
    intensity: Triple,
    granularity: str,
    energy: Triple,
    gpu_hours: Triple | None,
    pue: Triple,
    gpu_name: str,
    source: str = "",
    co2e: Triple | None = None,
) -> ScenarioRow:
    co2e = co2e or energy * intensity  # MWh x kg/kWh = t
    return _make_row(
        energy,
        co2e,
        model=base.model,
        scenario=scenario,
        zone=zone,
        carbon_intensity_kg_per_kwh=intensity.central,
        carbon_intensity_kg_per_kwh_low=intensity.low,
        carbon_intensity_kg_per_kwh_high=intensity.high,
        carbon_intensity_granularity=granularity,
        carbon_intensity_source=source,
        gpu=gpu_name,
        gpu_hours=gpu_hours.central if gpu_hours else None,
        pue=pue.central,
    )


def _make_row(energy: Triple, co2e: Triple, **fields: Any) -> ScenarioRow:
    """A ScenarioRow from its other fields and its energy and emissions, each with low and high."""
    return ScenarioRow(
        **fields,
        training_energy_mwh=energy.central,
        training_energy_mwh_low=energy.low,
        training_energy_mwh_high=energy.high,
        training_co2e_t=co2e.central,
        training_co2e_t_low=co2e.low,
        training_co2e_t_high=co2e.high,
    )


def as_estimated_row(base: BaseRun) -> ScenarioRow:
    """The run as the build estimated it: the first row of every what-if."""
    return scenario_row(
        base,
        scenario="as estimated",
        zone=base.zone_key or "(unresolved)",
        intensity=base.carbon_intensity,
        granularity=base.intensity_granularity,
        energy=base.energy_mwh,
        gpu_hours=base.gpu_hours,
        pue=base.pue,
        gpu_name=base.gpu_id or "",
        source=base.intensity_source,
        co2e=base.co2e_t,
    )


def run_whatif(
    con: duckdb.DuckDBPyConnection,
    model: str,
    zones: list[str],
    *,
    gpu: str | None = None,
    pue: float | None = None,
    intensities: list[float] | None = None,
) -> list[ScenarioRow]:
    """The run as estimated, then one row per zone and per given intensity (the run's own place
    when neither is given) with the hardware and PUE changes applied. For a family, each member's
    rows are computed and summed scenario by scenario."""
    if pue is not None and not 1.0 <= pue <= 3.0:
        raise WhatIfError(f"--pue {pue} is outside 1.0-3.0")
    for x in intensities or []:
        if not 0.0 <= x <= 2.0:
            raise WhatIfError(f"--intensity {x} is outside 0-2 kg CO2e/kWh (0.4 is 400 g/kWh)")
    label, members = resolve_subject(con, model)
    targets = [resolve_zone(con, z) for z in zones]
    per_model = [
        _model_rows(con, m, targets, gpu=gpu, pue=pue, intensities=list(intensities or []))
        for m in members
    ]
    if len(members) == 1:
        return per_model[0]
    return [_family_row(label, rows) for rows in zip(*per_model, strict=True)]


def _family_row(label: str, rows: tuple[ScenarioRow, ...]) -> ScenarioRow:
    """One scenario's rows of a family's members, summed; the intensity is the one the totals
    imply (emissions / energy), since members may differ."""

    def total(name: str) -> Triple:
        return sum(
            (
                Triple(getattr(r, f"{name}_low"), getattr(r, name), getattr(r, f"{name}_high"))
                for r in rows
            ),
            Triple.exact(0.0),
        )

    energy, co2e = total("training_energy_mwh"), total("training_co2e_t")
    first = rows[0]
    same_intensity = len({r.carbon_intensity_kg_per_kwh for r in rows}) == 1
    hours = [r.gpu_hours for r in rows]
    return _make_row(
        energy,
        co2e,
        model=label,
        scenario=first.scenario,
        zone=first.zone if len({r.zone for r in rows}) == 1 else "(members differ)",
        carbon_intensity_kg_per_kwh=(
            first.carbon_intensity_kg_per_kwh
            if same_intensity
            else co2e.central / energy.central
            if energy.central
            else 0.0
        ),
        carbon_intensity_kg_per_kwh_low=(
            first.carbon_intensity_kg_per_kwh_low
            if same_intensity
            else min(r.carbon_intensity_kg_per_kwh_low for r in rows)
        ),
        carbon_intensity_kg_per_kwh_high=(
            first.carbon_intensity_kg_per_kwh_high
            if same_intensity
            else max(r.carbon_intensity_kg_per_kwh_high for r in rows)
        ),
        carbon_intensity_granularity=(
            first.carbon_intensity_granularity
            if len({r.carbon_intensity_granularity for r in rows}) == 1
            else "mixed"
        ),
        carbon_intensity_source=first.carbon_intensity_source if same_intensity else "members",
        gpu=first.gpu if len({r.gpu for r in rows}) == 1 else "(members differ)",
        gpu_hours=None if any(h is None for h in hours) else sum(h for h in hours if h),
        # the PUE the totals imply: facility energy over IT energy
        pue=(
            energy.central / sum(r.training_energy_mwh / r.pue for r in rows if r.pue)
            if energy.central and all(r.pue for r in rows)
            else first.pue
        ),
        members="; ".join(r.model for r in rows),
    )


def _model_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    targets: list[str],
    *,
    gpu: str | None,
    pue: float | None,
    intensities: list[float],
) -> list[ScenarioRow]:
    """One model's rows: as estimated, then each zone, then each given intensity."""
    base = load_base(con, name)
    coef = coefficients(con)
    old_gpu = gpu_by_id(con, base.gpu_id) if base.gpu_id and gpu else None
    new_gpu = load_gpu(con, gpu) if gpu else None
    energy, hours, pue_t = scenario_energy(base, coef, old_gpu=old_gpu, new_gpu=new_gpu, pue=pue)
    estimated = as_estimated_row(base)

    def what_if(zone: str, intensity: Triple, granularity: str, source: str = "") -> ScenarioRow:
        return scenario_row(
            base,
            scenario="what-if",
            zone=zone,
            intensity=intensity,
            granularity=granularity,
            energy=energy,
            gpu_hours=hours,
            pue=pue_t,
            gpu_name=new_gpu.gpu_id if new_gpu else base.gpu_id or "",
            source=source,
        )

    rows = [estimated]
    # no zone or intensity given: the run's own place, with the hardware/PUE changes
    if not targets and not intensities and (gpu or pue is not None):
        rows.append(what_if(estimated.zone, base.carbon_intensity, base.intensity_granularity))
    for zone_key in targets:
        zi = zone_intensity(con, zone_key, window=base.window, coef=coef)
        rows.append(what_if(zone_key, zi.carbon_intensity, zi.granularity, zi.detail))
    for x in intensities:
        rows.append(
            what_if(
                "(given intensity)",
                Triple.exact(x),
                "given",
                f"{x:g} kg CO2e/kWh given with --intensity",
            )
        )
    return [replace(r, members=name) for r in rows]
