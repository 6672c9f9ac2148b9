"""A card a user drops into --cards lands on the same leaderboard row as the curated snapshot."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tasks.cards import parse_card

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "warehouse" / "snapshot" / "models"

# Cards whose model names the parser reads from the card itself (the others in ../shared carry
# no name and fall back to their file name, which a user would fix with a heading or a hint).
NAMED_CARDS = [
    "meta-llama_llama2_MODEL_CARD.md",
    "meta-llama_llama3_MODEL_CARD.md",
    "meta-llama_llama3_1_MODEL_CARD.md",
    "meta-llama_llama3_2_MODEL_CARD.md",
    "meta-llama_llama3_2_MODEL_CARD_VISION.md",
    "meta-llama_llama3_3_MODEL_CARD.md",
    "meta-llama_llama4_MODEL_CARD.md",
    "hf_readmes/bigscience_bloom.md",
    "hf_readmes/bigcode_starcoder2-15b.md",
    "hf_readmes/HuggingFaceM4_idefics-80b-instruct.md",
    "hf_readmes/stabilityai_stable-diffusion-2.md",
    "hf_readmes/google-t5_t5-11b.md",
    "hf_readmes/allenai_OLMo-7B.md",
    "hf_readmes/dalle-mini_dalle-mega.md",
]


@pytest.mark.parametrize("card", NAMED_CARDS)
def test_parsed_names_are_snapshot_names(shared_data: Path, card: str) -> None:
    known = set(pl.read_csv(MODELS / "card_facts.csv", infer_schema=False)["model"])
    aliases = pl.read_csv(MODELS / "model_aliases.csv", infer_schema=False)
    by_alias = {a.lower(): m for a, m in zip(aliases["alias"], aliases["model"], strict=True)}
    path = shared_data / "model_cards" / card
    parsed = parse_card(path.read_text(encoding="utf-8"), path.as_uri())
    names = {f.model for f in parsed.facts if "(total)" not in f.model}
    assert names
    for name in names:
        assert name in known or by_alias.get(name.lower()) in known, name
