"""`make bench`: footprints at the scale users bring, each metric beside its baseline.

Every measurement runs in a fresh subprocess (`python -m bench.run --child NAME`), so imports,
caches and memory of one never help or hurt another; peak memory is the child's whole process
tree (Dask workers included), sampled from /proc, and its own `ru_maxrss`. Wall times of the
Prefect runs are the subprocess's, start to exit, as a user would time `footprints run`; the data
operations time the operation itself inside the child (interpreter and library imports are not
the loader's cost; they are in the Prefect numbers). The table is printed and written to
`bench/results/latest.json` with the goals, pass/fail and the machine.

    python -m bench.run [--data DIR] [--cards N] [--only METRIC ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from footprints.commands.run import _exit_now

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "latest.json"
HOURLY_TABLE = "raw_grid_intensity_hourly"

# metric -> (goal as text, test, unit); a None test is a baseline. The goals are issue 20's.
GOALS: dict[str, tuple[str, Callable[[float], bool] | None, str]] = {
    "prefect_floor_s": ("baseline", None, "s"),
    "refresh_snapshot_s": ("baseline", None, "s"),
    "refresh_vs_floor": ("<= 1.3", lambda v: v <= 1.3, "x"),
    "noop_rerun_vs_first": ("<= 0.1", lambda v: v <= 0.1, "x"),
    "grid_land_10m_s": ("baseline", None, "s"),
    "duckdb_raw_10m_s": ("the limit", None, "s"),
    "duckdb_same_columns_10m_s": ("baseline", None, "s"),
    "grid_land_vs_same_columns": ("detail", None, "x"),
    "grid_land_vs_duckdb": ("<= 1.5", lambda v: v <= 1.5, "x"),
    "grid_land_vs_dlt": ("<= 0.5", lambda v: v <= 0.5, "x"),
    "grid_land_peak_rss_mb": ("<= 800", lambda v: v <= 800, "MB"),
    "hourly_match_1000_s": ("<= 1.0", lambda v: v <= 1.0, "s"),
    "cards_parsed_per_s": (">= 2,500", lambda v: v >= 2500, "/s"),
    "cards_vs_dask": (">= 1.2", lambda v: v >= 1.2, "x"),
    "cards_100k_peak_rss_mb": ("<= 600", lambda v: v <= 600, "MB"),
}


def prefect_env(home: Path) -> dict[str, str]:
    """The settings `footprints run` gets from the Makefile: offline, quiet, its own home."""
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_HOME=str(home),
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    env.pop("PREFECT_API_URL", None)  # a temporary server per run, as `footprints run` has
    return env


# --- measuring a subprocess ----------------------------------------------------------------------


def process_tree(root: int) -> dict[int, tuple[str, int]]:
    """(command line, VmRSS kB) of a process and each of its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    found: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(pid)
        rss = int(fields["VmRSS"].split()[0]) if "VmRSS" in fields else 0
        found[pid] = (cmd.strip(), rss)
    tree, stack = {}, [root]
    while stack:
        pid = stack.pop()
        if pid in found:
            tree[pid] = found[pid]
        stack.extend(children.get(pid, []))
    return tree


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants."""
    return sum(rss for _, rss in process_tree(root).values())


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; its wall time, exit code, output, and peak memory of its process tree."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = usage.ru_maxrss
    return {
        "wall_s": wall,
        # CPU of the whole tree, each process reaped by its parent (pool and Dask workers, the
        # Prefect server): what a run costs whatever else the machine runs meanwhile
        "cpu_s": usage.ru_utime + usage.ru_stime - cpu_before,
        "code": proc.returncode,
        "stdout": out,
        "stderr": err,
        "tree_peak_rss_mb": peak[0] / 1024,
        # ru_maxrss of the children is the largest single process seen so far in this run
        "maxrss_mb": after / 1024 if after > before else None,
    }


def child(name: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `--child NAME` in a fresh interpreter; merge the JSON it prints last."""
    run = measure([sys.executable, "-m", "bench.run", "--child", name, *args], env)
    if run["code"] != 0:
        raise RuntimeError(f"bench child {name} failed:\n{run['stderr'][-3000:]}")
    lines = [ln for ln in run["stdout"].splitlines() if ln.startswith("{")]
    return {**run, **json.loads(lines[-1])}


# --- the children --------------------------------------------------------------------------------


