"""A warehouse built once per test process from the bundled snapshot (hourly series and
equivalences included) plus a few hand-made runs that exercise hourly matching and the ladder.

Plain functions, no Prefect: tasks.load.ingest.ingest_snapshot_files +
tasks.model.transform.build_models.
Used by tests/sql/test_hourly_matching.py, test_uncertainty.py, test_audit.py,
test_costs_equivalences.py and tests/unit/test_whatif.py.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from tasks.core.facts import FACT_COLUMNS, FIELDS
from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.land import ingest_payload
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.sources.grid import snapshot as grid_intensity
from tasks.sources.grid import snapshot_hourly as grid_hourly
from tasks.sources.hardware import snapshot as gpu_specs
from tasks.sources.models import snapshot as model_disclosures
from tasks.sources.models.snapshot import read_facts_csv

URL = "https://example.org/issue5"
H100_BF16_TFLOPS = 989.4  # gpu_specs.csv, nvidia-h100-sxm5-80gb
MFU_CENTRAL = 0.35  # assumptions.csv
LADDER_HOURS = 240_000.0

# (model, phase, field, value)
USER_FACTS: list[tuple[str, str, str, str]] = [
    # A week in CAISO (written as its EIA balancing-authority code), inside the 2022 EIA series.
    ("Test CISO Week", "training", "gpu", "H100"),
    ("Test CISO Week", "training", "gpu_hours", "10000"),
    ("Test CISO Week", "training", "location", "CISO"),
    ("Test CISO Week", "training", "start_date", "2022-06-01"),
    ("Test CISO Week", "training", "end_date", "2022-06-07"),
    # The same week in a Google Cloud region: it resolves to a zone without an hourly series.
    ("Test us-west1 Week", "training", "gpu", "H100"),
    ("Test us-west1 Week", "training", "gpu_hours", "10000"),
    ("Test us-west1 Week", "training", "location", "us-west1"),
    ("Test us-west1 Week", "training", "start_date", "2022-06-01"),
    ("Test us-west1 Week", "training", "end_date", "2022-06-07"),
    # Over the new year: the 2022 series covers 4 of the 9 days (44%), so annual is used.
    ("Test CISO New Year", "training", "gpu", "H100"),
    ("Test CISO New Year", "training", "gpu_hours", "10000"),
    ("Test CISO New Year", "training", "location", "CISO"),
    ("Test CISO New Year", "training", "start_date", "2022-12-28"),
    ("Test CISO New Year", "training", "end_date", "2023-01-05"),
    # Germany over two days of March 2020: the 15-minute series (start date + duration).
    ("Test DE 15min", "training", "gpu", "A100"),
    ("Test DE 15min", "training", "gpu_hours", "2000"),
    ("Test DE 15min", "training", "location", "Germany"),
    ("Test DE 15min", "training", "start_date", "2020-03-01"),
    ("Test DE 15min", "training", "duration_days", "2"),
    # CAISO in June 2023: only the WattTime marginal series covers it; annual data exists, so
    # the marginal signal must not be used as the average.
    ("Test CAISO 2023", "training", "gpu", "H100"),
    ("Test CAISO 2023", "training", "gpu_hours", "5000"),
    ("Test CAISO 2023", "training", "location", "US-CAL-CISO"),
    ("Test CAISO 2023", "training", "start_date", "2023-06-10"),
    ("Test CAISO 2023", "training", "end_date", "2023-06-19"),
    # The ladder with the same GPU-hours (central) by three routes, in France.
    ("Test Tier3", "training", "gpu", "H100"),
    ("Test Tier3", "training", "gpu_hours", f"{LADDER_HOURS:.0f}"),
    ("Test Tier3", "training", "location", "France"),
    ("Test Tier4", "training", "gpu", "H100"),
    ("Test Tier4", "training", "gpu_count", "1000"),
    ("Test Tier4", "training", "duration_days", f"{LADDER_HOURS / 1000 / 24:g}"),
    ("Test Tier4", "training", "location", "France"),
    ("Test Tier5", "training", "gpu", "H100"),
    ("Test Tier5", "training", "precision", "bf16"),
    ("Test Tier5", "training", "location", "France"),
    (
        "Test Tier5",
        "model",
        "training_flops",
        f"{LADDER_HOURS * 3600 * H100_BF16_TFLOPS * 1e12 * MFU_CENTRAL:.6e}",
    ),
    # A run in fp32 on a TPU (no fp32 peak): tier 5 from the bf16 peak.
    ("Test TPU fp32", "training", "gpu", "TPU v3"),
    ("Test TPU fp32", "training", "precision", "fp32"),
    ("Test TPU fp32", "model", "training_flops", "1e21"),
]


def facts_csv(rows: list[tuple[str, str, str, str]]) -> str:
    lines = [",".join(FACT_COLUMNS)]
    for i, (model, phase, field, value) in enumerate(rows):
        cells = {
            "model": model,
            "phase": phase,
            "field": field,
            "value": value,
            "unit": FIELDS[field][1],
            "source_kind": "user",
            "source_url": f"{URL}/{model.replace(' ', '-')}",
            "source_locator": f"row {i + 1}",
            "raw_text": value,
            "confidence": "high",
            "note": "",
        }
        lines.append(",".join(cells[c] for c in FACT_COLUMNS))
    return "\n".join(lines) + "\n"


@cache
def trust_warehouse() -> Path:
    """Path of the built warehouse (built on first call; kept for the process)."""
    folder = Path(tempfile.mkdtemp(prefix="footprints-issue5-"))
    settings = get_settings(warehouse=folder / "w.duckdb")
    from tasks.load.ingest import ingest_snapshot_files

    with open_warehouse(settings=settings) as con:
        for files in (
            grid_intensity.SNAPSHOT_FILES,
            grid_hourly.SNAPSHOT_FILES,
            gpu_specs.SNAPSHOT_FILES,
            model_disclosures.SNAPSHOT_FILES,
            model_disclosures.INFERENCE_FILES,
            model_disclosures.ASSUMPTION_FILES,
        ):
            ingest_snapshot_files(con, files, settings=settings)
        payload = archive_payload(
            "test", "test/issue5_facts.csv", facts_csv(USER_FACTS).encode(), settings=settings
        )
        ingest_payload(
            con,
            payload,
            "raw_model_disclosures",
            read_facts_csv,
            batch_scope="test:issue5_facts",
            settings=settings,
        )
        build_models(con, force=True)
    return settings.warehouse


def one_row(con: object, sql: str, params: list) -> tuple:
    """The single row a query must return (the query and its rows in the failure otherwise)."""
    rows = con.execute(sql, params).fetchall()  # type: ignore[attr-defined]
    assert len(rows) == 1, (sql, params, rows)
    return rows[0]
