"""The disclosure connectors end to end: a local server playing the Hugging Face Hub (its
`/api/models` listing, tests/fixtures/http/hfhub_api_models_co2.json, and raw READMEs), raw
GitHub and Epoch's downloads ->
huggingface_hub / tasks/core/http.py -> the parsers -> the one loading
path -> a real DuckDB.

Card bodies and the Epoch CSV are read at test time from ../shared/data (those tests skip without
it; no card text is kept in this repository); small synthetic cards and a tiny Epoch CSV cover
the same paths without it."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tasks.core.http import HttpError
from tasks.core.settings import Settings, get_settings
from tasks.load.validate import ValidationFailed
from tasks.load.warehouse import open_warehouse
from tasks.sources.declare import LiveOptions
from tasks.sources.models import epoch, hf_hub
from tasks.sources.models import github as github_cards
from tasks.sources.models.epoch_rows import parse_epoch_models, select_notable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"
SENTINEL = "SENTINEL-cards-41be02"

# Hub repo id -> its README in ../shared/data/model_cards.
HUB_CARDS = {
    "distilbert/distilgpt2": "hf_readmes/distilbert_distilgpt2.md",
    "bigscience/bloom": "hf_readmes/bigscience_bloom.md",
    "dalle-mini/dalle-mega": "hf_readmes/dalle-mini_dalle-mega.md",
    "nicholasKluge/TeenyTinyLlama-160m": "hf_style/TeenyTinyLlama/TeenyTinyLlama-160m.md",
}
# github_cards.DEFAULT_CARDS path -> the same file in ../shared/data/model_cards.
GITHUB_CARDS = {
    "llama2/MODEL_CARD.md": "meta-llama_llama2_MODEL_CARD.md",
    "llama3/MODEL_CARD.md": "meta-llama_llama3_MODEL_CARD.md",
    "llama3_1/MODEL_CARD.md": "meta-llama_llama3_1_MODEL_CARD.md",
    "llama3_2/MODEL_CARD.md": "meta-llama_llama3_2_MODEL_CARD.md",
    "llama3_2/MODEL_CARD_VISION.md": "meta-llama_llama3_2_MODEL_CARD_VISION.md",
    "llama3_3/MODEL_CARD.md": "meta-llama_llama3_3_MODEL_CARD.md",
    "llama4/MODEL_CARD.md": "meta-llama_llama4_MODEL_CARD.md",
    "codellama/1af62e1f43db1fa5140fa43cb828465a603a48f3/MODEL_CARD.md": (
        "meta-llama_codellama_MODEL_CARD.md"
    ),
    "DeepSeek-V3/e975062c42acae4df5a36c6d348e302021f7a185/README.md": (
        "deepseek-ai_DeepSeek-V3_README.md"
    ),
}


def synthetic_card(grams: int, heading: str = "A small model") -> bytes:
    return f"---\nlicense: mit\nco2_eq_emissions: {grams}\n---\n\n# {heading}\n".encode()


EVIL_CARD = b"---\nco2_eq_emissions: !!python/object/apply:os.system ['true']\n---\n# x\n"


class Server:
    """Serves bodies by path with ETags (304 on a matching If-None-Match) and the Hub listing;
    records every request's path, query, If-None-Match and Authorization."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.status: dict[str, int] = {}
        self.seen: list[dict[str, object]] = []

    def add(self, path: str, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.bodies[path] = (body, content_type)

    def __call__(self, request: Request) -> Response:
        inm = request.headers.get("If-None-Match")
        self.seen.append(
            {
                "path": request.path,
                "args": dict(request.args),
                "inm": inm,
                "auth": request.headers.get("Authorization"),
            }
        )
        if request.path in self.status:
            return Response("no", status=self.status[request.path])
        if request.path not in self.bodies:
            return Response("Entry not found", status=404)
        body, content_type = self.bodies[request.path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if inm == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type=content_type, headers={"ETag": etag})

    def paths(self, prefix: str = "") -> list[str]:
        return [str(s["path"]) for s in self.seen if str(s["path"]).startswith(prefix)]


@pytest.fixture
def server(httpserver: HTTPServer) -> Server:
    served = Server()
    served.add(
        "/hf/api/models",
        (FIXTURES / "hfhub_api_models_co2.json").read_bytes(),
        "application/json",
    )
    httpserver.expect_request(re.compile(".*")).respond_with_handler(served)
    return served


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    base = httpserver.url_for("/").rstrip("/")
    return get_settings(
        warehouse=tmp_path / "w.duckdb",
        hfhub_base_url=f"{base}/hf",
        hfhub_token=SENTINEL,
        github_base_url=f"{base}/github",
        github_token=SENTINEL,
        epoch_base_url=f"{base}/epoch",
        http_max_retries=0,
        http_read_timeout_s=2,
    )


def serve_hub_cards(server: Server, shared: Path) -> None:
    for repo, rel in HUB_CARDS.items():
        server.add(f"/hf/{repo}/raw/main/README.md", (shared / "model_cards" / rel).read_bytes())


def facts(con, model: str, field: str) -> list[tuple[str, str]]:
    return con.execute(
        "select value, source_url from raw_model_disclosures where model = ? and field = ? "
        "order by value",
        [model, field],
    ).fetchall()


def quarantine(con) -> list[tuple[str, str]]:
    return con.execute(
        "select row_key, reason from meta_quarantine where table_name = 'raw_model_disclosures' "
        "order by row_key"
    ).fetchall()


# ---------------------------------------------------------------------------------------------
# Hugging Face Hub


def test_hub_listing_lands_each_card_in_tonnes_and_a_rerun_is_all_304(
    shared_data, settings, server
):
    serve_hub_cards(server, shared_data)
    with open_warehouse(settings=settings) as con:
        first = hf_hub.land_hf_cards(con, settings)
        bloom = facts(con, "bigscience/bloom", "co2e_t")
        gpt2 = facts(con, "distilbert/distilgpt2", "co2e_t")
        ttl = facts(con, "nicholasKluge/TeenyTinyLlama-160m", "co2e_t")
        per_row = con.execute(
            "select distinct _source_url, _source_sha256 from raw_model_disclosures "
            "where model = 'bigscience/bloom'"
        ).fetchall()
        count = con.execute("select count(*) from raw_model_disclosures").fetchone()
        listing = con.execute(
            "select url, raw_path from meta_raw_manifest where url like '%/api/models%'"
        ).fetchall()
        second = hf_hub.land_hf_cards(con, settings)
        recount = con.execute("select count(*) from raw_model_disclosures").fetchone()
        loads = con.execute(
            "select status from meta_load_log where table_name = 'raw_model_disclosures' "
            "order by finished_at"
        ).fetchall()

    # The listing asked the Hub for the tagged models with their card data, most downloaded
    # first, capped; the token went as a bearer token.
    ask = server.seen[0]
    assert ask["path"] == "/hf/api/models"
    assert ask["args"] == {
        "filter": "co2_eq_emissions",
        "sort": "downloads",
        "limit": "200",
        "cardData": "true",
    }
    assert ask["auth"] == f"Bearer {SENTINEL}"
    # The tagged model whose card data has no figure is left out by the emissions threshold.
    fetched = [p.removeprefix("/hf/").removesuffix("/raw/main/README.md") for p in server.paths()]
    assert sorted(fetched[1:5]) == sorted(HUB_CARDS)
    assert "example-org/tagged-without-figure" not in fetched

    assert first.result.status == "success" and first.cards == 4 and first.quarantined == []
    assert first.result.batch_scope == "hfhub:filter=co2_eq_emissions,sort=downloads,limit=200"
    # co2_eq_emissions is in grams; the facts are in tonnes.
    url = f"{settings.hfhub_base_url}/bigscience/bloom/raw/main/README.md"
    assert [v for v, _ in bloom] == ["24.7"] and bloom[0][1] == url
    assert {v for v, _ in gpt2} == {"0.1492"}
    assert {v for v, _ in ttl} == {"0.0056"}
    body = (shared_data / "model_cards" / HUB_CARDS["bigscience/bloom"]).read_bytes()
    assert per_row == [(url, hashlib.sha256(body).hexdigest())]
    assert json.loads(Path(listing[0][1]).read_bytes())[0]["id"] == "distilbert/distilgpt2"

    # Second run: every card answers 304, the batch is the same, nothing is written.
    second_cards = [s for s in server.seen[5:] if "README" in str(s["path"])]
    assert len(second_cards) == 4 and all(s["inm"] for s in second_cards)
    assert second.result.status == "unchanged" and second.not_modified == 4
    assert recount == count
    assert [s for (s,) in loads] == ["success"]


def test_hub_a_card_that_fails_is_quarantined_by_repo_id_and_the_others_land(
    shared_data, settings, server
):
    serve_hub_cards(server, shared_data)
    # A CDN error page served with 200: refused by the HTTP client, the card quarantined.
    server.add(
        "/hf/dalle-mini/dalle-mega/raw/main/README.md",
        b"<!DOCTYPE html><html><body>Bad gateway</body></html>",
        "text/html",
    )
    with open_warehouse(settings=settings) as con:
        got = hf_hub.land_hf_cards(con, settings)
        rows = quarantine(con)
        models = {
            m for (m,) in con.execute("select distinct model from raw_model_disclosures").fetchall()
        }
    assert got.result.status == "success"
    assert [k for k, _ in got.quarantined] == ["dalle-mini/dalle-mega"]
    assert rows[0][0] == "repo=dalle-mini/dalle-mega" and "HTML" in rows[0][1]
    assert "dalle-mini/dalle-mega/raw/main/README.md" in rows[0][1]
    assert {"bigscience/bloom", "distilbert/distilgpt2"} <= models
    assert "dalle-mini/dalle-mega" not in models


def test_hub_named_repos_come_first_under_the_cap_and_bad_cards_are_quarantined(settings, server):
    server.add("/hf/acme/one/raw/main/README.md", synthetic_card(1000))
    server.add("/hf/acme/evil/raw/main/README.md", EVIL_CARD)
    server.add("/hf/distilbert/distilgpt2/raw/main/README.md", synthetic_card(149200, "DistilGPT2"))
    with open_warehouse(settings=settings) as con:
        got = hf_hub.land_hf_cards(
            con, settings, repo_ids=["acme/one", "acme/evil", "../etc/passwd"], max_cards=4
        )
        rows = quarantine(con)
        one = facts(con, "acme/one", "co2e_t")
        scope = con.execute("select distinct _batch_scope from raw_model_disclosures").fetchall()
    # Named first (3), then the first listed model fills the cap of 4; 2 more were left out.
    assert got.cards == 3 and got.over_cap == 3
    assert [v for v, _ in one] == ["0.001"]
    assert dict(rows).keys() == {"repo=acme/evil", "repo=../etc/passwd"}
    assert "not a Hugging Face repo id" in dict(rows)["repo=../etc/passwd"]
    assert "/etc/passwd" not in " ".join(server.paths())  # refused before any request
    assert re.fullmatch(
        r"hfhub:filter=co2_eq_emissions,sort=downloads,limit=4;repos=\w{12}", scope[0][0]
    )


def test_hub_only_named_repos_without_listing(settings, server):
    server.add("/hf/acme/one/raw/main/README.md", synthetic_card(2_000_000))
    with open_warehouse(settings=settings) as con:
        got = hf_hub.land_hf_cards(con, settings, repo_ids=["acme/one"], list_emissions=False)
        value = facts(con, "acme/one", "co2e_t")
    assert "/hf/api/models" not in server.paths()
    assert got.result.batch_scope.startswith("hfhub:repos=") and [v for v, _ in value] == ["2"]


def test_hub_listing_failure_names_the_endpoint_without_the_token(settings, server):
    server.status["/hf/api/models"] = 401
    with open_warehouse(settings=settings) as con, pytest.raises(HttpError) as err:
        hf_hub.land_hf_cards(con, settings)
    text = f"{err.value} {err.value!r}"
    assert "hfhub" in text and "/api/models" in text and "401" in text
    assert SENTINEL not in text


def test_no_usable_card_rejects_the_batch_naming_them(settings, server):
    server.add("/hf/acme/evil/raw/main/README.md", EVIL_CARD)
    with open_warehouse(settings=settings) as con:
        with pytest.raises(ValidationFailed) as err:
            hf_hub.land_hf_cards(con, settings, repo_ids=["acme/evil"], list_emissions=False)
        status = con.execute("select status from meta_load_log").fetchall()
    assert "acme/evil" in str(err.value) and status == [("rejected",)]


# ---------------------------------------------------------------------------------------------
# GitHub


def serve_github_defaults(server: Server, shared: Path) -> None:
    for path, _ in github_cards.DEFAULT_CARDS:
        rel = next(v for k, v in GITHUB_CARDS.items() if path.endswith(k))
        server.add(f"/github/{path}", (shared / "model_cards" / rel).read_bytes())


def test_github_default_cards_land_llama_and_deepseek_and_a_rerun_is_all_304(
    shared_data, settings, server, caplog
):
    caplog.set_level(logging.DEBUG)
    serve_github_defaults(server, shared_data)
    with open_warehouse(settings=settings) as con:
        first = github_cards.land_github_cards(con, settings)
        llama = facts(con, "Llama 3.1 405B", "gpu_hours")
        co2 = facts(con, "Llama 3.1 405B", "co2e_t")
        deepseek = facts(con, "DeepSeek-V3", "gpu_hours")
        second = github_cards.land_github_cards(con, settings)
    url = (
        f"{settings.github_base_url}/meta-llama/llama-models/"
        "e2e67cd8b0feca839666b7082dcc1c4fc0ae11e2/models/llama3_1/MODEL_CARD.md"
    )
    assert first.result.status == "success" and first.cards == 9
    # No card failed; a few of the cards' own figures fail the range checks (the Llama 3.2
    # table's 0-hour cells) and are quarantined row by row, like any card's.
    assert [k for k, _ in first.quarantined if not k.startswith("source_url=")] == []
    assert 0 < first.result.quarantined < first.result.rows_in * 0.2
    assert llama == [("30840000", url)]
    assert [v for v, _ in co2] == ["8930"]
    assert "2788000" in {v for v, _ in deepseek}
    assert second.result.status == "unchanged" and second.not_modified == 9
    assert all(s["auth"] == f"Bearer {SENTINEL}" for s in server.seen)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert not [m for m in ours if SENTINEL in m]


def test_github_a_missing_card_is_quarantined_by_url_and_bad_paths_refused(settings, server):
    server.add("/github/acme/cards/abc123/one.md", synthetic_card(5000, "Acme One"))
    cards = [
        ("acme/cards/abc123/one.md", "Acme One"),
        ("acme/cards/abc123/gone.md", "Acme Gone"),
        ("acme/../../secret", None),
    ]
    with open_warehouse(settings=settings) as con:
        got = github_cards.land_github_cards(con, settings, cards)
        rows = dict(quarantine(con))
        value = facts(con, "Acme One", "co2e_t")
    assert [v for v, _ in value] == ["0.005"]
    gone = f"url={settings.github_base_url}/acme/cards/abc123/gone.md"
    assert gone in rows and "404" in rows[gone]
    assert "url=acme/../../secret" in rows
    assert got.result.batch_scope == github_cards.github_scope(cards)


# ---------------------------------------------------------------------------------------------
# Epoch all-models CSV

TINY_EPOCH_MODELS = b"""\
Model,Domain,Organization,Publication date,Parameters,Training compute (FLOP),Confidence,\
Training hardware,Hardware quantity,Training time (hours)
Tiny LM,Language,Acme,2024-01-02,7000000000,8.4e22,Confident,NVIDIA H100 SXM5 80GB,512,72
No Hardware LM,Language,Acme,2024-02-03,1000000000,1e21,Likely,,,
"""


def test_epoch_models_land_notable_rows_and_a_rerun_is_a_304(settings, server):
    server.add("/epoch/all_ai_models.csv", TINY_EPOCH_MODELS, "text/csv")
    with open_warehouse(settings=settings) as con:
        first = epoch.land_epoch_models(con, settings)
        landed = con.execute(
            "select model, field, value, source_kind, _batch_scope from raw_model_disclosures "
            "where field in ('gpu_count', 'duration_days')"
        ).fetchall()
        models = con.execute("select distinct model from raw_model_disclosures").fetchall()
        second = epoch.land_epoch_models(con, settings)
    assert first.status == "success" and first.batch_scope == "epoch:all_ai_models"
    assert sorted(landed) == [
        ("Tiny LM", "duration_days", "3", "epoch", "epoch:all_ai_models"),
        ("Tiny LM", "gpu_count", "512", "epoch", "epoch:all_ai_models"),
    ]
    assert models == [("Tiny LM",)]  # the row that supports no estimate is left out
    assert second.status == "unchanged" and "304" in second.message


def test_epoch_models_from_the_real_csv(shared_data, settings, server):
    data = (shared_data / "models" / "epoch_all_ml_systems_trimmed.csv").read_bytes()
    server.add("/epoch/all_ai_models.csv", data, "text/csv")
    url = f"{settings.epoch_base_url}/all_ai_models.csv"
    expected = select_notable(parse_epoch_models(data, url))
    with open_warehouse(settings=settings) as con:
        got = epoch.land_epoch_models(con, settings)
        count = con.execute("select count(*) from raw_model_disclosures").fetchone()
        llama = facts(con, "Llama 3.1-405B", "training_flops")
    assert got.status == "success" and got.quarantined == 0
    assert count == (len(expected),) and got.inserted == len(expected)
    assert llama == [("3.8e+25", url)]


def test_epoch_lists_land_every_listed_model_on_schedule(shared_data, settings, server):
    """The scheduled run fetches Epoch's two lists beside all_ai_models.csv, replayed here from
    the shared copies of their 2026 rows (the real files' columns, BOM-less, newest first)."""
    models = shared_data / "models"
    server.add(
        "/epoch/notable_ai_models.csv",
        (models / "epoch_notable_ai_models_2026-01-01_to_2026-04-24.csv").read_bytes(),
        "text/csv",
    )
    server.add(
        "/epoch/large_scale_ai_models.csv",
        (models / "epoch_large_scale_ai_models_2026-01-01_to_2026-04-24.csv").read_bytes(),
        "text/csv",
    )
    server.add("/epoch/all_ai_models.csv", TINY_EPOCH_MODELS, "text/csv")
    with open_warehouse(settings=settings) as con:
        first = epoch.land_models_live(con, settings, LiveOptions(), None)
        lists = con.execute(
            "select value, count(distinct model) from raw_model_disclosures "
            "where field = 'epoch_list' group by value order by value"
        ).fetchall()
        claude: dict[str, set[str]] = {}
        for field, value in con.execute(
            "select field, value from raw_model_disclosures where model = 'Claude Opus 4.7'"
        ).fetchall():
            claude.setdefault(field, set()).add(value)
        gemini = con.execute(
            "select distinct model from raw_model_disclosures where model like 'Gemini 3.1 Pro%'"
        ).fetchall()
        second = epoch.land_models_live(con, settings, LiveOptions(), None)
    assert [r.batch_scope for r in first] == [
        "epoch:notable_ai_models",
        "epoch:large_scale_ai_models",
        "epoch:all_ai_models",
    ]
    assert [(r.status, r.quarantined) for r in first] == [("success", 0)] * 3
    assert lists == [("large-scale", 15), ("notable", 25)]
    # a closed model with no usable evidence still lands, described
    assert claude["organization"] == {"Anthropic"}
    assert claude["release_date"] == {"2026-04-16"}
    assert claude["epoch_list"] == {"notable", "large-scale"}
    assert "training_flops" not in claude and "gpu" not in claude
    assert gemini == [("Gemini 3.1 Pro",)]  # listed twice in the large-scale file: one model
    assert all(r.status == "unchanged" and "304" in r.message for r in second)


# ---------------------------------------------------------------------------------------------
# Tokens


def test_the_tokens_appear_in_no_log_table_archive_or_error(settings, server, caplog):
    caplog.set_level(logging.DEBUG)
    server.add("/hf/acme/one/raw/main/README.md", synthetic_card(1000))
    server.status["/hf/acme/locked/raw/main/README.md"] = 401
    for repo in HUB_CARDS:  # the listed models, through huggingface_hub and its own loggers
        server.add(f"/hf/{repo}/raw/main/README.md", synthetic_card(1000, repo))
    server.add("/github/acme/cards/abc123/one.md", synthetic_card(5000, "Acme One"))
    with open_warehouse(settings=settings) as con:
        hub = hf_hub.land_hf_cards(con, settings, repo_ids=["acme/one", "acme/locked"])
        gh = github_cards.land_github_cards(
            con, settings, [("acme/cards/abc123/one.md", None), ("acme/cards/abc123/x.md", None)]
        )
        tables = {
            t: con.execute(f"select * from {t}").fetchall()
            for t in (
                "meta_raw_manifest",
                "meta_quarantine",
                "meta_load_log",
                "raw_model_disclosures",
            )
        }
    sent = {s["auth"] for s in server.seen}
    assert sent == {f"Bearer {SENTINEL}"}  # it was sent, as each API expects it
    assert [k for k, _ in hub.quarantined] == ["acme/locked"] and len(gh.quarantined) == 1
    assert SENTINEL not in repr(tables)
    assert SENTINEL not in repr(hub) + repr(gh)
    for path in settings.raw_path.rglob("*"):
        if path.is_file():
            assert SENTINEL.encode() not in path.read_bytes()
    ours = [r for r in caplog.records if not r.name.startswith("werkzeug")]
    assert any(r.name.startswith(("httpx", "httpcore")) for r in ours)  # the Hub client logged
    for record in ours:
        assert SENTINEL not in record.getMessage() and SENTINEL not in str(record.args or "")
