"""The one HTTP client of every live source: bounded, checked, archived, and silent about tokens.

What every fetch guarantees (RELIABILITY.md, cases 10-15 and 21):

- timeouts on connect and read (`http_connect_timeout_s`, `http_read_timeout_s`);
- retries for GET only, on 429/500/502/503/504 and dropped connections, with exponential backoff
  and the server's Retry-After respected but capped at `http_max_retry_after_s`; never on other
  4xx (a bad request or a bad token does not get better by asking again);
- the body is streamed and abandoned once it passes `http_max_bytes`, or when it ends short of its
  Content-Length; nothing of such a body is archived;
- `expect="json"` needs a JSON content type, a body that parses and is not an error object; an
  HTML page (a login wall, a CDN error page served with 200) fails for every `expect`;
- conditional requests from the last validators in `meta_raw_manifest`: 304 is a no-op success;
- every body that passes is archived raw first (`raw/<source>/<sha256>`) before anyone parses it;
- the token goes only to the source's own host, as that API expects it (header or query
  parameter), and is removed from every URL we keep, every error and every log record, including
  urllib3's DEBUG lines; a body that echoes it back (one API does) is archived with it masked.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tasks.core.progress import progress
from tasks.core.settings import Settings, SourceSettings

__all__ = [
    "Conditional",
    "Document",
    "HttpError",
    "PaginationError",
    "clean_url_of",
    "get_document",
    "make_session",
    "paginate",
    "redact",
    "strip_token_params",
    "time_windows",
]

log = logging.getLogger(__name__)

Expect = Literal["json", "csv", "text"]

RETRY_STATUSES = (429, 500, 502, 503, 504)
# First retry after ~0.5 s, then 1, 2, 4 ... capped by http_max_retry_after_s: short enough for
# a flaky proxy, long enough not to hammer a rate-limited API.
BACKOFF_FACTOR = 0.5
CHUNK_BYTES = 64 * 1024
USER_AGENT = "footprints/0.1 (AI training footprint estimator)"

_ACCEPT: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv, text/plain;q=0.9, */*;q=0.1",
    "text": "text/plain, text/markdown;q=0.9, */*;q=0.1",
}
# Keys an API error object may carry besides its message; a body with only these is an error.
_ERROR_ONLY_KEYS = frozenset(
    {"error", "errors", "message", "detail", "status", "code", "statusCode", "title", "type"}
)


class HttpError(RuntimeError):
    """A fetch failed. The message names the source, the URL (never a token) and status/reason."""

    def __init__(self, source: str, url: str, status: int | None, reason: str) -> None:
        self.source = source
        self.url = redact(url)
        self.status = status
        self.reason = redact(reason)
        shown = f"HTTP {status}: " if status is not None else ""
        super().__init__(f"{source}: GET {self.url} failed: {shown}{self.reason}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, so Prefect can persist a failed state
        return (type(self), (self.source, self.url, self.status, self.reason))


class PaginationError(HttpError):
    """Pagination did not end: too many pages, or a cursor/next link came round again."""


@dataclass(frozen=True)
class Conditional:
    """Validators of the copy we already hold, for If-None-Match / If-Modified-Since."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Document:
    """A response body that passed every check, with what the server said about it."""

    body: bytes
    url: str  # token-free
    content_type: str | None
    http_status: int
    etag: str | None
    last_modified: str | None


# ---------------------------------------------------------------------------------------------
# Token redaction


# Query parameters that carry credentials in the APIs we use (and the usual spellings of others).
_TOKEN_PARAMS = frozenset({"api_key", "apikey", "api-key", "token", "access_token", "auth-token"})
_TOKEN_IN_TEXT = re.compile(
    r"(?i)([?&;](?:api_key|apikey|api-key|token|access_token|auth-token)=)[^&#\s'\"<>)]*"
)
_SECRETS: set[str] = set()
_MASK = "***"


def redact(text: str) -> str:
    """Text with every known token and every token-looking query parameter masked."""
    for secret in _SECRETS:
        text = text.replace(secret, _MASK)
    return _TOKEN_IN_TEXT.sub(lambda m: m.group(1) + _MASK, text)


class _RedactingFilter(logging.Filter):
    """Rewrites a log record's message with tokens masked before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix; let logging report it
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = _RedactingFilter()
# Logger filters run only for records created on that very logger, not for its children, so each
# module logger that may print a URL gets the filter.
_LOGGERS = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.poolmanager",
    "urllib3.util.retry",
    "requests",
    __name__,
)


def _install_redaction(token: str | None) -> None:
    if token:
        _SECRETS.add(token)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def strip_token_params(url: str) -> str:
    """The URL without credential query parameters (order of the others kept)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TOKEN_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


# ---------------------------------------------------------------------------------------------
# Session


