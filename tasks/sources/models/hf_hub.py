"""Model cards from the Hugging Face Hub: the models that declare `co2_eq_emissions`, plus named
repositories, parsed into disclosure facts and landed as one batch in raw_model_disclosures.

Listing goes through huggingface_hub (`HfApi.list_models`, server-side tag filter
`co2_eq_emissions`, most downloaded first, capped), because the Hub's listing API pages and
changes shape and the library tracks it. The library keeps the HTTP body to itself, so what is
archived for the listing is the list of repo ids and their declared emissions as it returned
them. Each card's README is then fetched through `tasks.load.fetched.fetch` (size cap, content-type
check, retries, conditional requests, raw archive) at `{base}/{repo_id}/raw/main/README.md` and
parsed with `tasks.cards.parse_card` (`co2_eq_emissions` is in grams; the facts carry
tonnes).

The batch follows `tasks.sources.models.user_cards.land_user_cards`:
every card's facts carry that card's URL and
payload hash; a card that cannot be fetched or parsed is quarantined with its repo id and the
reason, and the others land; the batch is skipped when every card is byte-identical to the last
landed batch (an unchanged card costs a 304). Scope: `hfhub:<query>` and/or `repos=<hash of the
named repo ids>`.

This module also holds the machinery the other multi-payload connectors share
(`fetch_current`, `archived_copy`, `land_remote_cards`; GitHub cards and the live GPU tables).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
import requests

from tasks.cards import CardError, parse_card
from tasks.core.facts import facts_to_rows
from tasks.core.http import Conditional, Expect, HttpError, clean_url_of, make_session, redact
from tasks.core.progress import track
from tasks.core.settings import Settings, SourceSettings, TokenPlacement
from tasks.load.archive import Payload, archive_payload, sha256_bytes
from tasks.load.fact_batch import land_fact_rows
from tasks.load.fetched import fetch, previous_validators
from tasks.load.journal import last_loaded_sha
from tasks.load.land import LoadResult
from tasks.load.manifest import record_manifest
from tasks.sources.declare import LiveOptions, LiveRun, Resource, Source

log = logging.getLogger(__name__)

SOURCE = "hfhub"
TABLE = "raw_model_disclosures"
CO2_TAG = "co2_eq_emissions"  # the Hub tags every model whose card metadata declares it
DEFAULT_MAX_CARDS = 200
LIST_SORT: Literal["downloads"] = "downloads"
# owner/name as the Hub allows them; anything else (a '..', a slash too many) never reaches a URL.
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$")


# ---------------------------------------------------------------------------------------------
# Fetching with the archive behind it


def archived_copy(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    url: str,
    conditional: Conditional | None = None,
) -> Payload | None:
    """The newest archived body of `url` (with exactly these validators, when given), read back
    from raw/<source>/<sha256> and checked against its hash; None when there is none."""
    rows = con.execute(
        "select sha256, etag, last_modified, content_type, http_status from meta_raw_manifest "
        "where source = ? and url = ? order by fetched_at desc",
        [source, url],
    ).fetchall()
    for sha, etag, last_modified, content_type, status in rows:
        if conditional is not None and (etag, last_modified) != (
            conditional.etag,
            conditional.last_modified,
        ):
            continue
        path = settings.raw_path / source / sha
        if not path.is_file():
            continue
        data = path.read_bytes()
        if sha256_bytes(data) != sha:  # a damaged archive file is no copy at all
            continue
        return Payload(source, url, data, sha, path, content_type, status, etag, last_modified)
    return None


def fetch_current(
    con: duckdb.DuckDBPyConnection,
    session: requests.Session,
    source: SourceSettings,
    settings: Settings,
    path_or_url: str,
    *,
    expect: Expect = "text",
) -> tuple[Payload, bool]:
    """The current body of a document and whether the server said it was unchanged (304).

    For batches built from several documents: an unchanged one still has to be part of the
    batch, so its body comes back from the archive. When the archive lost it, the document is
    fetched again without validators. Raises HttpError as `fetch` does."""
    url = clean_url_of(source, path_or_url)
    conditional = previous_validators(con, source.name, url)
    got = fetch(session, source, settings, path_or_url, expect=expect, conditional=conditional)
    if got.payload is not None:
        return got.payload, False
    kept = archived_copy(con, settings, source.name, got.url, conditional)
    if kept is not None:
        return kept, True
    got = fetch(session, source, settings, path_or_url, expect=expect)
    if got.payload is None:  # a server answering 304 to a request without validators
        raise HttpError(source.name, got.url, 304, "not modified, but no copy is archived")
    return got.payload, False


# ---------------------------------------------------------------------------------------------
# A batch of remote cards


@dataclass(frozen=True)
class RemoteCard:
    """One card to fetch: `key` names it in quarantine rows and reports (repo id or URL)."""

    key: str
    path_or_url: str
    model_hint: str | None = None


@dataclass
class RemoteCardsLoad:
    """What landing a batch of remote cards did, for the run summary."""

    result: LoadResult
    cards: int
    not_modified: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (key, warning)
    over_cap: int = 0  # cards left out by the per-run cap


def land_remote_cards(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source_name: str,
    cards: Sequence[RemoteCard],
    *,
    batch_scope: str,
    batch_url: str,
    key_name: str,
    source_kind: str = "card",
    refused: Sequence[tuple[str, str]] = (),
    run_id: str | None = None,
) -> RemoteCardsLoad:
    """Fetch, parse and land `cards` as one atomic batch of raw_model_disclosures.

    `refused`: (key, reason) of cards turned away before fetching (an invalid repo id); they are
    quarantined with the others that fail. Raises ValidationFailed when no card yields a fact or
    the batch is rejected (after recording why)."""
    source = settings.source(source_name)
    started = datetime.now(UTC).replace(tzinfo=None)
    read = _read_cards(con, settings, source, cards, source_kind, refused)
    batch_sha = sha256_bytes("\n".join(sorted(read.digests)).encode())
    if last_loaded_sha(con, TABLE, batch_scope) == batch_sha:
        unchanged = LoadResult(TABLE, batch_scope, "", "unchanged", message="cards unchanged")
        return RemoteCardsLoad(unchanged, len(cards), read.not_modified, read.bad, read.warnings)
    result, rejected_rows = land_fact_rows(
        con,
        read.rows,
        read.bad,
        key_name,
        batch_scope=batch_scope,
        batch_sha=batch_sha,
        batch_url=batch_url,
        empty_reason=f"{source_name}: no usable disclosure in {len(cards) + len(refused)} card(s)",
        started_at=started,
        settings=settings,
        run_id=run_id,
    )
    read.bad.extend(rejected_rows)
    log.info(
        "%s: %d card(s), %d not modified, %d quarantined, %d fact(s) in",
        batch_scope,
        len(cards),
        read.not_modified,
        len(read.bad),
        result.rows_in,
    )
    return RemoteCardsLoad(result, len(cards), read.not_modified, read.bad, read.warnings)


@dataclass
class _CardsRead:
    """A batch's cards fetched and parsed: its fact rows, what failed and what each card was
    (its hash, or that it failed or was refused: what 'unchanged' compares)."""

    rows: list[dict[str, str]] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (key, warning)
    digests: list[str] = field(default_factory=list)
    not_modified: int = 0


def _read_cards(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceSettings,
    cards: Sequence[RemoteCard],
    source_kind: str,
    refused: Sequence[tuple[str, str]],
) -> _CardsRead:
    """Fetch each card (recording its manifest row) and parse it; a card that fails is
    quarantined and the others go on."""
    read = _CardsRead(bad=list(refused), digests=[f"{key}:refused" for key, _ in refused])
    with make_session(source, settings) as session:
        for card in track(cards, f"{source.name}: fetching model cards"):
            try:
                payload, unchanged = fetch_current(con, session, source, settings, card.path_or_url)
            except HttpError as err:  # already token-free
                read.bad.append((card.key, str(err)))
                read.digests.append(f"{card.key}:failed")
                continue
            record_manifest(con, payload)
            read.not_modified += unchanged
            read.digests.append(f"{card.key}:{payload.sha256}")
            _parse_fetched(read, card, payload, source_kind)
    return read


def _parse_fetched(read: _CardsRead, card: RemoteCard, payload: Payload, source_kind: str) -> None:
    """Parse one fetched card into `read`: its fact rows (carrying the card's URL and hash) and
    warnings, or why it cannot be used."""
    try:
        parsed = parse_card(
            payload.data.decode("utf-8"),
            payload.url,
            model_hint=card.model_hint,
            source_kind=source_kind,
        )
    except UnicodeDecodeError as err:
        read.bad.append((card.key, f"{payload.url}: not UTF-8 text ({err.reason})"))
        return
    except (CardError, ValueError, RecursionError) as err:
        read.bad.append((card.key, redact(str(err))[:500]))
        return
    read.warnings.extend((card.key, w) for w in parsed.warnings)
    if not parsed.facts:
        read.warnings.append((card.key, f"{payload.url}: no disclosure found in the card"))
    for row in facts_to_rows(parsed.facts):
        row["_source_url"] = payload.url
        row["_source_sha256"] = payload.sha256
        read.rows.append(row)


# ---------------------------------------------------------------------------------------------
# The Hub


@dataclass(frozen=True)
class ListedModel:
    repo_id: str
    co2_eq_emissions: Any  # as the card metadata declares it (grams; a number or a mapping)


def listing_url(source: SourceSettings, limit: int) -> str:
    """The token-free URL of the listing query (the manifest key of its archived copy)."""
    params = {"filter": CO2_TAG, "sort": LIST_SORT, "limit": limit, "cardData": "true"}
    return clean_url_of(source, "api/models", params)


def declared_grams(value: Any) -> float | None:
    """The emissions figure of a card's `co2_eq_emissions` (a number, or a mapping with
    `emissions`), in grams as the Hub defines it; None when it states none."""
    if isinstance(value, dict):
        value = value.get("emissions")
    if isinstance(value, bool) or value is None:
        return None
    try:
        grams = float(str(value).replace("_", "").strip())
    except ValueError:
        return None
    return grams if math.isfinite(grams) else None


def list_emission_models(
    settings: Settings,
    *,
    limit: int = DEFAULT_MAX_CARDS,
    emissions_thresholds: tuple[float, float] = (0.0, math.inf),
) -> list[ListedModel]:
    """Models whose card declares `co2_eq_emissions`, most downloaded first, at most `limit`.

    Only models whose declared figure lies within `emissions_thresholds` (grams, inclusive; a
    zero or missing figure never does) are kept, so the list can be shorter than `limit`. The
    filter is ours, not huggingface_hub's `emissions_thresholds`: that one raises KeyError on a
    card whose `co2_eq_emissions` mapping has no `emissions` key, which real cards have.
    Raises HttpError naming the source and the URL."""
    from huggingface_hub import HfApi  # deferred: a heavy import, needed only here

    source = settings.source(SOURCE)
    token = source.token.get_secret_value() if source.token else None
    url = listing_url(source, limit)
    # token=False: without our own token, never send one huggingface_hub found on this machine
    # to whatever endpoint the settings name.
    api = HfApi(endpoint=source.base_url, token=token or False, library_name="footprints")
    low, high = emissions_thresholds
    try:
        listed = []
        for model in api.list_models(filter=CO2_TAG, sort=LIST_SORT, cardData=True, limit=limit):
            declared = model.card_data.get(CO2_TAG) if model.card_data else None
            grams = declared_grams(declared)
            if grams and low <= grams <= high:
                listed.append(ListedModel(model.id, declared))
    except Exception as err:  # the library's own error types vary by version and backend
        response = getattr(err, "response", None)
        status = getattr(response, "status_code", None)
        # `from None`: the chained exception may carry request details we do not vouch for.
        raise HttpError(
            SOURCE, url, status, f"{type(err).__name__}: {redact(str(err))[:300]}"
        ) from None
    return listed


def card_path(repo_id: str) -> str:
    return f"{repo_id}/raw/main/README.md"


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def hf_scope(list_emissions: bool, repo_ids: Sequence[str], max_cards: int) -> str:
    parts = []
    if list_emissions:
        parts.append(f"filter={CO2_TAG},sort={LIST_SORT},limit={max_cards}")
    if repo_ids:
        digest = hashlib.sha256("\n".join(sorted(_dedupe(repo_ids))).encode()).hexdigest()
        parts.append(f"repos={digest[:12]}")
    return f"{SOURCE}:" + ";".join(parts)


def land_hf_cards(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    repo_ids: Sequence[str] = (),
    list_emissions: bool = True,
    max_cards: int = DEFAULT_MAX_CARDS,
    emissions_thresholds: tuple[float, float] = (0.0, math.inf),
    run_id: str | None = None,
) -> RemoteCardsLoad:
    """Land the cards of `repo_ids` and (with `list_emissions`) of the models the Hub lists as
    declaring `co2_eq_emissions`, at most `max_cards` in all (named repos first), as one batch."""
    if max_cards < 1:
        raise ValueError(f"max_cards must be at least 1, got {max_cards}")
    named = _dedupe(repo_ids)
    if not list_emissions and not named:
        raise ValueError("hfhub: nothing to land (no repo ids and listing off)")
    source = settings.source(SOURCE)
    scope = hf_scope(list_emissions, named, max_cards)
    listed: list[str] = []
    if list_emissions:
        listed = _listed_repo_ids(con, settings, source, max_cards, emissions_thresholds)
    wanted = _dedupe([*named, *listed])
    cards, refused = _repo_cards(wanted[:max_cards])
    load = land_remote_cards(
        con,
        settings,
        SOURCE,
        cards,
        batch_scope=scope,
        batch_url=listing_url(source, max_cards) if list_emissions else source.base_url,
        key_name="repo",
        refused=refused,
        run_id=run_id,
    )
    load.over_cap = max(0, len(wanted) - max_cards)
    return load


def _listed_repo_ids(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceSettings,
    max_cards: int,
    emissions_thresholds: tuple[float, float],
) -> list[str]:
    """The repo ids the Hub lists as declaring emissions, the listing archived as it returned
    them (repo ids and declared emissions) and recorded in the manifest."""
    models = list_emission_models(
        settings, limit=max_cards, emissions_thresholds=emissions_thresholds
    )
    body = json.dumps(
        [{"id": m.repo_id, CO2_TAG: m.co2_eq_emissions} for m in models],
        default=str,
        ensure_ascii=False,
    ).encode()
    record_manifest(
        con,
        archive_payload(
            SOURCE,
            listing_url(source, max_cards),
            body,
            settings=settings,
            content_type="application/json",
            http_status=200,
        ),
    )
    return [m.repo_id for m in models]


def _repo_cards(repo_ids: Sequence[str]) -> tuple[list[RemoteCard], list[tuple[str, str]]]:
    """The README card of each valid repo id, and (id, reason) for each id refused unfetched."""
    refused = [
        (r, "not a Hugging Face repo id (owner/name)") for r in repo_ids if not _REPO_ID.match(r)
    ]
    cards = [
        RemoteCard(key=r, path_or_url=card_path(r), model_hint=r)
        for r in repo_ids
        if _REPO_ID.match(r)
    ]
    return cards, refused


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the cards listed with co2_eq_emissions, and any named repos."""
    loaded = land_hf_cards(
        con, settings, repo_ids=options.hf_repos, max_cards=options.hf_max_cards, run_id=run_id
    )
    return [loaded.result]


DECLARATION = Source(
    SOURCE,
    "models",
    base_url="https://huggingface.co",
    resources=(Resource("model_cards", TABLE, fetch_current, parse_card),),
    live=(LiveRun(SOURCE, "models", "45 1 * * *", land_live),),
    token=TokenPlacement("bearer", "Authorization"),
)

__all__ = [
    "CO2_TAG",
    "DEFAULT_MAX_CARDS",
    "ListedModel",
    "RemoteCard",
    "RemoteCardsLoad",
    "archived_copy",
    "card_path",
    "declared_grams",
    "fetch_current",
    "land_hf_cards",
    "land_remote_cards",
    "list_emission_models",
]
