"""Cases 10-15 through real connectors (OWID, Ember, EIA) -> tasks/core/http.py -> the loading path,
against a local server: each fault fails (or, for 304, succeeds) with nothing landed and the
previous state intact - rows, load log, manifest and raw archive. tests/unit/test_http.py covers
the same cases at the level of `fetch` (and the repeating next link, which none of our
connectors can produce: their cursors only move forward)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from reliability_helpers import table_checksums
from werkzeug import Request, Response

from tasks.core.http import HttpError, PaginationError
from tasks.core.settings import Settings, get_settings
from tasks.load.warehouse import open_warehouse
from tasks.sources.grid import eia, ember, owid

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"
TOKEN = "SENTINEL-faults-1b2c"
OWID_CSV = (FIXTURES / "owid-energy-data.csv").read_bytes()
EMBER_YEARLY = (FIXTURES / "ember_yearly.json").read_bytes()


class Upstream:
    """One local server whose behaviour a test switches: 'ok' first, then a fault."""

    def __init__(self, server: HTTPServer) -> None:
        self.mode = "ok"
        self.requests: list[float] = []
        self.release = threading.Event()  # ends a 'hang' (the server is single-threaded)
        server.expect_request("/owid-energy-data.csv").respond_with_handler(self.owid)
        server.expect_request("/carbon-intensity/yearly").respond_with_handler(self.ember)

    def owid(self, request: Request) -> Response:
        self.requests.append(time.monotonic())
        if self.mode == "ok":
            return Response(OWID_CSV, content_type="text/csv", headers={"ETag": '"o1"'})
        if self.mode == "304":
            if request.headers.get("If-None-Match") == '"o1"':
                return Response(status=304)
            return Response(OWID_CSV, content_type="text/csv", headers={"ETag": '"o1"'})
        if self.mode == "429":
            return Response("slow down", status=429, headers={"Retry-After": "3600"})
        if self.mode == "hang":
            self.release.wait(1.5)
            return Response(OWID_CSV, content_type="text/csv")
        if self.mode == "html":
            return Response("<!DOCTYPE html><html>Sign in</html>", content_type="text/html")
        if self.mode == "big":
            return Response(OWID_CSV * 3, content_type="text/csv")
        raise AssertionError(self.mode)

    def ember(self, request: Request) -> Response:
        if self.mode == "json-error":
            return Response('{"error": "quota exceeded"}', content_type="application/json")
        return Response(EMBER_YEARLY, content_type="application/json")


@pytest.fixture
def upstream(httpserver: HTTPServer) -> Upstream:
    return Upstream(httpserver)


def settings_for(tmp_path: Path, base: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "warehouse": tmp_path / "w.duckdb",
        "owid_base_url": base,
        "ember_base_url": base,
        "ember_token": TOKEN,
        "eia_base_url": base,
        "eia_token": TOKEN,
        "http_max_retries": 2,
        "http_max_retry_after_s": 0.1,
        "http_connect_timeout_s": 0.5,
        "http_read_timeout_s": 0.3,
        "http_max_pages": 5,
    }
    values.update(overrides)
    return get_settings(**values)


def state(settings: Settings) -> tuple[dict, list[str]]:
    """Every table's checksum, and every file of the raw area (payloads, packages, journal)."""
    raw = settings.raw_path
    files = sorted(
        f"{p.relative_to(raw)}:{p.stat().st_size}" for p in raw.rglob("*") if p.is_file()
    )
    return table_checksums(settings.warehouse), files


@pytest.fixture
def landed(tmp_path: Path, httpserver: HTTPServer, upstream: Upstream) -> Settings:
    """The previous state: OWID and Ember landed once."""
    settings = settings_for(tmp_path, httpserver.url_for("/").rstrip("/"))
    with open_warehouse(settings=settings) as con:
        assert owid.land_owid(con, settings)[0].status == "success"
        assert ember.land_ember(con, settings, granularity="yearly", start="2023", end="2024")
    return settings


