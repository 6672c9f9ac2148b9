"""Cases 16-21: unit errors, hostile model cards, formula cells, SQL injection, export paths out of
the export folder, and a token that must never be written anywhere."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import start_python, table_checksums
from typer.testing import CliRunner

import tasks.load.archive as archive_module
from footprints.cli import app
from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.warehouse import WarehouseError, open_warehouse, read_sql
from tasks.outputs.export import (
    ExportPathError,
    export_table,
    neutralise_formulas,
    resolve_export_path,
)
from tasks.sources.models.snapshot import read_facts_csv

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "warehouse" / "snapshot"
runner = CliRunner()


def land_text(db: Path, table: str, text: bytes, parser=read_csv_text):
    settings = get_settings(warehouse=db)
    payload = archive_payload("test", f"test/{table}.csv", text, settings=settings)
    with open_warehouse(settings=settings) as con:
        return ingest_payload(
            con, payload, table, parser, batch_scope=f"test:{table}", settings=settings
        )


def quarantine(db: Path) -> list[tuple[str, int, str, str]]:
    with open_warehouse(db, read_only=True) as con:
        return con.execute(
            "select table_name, row_number, row_key, reason from meta_quarantine "
            "order by table_name, row_number"
        ).fetchall()


# Case 16 --------------------------------------------------------------------------------------


def test_case_16_unit_and_scale_errors_are_rejected_naming_the_row(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    grid = (SNAPSHOT / "grid" / "grid_intensity_annual.csv").read_text().splitlines()[:21]
    zone, year, value, *rest = grid[5].split(",")
    grid[5] = ",".join([zone, year, str(float(value) * 1000), *rest])  # g/MWh given as g/kWh
    assert land_text(db, "raw_grid_intensity_annual", "\n".join(grid).encode()).quarantined == 1

    gpus = (SNAPSHOT / "gpus" / "gpu_specs.csv").read_text().splitlines()
    header = gpus[0].split(",")
    rows = list(csv.reader(io.StringIO("\n".join(gpus[1:21]))))
    rows[3][header.index("tdp_w")] = "700000"  # mW given as W
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    assert land_text(db, "raw_gpu_specs", buffer.getvalue().encode()).quarantined == 1

    facts = read_facts_csv((SNAPSHOT / "models" / "card_facts.csv").read_bytes()).head(40)
    i = facts["field"].to_list().index("gpu_hours")
    values = facts["value"].to_list()
    values[i] = str(float(values[i]) * 3.6e6)  # hours given as seconds... of a huge run
    j = next(k for k, f in enumerate(facts["field"].to_list()) if f in ("co2e_t", "energy_mwh"))
    units = facts["unit"].to_list()
    units[j] = "kg" if facts["field"][j] == "co2e_t" else "kWh"  # a unit the field does not use
    facts = facts.with_columns(pl.Series("value", values), pl.Series("unit", units))
    result = land_text(
        db, "raw_model_disclosures", facts.write_csv().encode(), parser=read_facts_csv
    )
    assert result.quarantined == 2

    rejected = quarantine(db)
    by_table = {t: (n, k, r) for t, n, k, r in rejected if t != "raw_model_disclosures"}
    assert by_table["raw_grid_intensity_annual"][0] == 5  # the row number, 1-based
    assert f"zone_key={zone}" in by_table["raw_grid_intensity_annual"][1]
    assert "carbon_intensity_g_per_kwh" in by_table["raw_grid_intensity_annual"][2]
    assert by_table["raw_gpu_specs"][0] == 4 and "tdp_w" in by_table["raw_gpu_specs"][2]
    facts_q = [(n, r) for t, n, _, r in rejected if t == "raw_model_disclosures"]
    assert sorted(n for n, _ in facts_q) == sorted([i + 1, j + 1])
    assert any("gpu_hours" in r and "plausible range" in r for _, r in facts_q)
    assert any("is not the field's unit" in r for _, r in facts_q)


# Case 17 --------------------------------------------------------------------------------------

BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "model: *i\n"
)


def hostile_cards(directory: Path, marker: Path) -> dict[str, str]:
    """file name -> what it is."""
    cards = {
        "invalid.yaml": ("model: [unclosed\n  training: {", "invalid YAML"),
        "not-a-mapping.yaml": ("- model\n- Acme\n", "a list, not a mapping"),
        "python-object.yaml": (
            f"model: !!python/object/apply:os.system ['touch {marker}']\n",
            "a python object tag",
        ),
        "alias-bomb.yaml": (BOMB, "a billion-laughs alias bomb"),
        "huge.yaml": ("model: Huge\nnote: " + "a" * 10_000_000 + "\n", "10 MB"),
        "python-object.md": (
            f"---\nmodel: !!python/object/apply:os.system ['touch {marker}']\n"
            "co2_eq_emissions: 5\n---\n# A card\n",
            "front matter with a python tag",
        ),
        "alias-bomb.md": (f"---\n{BOMB}---\n# A card\n", "front matter alias bomb"),
        "not-a-mapping.md": ("---\n- a\n- b\n---\n# A card\n", "front matter list"),
        "huge.md": (
            "---\nco2_eq_emissions:\n  emissions: " + "9" * 10_000_000 + "\n---\n",
            "10 MB",
        ),
    }
    for name, (text, _) in cards.items():
        (directory / name).write_text(text)
    (directory / "acme-7b.yaml").write_text((REPO / "examples/cards/acme-7b.yaml").read_text())
    return {name: why for name, (_, why) in cards.items()}


CARDS_WORKER = """
import json, resource
from pathlib import Path
from tasks.core.settings import get_settings
from tasks.sources.models.user_cards import land_user_cards
from tasks.load.warehouse import open_warehouse
settings = get_settings(warehouse=Path({db!r}))
with open_warehouse(settings=settings) as con:
    loaded = land_user_cards(con, Path({cards!r}), settings=settings)
