"""Model cards published on GitHub (Meta's Llama cards, DeepSeek's README), fetched raw and landed
as one batch in raw_model_disclosures.

A card is `{owner}/{repo}/{ref}/{path}` under the GITHUB base URL (raw.githubusercontent.com), or
any absolute URL; the token, when set, goes only to that host as `Authorization: Bearer`. The
default list pins each card to the commit recorded in shared/data/SOURCES.md, so the figures do
not move under us and every later run is a 304. The near-duplicate copies SOURCES.md also lists
(meta-llama/llama's and meta-llama/llama3's own MODEL_CARD.md, the same cards as llama-models')
are left out: they would only repeat the same figures under another URL.

Landing is `tasks.sources.models.hf_hub.land_remote_cards`:
per-card URL and payload hash on every fact, a card
that fails to fetch or parse quarantined by its URL while the others land, a batch of unchanged
cards skipped. Scope: `github:<hash of the card list>`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import duckdb

from tasks.cards import parse_card
from tasks.core.http import clean_url_of
from tasks.core.settings import Settings, TokenPlacement
from tasks.load.land import LoadResult
from tasks.sources.declare import LiveOptions, LiveRun, Resource, Source
from tasks.sources.models.hf_hub import (
    TABLE,
    RemoteCard,
    RemoteCardsLoad,
    fetch_current,
    land_remote_cards,
)

SOURCE = "github"

# (owner/repo/commit/path, model hint). Meta's cards name their models in their own tables and
# headings, so they need no hint; DeepSeek's README opens with a logo, not the model's name.
_LLAMA_MODELS = "meta-llama/llama-models"
DEFAULT_CARDS: tuple[tuple[str, str | None], ...] = (
    (f"{_LLAMA_MODELS}/e2e67cd8b0feca839666b7082dcc1c4fc0ae11e2/models/llama2/MODEL_CARD.md", None),
    (f"{_LLAMA_MODELS}/e2e67cd8b0feca839666b7082dcc1c4fc0ae11e2/models/llama3/MODEL_CARD.md", None),
    (
        f"{_LLAMA_MODELS}/e2e67cd8b0feca839666b7082dcc1c4fc0ae11e2/models/llama3_1/MODEL_CARD.md",
        None,
    ),
    (
        f"{_LLAMA_MODELS}/4a9ff6aede5cb4e036542132bb4f8b77a3134908/models/llama3_2/MODEL_CARD.md",
        None,
    ),
    (
        f"{_LLAMA_MODELS}/e2e67cd8b0feca839666b7082dcc1c4fc0ae11e2/models/llama3_2/"
        "MODEL_CARD_VISION.md",
        None,
    ),
    (
        f"{_LLAMA_MODELS}/8c88b8c0d75dbd136b6895220c4f56ccbe2f2d24/models/llama3_3/MODEL_CARD.md",
        None,
    ),
    (f"{_LLAMA_MODELS}/038acb9fe1e1ddc5cf1b3989fb07b311a0ffcae4/models/llama4/MODEL_CARD.md", None),
    ("meta-llama/codellama/1af62e1f43db1fa5140fa43cb828465a603a48f3/MODEL_CARD.md", None),
    ("deepseek-ai/DeepSeek-V3/e975062c42acae4df5a36c6d348e302021f7a185/README.md", "DeepSeek-V3"),
)

# owner/repo/ref/path with no empty, '.' or '..' segment: a card path never climbs out of the
# repository it names.
_SEGMENT = r"[A-Za-z0-9_.-]+"
_CARD_PATH = re.compile(rf"^{_SEGMENT}/{_SEGMENT}/{_SEGMENT}(?:/{_SEGMENT})+$")


def _refusal(path_or_url: str) -> str | None:
    if re.match(r"^https?://", path_or_url, re.IGNORECASE):
        return None
    parts = path_or_url.split("/")
    if not _CARD_PATH.match(path_or_url) or any(p in {".", ".."} for p in parts):
        return "not an owner/repo/ref/path of a raw GitHub file"
    return None


def github_scope(cards: Sequence[tuple[str, str | None]]) -> str:
    listing = "\n".join(sorted(f"{p}\t{h or ''}" for p, h in cards))
    return f"{SOURCE}:{hashlib.sha256(listing.encode()).hexdigest()[:12]}"


def land_github_cards(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    cards: Sequence[tuple[str, str | None]] = DEFAULT_CARDS,
    *,
    run_id: str | None = None,
) -> RemoteCardsLoad:
    """Land `cards` ((owner/repo/ref/path or URL, model hint) pairs) as one batch."""
    cards = list(dict.fromkeys((p.strip(), h) for p, h in cards if p.strip()))
    if not cards:
        raise ValueError("github: no cards to land")
    source = settings.source(SOURCE)
    refused: list[tuple[str, str]] = []
    remote: list[RemoteCard] = []
    for path, hint in cards:
        why = _refusal(path)
        if why is not None:
            refused.append((path, why))
            continue
        # Quarantine rows and reports name the card by the URL we fetch (token-free).
        remote.append(RemoteCard(clean_url_of(source, path), path, hint))
    return land_remote_cards(
        con,
        settings,
        SOURCE,
        remote,
        batch_scope=github_scope(cards),
        batch_url=source.base_url,
        key_name="url",
        refused=refused,
        run_id=run_id,
    )


def land_live(
    con: duckdb.DuckDBPyConnection, settings: Settings, _options: LiveOptions, run_id: str | None
) -> list[LoadResult]:
    """The scheduled run: the default list of pinned model cards."""
    return [land_github_cards(con, settings, run_id=run_id).result]


DECLARATION = Source(
    SOURCE,
    "models",
    base_url="https://raw.githubusercontent.com",
    resources=(Resource("model_cards", TABLE, fetch_current, parse_card),),
    live=(LiveRun(SOURCE, "models", "45 1 * * *", land_live),),
    token=TokenPlacement("bearer", "Authorization"),
)

__all__ = ["DEFAULT_CARDS", "SOURCE", "github_scope", "land_github_cards"]