def owid_fails(settings: Settings, match: str) -> HttpError:
    before = state(settings)
    with open_warehouse(settings=settings) as con, pytest.raises(HttpError, match=match) as err:
        owid.land_owid(con, settings)
    assert state(settings) == before  # nothing landed, nothing archived, nothing logged
    assert TOKEN not in str(err.value)
    return err.value


def test_case_10_429_waits_capped_bounded_attempts_and_names_endpoint_and_status(
    landed: Settings, upstream: Upstream
) -> None:
    upstream.mode = "429"
    upstream.requests.clear()
    started = time.monotonic()
    err = owid_fails(landed, "429")
    assert err.status == 429 and "/owid-energy-data.csv" in str(err) and "3 attempts" in str(err)
    assert len(upstream.requests) == 3  # 1 + http_max_retries
    assert time.monotonic() - started < 5  # Retry-After 3600 s capped at 0.1 s


def test_case_11_a_hanging_server_times_out_within_the_read_timeout(
    landed: Settings, upstream: Upstream
) -> None:
    upstream.mode = "hang"
    settings = landed.model_copy(update={"http_max_retries": 0})
    started = time.monotonic()
    try:
        err = owid_fails(settings, "timed out")
    finally:
        upstream.release.set()
    assert time.monotonic() - started < 1.4  # read timeout 0.3 s; the server would take 1.5 s
    assert "read 0.3 s" in str(err)


def test_case_12_an_html_page_or_a_json_error_body_lands_nothing(
    landed: Settings, upstream: Upstream
) -> None:
    upstream.mode = "html"
    err = owid_fails(landed, "text/html")
    assert "/owid-energy-data.csv" in str(err)
    upstream.mode = "json-error"
    before = state(landed)
    with open_warehouse(settings=landed) as con, pytest.raises(HttpError) as failure:
        ember.land_ember(con, landed, granularity="yearly", start="2023", end="2024")
    assert "/carbon-intensity/yearly" in str(failure.value)
    assert "application/json" in str(failure.value) and "quota exceeded" in str(failure.value)
    assert state(landed) == before


def test_case_13_endless_pagination_stops_with_an_error(
    landed: Settings, httpserver: HTTPServer
) -> None:
    doc = json.loads((FIXTURES / "eia_fuel_type_data_CISO.json").read_bytes())

    def endless(request: Request) -> Response:  # ignores offset, never runs out
        page = json.loads(json.dumps(doc))
        page["response"]["data"] = page["response"]["data"][:10]
        page["response"]["total"] = "99999999"
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/electricity/rto/fuel-type-data/data/").respond_with_handler(endless)
    before = state(landed)
    with (
        open_warehouse(settings=landed) as con,
        pytest.raises(PaginationError, match="within 5 pages") as err,
    ):
        eia.land_eia(
            con, landed, ["CISO"], start="2022-01-01T00", end="2022-01-01T11", page_length=10
        )
    # The pages fetched before the error were archived (raw first), but nothing landed.
    tables, _ = state(landed)
    assert tables == before[0] | {"meta_raw_manifest": before[0]["meta_raw_manifest"]}
    assert TOKEN not in str(err.value)


@pytest.fixture
def short_body_server() -> Iterator[str]:
    """Promises 5,000 bytes, sends 100 and closes: a truncated body."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 5000\r\n"
                    b"Connection: close\r\n\r\n" + OWID_CSV[:100]
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()


def test_case_14_a_body_over_the_cap_or_truncated_is_aborted(
    landed: Settings, upstream: Upstream, short_body_server: str
) -> None:
    upstream.mode = "big"
    err = owid_fails(landed.model_copy(update={"http_max_bytes": len(OWID_CSV) + 10}), "cap")
    assert "/owid-energy-data.csv" in str(err)
    cut = landed.model_copy(update={"owid_base_url": short_body_server, "http_max_retries": 0})
    err = owid_fails(cut, "truncated")
    assert short_body_server in str(err)


def test_case_15_a_304_for_the_stored_etag_is_a_no_op_success(
    landed: Settings, upstream: Upstream
) -> None:
    upstream.mode = "304"
    before = state(landed)
    with open_warehouse(settings=landed) as con:
        result = owid.land_owid(con, landed)
    assert [r.status for r in result] == ["unchanged"]
    assert state(landed) == before
