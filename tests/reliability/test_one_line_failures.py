"""Every failure is one clear line naming the cause and the file or key, a non-zero exit, and no
traceback without -v (issue 17): a bad CodeCarbon file, a second concurrent run, a damaged
warehouse, a full disk, an export or backup path under a file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from reliability_helpers import FOOTPRINTS, child_env, start_python, wait_for_line
from typer.testing import CliRunner

from footprints.cli import app
from tasks.sources.models.codecarbon import CodeCarbonError, read_runs

runner = CliRunner()
HEADER = "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_iso_code\n"
# What a failing run must not print (without -v): Prefect's error records and tracebacks, the
# teardown's leak report.
NOISE = ("Traceback", "ERROR", "nanobind", "leaked", "Encountered exception")
HOLDER = (
    "from pathlib import Path; from reliability_helpers import refresh_plain; "
    "refresh_plain(Path({db!r}), signal=True, hold_until=Path({release!r}), small=True)"
)


def _run(*args: str, prefix: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """`footprints run ...` as a user runs it (`prefix`: a shell limit such as `ulimit -f`)."""
    command = " ".join([f"{prefix};" if prefix else "", "exec", str(FOOTPRINTS), "run", *args])
    return subprocess.run(
        ["bash", "-c", command],
        env=child_env(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", **env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _one_line(done: subprocess.CompletedProcess[str], *named: str) -> str:
    assert done.returncode != 0, done.stdout
    noisy = [line for line in done.stderr.splitlines() if any(n in line for n in NOISE)]
    assert not noisy, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("footprints: ")]
    assert len(lines) == 1, done.stderr[-3000:]
    for text in named:
        assert text in lines[0], lines[0]
    return lines[0]


# CodeCarbon: the bad column named, in the parser and through a real run ---------------------

BAD_CODECARBON = {
    "text in a number": (f"{HEADER}2024-01-01T00:00:00,p,r1,100,abc,1.0,FR\n", "column emissions"),
    "inf in a number": (
        f"{HEADER}2024-01-01T00:00:00,p,r1,100,1,inf,FR\n",
        "column energy_consumed",
    ),
    "-Infinity": (f"{HEADER}2024-01-01T00:00:00,p,r1,-Infinity,1,1,FR\n", "column duration"),
    "a bad timestamp": (f"{HEADER}yesterday,p,r1,100,1,1,FR\n", "column timestamp"),
    "missing columns": ("timestamp,run_id,duration\n2024-01-01T00:00:00,r1,100\n", "no column"),
}


@pytest.mark.parametrize("case", BAD_CODECARBON, ids=list(BAD_CODECARBON))
def test_a_bad_codecarbon_file_names_the_row_and_column(tmp_path: Path, case: str) -> None:
    text, named = BAD_CODECARBON[case]
    path = tmp_path / "emissions.csv"
    path.write_text(text)
    with pytest.raises(CodeCarbonError, match=named) as info:
        read_runs(path)
    assert "emissions.csv" in str(info.value)


def test_a_run_with_a_bad_codecarbon_file_prints_one_line(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "emissions.csv"
    path.write_text(BAD_CODECARBON["inf in a number"][0])
    done = _run("--warehouse", str(warehouse), "--codecarbon", str(path), "--model", "X")
    _one_line(done, "emissions.csv: row 1: column energy_consumed: 'inf' is not a finite number")


# The warehouse: locked by another run, damaged, on a full disk --------------------------------


def test_a_second_concurrent_run_prints_one_line_naming_the_lock_holder(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    release = tmp_path / "release"
    holder = start_python(HOLDER.format(db=str(db), release=str(release)))
    try:
        pid = wait_for_line(holder, "opened").split()[1]
        done = _run("--warehouse", str(db))
    finally:
        release.touch()
        holder.wait(timeout=120)
    _one_line(done, f"warehouse {db} is locked by process {pid}")


def test_a_damaged_warehouse_prints_one_line_naming_the_file(warehouse: Path) -> None:
    data = bytearray(warehouse.read_bytes())
    data[8192 : 8192 + 65536] = b"\x55" * 65536
    warehouse.write_bytes(bytes(data))
    done = _run("--warehouse", str(warehouse))
    _one_line(done, f"warehouse file {warehouse} is damaged", "footprints rebuild")
    assert warehouse.read_bytes() == bytes(data)  # nothing deleted, nothing rewritten


def test_a_full_disk_prints_one_line_with_the_real_cause(tmp_path: Path) -> None:
    # ulimit -f: every file this run writes (the WAL, the raw area, Prefect's database) stops
    # at 2 MB with EFBIG, as on a full disk; the cause is 'File too large', not Prefect's API.
    done = _run(
        "--warehouse",
        str(tmp_path / "w.duckdb"),
        prefix="ulimit -f 2048",
        PREFECT_HOME=str(tmp_path / "prefect"),
    )
    _one_line(done, "File too large")


# Output paths ----------------------------------------------------------------------------------


def test_an_export_under_a_file_is_one_line(refreshed: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    done = runner.invoke(
        app,
        ["export", "leaderboard", "--warehouse", str(refreshed), "--out", str(a_file / "lb.csv")],
    )
    assert done.exit_code == 2, done.output
    assert (
        done.output.strip()
        == f"footprints: --out {a_file / 'lb.csv'}: {a_file} is a file, not a folder"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_an_export_into_a_read_only_folder_is_one_line(refreshed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        done = runner.invoke(
            app,
            [
                "export",
                "leaderboard",
                "--warehouse",
                str(refreshed),
                "--out",
                str(folder / "x.csv"),
            ],
        )
    finally:
        folder.chmod(0o700)
    assert done.exit_code == 1
    assert done.output.startswith("footprints: cannot write the leaderboard export: Permission")


def test_a_backup_or_report_under_a_file_is_one_line(refreshed: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for args, says in [
        (["backup", "--out", str(a_file / "b.duckdb")], "footprints: backup not written: "),
        (["report", "--out", str(a_file / "report")], "footprints: cannot write the report: "),
    ]:
        done = runner.invoke(app, [*args, "--warehouse", str(refreshed)])
        assert done.exit_code == 1, done.output
        lines = done.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(says), lines
        assert str(a_file) in lines[0] and "Traceback" not in done.output


def test_a_warehouse_never_built_is_one_line_for_every_reader(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()  # a valid file without the leaderboard
    for args in (
        ["leaderboard"],
        ["whatif", "--model", "X", "--zone", "FR"],
        ["export", "leaderboard", "--out", str(tmp_path / "lb.csv")],
        ["export", "audit", "--out", str(tmp_path / "audit.csv")],
        ["card", "X"],
    ):
        done = runner.invoke(app, [*args, "--warehouse", str(db)])
        assert done.exit_code == 1, (args, done.output)
        lines = done.output.strip().splitlines()
        assert len(lines) == 1 and "run `footprints run` first" in lines[0], (args, lines)
