"""The live GPU tables end to end: a local server replaying Epoch's ML hardware table, Epoch's
chip dataset, mlco2/impact's gpus.csv and Green Algorithms' TDP_gpu.csv -> tasks/core/http.py ->
tasks/sources/hardware/catalog.py
(the snapshot's own builder, with the curated tables of warehouse/snapshot/gpus/curated) -> the
one loading path -> a real DuckDB.

The real inputs are read at test time from ../shared/data (skipped without it); a tiny synthetic
Epoch table covers the same path without it."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tasks.core.http import HttpError
from tasks.core.settings import Settings, get_settings
from tasks.load.ingest import ingest_snapshot_files
from tasks.load.warehouse import open_warehouse
from tasks.sources.hardware.curated import snapshot_labels
from tasks.sources.hardware.snapshot import SNAPSHOT_FILES
from tasks.sources.models import epoch

SENTINEL = "SENTINEL-gpus-7c41aa"
CHIPS_PATH = "/github/" + epoch.EPOCH_CHIPS_PATH.replace("%20", " ")
META = "_batch_scope, _source_url, _source_sha256, _row_hash, _load_id, _loaded_at"


class Files:
    """Serves byte bodies by path with ETags, answering 304 to a matching If-None-Match, and
    records what was asked (path, If-None-Match, Authorization)."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.failing: dict[str, int] = {}
        self.seen: list[tuple[str, str | None, str | None]] = []

    def add(self, path: str, body: bytes, content_type: str = "text/csv") -> None:
        self.bodies[path] = (body, content_type)

    def __call__(self, request: Request) -> Response:
        inm = request.headers.get("If-None-Match")
        self.seen.append((request.path, inm, request.headers.get("Authorization")))
        if request.path in self.failing:
            return Response("gone", status=self.failing[request.path])
        if request.path not in self.bodies:
            return Response("not found", status=404)
        body, content_type = self.bodies[request.path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if inm == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type=content_type, headers={"ETag": etag})

    def asked(self, prefix: str) -> list[tuple[str, str | None, str | None]]:
        return [s for s in self.seen if s[0].startswith(prefix)]


@pytest.fixture
def files(httpserver: HTTPServer) -> Files:
    served = Files()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(served)
    return served


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    base = httpserver.url_for("/").rstrip("/")
    return get_settings(
        warehouse=tmp_path / "w.duckdb",
        epoch_base_url=f"{base}/epoch",
        mlco2_base_url=f"{base}/mlco2",
        greenalgorithms_base_url=f"{base}/ga",
        github_base_url=f"{base}/github",
        github_token=SENTINEL,
        http_max_retries=0,
        http_read_timeout_s=2,
    )


def serve_shared(files: Files, shared: Path) -> None:
    gpus = shared / "gpus"
    files.add("/epoch/ml_hardware.csv", (gpus / "epoch_ml_hardware.csv").read_bytes())
    files.add(CHIPS_PATH, (gpus / "epoch_chip_dataset_trimmed.csv").read_bytes(), "text/plain")
    files.add("/mlco2/gpus.csv", (gpus / "mlco2_impact_gpus.csv").read_bytes(), "text/plain")
    files.add("/ga/TDP_gpu.csv", (gpus / "greenalgorithms_TDP_gpu.csv").read_bytes(), "text/plain")


def business(con, table: str, order: str) -> list[tuple]:
    return con.execute(f"select * exclude ({META}) from {table} order by {order}").fetchall()


def snapshot_labels_for(settings: Settings) -> Callable[[str], str]:
    """Maps the live build's citations back to the snapshot's: the only intended difference."""
    live = {
        f"Epoch AI ML Hardware, {settings.epoch_base_url}/ml_hardware.csv": (
            snapshot_labels().epoch_hardware
        ),
        f"Epoch AI chip dataset, {settings.github_base_url}/{epoch.EPOCH_CHIPS_PATH}": (
            snapshot_labels().epoch_chips
        ),
        f"{settings.mlco2_base_url}/gpus.csv": snapshot_labels().mlco2,
        f"{settings.greenalgorithms_base_url}/TDP_gpu.csv": snapshot_labels().greenalgorithms,
    }

    def swap(text: str) -> str:
        for a, b in live.items():
            text = text.replace(a, b)
        return text

    return swap


# ---------------------------------------------------------------------------------------------
# With the real inputs


