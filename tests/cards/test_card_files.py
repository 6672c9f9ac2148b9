"""Directories of card files: every usable file loads, each bad one is quarantined with why."""

from __future__ import annotations

import shutil
from pathlib import Path

from tasks.cards.card_files import Quarantined, load_cards_dir
from tasks.core.facts import Fact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cards"


def write(tmp_path: Path, text: str | bytes, name: str) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


def test_load_cards_dir_quarantines_bad_files(tmp_path: Path) -> None:
    for name in ("acme-7b.yaml", "heron-1b.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    write(tmp_path, "model: m\ntraining:\n  gpu_hours: 0\n", "bad.yml")
    write(tmp_path, "- not a mapping\n", "list.yaml")
    write(tmp_path, b"\xff\xff", "garbage.yaml")
    write(tmp_path, "# Card\nGPU hours: 10\n", "good.md")
    write(tmp_path, "# Broken card\n", "broken.md")
    write(tmp_path, "ignored", "notes.txt")

    def parse_md(text: str, source_url: str) -> list[Fact]:
        if "Broken" in text:
            raise RuntimeError("table without header")
        return [Fact("md model", "training", "gpu_hours", "10", "card", source_url, "line 2")]

    facts, bad = load_cards_dir(tmp_path, parse_md)
    models = {f.model for f in facts}
    assert models == {"Acme 7B", "Heron 1B", "md model"}
    md = next(f for f in facts if f.model == "md model")
    assert md.source_url == "good.md"  # its name, never its local path (published)
    by_name = {q.path.name: q for q in bad}
    assert set(by_name) == {"bad.yml", "list.yaml", "garbage.yaml", "broken.md"}
    assert by_name["bad.yml"] == Quarantined(
        tmp_path / "bad.yml", "training.gpu_hours", "must be > 0"
    )
    assert by_name["broken.md"].reason == "RuntimeError: table without header"

    # Without a Markdown parser, cards are left to whoever handles them.
    facts2, bad2 = load_cards_dir(tmp_path)
    assert {f.model for f in facts2} == {"Acme 7B", "Heron 1B"}
    assert {q.path.name for q in bad2} == {"bad.yml", "list.yaml", "garbage.yaml"}


def test_load_cards_dir_examples_clean() -> None:
    facts, bad = load_cards_dir(EXAMPLES)
    assert bad == []
    assert {f.model for f in facts} == {"Acme 7B", "Heron 1B"}
