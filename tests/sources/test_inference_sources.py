"""The measured-inference sources (issue 18) on real rows: the bundled snapshot lands whole, the
parsers read the shared upstream files the way the snapshot says, and the live connectors land
the same files served by a local HTTP server (conditional GETs, bad bodies named)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tasks.core.settings import Settings, get_settings
from tasks.load.land import SourceError
from tasks.load.warehouse import open_warehouse
from tasks.sources.models import aienergyscore, ecologits, mlenergy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def con(trust_con):
    return trust_con


@pytest.fixture(scope="module")
def inference_data(shared_data: Path) -> Path:
    folder = shared_data / "inference"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    return folder


def test_the_snapshot_lands_every_configuration(con) -> None:
    counts = dict(
        con.execute("select source, count(*) from raw_inference_measurements group by 1").fetchall()
    )
    # ML.ENERGY v3: 1,858 configurations (SOURCES.md); v2: one per configuration file (474);
    # v1: 4 tasks x 3 GPUs, 260 model rows; AI Energy Score: 166 model x task rows.
    assert counts == {
        "mlenergy_v3": 1858,
        "mlenergy_v2": 474,
        "mlenergy_v1": 260,
        "aienergyscore": 166,
    }
    assert con.execute("select count(*) from raw_model_parameters").fetchall() == [(361,)]
    quarantined = con.execute(
        "select count(*) from meta_quarantine where table_name in "
        "('raw_inference_measurements', 'raw_model_parameters')"
    ).fetchall()
    assert quarantined == [(0,)]


def test_llama_31_8b_rows_are_ml_energys_numbers(con, inference_data: Path) -> None:
    doc = json.loads(
        (inference_data / "mlenergy_leaderboard_v3/tasks/lm-arena-chat.json").read_text()
    )
    upstream = {
        (c["gpu_model"], c["num_gpus"], c["max_num_seqs"]): c
        for c in doc["configurations"]
        if c["model_id"] == "meta-llama/Llama-3.1-8B-Instruct"
    }
    landed = con.execute(
        "select gpu, gpu_count, max_batch_size, energy_per_request_j, energy_per_output_token_j, "
        "avg_output_tokens from raw_inference_measurements where source = 'mlenergy_v3' "
        "and task = 'lm-arena-chat' and model_id = 'meta-llama/Llama-3.1-8B-Instruct'"
    ).fetchall()
    assert len(landed) == len(upstream) > 10
    for gpu, gpus, batch, per_request, per_token, tokens in landed:
        c = upstream[(gpu, gpus, batch)]
        assert per_request == pytest.approx(c["energy_per_request_joules"], rel=1e-12)
        assert per_token == pytest.approx(c["energy_per_token_joules"], rel=1e-12)
        assert tokens == pytest.approx(c["avg_output_len"], rel=1e-12)
    # The mart's measured figure is ML.ENERGY's H100 configuration at the reference batch (64).
    (j, basis, source) = con.execute(
        "select inference_j_per_output_token, inference_basis, inference_source "
        "from fct_model_inference where model = 'Llama 3.1 8B'"
    ).fetchall()[0]
    assert basis == "measured" and "ML.ENERGY v3, lm-arena-chat" in source
    assert j == pytest.approx(upstream[("H100", 1, 64)]["energy_per_token_joules"], rel=1e-12)


def test_v2_per_token_is_energy_over_output_tokens(inference_data: Path) -> None:
    path = (
        inference_data / "mlenergy_leaderboard_v2/llm_text_generation/chat/H100-80GB-HBM3/"
        "meta-llama/Meta-Llama-3.1-8B-Instruct/bs64+tp1+pp1.json"
    )
    doc = json.loads(path.read_text())
    row = mlenergy.parse_v2_configuration(
        path.read_bytes(),
        task="chat",
        configuration=path.stem,
        models={doc["Model"]: {"params": 8, "nickname": "Llama 3.1 8B"}},
        source_url="u",
    )
    assert row["gpu"] == "H100 80GB"  # the catalogue's spelling, memory technology dropped
    assert row["energy_per_output_token_j"] == pytest.approx(
        doc["Energy/req (J)"] / doc["Avg Output Tokens"]
    )
    assert row["max_batch_size"] == 64 and row["gpu_count"] == 1


def test_ai_energy_score_is_kwh_per_thousand_queries(inference_data: Path) -> None:
    data = (inference_data / "aienergyscore_leaderboard_2025/text_generation.csv").read_bytes()
    frame = aienergyscore.parse_task_csv(data, "u", "text_generation")
    row = frame.filter(pl.col("model_id") == "meta-llama/Meta-Llama-3.1-8B").row(0, named=True)
    # 0.017376263 kWh per 1,000 queries = 62.55 J per query
    assert row["energy_per_request_j"] == pytest.approx(0.017376263 * 3.6e6 / 1000)
    assert row["size_class"] == "A" and row["gpu"] == "H100"


def test_ecologits_ranges_and_mixtures(inference_data: Path) -> None:
    data = (inference_data / "ecologits/ecologits_models.json").read_bytes()
    frame = ecologits.parse_models(data, "u")
    mixtral = frame.filter(pl.col("model_id") == "mistralai/Mixtral-8x7B-v0.1").row(0, named=True)
    assert (mixtral["total_params_b_low"], mixtral["active_params_b_low"]) == (46.7, 12.9)
    ranged = frame.filter(pl.col("warnings").str.contains("model-arch-not-released"))
    assert ranged.height > 0
    # an unreleased size is a range EcoLogits estimated (or its single guess): low <= high
    assert (ranged["total_params_b_low"] <= ranged["total_params_b_high"]).all()
    assert (ranged["total_params_b_low"] < ranged["total_params_b_high"]).sum() > 50


# ---------------------------------------------------------------------------------------------
# Live connectors against a local server replaying the shared files


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    return get_settings(
        warehouse=tmp_path / "w.duckdb",
        mlenergy_base_url=httpserver.url_for("/ml"),
        aienergyscore_base_url=httpserver.url_for("/aies"),
        ecologits_base_url=httpserver.url_for("/eco"),
        http_max_retries=0,
        http_read_timeout_s=2,
    )


def serve(httpserver: HTTPServer, path: str, body: bytes, etag: str) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304)
        return Response(body, content_type="text/plain; charset=utf-8", headers={"ETag": etag})

    httpserver.expect_request(path).respond_with_handler(handler)


def test_live_sources_land_and_a_304_is_unchanged(
    settings, httpserver, inference_data: Path
) -> None:
    v3 = inference_data / "mlenergy_leaderboard_v3/tasks"
    for task in ("lm-arena-chat", "gpqa"):
        serve(httpserver, f"/ml/tasks/{task}.json", (v3 / f"{task}.json").read_bytes(), task)
    aies = inference_data / "aienergyscore_leaderboard_2025/text_generation.csv"
    serve(httpserver, "/aies/text_generation.csv", aies.read_bytes(), "aies")
    eco = inference_data / "ecologits/ecologits_models.json"
    serve(httpserver, "/eco/models.json", eco.read_bytes(), "eco")

    with open_warehouse(settings=settings) as c:
        first = [
            *mlenergy.land_mlenergy(c, settings, tasks=("lm-arena-chat", "gpqa")),
            *aienergyscore.land_aienergyscore(c, settings, tasks=("text_generation",)),
            *ecologits.land_ecologits(c, settings),
        ]
        second = mlenergy.land_mlenergy(c, settings, tasks=("lm-arena-chat", "gpqa"))
        counts = dict(
            c.execute(
                "select _batch_scope, count(*) from raw_inference_measurements group by 1"
            ).fetchall()
        )
        urls = c.execute(
            "select distinct source_url from raw_inference_measurements "
            "where source = 'mlenergy_v3'"
        ).fetchall()
        models = c.execute("select count(*) from raw_model_parameters").fetchall()

    assert [r.status for r in first] == ["success"] * 4
    assert [r.status for r in second] == ["unchanged", "unchanged"]
    assert counts == {
        "mlenergy_v3:lm-arena-chat": 328,
        "mlenergy_v3:gpqa": 187,
        "aienergyscore:text_generation": len(aies.read_text().strip().splitlines()) - 1,
    }
    assert all(u.startswith(httpserver.url_for("/ml/tasks/")) for (u,) in urls)
    assert models == [(361,)]


def test_a_file_that_is_not_ml_energys_is_named(settings, httpserver) -> None:
    httpserver.expect_request("/ml/tasks/gpqa.json").respond_with_data(
        json.dumps({"results": []}), content_type="application/json"
    )
    with open_warehouse(settings=settings) as c, pytest.raises(SourceError) as err:
        mlenergy.land_mlenergy(c, settings, tasks=("gpqa",))
    message = str(err.value)
    assert "gpqa.json" in message and "not an ML.ENERGY v3 task file" in message
    assert "\n" not in message


def test_a_bad_row_is_quarantined_and_the_good_rows_land(
    settings, httpserver, inference_data: Path
) -> None:
    lines = (inference_data / "aienergyscore_leaderboard_2025/summarization.csv").read_text()
    header, *rows = lines.strip().splitlines()
    bad = "pszemraj/not-a-number,twelve,3"  # no energy: the row cannot land
    body = "\n".join([header, *rows, bad]) + "\n"
    serve(httpserver, "/aies/summarization.csv", body.encode(), "bad")
    with open_warehouse(settings=settings) as c:
        (result,) = aienergyscore.land_aienergyscore(c, settings, tasks=("summarization",))
        landed = c.execute("select count(*) from raw_inference_measurements").fetchall()
        reasons = c.execute(
            "select reason from meta_quarantine where table_name = 'raw_inference_measurements'"
        ).fetchall()
    assert result.status == "success"
    assert landed == [(len(rows),)]
    assert len(reasons) == 1 and "energy_per_request_j" in reasons[0][0]