def test_live_tables_equal_the_snapshot_and_a_second_run_is_all_304(
    shared_data, settings, files, snapshot_dir, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    serve_shared(files, shared_data)
    with open_warehouse(settings=settings) as con:
        first = epoch.land_gpu_specs_live(con, settings)
        live_specs = business(con, "raw_gpu_specs", "gpu_id")
        live_aliases = business(con, "raw_gpu_aliases", "alias")
        scopes = con.execute(
            "select distinct _batch_scope from raw_gpu_specs union "
            "select distinct _batch_scope from raw_gpu_aliases"
        ).fetchall()
        derived = con.execute(
            "select url, raw_path from meta_raw_manifest where source = 'gpu_catalog'"
        ).fetchall()
        loads_before = con.execute("select count(*) from meta_load_log").fetchone()
        second = epoch.land_gpu_specs_live(con, settings)
        loads_after = con.execute("select count(*) from meta_load_log").fetchone()
        unchanged_specs = business(con, "raw_gpu_specs", "gpu_id")
        manifest = con.execute("select url from meta_raw_manifest").fetchall()

    assert [r.status for r in first.results] == ["success", "success"]
    assert [i.status for i in first.inputs] == ["fetched"] * 4 and first.failures == []
    assert scopes == [("live:gpus",)]

    # The archived built tables are the snapshot's CSVs, byte for byte, once the citations of the
    # URLs fetched are mapped back to the pinned files the snapshot cites.
    swap = snapshot_labels_for(settings)
    built = {url.split("/")[-1].split("?")[0]: Path(p).read_bytes().decode() for url, p in derived}
    for name in ("gpu_specs.csv", "gpu_aliases.csv"):
        assert swap(built[name]).encode() == (snapshot_dir / "gpus" / name).read_bytes(), name

    # ... and what landed equals what the snapshot lands through the same path.
    snap_settings = get_settings(warehouse=tmp_path / "snap.duckdb", raw_dir=tmp_path / "snapraw")
    with open_warehouse(settings=snap_settings) as snap:
        ingest_snapshot_files(snap, SNAPSHOT_FILES, settings=snap_settings)
        snap_specs = business(snap, "raw_gpu_specs", "gpu_id")
        snap_aliases = business(snap, "raw_gpu_aliases", "alias")
    assert live_aliases == snap_aliases
    assert len(live_specs) == len(snap_specs) > 2000
    assert [
        tuple(swap(v) if isinstance(v, str) else v for v in r) for r in live_specs
    ] == snap_specs

    # Second run: every input answers 304, the rebuilt tables hash the same, nothing is loaded.
    assert [i.status for i in second.inputs] == ["not modified"] * 4
    assert [r.status for r in second.results] == ["unchanged", "unchanged"]
    assert loads_after == loads_before and unchanged_specs == live_specs
    second_asks = files.seen[len(files.seen) // 2 :]
    assert all(inm for _, inm, _ in second_asks)

    # The GitHub token went, as a bearer token, to the GitHub source only, and nowhere else.
    assert files.asked("/github") and all(
        auth == f"Bearer {SENTINEL}" for _, _, auth in files.asked("/github")
    )
    assert all(auth is None for p, _, auth in files.seen if not p.startswith("/github"))
    assert not [u for (u,) in manifest if SENTINEL in u]
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert ours and not [m for m in ours if SENTINEL in m]


# ---------------------------------------------------------------------------------------------
# Without ../shared: a tiny Epoch table in the real column layout

# The parts the name resolver's family defaults point at must exist (V100, A100, H100, H800,
# H200, P100); their figures as Epoch's ML Hardware file gives them.
TINY_EPOCH = b"""\
Hardware name,Manufacturer,Type,Release date,TDP (W),Memory size per board (Byte),\
Memory bandwidth (byte/s),Tensor-FP16/BF16 performance (FLOP/s),Die Size (mm^2),Process size (nm)
NVIDIA H200 SXM,NVIDIA,GPU,2024-11-18,700,,4.8e12,9.895e14,,5
NVIDIA H800 SXM5,NVIDIA,GPU,2023-03-21,700,8e10,3.36e12,9.89e14,814,5
NVIDIA H100 SXM5 80GB,NVIDIA,GPU,2022-09-20,700,8e10,3.35e12,9.894e14,814,5
NVIDIA A100 SXM4 80 GB,NVIDIA,GPU,2020-11-16,400,8e10,2.039e12,3.12e14,826,7
NVIDIA A100 PCIe,NVIDIA,GPU,2020-06-22,300,4e10,1.94e12,3.12e14,826,7
NVIDIA A100 SXM4 40 GB,NVIDIA,GPU,2020-05-14,400,4e10,1.56e12,3.12e14,826,7
NVIDIA Tesla V100 SXM2 32 GB,NVIDIA,GPU,2018-03-27,300,3.2e10,8.98e11,1.25e14,815,12
NVIDIA Tesla V100 SXM2 16 GB,NVIDIA,GPU,2017-06-21,300,,8.97e11,1.25e14,815,12
NVIDIA Tesla V100 PCIe 16 GB,NVIDIA,GPU,2017-06-21,250,1.6e10,8.97e11,1.12e14,815,12
NVIDIA P100 PCIe 16GB,NVIDIA,GPU,2016-06-20,250,1.6e10,7.32e11,,610,16
"""
TINY_MLCO2 = (
    b"name,type,tdp_watts,TFLOPS32, TFLOPS16,GFLOPS32/W,GFLOPS16/W,memory,source\n"
    b"RTX 3090,gpu,350,35.58,71,101.66,202.86,24,techpowerup\n"
)
TINY_GA = b"units,W,\nmodel,TDP,source\nNVIDIA Tesla T4,70,nvidia\nAny,200,\n"


def test_a_small_build_without_the_chip_dataset_lands(settings, files):
    serve_tiny(files)
    with open_warehouse(settings=settings) as con:
        got = epoch.land_gpu_specs_live(con, settings, epoch_chips=None)
        rows = dict(con.execute("select gpu_id, tdp_w from raw_gpu_specs").fetchall())
        orphans = con.execute(
            "select count(*) from raw_gpu_aliases a anti join raw_gpu_specs s using (gpu_id)"
        ).fetchone()
        cited = con.execute(
            "select specs_source from raw_gpu_specs where gpu_id = 'nvidia-h100-sxm5-80gb'"
        ).fetchone()
    assert [r.status for r in got.results] == ["success", "success"]
    assert [i.name for i in got.inputs] == [
        "epoch ml_hardware",
        "mlco2 gpus",
        "greenalgorithms TDP_gpu",
    ]
    assert rows["nvidia-h100-sxm5-80gb"] == 700 and rows["nvidia-a100-sxm4-40gb"] == 400
    assert rows["rtx-3090"] == 350 and rows["nvidia-tesla-t4"] == 70  # mlco2 / GA rows
    assert orphans == (0,)  # no alias points at a part this partial build lacks
    assert f"{settings.epoch_base_url}/ml_hardware.csv" in cited[0]
    assert "sr3-k" not in cited[0]  # never the pinned snapshot file it did not come from


def test_epoch_hardware_down_fails_naming_it_and_lands_nothing(settings, files):
    files.failing["/epoch/ml_hardware.csv"] = 503
    files.add("/mlco2/gpus.csv", TINY_MLCO2, "text/plain")
    with open_warehouse(settings=settings) as con:
        with pytest.raises(HttpError) as err:
            epoch.land_gpu_specs_live(con, settings, epoch_chips=None)
        count = con.execute("select count(*) from raw_gpu_specs").fetchone()
    assert "epoch" in str(err.value) and "ml_hardware.csv" in str(err.value)
    assert "503" in str(err.value)
    assert count == (0,)


def test_an_html_page_instead_of_the_hardware_table_is_refused(settings, files):
    files.add("/epoch/ml_hardware.csv", b"<!doctype html><html>login</html>", "text/html")
    with open_warehouse(settings=settings) as con, pytest.raises(HttpError) as err:
        epoch.land_gpu_specs_live(con, settings, epoch_chips=None)
    assert "HTML" in str(err.value)


def serve_tiny(files: Files) -> None:
    files.add("/epoch/ml_hardware.csv", TINY_EPOCH)
    files.add("/mlco2/gpus.csv", TINY_MLCO2, "text/plain")
    files.add("/ga/TDP_gpu.csv", TINY_GA, "text/plain")


def test_an_optional_source_down_is_reported_and_its_archived_copy_used(settings, files):
    serve_tiny(files)
    with open_warehouse(settings=settings) as con:
        first = epoch.land_gpu_specs_live(con, settings, epoch_chips=None)
        files.failing["/mlco2/gpus.csv"] = 404
        again = epoch.land_gpu_specs_live(con, settings, epoch_chips=None)
        files.failing["/ga/TDP_gpu.csv"] = 404
        settings.raw_path.joinpath("greenalgorithms").rename(settings.raw_path / "lost")
        without = epoch.land_gpu_specs_live(con, settings, epoch_chips=None)
        gone = con.execute(
            "select count(*) from raw_gpu_specs where gpu_id = 'nvidia-tesla-t4'"
        ).fetchone()
    assert [r.status for r in first.results] == ["success", "success"]
    by_name = {i.name: i for i in again.inputs}
    assert by_name["mlco2 gpus"].status == "archived copy"
    error = by_name["mlco2 gpus"].error or ""
    assert "mlco2" in error and "404" in error and again.failures == [error]
    # Same inputs as before (the archived copy), so the same tables: a flaky host deletes nothing.
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]
    # No copy left of Green Algorithms' table: reported, left out, the rest still lands.
    ga = {i.name: i for i in without.inputs}["greenalgorithms TDP_gpu"]
    assert ga.status == "left out" and "404" in (ga.error or "")
    assert [r.status for r in without.results] == ["success", "success"]
    assert without.results[0].deleted == 1 and gone == (0,)  # only the row GA contributed
