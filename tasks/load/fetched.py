"""Fetched documents into the raw area and the warehouse: archive, remember validators, land.

`tasks.core.http` gets and checks a document; this module is where it enters: `fetch` archives
every body raw first (content-addressed, with its manifest line), `previous_validators` turns the
manifest into the next conditional request, and `land_fetched` hands the payload to the one
loading path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import requests

from tasks.core.http import Conditional, Expect, clean_url_of, get_document, strip_token_params
from tasks.core.settings import Settings, SourceSettings
from tasks.load.archive import Payload, archive_payload
from tasks.load.land import LoadResult, Parser, ingest_payload
from tasks.load.manifest import record_manifest
from tasks.load.warehouse import read_sql


@dataclass(frozen=True)
class FetchResult:
    status: Literal["fetched", "not_modified"]
    payload: Payload | None  # archived (raw first) when fetched
    url: str  # token-free


def fetch(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    path_or_url: str,
    *,
    params: dict[str, Any] | None = None,
    expect: Expect = "json",
    conditional: Conditional | None = None,
) -> FetchResult:
    """GET one document, check it, archive it raw; 304 -> not_modified with no payload.

    Raises HttpError (naming source, token-free URL, status or reason) on any failure; nothing is
    archived for a body that failed a check."""
    document = get_document(
        session,
        source,
        settings,
        path_or_url,
        params=params,
        expect=expect,
        conditional=conditional,
    )
    if document is None:
        return FetchResult("not_modified", None, clean_url_of(source, path_or_url, params))
    payload = archive_payload(
        source.name,
        document.url,
        document.body,
        settings=settings,
        content_type=document.content_type,
        http_status=document.http_status,
        etag=document.etag,
        last_modified=document.last_modified,
    )
    return FetchResult("fetched", payload, document.url)


def json_of(result: FetchResult) -> Any:
    """The parsed JSON of a fetched result."""
    if result.payload is None:
        raise ValueError(f"{result.url}: not modified, no body to read")
    return json.loads(result.payload.data)


def previous_validators(
    con: duckdb.DuckDBPyConnection, source: str, url: str
) -> Conditional | None:
    """ETag / Last-Modified of the last copy of `url` we archived and did not reject."""
    rows = con.execute(
        read_sql("load/select_previous_validators.sql"), [source, strip_token_params(url)]
    ).fetchall()
    if not rows:
        return None
    etag, last_modified = rows[0]
    return Conditional(etag=etag, last_modified=last_modified)


def land_fetched(
    con: duckdb.DuckDBPyConnection,
    result: FetchResult,
    table: str,
    parser: Parser,
    *,
    batch_scope: str,
    settings: Settings,
    run_id: str | None = None,
) -> LoadResult:
    """Land one fetched document through the one loading path; a 304 is an 'unchanged' load."""
    if result.status == "not_modified" or result.payload is None:
        return LoadResult(
            table, batch_scope, "", "unchanged", message=f"{result.url}: not modified (304)"
        )
    return ingest_payload(
        con,
        result.payload,
        table,
        parser,
        batch_scope=batch_scope,
        settings=settings,
        run_id=run_id,
    )


def archive_pages(
    con: duckdb.DuckDBPyConnection,
    pages: list[FetchResult],
    *,
    source: str,
    url: str,
    body: bytes,
    settings: Settings,
) -> Payload:
    """Record every page in the manifest and archive `body`, the pages' rows joined in the API's
    own shape, as the one payload of the batch (a batch must see every page: an hour's mix can
    straddle two of them)."""
    for page in pages:
        if page.payload is not None:
            record_manifest(con, page.payload)
    return archive_payload(
        source, url, body, settings=settings, content_type="application/json", http_status=200
    )
