"""tasks/core/http.py against a real local HTTP server: RELIABILITY.md cases 10-15 and 21."""

from __future__ import annotations

import itertools
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tasks.core.http import HttpError, PaginationError, make_session, paginate, redact
from tasks.core.settings import Settings, get_settings
from tasks.load.fetched import FetchResult, fetch, json_of, previous_validators
from tasks.load.manifest import record_manifest
from tasks.load.warehouse import open_warehouse
from tasks.sources import registry

SENTINEL = "SENTINEL-tok-9f3a7c"


def settings_for(tmp_path: Path, base: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "warehouse": tmp_path / "w.duckdb",
        "ember_base_url": base,
        "ember_token": SENTINEL,
        "electricitymaps_base_url": base,
        "electricitymaps_token": SENTINEL,
        "eia_base_url": base,
        "eia_token": SENTINEL,
        "owid_base_url": base,
        "http_max_retries": 2,
        "http_max_retry_after_s": 0.05,
        "http_connect_timeout_s": 0.5,
        "http_read_timeout_s": 0.5,
    }
    values.update(overrides)
    return get_settings(**values)


def archived(settings: Settings) -> list[Path]:
    """The archived payloads (not the archive's own bookkeeping: manifest.jsonl, load packages)."""
    root = settings.raw_path
    if not root.exists():
        return []
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.name != "manifest.jsonl" and "_packages" not in p.parts
    )