def child_floor() -> dict[str, Any]:
    from prefect import flow

    @flow(name="noop")
    def noop() -> int:
        return 1

    noop()
    return {}


def child_grid_land(warehouse: str, file: str) -> dict[str, Any]:
    """The bulk landing of the hourly file into an empty warehouse."""
    from tasks.core.settings import get_settings
    from tasks.load.land import land_file
    from tasks.load.scan import LAST_PHASES
    from tasks.load.validate import _gx_context
    from tasks.load.warehouse import open_warehouse

    _gx_context()  # a one-off ~3 s per process; the refresh numbers carry it
    settings = get_settings(warehouse=Path(warehouse))
    with open_warehouse(settings=settings) as con:
        start = time.perf_counter()
        result = land_file(
            con,
            Path(file),
            HOURLY_TABLE,
            source="bench",
            url=Path(file).as_uri(),
            batch_scope="bench:intensity_hourly",
            settings=settings,
        )
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows_in": result.rows_in,
        "inserted": result.inserted,
        "quarantined": result.quarantined,
        "phases": {k: round(v, 2) for k, v in LAST_PHASES.items()},
    }


def child_duckdb_raw(warehouse: str, file: str) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(warehouse)
    con.execute("set enable_progress_bar = false")
    start = time.perf_counter()
    con.execute("create table raw as select * from read_parquet(?)", [file])
    seconds = time.perf_counter() - start
    rows = con.execute("select count(*) from raw").fetchall()[0][0]
    con.close()
    return {"seconds": seconds, "rows": rows}


def child_duckdb_same_columns(warehouse: str, file: str) -> dict[str, Any]:
    """The hourly file inserted into the warehouse's own raw table with the columns a landing
    writes (the provenance columns and the row hash, as `merge_file` computes them) and the
    landing's DuckDB settings, but nothing archived, typed, checked or deduplicated: what the
    landing costs over this is its own work, the rest is DuckDB writing those columns."""
    from tasks.core.settings import get_settings
    from tasks.load.scan import load_settings, load_settings_for, row_hash_sql
    from tasks.load.validate import business_columns
    from tasks.load.warehouse import open_warehouse

    cols = ", ".join(business_columns(HOURLY_TABLE))
    sql = (
        f"insert into {HOURLY_TABLE} by name select {cols}, $url as _source_url, "
        f"$sha as _source_sha256, {row_hash_sql(HOURLY_TABLE)} as _row_hash, "
        "$scope as _batch_scope, $load_id as _load_id, $at::timestamp as _loaded_at "
        "from read_parquet($path)"
    )
    params = {
        "path": file,
        "url": Path(file).as_uri(),
        "sha": "0" * 64,
        "scope": "bench:intensity_hourly",
        "load_id": "0" * 32,
        "at": "2026-01-01 00:00:00",
    }
    with (
        open_warehouse(settings=get_settings(warehouse=Path(warehouse))) as con,
        load_settings(con, load_settings_for(con, HOURLY_TABLE)),
    ):
        start = time.perf_counter()
        con.execute("begin transaction")
        con.execute(sql, params)
        con.execute("commit")
        seconds = time.perf_counter() - start
        rows = con.execute(f"select count(*) from {HOURLY_TABLE}").fetchall()[0][0]
    return {"seconds": seconds, "rows": rows}


def child_dlt(folder: str, file: str) -> dict[str, Any]:
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    os.environ["DLT_DATA_DIR"] = str(Path(folder) / "dlt_data")
    os.environ["DLT_PROJECT_DIR"] = folder
    import dlt
    import pyarrow.parquet as pq

    @dlt.resource(
        name=HOURLY_TABLE,
        write_disposition="merge",
        primary_key=("zone_key", "ts_utc", "source"),
    )
    def hourly():  # type: ignore[no-untyped-def]
        parquet = pq.ParquetFile(file)
        for i in range(parquet.num_row_groups):
            yield parquet.read_row_group(i)

    pipeline = dlt.pipeline(
        pipeline_name="bench_hourly",
        destination=dlt.destinations.duckdb(str(Path(folder) / "dlt.duckdb")),
        dataset_name="raw",
        pipelines_dir=str(Path(folder) / "pipelines"),
    )
    start = time.perf_counter()
    pipeline.run(hourly())
    seconds = time.perf_counter() - start
    with pipeline.sql_client() as client:
        rows = client.execute_sql(f"select count(*) from {HOURLY_TABLE}")[0][0]
    return {"seconds": seconds, "rows": rows}


