"""Directories of card files: users' YAML disclosures and Markdown model cards, one bad file
quarantined with its reason while the others still load."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tasks.cards.user_yaml import (
    MAX_BYTES,
    DisclosureFileError,
    decode_card,
    disclosure_file_facts,
    read_card_bytes,
)
from tasks.core.facts import Fact


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A file `load_cards_dir` could not use, and why; the other files still load."""

    path: Path
    field: str | None
    reason: str


MarkdownParser = Callable[[str, str], list[Fact]]
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})


CARD_SUFFIXES = _YAML_SUFFIXES | {".md"}


def is_card_name(path: Path) -> bool:
    """Whether `path` is named like a card file (whatever it is: a regular file, a symbolic
    link, a FIFO; `read_card_bytes` reads only the first and names the others)."""
    if path.suffix.lower() not in CARD_SUFFIXES:
        return False
    try:
        return not stat.S_ISDIR(path.lstat().st_mode)
    except OSError:  # gone since the listing
        return False


def _card_files(directory: Path, recursive: bool) -> Iterator[Path]:
    if not recursive:
        yield from sorted(p for p in directory.iterdir() if is_card_name(p))
        return
    found = []
    for root, _dirs, names in os.walk(directory):  # never into a symlinked folder
        found += [Path(root) / n for n in names if is_card_name(Path(root) / n)]
    yield from sorted(found)


def read_card_file(
    path: Path,
    parse_markdown: MarkdownParser | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    data: bytes | None = None,
) -> list[Fact] | Quarantined | None:
    """One card file's facts, or why it is quarantined; None for a `*.md` file when no
    `parse_markdown` is given. `data` is the file's bytes when the caller has read them
    (`read_card_bytes`: what it archived is what is parsed). Whatever a file holds, it never
    raises: one bad file never stops the others."""
    yaml_file = path.suffix.lower() in _YAML_SUFFIXES
    if not yaml_file and parse_markdown is None:
        return None
    try:
        if data is None:
            data = read_card_bytes(path, max_bytes)
        if not data.strip():
            raise DisclosureFileError(path, None, "empty file: no disclosure in it")
        if yaml_file:
            return disclosure_file_facts(path, data, max_bytes=max_bytes)
        assert parse_markdown is not None
        text = decode_card(path, data, max_bytes)
        # The card's name, not its path, is the facts' source (see user_yaml.disclosure_facts);
        # the parser also takes the model name from it when the card names none.
        return parse_markdown(text, path.name)
    except DisclosureFileError as exc:
        return Quarantined(path, exc.field, exc.reason)
    except Exception as exc:
        # Someone else's parser: whatever it raises, this card is quarantined and the rest of
        # the directory still loads.
        return Quarantined(path, None, f"{type(exc).__name__}: {exc}"[:300])


def iter_cards_dir(
    directory: Path,
    parse_markdown: MarkdownParser | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    recursive: bool = False,
) -> Iterator[tuple[Path, list[Fact] | Quarantined]]:
    """Each disclosure file in `directory` with its facts, or why it was quarantined.

    `*.yaml`/`*.yml` files use the format above; `*.md` model cards go to `parse_markdown`
    (called with the text and the file's URL) and are skipped when none is given. One bad
    file never stops the others.
    """
    for path in _card_files(directory, recursive):
        outcome = read_card_file(path, parse_markdown, max_bytes=max_bytes)
        if outcome is not None:
            yield path, outcome


def load_cards_dir(
    directory: Path,
    parse_markdown: MarkdownParser | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    recursive: bool = False,
) -> tuple[list[Fact], list[Quarantined]]:
    """Facts from every disclosure file in `directory`; unusable files are quarantined."""
    facts: list[Fact] = []
    bad: list[Quarantined] = []
    for _path, result in iter_cards_dir(
        directory, parse_markdown, max_bytes=max_bytes, recursive=recursive
    ):
        if isinstance(result, Quarantined):
            bad.append(result)
        else:
            facts.extend(result)
    return facts, bad
