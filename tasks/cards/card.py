"""`parse_card`: one model card through every format's reader, then the cross-checks.

The order matters and is the whole dispatch: tables first (they name the card's models and its
aggregate), then the YAML front matter, key/value blocks and prose, each skipping lines an
earlier reader consumed; repeats are dropped and contradictions noted before `Fact`s are built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.cards.cross_check import cross_check, dedupe
from tasks.cards.draft import CardError, Context, Draft
from tasks.cards.front_matter import (
    extract_front_matter,
    model_from_front_matter,
    split_front_matter,
)
from tasks.cards.kv_blocks import extract_kv_blocks
from tasks.cards.names import name_from_heading
from tasks.cards.prose import extract_prose, power_pue
from tasks.cards.tables import extract_tables
from tasks.cards.text import short
from tasks.core.facts import Fact

MAX_CARD_BYTES = 2 * 1024 * 1024
_CARD_SUFFIX = re.compile(r"\.(md|markdown|txt|html?)$")


@dataclass(frozen=True, slots=True)
class CardParse:
    facts: list[Fact]
    warnings: list[str]
    model: str | None


def parse_card(
    text: str, source_url: str, *, model_hint: str | None = None, source_kind: str = "card"
) -> CardParse:
    """Parse one model card into disclosure facts.

    Raises CardError for cards that are too big or whose front matter is unsafe, malformed or not
    a mapping. Everything else (odd cells, unknown units, contradictions) becomes a warning.
    """
    text = _card_text(text, source_url)
    fm, fm_lines = split_front_matter(text, source_url)
    lines = text.split("\n")
    named = model_hint or model_from_front_matter(fm) or _heading_name(lines, fm_lines)
    ctx = Context(source_url, source_kind, lines, named or "")
    # Blank out the front matter so body passes never read YAML as Markdown.
    skip = set(range(1, fm_lines + 1))
    body_text = "\n" * fm_lines + "\n".join(lines[fm_lines:]) if fm_lines else text
    ctx.consumed |= skip

    extract_tables(ctx, body_text, skip)
    warnings: list[str] = []
    if not named:
        named = _name_after_tables(ctx, warnings)
    extract_front_matter(ctx, fm, fm_lines)
    extract_kv_blocks(ctx, fm_lines)
    _note_block_models(ctx)
    extract_prose(ctx, fm_lines)
    power_pue(ctx, text)

    drafts = dedupe(ctx.drafts)
    cross_check(ctx, drafts)
    facts = [_fact(ctx, d) for d in drafts]
    return CardParse(facts=facts, warnings=warnings + ctx.warnings, model=named)


def _card_text(text: str, source_url: str) -> str:
    """The card's text with one kind of line end and no BOM; too big or not text is an error."""
    if not isinstance(text, str):
        raise CardError(f"{source_url}: card text must be str, got {type(text).__name__}")
    if len(text) > MAX_CARD_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_CARD_BYTES:
        raise CardError(f"{source_url}: card is larger than {MAX_CARD_BYTES} bytes; rejected")
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _heading_name(lines: list[str], fm_lines: int) -> str | None:
    """The model named by the first '# ' heading outside code blocks, if it names one."""
    in_code = False
    for s in lines[fm_lines:]:
        if s.lstrip().startswith("```"):
            in_code = not in_code
        if not in_code and s.startswith("# "):
            return name_from_heading(s[2:])
    return None


def _name_after_tables(ctx: Context, warnings: list[str]) -> str | None:
    """With no hint, front-matter name or heading: the tables' family, else the URL's stem."""
    fam = ctx.aggregate.removesuffix(" (total)") if ctx.aggregate else ""
    named = fam or None
    if not named:
        stem = _CARD_SUFFIX.sub("", ctx.source_url.rstrip("/").split("/")[-1])
        fallback = stem or "unknown model"
        warnings.append(
            f"{ctx.source_url}: no model name in hint, front matter or heading; "
            f"using {fallback!r} from the source URL"
        )
        ctx.card_model = fallback
    else:
        ctx.card_model = named
    # Rows were read with an empty card model; repair the aggregate fallbacks.
    for d in ctx.drafts:
        if not d.model or d.model == " (total)":
            d.model = ctx.aggregate or ctx.card_model
    return named


def _note_block_models(ctx: Context) -> None:
    """Models named by key/value blocks join the known models; several make an aggregate."""
    block_models = list(dict.fromkeys(d.model for d in ctx.drafts if d.origin == "kv"))
    ctx.known_models = list(dict.fromkeys(ctx.table_models + block_models))
    if not ctx.aggregate and len([m for m in block_models if m != ctx.card_model]) >= 2:
        # Several per-model blocks (IDEFICS): a project total belongs to the family, not to one.
        ctx.aggregate = f"{ctx.card_model} (total)"


def _fact(ctx: Context, d: Draft) -> Fact:
    if not d.model:
        d.model = ctx.card_model
    try:
        return Fact(
            model=d.model,
            phase=d.phase,
            field=d.field,
            value=d.value,
            source_kind=ctx.source_kind,
            source_url=ctx.source_url,
            source_locator=d.locator,
            raw_text=short(d.raw, 200),
            confidence=d.confidence,
            note="; ".join(dict.fromkeys(d.notes)),
        )
    except ValueError as e:  # an invalid source_kind is the caller's error: surface it
        raise CardError(f"{ctx.source_url}: {e}") from e