def child_hourly_match(warehouse: str, windows: str) -> dict[str, Any]:
    """The real int_runs_hourly_matched.sql over the landed 10M rows, with its two inputs stood
    in for by 1,000 windowed runs (the rest of the model graph is not what is measured)."""
    from tasks.load.warehouse import SQL_DIR, connect

    con = connect(Path(warehouse))
    con.execute("set enable_progress_bar = false")
    con.execute(
        "create temp table int_disclosures_pivoted as select model, 'training' as phase, "
        "zone_key as location_text, start_date, end_date, null::double as duration_days "
        "from read_parquet(?)",
        [windows],
    )
    con.execute(
        "create temp table int_names_resolved as select distinct 'location' as kind, "
        "location_text as input, location_text as resolved from int_disclosures_pivoted"
    )
    stg = (SQL_DIR / "staging" / "stg_grid__intensity_hourly.sql").read_text()
    con.execute(f"create temp view stg_grid__intensity_hourly as {stg}")
    sql = (SQL_DIR / "intermediate" / "int_runs_hourly_matched.sql").read_text()
    start = time.perf_counter()
    con.execute(f"create temp table matched as {sql}")
    seconds = time.perf_counter() - start
    runs, used = con.execute(
        "select count(distinct model), count_if(is_used) from matched"
    ).fetchall()[0]
    con.close()
    return {"seconds": seconds, "runs": runs, "used": used}


def child_cards(warehouse: str, cards: str, runner: str) -> dict[str, Any]:
    """`parse_and_land_cards` in a flow on `runner`, the task runner `footprints run --cards`
    gets: 'thread' by default (the chunks then go to a pool of worker processes), 'dask' with
    `--task-runner dask` (a local cluster of two single-threaded worker processes). Also samples
    each process's peak memory."""
    import contextlib

    from prefect import flow

    from flows._startup import start_server_while
    from tasks.core.prefect_server import using_api
    from tasks.sources.models.user_cards_fanout import (
        parse_and_land_cards,
        prefect_api_for_workers,
        task_runner_for,
    )

    def _role(pid: int, cmd: str) -> str:
        if pid == os.getpid():
            return "flow process"
        if "uvicorn" in cmd or "prefect.server" in cmd or "server start" in cmd:
            return "prefect server"
        if "multiprocessing" in cmd or "distributed" in cmd or "dask" in cmd:
            return "dask worker or nanny"
        return cmd[:60]

    @flow(name="bench_cards")
    def bench_cards() -> dict[str, Any]:
        loaded = parse_and_land_cards(cards, warehouse)
        return {
            "files": loaded.files,
            "chunks": loaded.chunks,
            "facts": loaded.facts,
            "quarantined_files": len(loaded.quarantined),
            "parse_s": loaded.parse_s,
            "land_s": loaded.land_s,
            "status": loaded.result.status,
        }

    peaks: dict[int, tuple[str, int]] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            for pid, (cmd, rss) in process_tree(os.getpid()).items():
                if rss > peaks.get(pid, ("", 0))[1]:
                    peaks[pid] = (_role(pid, cmd), rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # The temporary server `footprints run --cards` starts (flows._startup), not Prefect's own
    # from the flow process (which would import the server's code there: ~80 MB). Dask workers
    # are other processes: they report to that one server, not one each.
    api_url = start_server_while(lambda: None)
    shared = prefect_api_for_workers() if runner == "dask" else contextlib.nullcontext()
    try:
        with using_api(api_url), shared:
            start = time.perf_counter()
            out = bench_cards.with_options(task_runner=task_runner_for(runner, None, workers=2))()
            out["flow_s"] = time.perf_counter() - start
    finally:
        done.set()
        sampler.join()
    out["process_peak_rss_mb"] = sorted(
        ((role, round(kb / 1024)) for role, kb in peaks.values()), key=lambda x: -x[1]
    )
    return out


def child_cards_dask_bag(warehouse: str, cards: str) -> dict[str, Any]:
    """The comparison of `cards_vs_dask`: the same chunks and the same parser
    (`parse_cards`, each chunk's rows written to Parquet) as a Dask bag on two worker processes
    (a `distributed` LocalCluster, one thread each), then staged by the same
    `stage_card_chunks`. Timed like the default path's `parse_s`: from the cluster's start (the
    default path's pool starts inside its time too) to the last chunk staged. No Prefect."""
    import dask.bag as db
    from distributed import Client, LocalCluster

    from tasks.core.settings import get_settings
    from tasks.sources.models.user_cards_fanout import stage_card_chunks
    from tasks.sources.models.user_cards_parse import CHUNK_SIZE, card_files, chunked
    from tasks.sources.models.user_cards_pool import parse_chunk

    settings = get_settings(warehouse=Path(warehouse))
    folder = Path(cards).resolve()
    files = [str(p) for p in card_files(folder)]
    chunks = chunked(files, CHUNK_SIZE)
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        bag = db.from_sequence(chunks, npartitions=len(chunks))
        results = bag.map(parse_chunk, warehouse, "bench-bag").compute()
    staged = stage_card_chunks(
        folder, results, settings=settings, files=len(files), prefix="bench-bag"
    )
    parse_s = time.perf_counter() - start
    staged.remove()
    return {"files": staged.files, "facts": staged.facts, "parse_s": parse_s}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "cards_dask_bag": child_cards_dask_bag,
    "floor": child_floor,
    "grid_land": child_grid_land,
    "duckdb_raw": child_duckdb_raw,
    "duckdb_same_columns": child_duckdb_same_columns,
    "dlt": child_dlt,
    "hourly_match": child_hourly_match,
    "cards": child_cards,
}