# ru_maxrss survives exec on Linux (a child forked from a big pytest reports pytest's size);
# VmHWM is this process image's own high-water mark. Both are reported, VmHWM is asserted.
rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
status = Path("/proc/self/status").read_text()
hwm = next((int(l.split()[1]) * 1024 for l in status.splitlines() if l.startswith("VmHWM")), None)
print("RESULT", json.dumps({{"status": loaded.result.status, "rows": loaded.result.inserted,
      "quarantined": loaded.quarantined, "peak": hwm or rusage, "rusage": rusage}}))
"""


def test_case_17_hostile_cards_are_quarantined_no_code_runs_memory_bounded(
    tmp_path: Path,
) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    marker = tmp_path / "pwned"
    kinds = hostile_cards(cards, marker)
    db = tmp_path / "w.duckdb"
    proc = start_python(CARDS_WORKER.format(db=str(db), cards=str(cards)))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT"))[7:])
    assert not marker.exists()  # no code ran
    assert result["peak"] < 500 * 2**20, f"peak RSS {result['peak'] / 2**20:.0f} MB"
    assert result["status"] == "success" and result["rows"] > 0  # the good card still landed
    quarantined = {Path(f.split(":")[0]).name: reason for f, reason in result["quarantined"]}
    for name, why in kinds.items():
        assert name in quarantined, f"{name} ({why}) was not quarantined"
    with open_warehouse(db, read_only=True) as con:
        keys = [r[0] for r in con.execute("select row_key from meta_quarantine").fetchall()]
        landed = con.execute("select distinct _source_url from raw_model_disclosures").fetchall()
    for name in kinds:  # recorded in the warehouse with the card's id (its file)
        assert any(name in k for k in keys), name
    assert [u for (u,) in landed if u.endswith("acme-7b.yaml")]
    assert not [u for (u,) in landed if "python-object" in u or "alias-bomb" in u]


# Case 18 --------------------------------------------------------------------------------------


def test_case_18_formula_cells_are_neutralised(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "model": ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain"],
            "n": [1.0, -1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    out = neutralise_formulas(frame)
    assert out["model"].to_list()[:6] == [
        "'=cmd|' /C calc'!A0",
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert out["model"][6] == "plain" and out["n"].to_list() == frame["n"].to_list()


def test_case_18_an_exported_leaderboard_neutralises_a_hostile_model_name(
    warehouse: Path, tmp_path: Path
) -> None:
    from tasks.model.transform import build_models
    from tasks.sources.models.user_cards import land_user_cards

    cards = tmp_path / "cards"
    cards.mkdir()
    card = (REPO / "examples/cards/acme-7b.yaml").read_text()
    card = card.replace("model: Acme 7B", "model: \"=cmd|' /C calc'!A0\"")
    card = card.replace("organization: Acme Labs (fictional)", "organization: '@evil'")
    (cards / "evil.yaml").write_text(card)
    settings = get_settings(warehouse=warehouse)
    with open_warehouse(settings=settings) as con:
        land_user_cards(con, cards, settings=settings)
        build_models(con)
    out = tmp_path / "lb.csv"
    done = runner.invoke(
        app, ["export", "leaderboard", "--warehouse", str(warehouse), "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(out.open(newline="")))
    evil = [r for r in rows if "cmd|" in r["model"]]
    assert evil and evil[0]["model"] == "'=cmd|' /C calc'!A0"
    assert evil[0]["organization"] == "'@evil"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert not (value.startswith("-") and not _number(value)), value


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# Case 19 --------------------------------------------------------------------------------------


def test_case_19_sql_injection_changes_nothing(refreshed: Path) -> None:
    before = table_checksums(refreshed)
    hostile = "x'; DROP TABLE rpt_leaderboard; --"
    done = runner.invoke(
        app,
        [
            "query",
            f"select * from rpt_leaderboard where model = '{hostile}'",
            "--warehouse",
            str(refreshed),
        ],
    )
    assert done.exit_code == 1 and "read-only" in done.output
    # Numbers reach SQL as bound parameters; a non-number is refused before any SQL runs.
    done = runner.invoke(app, ["leaderboard", "--warehouse", str(refreshed), "-n", hostile])
    assert done.exit_code == 2
    # Identifiers are allow-listed: a table name is never data.
    with pytest.raises(WarehouseError, match="refusing identifier"):
        read_sql("load/create_stage.sql", table="raw_zones; drop table raw_zones")
    assert table_checksums(refreshed) == before


# Case 20 --------------------------------------------------------------------------------------


def test_case_20_untrusted_export_paths_stay_in_the_export_folder(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (exports / "link").symlink_to(outside)
    for bad in ("../x.csv", str(outside / "x.csv"), "link/x.csv", "/etc/cron.d/x", "a/../../x"):
        with pytest.raises(ExportPathError, match="leaves the export folder"):
            resolve_export_path(bad, exports, "lb.csv", trusted=False)
    assert resolve_export_path("sub/lb.csv", exports, "lb.csv", trusted=False) == (
        exports.resolve() / "sub" / "lb.csv"
    )
    assert resolve_export_path(None, exports, "lb.csv", trusted=False) == exports / "lb.csv"
    # The CLI user's own --out is trusted (they could write there anyway).
    assert resolve_export_path(outside / "x.csv", exports, "lb.csv", trusted=True) == (
        outside / "x.csv"
    )


def test_an_export_to_a_folder_is_one_line_and_exit_2_writing_nothing(
    refreshed: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    done = runner.invoke(
        app, ["export", "leaderboard", "--warehouse", str(refreshed), "--out", str(folder)]
    )
    assert done.exit_code == 2
    lines = done.output.strip().splitlines()
    assert lines == [
        f"footprints: --out {folder} is a folder; give the file to write, "
        f"e.g. {folder / 'leaderboard.csv'}"
    ]
    assert list(folder.iterdir()) == []  # not even a temp file


def test_a_warehouse_that_cannot_be_created_is_not_told_to_run(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    target = locked / "sub" / "w.duckdb"
    locked.chmod(0o500)
    try:
        done = runner.invoke(app, ["leaderboard", "--warehouse", str(target)])
        if os.geteuid() == 0:  # root may write anywhere: the path is simply not there yet
            assert "run `footprints run` first" in done.output
        else:
            assert "cannot be created there" in done.output
            assert "footprints run" not in done.output
        # a path no run could create is a user error (exit 2); a path not built yet is not
        assert done.exit_code == (1 if os.geteuid() == 0 else 2)
        assert len(done.output.strip().splitlines()) == 1
    finally:
        locked.chmod(0o700)
    done = runner.invoke(app, ["leaderboard", "--warehouse", "/proc/footprints/w.duckdb"])
    assert done.exit_code == 2
    assert "cannot be created there (/proc is not a writable folder)" in done.output


def test_case_20_a_crash_while_exporting_never_leaves_half_a_csv(
    refreshed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "lb.csv"
    target.write_text("the previous export\n")

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive_module.os, "replace", crash)
    with open_warehouse(refreshed, read_only=True) as con, pytest.raises(OSError):
        export_table(con, "leaderboard", target)
    assert target.read_text() == "the previous export\n"
    assert os.listdir(tmp_path) == ["lb.csv"]  # no temp file left behind


# Case 21 --------------------------------------------------------------------------------------

SENTINEL = "SENTINEL-tok-case21-5e7d"
FIXTURES = REPO / "tests" / "fixtures" / "http"


def test_case_21_a_token_appears_nowhere(
    prefect_harness, tmp_path: Path, httpserver, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogHandler
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH
    from werkzeug import Response

    from flows.ingest_grid_intensity import ingest_grid_intensity

    calls = {"n": 0}

    def past_range(request):
        calls["n"] += 1
        assert request.headers.get("auth-token") == SENTINEL  # the token was really sent
        if calls["n"] > 1:  # the second run: the API rejects the token and echoes it back
            return Response(f'{{"error": "bad token {SENTINEL}"}}', status=401)
        return Response(
            (FIXTURES / "electricitymaps_past_range_DE.json").read_bytes(),
            content_type="application/json",
        )

    httpserver.expect_request("/zones").respond_with_data(
        (FIXTURES / "electricitymaps_zones.json").read_bytes(), content_type="application/json"
    )
    httpserver.expect_request("/carbon-intensity/past-range").respond_with_handler(past_range)
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("FOOTPRINTS_ELECTRICITYMAPS_BASE_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("FOOTPRINTS_ELECTRICITYMAPS_TOKEN", SENTINEL)
    monkeypatch.setenv("FOOTPRINTS_HTTP_MAX_RETRIES", "0")
    caplog.set_level(logging.DEBUG)
    for name in ("prefect", "urllib3", "tasks", "requests"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.DEBUG)

    args = {"source": "live", "sources": ["electricitymaps"], "zones": ["DE"], "days": 1}
    ok = ingest_grid_intensity(str(db), return_state=True, **args)
    failed = ingest_grid_intensity(str(db), return_state=True, **args)
    assert ok.is_completed(), ok.message
    assert failed.is_failed() and "401" in str(failed.message)
    APILogHandler().flush()  # the logs the flows sent to the API, all of them

    kept: list[str] = [str(ok.result()), str(failed.message), repr(failed)]
    try:
        failed.result()
    except Exception as err:
        kept.append(f"{err!r} {err}")
    kept += [r.getMessage() for r in caplog.records] + [caplog.text]
    with get_client(sync_client=True) as client:
        for state in (ok, failed):
            run = client.read_flow_run(state.state_details.flow_run_id)
            kept.append(json.dumps(run.parameters, default=str))
            kept.append(run.model_dump_json())
        kept += [a.model_dump_json() for a in client.read_artifacts()]
        logs = client.read_logs()
        kept += [log.message for log in logs]
    assert logs  # the flows did log to the API
    storage = Path(PREFECT_LOCAL_STORAGE_PATH.value())
    files = [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []
    files += [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]  # payloads, packages, logs
    assert any(p.name.endswith(".parquet") for p in files)
    for path in files:
        kept.append(path.read_bytes().decode("utf-8", "replace"))
    with open_warehouse(db, read_only=True) as con:
        tables = [r[0] for r in con.execute("show tables").fetchall()]
        for t in tables:
            kept += [
                r[0] for r in con.execute(f'select to_json(x)::varchar from "{t}" x').fetchall()
            ]
    assert calls["n"] == 2
    leaks = [k[:200] for k in kept if SENTINEL in k]
    assert not leaks, leaks
