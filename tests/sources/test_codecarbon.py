"""CodeCarbon emissions.csv files (their real column schemas, old and new) into facts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tasks.core.facts import FACT_COLUMNS
from tasks.sources.models.codecarbon import (
    CodeCarbonError,
    facts_csv_bytes,
    parse_codecarbon,
    read_runs,
)

# The header CodeCarbon 2.x writes (EmissionsData field order).
HEADER_V2 = [
    "timestamp", "project_name", "run_id", "experiment_id", "duration", "emissions",
    "emissions_rate", "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy",
    "ram_energy", "energy_consumed", "country_name", "country_iso_code", "region",
    "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version", "cpu_count",
    "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude", "ram_total_size",
    "tracking_mode", "on_cloud", "pue",
]  # fmt: skip
# Recent 3.x adds utilisation, RAM used, water and WUE.
HEADER_V3 = [
    *HEADER_V2[:7],
    "cpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    *HEADER_V2[7:14],
    "water_consumed",
    *HEADER_V2[14:],
    "wue",
]
# 1.x: no run_id, experiment_id, codecarbon_version or pue.
HEADER_V1 = [
    h for h in HEADER_V2 if h not in ("run_id", "experiment_id", "codecarbon_version", "pue")
]


def row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "project_name": "acme",
        "experiment_id": "5b0fa12a-3dd7-45bb-9766-cc326314d9f1",
        "emissions_rate": 0.0001,
        "cpu_power": 42.5,
        "gpu_power": 1600.0,
        "ram_power": 47.0,
        "cpu_energy": 0.1,
        "gpu_energy": 3.0,
        "ram_energy": 0.1,
        "country_name": "France",
        "country_iso_code": "FRA",
        "region": "ile-de-france",
        "cloud_provider": "",
        "cloud_region": "",
        "os": "Linux-6.1.0-x86_64-with-glibc2.36",
        "python_version": "3.11.2",
        "codecarbon_version": "2.8.3",
        "cpu_count": 64,
        "cpu_model": "AMD EPYC 7763 64-Core Processor",
        "gpu_count": 4,
        "gpu_model": "4 x NVIDIA A100-SXM4-80GB",
        "longitude": 2.35,
        "latitude": 48.85,
        "ram_total_size": 503.5,
        "tracking_mode": "machine",
        "on_cloud": "N",
        "pue": 1.0,
        "cpu_utilization_percent": 35.0,
        "ram_utilization_percent": 20.0,
        "ram_used_gb": 100.0,
        "water_consumed": 0.0,
        "wue": 0.0,
    }
    base.update(kw)
    return base


def write(path: Path, header: list[str], rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def by(facts, phase: str) -> dict[str, object]:
    return {f.field: f for f in facts if f.phase == phase}


def test_last_run_is_training_earlier_runs_are_development(tmp_path: Path) -> None:
    path = write(
        tmp_path / "emissions.csv",
        HEADER_V2,
        [
            row(
                timestamp="2025-03-01T10:00:00",
                run_id="a",
                duration=3600,
                emissions=0.2,
                energy_consumed=3.5,
            ),
            row(
                timestamp="2025-03-02T10:00:00",
                run_id="b",
                duration=7200,
                emissions=0.4,
                energy_consumed=7.0,
            ),
            row(
                timestamp="2025-03-10T12:00:00",
                run_id="c",
                duration=172800,
                emissions=12.5,
                energy_consumed=220.0,
            ),
        ],
    )
    facts = parse_codecarbon(path, "Acme 1B")
    train, dev = by(facts, "training"), by(facts, "development")
    assert float(train["energy_mwh"].value) == pytest.approx(0.22)
    assert float(train["co2e_t"].value) == pytest.approx(0.0125)
    assert float(train["duration_days"].value) == pytest.approx(2.0)
    assert train["gpu"].value == "4 x NVIDIA A100-SXM4-80GB"
    assert train["gpu_count"].value == "4"
    assert train["location"].value == "ile-de-france"
    assert train["start_date"].value == "2025-03-08" and train["end_date"].value == "2025-03-10"
    assert train["co2e_t"].source_locator == "emissions.csv:row 3"
    assert "IT energy" in train["energy_mwh"].note  # pue 1: no data-centre overhead included
    assert "pue" not in train
    # development = the two earlier runs, summed
    assert float(dev["energy_mwh"].value) == pytest.approx(0.0105)
    assert float(dev["co2e_t"].value) == pytest.approx(0.0006)
    assert dev["co2e_t"].source_locator == "emissions.csv:rows 1,2 (summed)"
    assert dev["start_date"].value == "2025-03-01"
    assert all(f.source_kind == "codecarbon" and f.confidence == "high" for f in facts)
    # the file as the user named it, never its local path (the source is published)
    assert {f.source_url for f in facts} == {"CodeCarbon emissions.csv"}


def test_cumulative_rows_of_one_run_count_once(tmp_path: Path) -> None:
    # A tracker that flushed mid-run writes the same run_id again with running totals.
    path = write(
        tmp_path / "emissions.csv",
        HEADER_V3,
        [
            row(
                timestamp="2025-01-01T00:00:00",
                run_id="x",
                duration=1800,
                emissions=1.0,
                energy_consumed=10.0,
            ),
            row(
                timestamp="2025-01-01T01:00:00",
                run_id="x",
                duration=3600,
                emissions=2.0,
                energy_consumed=20.0,
                pue=1.4,
                cloud_provider="gcp",
                cloud_region="europe-west1",
            ),
        ],
    )
    facts = parse_codecarbon(path, "M")
    assert {f.phase for f in facts} == {"training"}
    t = by(facts, "training")
    assert float(t["energy_mwh"].value) == pytest.approx(0.02)
    assert t["location"].value == "europe-west1"
    assert t["pue"].value == "1.4"  # CodeCarbon applied a PUE: recorded so it is not applied twice
    assert "including its PUE 1.4" in t["energy_mwh"].note


def test_old_schema_without_run_id_each_row_is_a_run(tmp_path: Path) -> None:
    path = write(
        tmp_path / "emissions.csv",
        HEADER_V1,
        [
            row(
                timestamp="2021-06-01T08:00:00.123456",
                duration=600,
                emissions=0.01,
                energy_consumed=0.1,
                region="",
                country_iso_code="USA",
            ),
            row(
                timestamp="2021-06-02T08:00:00.654321",
                duration=900,
                emissions=0.02,
                energy_consumed=0.2,
                region="",
                country_iso_code="USA",
            ),
        ],
    )
    facts = parse_codecarbon(path, "Old")
    assert by(facts, "training")["location"].value == "USA"
    assert float(by(facts, "development")["co2e_t"].value) == pytest.approx(1e-5)


def test_folder_reads_every_file_and_skips_task_files(tmp_path: Path) -> None:
    write(
        tmp_path / "sweep" / "emissions.csv",
        HEADER_V2,
        [
            row(
                timestamp="2025-02-01T00:00:00",
                run_id="s1",
                duration=3600,
                emissions=0.5,
                energy_consumed=5.0,
            )
        ],
    )
    write(
        tmp_path / "final" / "emissions.csv",
        HEADER_V2,
        [
            row(
                timestamp="2025-02-05T00:00:00",
                run_id="f1",
                duration=7200,
                emissions=1.5,
                energy_consumed=15.0,
            )
        ],
    )
    # A per-task breakdown would double count: it has a task_name column and is ignored.
    write(
        tmp_path / "final" / "emissions_exp_f1.csv",
        ["task_name", *HEADER_V2],
        [
            row(
                task_name="fwd",
                timestamp="2025-02-05T00:00:00",
                run_id="f1",
                duration=10,
                emissions=9.0,
                energy_consumed=90.0,
            )
        ],
    )
    facts = parse_codecarbon(tmp_path, "Folder")
    assert by(facts, "training")["co2e_t"].source_locator == "final/emissions.csv:row 1"
    assert float(by(facts, "development")["energy_mwh"].value) == pytest.approx(0.005)
    assert len(read_runs(tmp_path)) == 2


def test_facts_round_trip_as_facts_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path / "emissions.csv",
        HEADER_V2,
        [
            row(
                timestamp="2025-02-01T00:00:00",
                run_id="r",
                duration=3600,
                emissions=0.5,
                energy_consumed=5.0,
            )
        ],
    )
    text = facts_csv_bytes(parse_codecarbon(path, "M")).decode()
    assert text.splitlines()[0] == ",".join(FACT_COLUMNS)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b\n1,2\n", "not a CodeCarbon emissions file"),
        ("", "empty file"),
        (",".join(HEADER_V2) + "\n2025-01-01T00:00:00,p,r\n", "row 1 has 3 fields"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "emissions.csv"
    path.write_text(content)
    with pytest.raises(CodeCarbonError, match=message):
        parse_codecarbon(path, "M")


def test_a_folder_never_reads_through_a_link(tmp_path: Path) -> None:
    # Issue 17's sibling door: a CodeCarbon folder with a link to a secret is refused by name,
    # and the secret is never read (as with --cards).
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "emissions.csv").symlink_to("/etc/passwd")
    with pytest.raises(CodeCarbonError, match=r"emissions\.csv: a symbolic link: not followed"):
        parse_codecarbon(runs, "M")
    with pytest.raises(CodeCarbonError, match="symbolic link"):
        parse_codecarbon(runs / "emissions.csv", "M")


def test_missing_path_and_model(tmp_path: Path) -> None:
    with pytest.raises(CodeCarbonError, match="no such file"):
        parse_codecarbon(tmp_path / "nope.csv", "M")
    with pytest.raises(CodeCarbonError, match="model name"):
        parse_codecarbon(tmp_path, " ")


def test_lands_through_the_loading_path_and_reaches_the_leaderboard(tmp_path: Path) -> None:
    from tasks.core.settings import get_settings
    from tasks.load.ingest import ingest_snapshot_files
    from tasks.load.warehouse import open_warehouse
    from tasks.model.transform import build_models
    from tasks.sources.grid import snapshot as grid_intensity
    from tasks.sources.hardware import snapshot as gpu_specs
    from tasks.sources.models import snapshot as model_disclosures
    from tasks.sources.models.codecarbon import land_codecarbon

    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    files = (
        *grid_intensity.SNAPSHOT_FILES,
        *gpu_specs.SNAPSHOT_FILES,
        *model_disclosures.ASSUMPTION_FILES,
    )
    with open_warehouse(settings=settings) as con:
        ingest_snapshot_files(con, files, settings=settings)
    path = write(
        tmp_path / "runs" / "emissions.csv",
        HEADER_V2,
        [
            row(
                timestamp="2025-03-01T10:00:00",
                run_id="a",
                duration=36000,
                emissions=20.0,
                energy_consumed=350.0,
            ),
            row(
                timestamp="2025-03-10T12:00:00",
                run_id="c",
                duration=172800,
                emissions=125.0,
                energy_consumed=2200.0,
            ),
        ],
    )
    with open_warehouse(settings=settings) as con:
        result = land_codecarbon(con, path, "Acme 1B", settings=settings)
        assert (result.status, result.quarantined) == ("success", 0)
        build_models(con)
        got = con.execute(
            "select training_co2e_t, development_co2e_t, training_co2e_basis, estimation_tier "
            "from rpt_leaderboard where model = 'Acme 1B'"
        ).fetchall()
    assert got, "the CodeCarbon model is on the leaderboard"
    training, development, basis, tier = got[0]
    assert training == pytest.approx(0.125)
    assert development == pytest.approx(0.02)
    assert (basis, tier) == ("disclosed", 1)