# --- the suite -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import duckdb
    import great_expectations
    import polars
    import prefect

    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "duckdb": duckdb.__version__,
        "prefect": prefect.__version__,
        "polars": polars.__version__,
        "great_expectations": great_expectations.__version__,
    }


def run_suite(data: Path, n_cards: int, only: set[str] | None) -> dict[str, Any]:
    from bench import generate

    def wanted(*names: str) -> bool:
        return only is None or bool(only & set(names))

    values: dict[str, float] = {}
    details: dict[str, Any] = {}
    t0 = time.perf_counter()
    hourly = generate.write_hourly(data)
    windows = generate.write_windows(data)
    if wanted("cards"):  # the full size and a tenth of it (the scaling row)
        for n in (n_cards, max(n_cards // 10, 1)):
            generate.write_cards(data, n)
    details["generate_s"] = round(time.perf_counter() - t0, 1)
    work = Path(tempfile.mkdtemp(prefix="footprints-bench-"))
    footprints = str(Path(sys.executable).with_name("footprints"))
    try:
        env = prefect_env(work / "prefect")
        if wanted("prefect", "refresh"):
            child("floor", env=env)  # the first run creates the Prefect database: not a floor
            # Three rounds of (floor, first refresh into a new warehouse, rerun), interleaved so
            # that a busy spell of the machine touches all three alike; medians of each. One
            # run of each moves by a second or more here (Prefect's own timers included).
            floors, firsts, seconds, peaks = [], [], [], []
            for i in range(3):
                floors.append(child("floor", env=env)["wall_s"])
                db = work / f"refresh{i}" / "footprints.duckdb"
                first = measure([footprints, "run", "--warehouse", str(db)], env)
                second = measure([footprints, "run", "--warehouse", str(db)], env)
                for run in (first, second):
                    if run["code"] != 0:
                        raise RuntimeError(f"footprints run failed:\n{run['stderr'][-3000:]}")
                firsts.append(first["wall_s"])
                seconds.append(second["wall_s"])
                peaks.append(first["tree_peak_rss_mb"])
            floor = statistics.median(floors)
            values["prefect_floor_s"] = floor
            values["refresh_snapshot_s"] = statistics.median(firsts)
            values["refresh_vs_floor"] = values["refresh_snapshot_s"] / floor
            values["noop_rerun_vs_first"] = (statistics.median(seconds) - floor) / (
                values["refresh_snapshot_s"] - floor
            )
            details["prefect_floor_runs_s"] = [round(f, 2) for f in floors]
            details["refresh_first_runs_s"] = [round(f, 2) for f in firsts]
            details["refresh_rerun_runs_s"] = [round(f, 2) for f in seconds]
            details["refresh_peak_rss_mb"] = round(max(peaks))
        if wanted("grid"):
            raw = child("duckdb_raw", str(work / "raw.duckdb"), str(hourly))
            same = child(
                "duckdb_same_columns", str(work / "same" / "footprints.duckdb"), str(hourly)
            )
            land = child("grid_land", str(work / "grid" / "footprints.duckdb"), str(hourly))
            values["duckdb_same_columns_10m_s"] = same["seconds"]
            values["grid_land_10m_s"] = land["seconds"]
            values["duckdb_raw_10m_s"] = raw["seconds"]
            values["grid_land_vs_duckdb"] = land["seconds"] / raw["seconds"]
            values["grid_land_vs_same_columns"] = land["seconds"] / same["seconds"]
            values["grid_land_peak_rss_mb"] = land["tree_peak_rss_mb"]
            details["grid_land"] = {
                k: land[k] for k in ("rows_in", "inserted", "quarantined", "phases")
            }
            if wanted("grid", "dlt"):
                dlt_run = child("dlt", str(work / "dlt"), str(hourly))
                values["grid_land_vs_dlt"] = land["seconds"] / dlt_run["seconds"]
                details["dlt_merge_10m_s"] = round(dlt_run["seconds"], 2)
                details["dlt_rows"] = dlt_run["rows"]
                details["dlt_peak_rss_mb"] = round(dlt_run["tree_peak_rss_mb"])
            match = child("hourly_match", str(work / "grid" / "footprints.duckdb"), str(windows))
            values["hourly_match_1000_s"] = match["seconds"]
            details["hourly_match"] = {k: match[k] for k in ("runs", "used")}
        if wanted("cards"):
            values.update(cards_suite(work, data, n_cards, env, details))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    details["total_s"] = round(time.perf_counter() - t0, 1)
    return {"values": values, "details": details}


def cards_runs(work: Path, cards: Path, env: dict[str, str], runners: tuple[str, ...]) -> Any:
    """One child per runner over the same cards: 'thread' and 'dask' are `child_cards` (what
    `footprints run --cards` runs, on its default runner and on `--task-runner dask`), 'bag'
    the Dask bag of `cards_vs_dask`; each into a warehouse of its own."""
    runs: dict[str, dict[str, Any]] = {}
    for runner in runners:
        db = work / f"cards-{cards.name}-{runner}" / "footprints.duckdb"
        db.parent.mkdir()
        runs[runner] = (
            child("cards_dask_bag", str(db), str(cards), env=env)
            if runner == "bag"
            else child("cards", str(db), str(cards), runner, env=env)
        )
    return runs


def scaling_row(n: int, runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The card metrics at one size, and the cost per 1,000 cards (flat when cost is linear)."""
    thread, bag = runs["thread"], runs["bag"]
    per_s = thread["files"] / thread["parse_s"]
    return {
        "cards": n,
        "per_s": round(per_s),
        "vs_dask": round(per_s / (bag["files"] / bag["parse_s"]), 2),
        "parse_s_per_1k": round(thread["parse_s"] / n * 1000, 3),
        "land_s_per_1k": round(thread["land_s"] / n * 1000, 3),
        "bag_parse_s_per_1k": round(bag["parse_s"] / n * 1000, 3),
        "tree_peak_rss_mb": round(thread["tree_peak_rss_mb"]),
        "cpu_s_per_1k": round(thread["cpu_s"] / n * 1000, 3),
        "bag_cpu_s_per_1k": round(bag["cpu_s"] / n * 1000, 3),
    }


def cards_suite(
    work: Path, data: Path, n_cards: int, env: dict[str, str], details: dict[str, Any]
) -> dict[str, float]:
    """The card metrics at `n_cards` (the default runner, the Dask bag of `cards_vs_dask`, the
    Dask runner beside them as a detail) and the scaling row: the default runner and the bag
    again at a tenth of the cards, in the same suite run. One run of each: a run this long
    moves by ~10 % here, not by a factor."""
    from bench import generate

    # Other work on a shared machine can slow the temporary server's start past Prefect's
    # 20 s; a timeout is not what is measured.
    cards_env = {**env, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    small = max(n_cards // 10, 1)
    tenth = cards_runs(work, generate.write_cards(data, small), cards_env, ("thread", "bag"))
    runs = cards_runs(
        work, generate.write_cards(data, n_cards), cards_env, ("thread", "bag", "dask")
    )
    thread, dask, bag = runs["thread"], runs["dask"], runs["bag"]
    values = {"cards_parsed_per_s": thread["files"] / thread["parse_s"]}
    values["cards_vs_dask"] = values["cards_parsed_per_s"] / (bag["files"] / bag["parse_s"])
    values["cards_100k_peak_rss_mb"] = thread["tree_peak_rss_mb"]
    details["cards_scaling"] = [scaling_row(small, tenth), scaling_row(n_cards, runs)]
    details["cards_dask_bag"] = {
        "runner": "dask.bag on a LocalCluster, 2 worker processes x 1 thread, no Prefect",
        "per_s": round(bag["files"] / bag["parse_s"]),
        "parse_s": round(bag["parse_s"], 2),
        "cpu_s": round(bag["cpu_s"], 1),
        "tree_peak_rss_mb": round(bag["tree_peak_rss_mb"]),
    }
    keys = ("files", "chunks", "facts", "quarantined_files", "flow_s", "status")
    details["cards"] = {
        **{k: thread[k] for k in keys},
        "parse_s": round(thread["parse_s"], 2),
        "land_s": round(thread["land_s"], 2),
        "cpu_s": round(thread["cpu_s"], 1),
        "process_peak_rss_mb": thread["process_peak_rss_mb"],
    }
    details["cards_runner"] = (
        "the default of footprints run --cards: a flow on the thread runner, the chunks "
        "on a pool of one spawned process per core"
    )
    details["cards_dask"] = {
        "runner": "dask LocalCluster, 2 worker processes x 1 thread",
        "per_s": round(dask["files"] / dask["parse_s"]),
        "tree_peak_rss_mb": round(dask["tree_peak_rss_mb"]),
        "process_peak_rss_mb": dask["process_peak_rss_mb"],
        "parse_s": round(dask["parse_s"], 2),
        "land_s": round(dask["land_s"], 2),
    }
    return values


def scaling_table(rows: list[dict[str, Any]]) -> str:
    """The cards' scaling row as printed: per size, the rate, the ratio to the bag and the
    seconds per 1,000 cards."""
    lines = [
        f"{'cards':>8} {'cards/s':>8} {'vs_dask':>8} {'parse s/1k':>11} {'land s/1k':>10}"
        f" {'bag s/1k':>9} {'peak MB':>8} {'CPU s/1k':>9}",
        "-" * 78,
    ]
    for r in rows:
        lines.append(
            f"{r['cards']:>8,} {r['per_s']:>8,} {r['vs_dask']:>8.2f} {r['parse_s_per_1k']:>11.3f}"
            f" {r['land_s_per_1k']:>10.3f} {r['bag_parse_s_per_1k']:>9.3f}"
            f" {r['tree_peak_rss_mb']:>8,} {r['cpu_s_per_1k']:>9.3f}"
        )
    return "\n".join(lines)


def report(values: dict[str, float]) -> tuple[list[dict[str, Any]], str]:
    rows, lines = [], []
    lines.append(f"{'metric':<24} {'value':>12}  {'goal':<10} result")
    lines.append("-" * 58)
    for name, (goal, test, unit) in GOALS.items():
        if name not in values:
            continue
        value = values[name]
        ok = None if test is None else bool(test(value))
        rows.append(
            {"metric": name, "value": round(value, 3), "unit": unit, "goal": goal, "pass": ok}
        )
        shown = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
        verdict = "" if ok is None else ("pass" if ok else "FAIL")
        lines.append(f"{name:<24} {shown:>12}  {goal:<10} {verdict}")
    return rows, "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="footprints benchmarks")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, default=None, help="default: generate.DEFAULT_OUT")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--only", nargs="*", choices=["prefect", "refresh", "grid", "dlt", "cards"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    opts = parser.parse_args()
    if opts.child:
        print(json.dumps(CHILDREN[opts.child](*opts.args), default=str))
        if opts.child == "floor":
            # `footprints run` ends with its atexit handlers and no interpreter teardown
            # (footprints/commands/run.py:_exit_now); the floor ends the same way, so neither
            # side of the ratio gains from it.
            _exit_now()
        return
    from bench.generate import DEFAULT_OUT

    suite = run_suite(opts.data or DEFAULT_OUT, opts.cards, set(opts.only) if opts.only else None)
    rows, table = report(suite["values"])
    print(table)
    if "cards_scaling" in suite["details"]:
        print("\ncards at a tenth and at full size (cost per 1,000 cards flat = linear):")
        print(scaling_table(suite["details"]["cards_scaling"]))
    print(f"\n(total {suite['details']['total_s']} s; details in {opts.out})")
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(
        json.dumps(
            {
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": machine(),
                "metrics": rows,
                "details": suite["details"],
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
