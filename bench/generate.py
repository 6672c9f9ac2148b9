"""Synthetic inputs for `make bench`, at the shapes users bring, from a fixed seed.

* `intensity_hourly.parquet`: 1,150 zones x 8,760 hours of 2023 (10,074,000 rows), the shape of
  `raw_grid_intensity_hourly`, plus a few deliberately bad rows (out-of-range intensities, unknown
  bases, duplicate keys) so the quarantine path runs at scale with known counts.
* `windows.parquet`: 1,000 training windows (model, zone, start, end) over those zones.
* `cards/`: model cards in the three formats real ones use, written from templates (no card prose
  is copied): Meta-style Markdown footprint tables, Hugging Face front matter with
  `co2_eq_emissions`, and footprints' own YAML disclosure files.

Everything is a pure function of the seed: the hourly values come from DuckDB's `hash` of
(seed, zone, hour), the windows and cards from `random.Random(seed)`. Run
`python -m bench.generate [--out DIR] [--cards N]` (default `$FOOTPRINTS_BENCH_DATA`, else
`/tmp/footprints-bench-data`); files already there are reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
from pathlib import Path

import duckdb

SEED = 20_26
ZONES = 1_150
HOURS = 8_760  # 2023, UTC
WINDOWS = 1_000
CARDS = 100_000
# Bad rows: one in 10,000 out of range, one in 20,000 with an unknown basis, and 500 keys
# repeated with a later value (the later row wins, the earlier one is quarantined).
BAD_RANGE_EVERY = 10_000
BAD_BASIS_EVERY = 20_000
DUPLICATES = 500

# Outside the checkout (the data is ~450 MB and regenerated from the seed): never committed.
DEFAULT_OUT = Path(
    os.environ.get("FOOTPRINTS_BENCH_DATA", Path(tempfile.gettempdir()) / "footprints-bench-data")
)

# The hourly series: a zone's base intensity (30-900 g/kWh, the span of real grids), a daily
# solar dip and a seasonal swing, and noise; all from hashes so the file is the same every time.
HOURLY_SQL = """
copy (
    with zones as (
        select
            z,
            'SYN-' || lpad(z::varchar, 4, '0') as zone_key,
            30 + (hash($seed, z) % 870)::double as base
        from range($zones) as t(z)
    ),
    hours as (
        select h, timestamp '2023-01-01' + to_hours(h) as ts_utc from range($hours) as t(h)
    ),
    series as (
        select
            z.z,
            h.h,
            z.zone_key,
            h.ts_utc,
            greatest(
                1.0,
                z.base
                * (1 - 0.25 * greatest(0, sin(pi() * ((h.h % 24) - 6) / 12)))
                * (1 + 0.1 * cos(2 * pi() * h.h / 8760))
                + ((hash($seed, z.z, h.h) % 2000)::double / 100 - 10)
            ) as g
        from zones as z cross join hours as h
    ),
    shaped as (
        select
            zone_key,
            ts_utc,
            60::integer as period_minutes,
            case
                when hash($seed + 1, z, h) % $bad_range = 0 then 2500.0 + (h % 7)
                else round(g, 1)
            end as carbon_intensity_g_per_kwh,
            case when hash($seed + 2, z, h) % $bad_basis = 0 then 'hourly-ish' else 'lifecycle' end
                as basis,
            'bench_synthetic' as source,
            'https://example.org/footprints-bench/' || zone_key as source_url,
            z * $hours + h as pos
        from series
    ),
    repeats as (
        -- later copies of some keys, with a revised value: they come after every original
        select
            zone_key, ts_utc, period_minutes, carbon_intensity_g_per_kwh + 1.0, basis, source,
            source_url, $zones * $hours + row_number() over (order by pos) as pos
        from shaped
        where hash($seed + 3, pos) % ($zones * $hours // $duplicates) = 0
            and carbon_intensity_g_per_kwh < 2000 and basis = 'lifecycle'
    )
    select * exclude (pos) from (select * from shaped union all select * from repeats)
    order by pos
) to '{path}' (format parquet, compression zstd, row_group_size 122880)
"""

GPUS = [
    ("A100-80GB", 400),
    ("H100-80GB", 700),
    ("A100-SXM4-40GB", 400),
    ("V100-32GB", 300),
    ("H800", 700),
]
PLACES = ["France", "Germany", "US-CAL-CISO", "Iowa", "us-east-1", "Sweden", "Finland", "Quebec"]
WORDS = ["nova", "lumen", "pico", "strata", "quill", "ember", "vale", "orbit", "tessel", "fjord"]


def write_hourly(out: Path, seed: int = SEED) -> Path:
    """The 10M-row hourly intensity file (written once; reused when present)."""
    path = out / "intensity_hourly.parquet"
    if path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(
            HOURLY_SQL.format(path=str(tmp).replace("'", "''")),
            {
                "seed": seed,
                "zones": ZONES,
                "hours": HOURS,
                "bad_range": BAD_RANGE_EVERY,
                "bad_basis": BAD_BASIS_EVERY,
                "duplicates": DUPLICATES,
            },
        )
    finally:
        con.close()
    tmp.replace(path)
    return path


def write_windows(out: Path, seed: int = SEED) -> Path:
    """1,000 training runs: a model, a zone of the hourly file and a window of 7-90 days."""
    path = out / "windows.parquet"
    if path.exists():
        return path
    rng = random.Random(seed)
    rows = []
    for i in range(WINDOWS):
        start = rng.randrange(0, 365 - 95)
        rows.append(
            (
                f"bench-model-{i:04d}",
                f"SYN-{rng.randrange(ZONES):04d}",
                start,
                start + rng.randrange(7, 91),
            )
        )
    con = duckdb.connect()
    try:
        con.execute("create table w (model varchar, zone_key varchar, start_day int, end_day int)")
        con.executemany("insert into w values (?, ?, ?, ?)", rows)
        con.execute(
            "copy (select model, zone_key, date '2023-01-01' + start_day as start_date, "
            "date '2023-01-01' + end_day as end_date from w order by model) "
            f"to '{str(path).replace(chr(39), chr(39) * 2)}' (format parquet)"
        )
    finally:
        con.close()
    return path


def _name(rng: random.Random, i: int) -> tuple[str, str]:
    org = f"{rng.choice(WORDS).title()}{rng.choice(WORDS)} Labs"
    family = f"{rng.choice(WORDS).title()}-{i}"
    return org, family


def meta_table_card(rng: random.Random, i: int) -> str:
    """A family card with a Meta-style footprint table: GPU hours, power, emissions per size."""
    _org, family = _name(rng, i)
    gpu, tdp = rng.choice(GPUS)
    sizes = sorted(rng.sample([1, 3, 7, 8, 13, 34, 70], 3))
    rows, total_h, total_t = [], 0, 0.0
    for s in sizes:
        hours = s * rng.randrange(20_000, 30_000)
        tonnes = round(hours * tdp * 1.1 * 0.42 / 1e6, 2)
        total_h += hours
        total_t += tonnes
        rows.append(f"|{family} {s}B|{hours}|{tdp}|{tonnes:.2f}|")
    table = "\n".join(rows)
    return f"""# {family}

## Model details

{family} is a family of decoder-only language models released for the footprints benchmark.
Sizes: {", ".join(f"{s}B" for s in sizes)}.

## Hardware and software

**Training footprint** Training used {total_h / 1e6:.2f}M GPU hours on {gpu} devices
(TDP {tdp}W). Estimated location-based emissions were {total_t:.2f} tCO2eq.

||Time (GPU hours)|Power Consumption (W)|Carbon Emitted(tCO<sub>2</sub>eq)|
|---|---|---|---|
{table}
|Total|{total_h}||{total_t:.2f}|

**Emissions table.** Time: GPU time of each model. Power: peak power per device.
"""


def hf_front_matter_card(rng: random.Random, i: int) -> str:
    """A Hugging Face card declaring `co2_eq_emissions` (grams, by the Hub's spec)."""
    org, family = _name(rng, i)
    grams = round(rng.uniform(10, 5e7), 1)
    hardware = f"{rng.choice([1, 2, 4, 8])} x {rng.choice(GPUS)[0]}"
    return f"""---
license: apache-2.0
language:
- en
library_name: transformers
co2_eq_emissions:
  emissions: {grams}
  source: CodeCarbon
  training_type: pre-training
  geographical_location: {rng.choice(PLACES)}
  hardware_used: {hardware}
---

# {family}

A small model by {org}, trained for the footprints benchmark. It classifies short texts.

## Training

Trained with the usual recipe; see the front matter for its measured emissions.
"""


def yaml_disclosure(rng: random.Random, i: int) -> str:
    """A footprints disclosure file (docs/disclosure-format.md)."""
    org, family = _name(rng, i)
    gpu = rng.choice(["H100 SXM", "A100 80GB", "V100", "H800", "TPU v4"])
    return json.dumps(
        {
            "model": f"{family} YAML",
            "organization": org,
            "release_date": f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "parameters_b": rng.choice([0.5, 1, 3, 7, 13]),
            "training_tokens_b": rng.randrange(100, 4000),
            "training": {
                "gpu": gpu,
                "gpu_count": rng.choice([64, 128, 256, 512]),
                "duration_days": rng.randrange(3, 60),
                "location": rng.choice(PLACES),
            },
            "source": "Generated for the footprints benchmark; not a real model.",
        },
        indent=2,
    )  # JSON is YAML: the disclosure reader takes it as is


TEMPLATES = (
    (".md", meta_table_card),
    (".md", hf_front_matter_card),
    (".yaml", yaml_disclosure),
)


def write_cards(out: Path, n: int = CARDS, seed: int = SEED) -> Path:
    """`n` cards, the three formats in turn, under `out/cards-<n>/`."""
    folder = out / f"cards-{n}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        suffix, template = TEMPLATES[i % len(TEMPLATES)]
        (folder / f"card-{i:06d}{suffix}").write_text(template(rng, i), encoding="utf-8")
    done.write_text(str(n))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--cards", type=int, default=CARDS)
    args = parser.parse_args()
    print(write_hourly(args.out))
    print(write_windows(args.out))
    print(write_cards(args.out, args.cards))


if __name__ == "__main__":
    main()