class CappedRetry(Retry):
    """urllib3 Retry whose wait never exceeds `max_retry_after` seconds, whatever the server's
    Retry-After says (an API asking for an hour would otherwise stall the whole refresh)."""

    def __init__(self, *args: Any, max_retry_after: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kw: Any) -> CappedRetry:
        kw.setdefault("max_retry_after", self.max_retry_after)
        return super().new(**kw)  # type: ignore[return-value,unused-ignore]

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, self.max_retry_after)


class _SourceSession(requests.Session):
    """A session that drops the token header when a redirect leaves the source's host
    (requests strips only `Authorization` by itself)."""

    token_header: str | None = None

    def rebuild_auth(self, prepared_request: Any, response: Any) -> None:
        super().rebuild_auth(prepared_request, response)
        if self.token_header and self.should_strip_auth(response.request.url, prepared_request.url):
            prepared_request.headers.pop(self.token_header, None)


def make_session(source: SourceSettings, settings: Settings) -> requests.Session:
    """One session per source: connection reuse, bounded retries, token redaction in logs."""
    token = source.token.get_secret_value() if source.token else None
    _install_redaction(token)
    session = _SourceSession()
    placement = source.token_placement  # declared by the source (tasks/sources/registry.py)
    if placement and placement.where in ("header", "bearer"):
        session.token_header = placement.name
    retry = CappedRetry(
        total=settings.http_max_retries,
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=settings.http_max_retry_after_s,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        # Hand back the last 429/5xx instead of raising, so the error can name its status.
        raise_on_status=False,
        max_retry_after=settings.http_max_retry_after_s,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


# ---------------------------------------------------------------------------------------------
# Fetch


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _absolute(source: SourceSettings, path_or_url: str) -> str:
    if re.match(r"^https?://", path_or_url, re.IGNORECASE):
        return path_or_url
    return urljoin(source.base_url.rstrip("/") + "/", path_or_url.lstrip("/"))


def clean_url_of(
    source: SourceSettings, path_or_url: str, params: dict[str, Any] | None = None
) -> str:
    """The token-free URL `fetch` keeps for this request (the key of its manifest rows)."""
    target = _absolute(source, path_or_url)
    prepared = requests.Request("GET", target, params=params or {}).prepare().url or target
    return strip_token_params(prepared)


def _attempts(response: requests.Response) -> int:
    retries = getattr(response.raw, "retries", None)
    history = getattr(retries, "history", ()) or ()
    return len(history) + 1


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _error_object(doc: Any) -> str | None:
    """The message of an API error object served with 200, else None."""
    if not isinstance(doc, dict):
        return None
    for key in ("error", "errors"):
        if doc.get(key):
            return str(doc[key])[:200]
    if ("message" in doc or "detail" in doc) and set(doc) <= _ERROR_ONLY_KEYS:
        return str(doc.get("message") or doc.get("detail"))[:200]
    return None


def _read_capped(
    response: requests.Response, fail: Callable[[str], HttpError], max_bytes: int
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise fail(f"body declares {int(declared):,} bytes, over the cap of {max_bytes:,} bytes")
    chunks: list[bytes] = []
    total = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            total += len(chunk)
            if total > max_bytes:
                raise fail(f"body passed the cap of {max_bytes:,} bytes; aborted")
            chunks.append(chunk)
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as err:
        raise fail(f"body truncated ({total:,} bytes read): {type(err).__name__}") from None
    except requests.exceptions.ContentDecodingError:
        raise fail("body could not be decoded (corrupt compression)") from None
    body = b"".join(chunks)
    # With compression the decoded length differs from Content-Length; urllib3 then enforces the
    # wire length itself (IncompleteRead above).
    plain = not response.headers.get("Content-Encoding")
    if declared and declared.isdigit() and plain and len(body) != int(declared):
        raise fail(f"body truncated: {len(body):,} of {int(declared):,} bytes")
    return body


def get_document(
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    path_or_url: str,
    *,
    params: dict[str, Any] | None = None,
    expect: Expect = "json",
    conditional: Conditional | None = None,
) -> Document | None:
    """GET one document and check it; None for a 304 (not modified).

    Raises HttpError (naming source, token-free URL, status or reason) on any failure. Archiving
    is the caller's (`tasks.load.fetched.fetch`): a body that failed a check never reaches it."""
    target = _absolute(source, path_or_url)
    clean_url = clean_url_of(source, path_or_url, params)

    def fail(reason: str, status: int | None = None) -> HttpError:
        return HttpError(source.name, clean_url, status, reason)

    token = source.token.get_secret_value() if source.token else None
    headers, send_params = _request_headers(source, target, token, params, expect, conditional)
    timeout = (settings.http_connect_timeout_s, settings.http_read_timeout_s)
    log.debug("GET %s", clean_url)
    try:
        response = session.get(
            target, params=send_params, headers=headers, timeout=timeout, stream=True
        )
    except requests.exceptions.RequestException as err:
        # `from None`: the chained requests exception carries the full URL, token included.
        raise fail(_request_failure(err, timeout, settings.http_max_retries)) from None
    with response:
        status = response.status_code
        if status == 304:
            log.debug("GET %s -> 304 not modified", clean_url)
            return None
        body = _checked_body(response, expect, settings.http_max_bytes, fail)
        if token and token.encode() in body:
            # Some APIs echo the request, key included; the archive must not keep it.
            body = body.replace(token.encode(), _MASK.encode())
        document = Document(
            body,
            clean_url,
            response.headers.get("Content-Type") or None,
            status,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )
    log.debug("GET %s -> %s, %d bytes", clean_url, status, len(body))
    return document


def _request_headers(
    source: SourceSettings,
    target: str,
    token: str | None,
    params: dict[str, Any] | None,
    expect: Expect,
    conditional: Conditional | None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """Headers and query parameters of a request: what we accept, the validators of the copy we
    hold, and the token where the source wants it."""
    send_params = dict(params or {})
    headers = {"Accept": _ACCEPT[expect]}
    placement = source.token_placement
    # The token goes only to the source's own host, never to a link that points elsewhere.
    if token and placement and _origin(target) == _origin(source.base_url):
        if placement.where == "header":
            headers[placement.name] = token
        elif placement.where == "bearer":
            headers[placement.name] = f"Bearer {token}"
        else:
            send_params[placement.name] = token
    if conditional and conditional.etag:
        headers["If-None-Match"] = conditional.etag
    if conditional and conditional.last_modified:
        headers["If-Modified-Since"] = conditional.last_modified
    return headers, send_params


def _request_failure(
    err: requests.exceptions.RequestException, timeout: tuple[float, float], retries: int
) -> str:
    """Why a request got no response, without the URL (it may carry the token)."""
    text = str(err)
    if isinstance(err, requests.exceptions.Timeout) or "timed out" in text.lower():
        return (
            f"timed out (connect {timeout[0]:g} s, read {timeout[1]:g} s, "
            f"{retries + 1} attempt(s) at most)"
        )
    return f"{type(err).__name__}: {text[:300]}"


def _checked_body(
    response: requests.Response,
    expect: Expect,
    max_bytes: int,
    fail: Callable[[str, int | None], HttpError],
) -> bytes:
    """The body of a response, once the status, the content type, the size and (for JSON) the
    parse and the absence of an error object have been checked."""
    status = response.status_code
    if not 200 <= status < 300:
        attempts = _attempts(response)
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        raise fail(f"{response.reason or 'error'}{tried}", status)
    content_type = response.headers.get("Content-Type", "")
    media = content_type.split(";")[0].strip().lower()
    if "html" in media:
        raise fail(f"got an HTML page (content type {content_type!r}), not {expect}", status)
    if expect == "json" and "json" not in media:
        raise fail(f"expected JSON, got content type {content_type or 'none'!r}", status)
    body = _read_capped(response, lambda r: fail(r, status), max_bytes)
    if _looks_like_html(body):
        raise fail(
            f"body is an HTML page (content type {content_type or 'none'!r}), not {expect}", status
        )
    if expect == "json":
        try:
            doc = json.loads(body)
        except ValueError as err:
            raise fail(
                f"body is not valid JSON (content type {content_type!r}): {err}", status
            ) from None
        message = _error_object(doc)
        if message is not None:
            raise fail(
                f"JSON error object instead of data (content type {content_type!r}): {message}",
                status,
            )
    return body


# ---------------------------------------------------------------------------------------------
# Pagination

C = TypeVar("C", bound=Hashable)
P = TypeVar("P")


def paginate(
    first: C,
    next_of: Callable[[C, P], C | None],
    *,
    fetch_page: Callable[[C], P],
    max_pages: int,
    source: str,
) -> Iterator[P]:
    """Pages from `first` (a URL, an offset, a window start...) until `next_of(cursor, page)`
    returns None.

    Raises PaginationError after `max_pages` pages, or when a cursor comes round again (a server
    whose next link points back would otherwise loop for ever)."""
    seen: set[C] = set()
    cursor: C | None = first
    pages = 0
    last_url = str(first)
    # A bar (pages fetched) for a person at a terminal; silent in logs and CI.
    with progress(f"{source}: fetching pages", None) as advance:
        while cursor is not None:
            if cursor in seen:
                raise PaginationError(
                    source, last_url, None, f"pagination repeats: cursor {cursor!r} seen before"
                )
            if pages >= max_pages:
                raise PaginationError(
                    source, last_url, None, f"pagination did not end within {max_pages} pages"
                )
            seen.add(cursor)
            page = fetch_page(cursor)
            pages += 1
            last_url = str(getattr(page, "url", cursor))
            advance()
            yield page
            cursor = next_of(cursor, page)


def time_windows(
    start: datetime, end: datetime, max_span: timedelta
) -> Callable[[datetime, Any], datetime | None]:
    """`next_of` for `paginate` for APIs that cap a request's time range: given a window start,
    the next window's start, or None once `end` is reached. Windows are [s, min(s + span, end))."""

    def step(window_start: datetime, _page: Any) -> datetime | None:
        following = window_start + max_span
        return following if following < end else None

    return step