@pytest.fixture
def base(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/").rstrip("/")


def get(settings: Settings, name: str, path: str, **kw: object) -> FetchResult:
    source = registry.source(name).settings(settings)  # with the source's token placement
    with make_session(source, settings) as session:
        return fetch(session, source, settings, path, **kw)  # type: ignore[arg-type]


def test_fetch_archives_raw_with_a_token_free_url(tmp_path, httpserver, base):
    httpserver.expect_request(
        "/carbon-intensity/yearly", query_string={"start_date": "2023", "api_key": SENTINEL}
    ).respond_with_json({"data": [{"entity_code": "DEU"}]}, headers={"ETag": '"v1"'})
    settings = settings_for(tmp_path, base)

    got = get(settings, "ember", "/carbon-intensity/yearly", params={"start_date": "2023"})

    assert got.status == "fetched" and got.payload is not None
    assert got.url == f"{base}/carbon-intensity/yearly?start_date=2023"
    assert got.payload.url == got.url and got.payload.etag == '"v1"'
    assert got.payload.raw_path.read_bytes() == got.payload.data
    assert json_of(got)["data"][0]["entity_code"] == "DEU"


def test_429_waits_capped_retry_after_then_fails_naming_endpoint_and_status(
    tmp_path, httpserver, base
):
    calls = []

    def limited(request: Request) -> Response:
        calls.append(time.monotonic())
        # An hour's wait asked for: the cap (0.05 s) must win.
        return Response("slow down", status=429, headers={"Retry-After": "3600"})

    httpserver.expect_request("/limited").respond_with_handler(limited)
    settings = settings_for(tmp_path, base, http_max_retries=2)

    started = time.monotonic()
    with pytest.raises(HttpError) as err:
        get(settings, "owid", "/limited")
    elapsed = time.monotonic() - started

    assert len(calls) == 3  # 1 try + 2 retries, no more
    assert elapsed < 2.0
    assert all(b - a >= 0.04 for a, b in itertools.pairwise(calls))  # it did wait
    assert err.value.status == 429 and err.value.url == f"{base}/limited"
    assert "owid" in str(err.value) and f"{base}/limited" in str(err.value)
    assert "429" in str(err.value) and "3 attempts" in str(err.value)
    assert archived(settings) == []


def test_500_then_success_is_retried(tmp_path, httpserver, base):
    answers = iter([Response("oops", status=500), Response("oops", status=503)])

    def flaky(request: Request) -> Response:
        return next(answers, None) or Response(
            json.dumps({"ok": 1}), content_type="application/json"
        )

    httpserver.expect_request("/flaky").respond_with_handler(flaky)
    settings = settings_for(tmp_path, base, http_max_retries=3)

    got = get(settings, "owid", "/flaky")

    assert got.status == "fetched" and json_of(got) == {"ok": 1}


def test_other_4xx_is_not_retried(tmp_path, httpserver, base):
    calls = []

    def missing(request: Request) -> Response:
        calls.append(1)
        return Response("no", status=404)

    httpserver.expect_request("/missing").respond_with_handler(missing)
    settings = settings_for(tmp_path, base, http_max_retries=3)

    with pytest.raises(HttpError) as err:
        get(settings, "owid", "/missing")

    assert len(calls) == 1 and err.value.status == 404


def test_a_hanging_server_times_out_within_the_read_timeout(tmp_path, httpserver, base):
    release = threading.Event()

    def hang(request: Request) -> Response:
        release.wait(5)  # bounded, and released as soon as the client gave up
        return Response("late")

    httpserver.expect_request("/hang").respond_with_handler(hang)
    settings = settings_for(tmp_path, base, http_read_timeout_s=0.3, http_max_retries=0)
    started = time.monotonic()
    try:
        with pytest.raises(HttpError) as err:
            get(settings, "owid", "/hang")
    finally:
        release.set()
    elapsed = time.monotonic() - started

    assert elapsed < 1.5
    assert "timed out" in str(err.value) and f"{base}/hang" in str(err.value)


@pytest.mark.parametrize(
    ("body", "content_type", "expect"),
    [
        ("<!DOCTYPE html><html><body>Sign in</body></html>", "text/html; charset=utf-8", "json"),
        ("<html><body>Sign in</body></html>", "application/json", "json"),
        ("<!doctype html><title>502</title>", "text/plain", "csv"),
        ('{"data": [1]}', "text/plain", "json"),
        ('{"error": "API key is invalid"}', "application/json", "json"),
        ('{"message": "Not authorized"}', "application/json", "json"),
        ("{not json", "application/json", "json"),
    ],
)
def test_html_or_error_bodies_fail_naming_url_and_content_type(
    tmp_path, httpserver, base, body, content_type, expect
):
    httpserver.expect_request("/doc").respond_with_data(body, content_type=content_type)
    settings = settings_for(tmp_path, base)

    with pytest.raises(HttpError) as err:
        get(settings, "owid", "/doc", expect=expect)

    assert f"{base}/doc" in str(err.value)
    assert content_type in str(err.value)
    assert archived(settings) == []


def test_a_body_over_the_cap_is_aborted(tmp_path, httpserver, base):
    httpserver.expect_request("/big").respond_with_data("x" * 5000, content_type="text/csv")
    # No Content-Length: a streamed body must be cut off while reading, too.
    httpserver.expect_request("/big-stream").respond_with_response(
        Response((b"y" * 500 for _ in range(10)), content_type="text/csv", direct_passthrough=True)
    )
    settings = settings_for(tmp_path, base, http_max_bytes=1000)

    for path in ("/big", "/big-stream"):
        with pytest.raises(HttpError, match="cap of 1,000 bytes"):
            get(settings, "owid", path, expect="csv")
    assert archived(settings) == []


@pytest.fixture
def short_body_server() -> Iterator[str]:
    """A raw socket server that promises 1,000 bytes and sends 100 (a dropped connection)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.1)  # so the loop sees `stop` soon after the test
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
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n"
                    b"Connection: close\r\n\r\n" + b"a,b\n" * 25
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()


def test_a_truncated_body_is_aborted(tmp_path, short_body_server):
    settings = settings_for(tmp_path, short_body_server, http_max_retries=0)

    with pytest.raises(HttpError, match="truncated") as err:
        get(settings, "owid", "/cut.csv", expect="csv")

    assert f"{short_body_server}/cut.csv" in str(err.value)
    assert archived(settings) == []


def test_304_for_a_stored_etag_is_a_no_op(tmp_path, httpserver, base):
    def conditional(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v7"':
            return Response(status=304)
        return Response("a,b\n1,2\n", content_type="text/csv", headers={"ETag": '"v7"'})

    httpserver.expect_request("/file.csv").respond_with_handler(conditional)
    settings = settings_for(tmp_path, base)
    with open_warehouse(settings=settings) as con:
        first = get(settings, "owid", "/file.csv", expect="csv")
        assert first.payload is not None
        record_manifest(con, first.payload)
        validators = previous_validators(con, "owid", first.url)
        assert validators is not None and validators.etag == '"v7"'

        again = get(settings, "owid", "/file.csv", expect="csv", conditional=validators)

    assert again.status == "not_modified" and again.payload is None
    assert again.url == first.url
    assert len(archived(settings)) == 1


def test_endless_pagination_stops_with_an_error(tmp_path, httpserver, base):
    def endless(request: Request) -> Response:
        page = int(request.args.get("page", "1"))
        return Response(
            json.dumps({"next": f"/items?page={page + 1}"}), content_type="application/json"
        )

    httpserver.expect_request("/items").respond_with_handler(endless)
    settings = settings_for(tmp_path, base, http_max_pages=5)
    source = settings.source("owid")
    with (
        make_session(source, settings) as session,
        pytest.raises(PaginationError, match="within 5 pages"),
    ):
        for _ in paginate(
            "/items?page=1",
            lambda cursor, page: json_of(page)["next"],
            fetch_page=lambda path: fetch(session, source, settings, path),
            max_pages=settings.http_max_pages,
            source="owid",
        ):
            pass


def test_a_repeating_next_link_stops_with_an_error(tmp_path, httpserver, base):
    httpserver.expect_request("/a").respond_with_json({"next": "/b"})
    httpserver.expect_request("/b").respond_with_json({"next": "/a"})
    settings = settings_for(tmp_path, base)
    source = settings.source("owid")
    pages = []
    with make_session(source, settings) as session, pytest.raises(PaginationError, match="repeats"):
        for page in paginate(
            "/a",
            lambda cursor, page: json_of(page)["next"],
            fetch_page=lambda path: fetch(session, source, settings, path),
            max_pages=100,
            source="owid",
        ):
            pages.append(page)
    assert len(pages) == 2


def test_the_token_never_appears_in_logs_urls_archive_or_errors(tmp_path, httpserver, base, caplog):
    caplog.set_level(logging.DEBUG)
    seen_tokens = []

    def echo(request: Request) -> Response:
        # Query-param token (Ember/EIA), echoed back in the body as EIA does.
        seen_tokens.append(request.args.get("api_key"))
        body = {"request": {"params": {"api_key": request.args.get("api_key")}}, "data": [1]}
        return Response(json.dumps(body), content_type="application/json")

    def header_auth(request: Request) -> Response:
        seen_tokens.append(request.headers.get("auth-token"))
        return Response(json.dumps({"zone": "DE", "history": []}), content_type="application/json")

    httpserver.expect_request("/echo").respond_with_handler(echo)
    httpserver.expect_request("/history").respond_with_handler(header_auth)
    httpserver.expect_request("/denied").respond_with_data("bad key", status=403)
    httpserver.expect_request("/busy").respond_with_data("busy", status=503)
    settings = settings_for(tmp_path, base, http_max_retries=1)

    results = [
        get(settings, "eia", "/echo", params={"x": "1"}),
        get(settings, "electricitymaps", "/history", params={"zone": "DE"}),
    ]
    errors: list[str] = []
    for name, path in (("eia", "/denied"), ("ember", "/busy")):
        with pytest.raises(HttpError) as err:
            get(settings, name, path, params={"x": "1"})
        errors.append(str(err.value))
        errors.append(repr(err.value))
    # A connection refused: requests' own message holds the whole URL, token included.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(HttpError) as err:
        get(settings_for(tmp_path, f"http://127.0.0.1:{port}", http_max_retries=0), "ember", "/x")
    errors.append(str(err.value))

    assert seen_tokens == [SENTINEL, SENTINEL]  # it was sent, in the way each API expects
    assert all(r.url.endswith(("/echo?x=1", "/history?zone=DE")) for r in results)
    # werkzeug's records are the stand-in *server's* access log, not ours.
    ours = [r for r in caplog.records if not r.name.startswith("werkzeug")]
    assert any(r.name.startswith("urllib3") and "/echo" in r.getMessage() for r in ours)
    for record in ours:
        assert SENTINEL not in record.getMessage()
        assert SENTINEL not in str(record.args or "")
    for text in errors:
        assert SENTINEL not in text
    for path in archived(settings):
        assert SENTINEL not in str(path)
        assert SENTINEL.encode() not in path.read_bytes()
    for got in results:
        assert got.payload is not None and SENTINEL not in got.payload.url
    assert redact(f"http://h/x?api_key={SENTINEL}&a=1") == "http://h/x?api_key=***&a=1"


def test_the_token_header_is_not_forwarded_to_another_host_on_redirect(tmp_path, httpserver, base):
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        received = []

        def landing(request: Request) -> Response:
            received.append(request.headers.get("auth-token"))
            return Response('{"zone": "DE"}', content_type="application/json")

        other.expect_request("/landing").respond_with_handler(landing)
        httpserver.expect_request("/go").respond_with_data(
            "", status=302, headers={"Location": other.url_for("/landing")}
        )
        settings = settings_for(tmp_path, base)

        got = get(settings, "electricitymaps", "/go")
    finally:
        other.clear()
        other.stop()

    assert got.status == "fetched" and received == [None]
