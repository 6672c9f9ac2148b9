"""`YamlDocument`: the document built from the checked events is what `yaml_safe_load` gives,
value for value and error for error, on LibYAML's parser and on PyYAML's pure-Python one; what
it cannot build plainly (anchors, merge keys, tags, several documents, bad scalars) is left to
`yaml_safe_load`, so those errors stay PyYAML's."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import tasks.cards.safe_yaml as safe_yaml
from tasks.cards.safe_yaml import YamlDocument, yaml_safe_load

REPO = Path(__file__).resolve().parents[2]

# Built from the events: YAML 1.1's implicit types (PyYAML's resolver), explicit core tags,
# flow and block collections, quoting styles, an empty stream.
BUILT = [
    "",
    "# only a comment\n",
    "---\n",
    "a: 1",
    "a: yes\nb: No\nc: on\nd: off\ne: ~\nf: null\ng: Null",
    "a: 0o17\nb: 017\nc: 0x1F\nd: 1_000\ne: 1:30\nf: -1:30:00\ng: 0b101\nh: +1",
    "a: .inf\nb: -.Inf\nc: .nan\nd: 1e3\ne: 1.5e-3\nf: 685_230.15\ng: 190:20:30.15\nh: -.5",
    "d: 2024-02-29\nt: 2001-12-14t21:59:43.10-05:00\nu: 2001-12-14 21:59:43.10\nv: 2002-12-14",
    "1: a\n'1': b",
    "yes: 1\ntrue: 2",
    "~: null key\nnull: x",
    "a: !!str 123\nb: !!int '12'\nc: !!float '1'\nd: !!null ''\ne: !!bool yes",
    "a: !!map {b: 1}\nc: !!seq [1]\nd: ! [1]\ne: ! 12",
    "- a\n- b: [1, 2, {c: d}]\n- ''\n- \"q\"",
    "a: |\n  multi\n  line\nb: >\n  folded\n  text\n",
    "x: 123456789012345678901234567890",
    "{a: 1, b: [x, y], c: {d: e}}",
    "a:\n  - b:\n      c: 1\n    d: 2\n",
    "a: 'it''s'\nb: \"tab\\tx\\u00e9\"",
    "[1, 2]",
    "plain scalar",
    "a: b\n...\n",
    "%YAML 1.1\n---\na: 1",
    "co2_eq_emissions:\n  emissions: 1.5e6\n  source: CodeCarbon\n  hardware_used: 8 x A100\n",
]
# Left to yaml_safe_load: it builds these, or raises for them, as it always has.
LOADED = [
    "d: 2024-02-30",
    "a: &x 1\nb: *x",
    "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2",
    "<<: {a: 1}",
    "a: 1\na: 2",
    "? [a, b]\n: c",
    "a: !!binary aGVsbG8=",
    "a: !!set {x, y}",
    "a: !!python/object:os.system x",
    "a: 1\n---\nb: 2",
    "x: " + "9" * 5000,
    "a: !!timestamp 2020-01-01\nb: &t [1]",
]


def _norm(value: Any) -> Any:
    """A value comparable with ==, NaN included, keys and types kept."""
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    if isinstance(value, dict):
        return ("map", tuple((_norm(k), _norm(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", tuple(_norm(v) for v in value))
    return (type(value).__name__, value)


def _outcome(load: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("value", _norm(load()))
    except Exception as exc:  # the error is part of what must be equal
        return ("error", type(exc).__name__, str(exc))


def _checked(text: str) -> YamlDocument:
    doc = YamlDocument(text)
    for _event in doc.events():
        pass
    return doc


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "pure-python":
        monkeypatch.setattr(safe_yaml, "_StrictCSafeLoader", None)
    elif safe_yaml._StrictCSafeLoader is None:
        pytest.skip("PyYAML was built without LibYAML here")
    return str(request.param)


@pytest.mark.parametrize("text", BUILT)
def test_a_plain_document_is_built_from_its_events_as_safe_load_builds_it(
    parser: str, text: str
) -> None:
    doc = _checked(text)
    assert doc.built
    assert _outcome(doc.load) == _outcome(lambda: yaml_safe_load(text))


@pytest.mark.parametrize("text", LOADED)
def test_the_rest_is_left_to_safe_load_with_its_errors(parser: str, text: str) -> None:
    doc = _checked(text)
    assert not doc.built
    assert _outcome(doc.load) == _outcome(lambda: yaml_safe_load(text))


def test_a_stream_the_parser_refuses_raises_while_the_events_are_read(parser: str) -> None:
    with pytest.raises(yaml.YAMLError):
        _checked("a: [1, 2,")


def test_a_document_whose_events_were_not_all_read_is_loaded_by_safe_load() -> None:
    doc = YamlDocument("a: 1\nb: 2\n")
    next(iter(doc.events()))
    assert not doc.built
    assert doc.load() == {"a": 1, "b": 2}


def _front_matter(text: str) -> str | None:
    if not text.startswith("---\n"):
        return None
    end = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE).search(text, 4)
    return text[4 : end.start()] if end else None


def test_real_cards_and_disclosures_load_alike(shared_data: Path) -> None:
    """Every front matter of the real model cards in ../shared/data, and our example
    disclosures, give what yaml_safe_load gives."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").rglob("*.yaml"))]
    for card in sorted(shared_data.rglob("*.md")):
        front = _front_matter(card.read_text(encoding="utf-8", errors="replace"))
        if front is not None:
            texts.append(front)
    assert len(texts) > 20
    built = 0
    for text in texts:
        doc = _checked(text)
        built += doc.built
        assert _outcome(doc.load) == _outcome(lambda text=text: yaml_safe_load(text)), text[:200]
    assert built > len(texts) // 2
