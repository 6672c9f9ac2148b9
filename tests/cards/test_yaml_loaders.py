"""The YAML readers on LibYAML's C parser (when PyYAML has it) and on PyYAML's pure-Python one:
the same hostile inputs are refused for the same reasons, and the same files give the same facts.

The hostile-input tests of the two parser modules are imported and run again here with the
C parser switched off (`pure_python_yaml`), so both parsers pass the same checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from test_front_matter import test_alias_bomb_rejected_quickly as test_card_alias_bomb
from test_front_matter import test_deep_nesting_rejected as test_card_deep_nesting
from test_front_matter import test_many_aliases_rejected as test_card_many_aliases
from test_front_matter import test_non_mapping_front_matter_rejected as test_card_non_mapping
from test_front_matter import test_oversized_front_matter_rejected as test_card_oversized_fm
from test_front_matter import test_python_object_rejected_without_running as test_card_python
from test_front_matter import test_yaml11_underscore_ints as test_card_yaml11_ints
from test_user_yaml import test_alias_bomb_rejected_quickly as test_yaml_alias_bomb
from test_user_yaml import test_binary_garbage_rejected as test_yaml_binary_garbage
from test_user_yaml import test_deep_nesting_rejected as test_yaml_deep_nesting
from test_user_yaml import test_examples_load as test_yaml_examples_load
from test_user_yaml import test_file_level_errors as test_yaml_file_level_errors
from test_user_yaml import test_invalid_names_file_and_field as test_yaml_invalid_fields
from test_user_yaml import test_many_nodes_rejected_quickly as test_yaml_many_nodes
from test_user_yaml import test_python_tags_are_refused_and_never_run as test_yaml_tags
from test_user_yaml import (
    test_small_bomb_under_the_limit_is_never_expanded as test_yaml_small_bomb,
)

import tasks.cards.safe_yaml as safe_yaml
from tasks.cards import CardError, parse_card, yaml_events
from tasks.cards.user_yaml import DisclosureFileError, load_disclosure_file, parse_disclosure

REPO = Path(__file__).resolve().parents[2]

RERUN = (
    test_card_alias_bomb,
    test_card_deep_nesting,
    test_card_many_aliases,
    test_card_non_mapping,
    test_card_oversized_fm,
    test_card_python,
    test_card_yaml11_ints,
    test_yaml_alias_bomb,
    test_yaml_binary_garbage,
    test_yaml_deep_nesting,
    test_yaml_examples_load,
    test_yaml_file_level_errors,
    test_yaml_invalid_fields,
    test_yaml_many_nodes,
    test_yaml_small_bomb,
    test_yaml_tags,
)


@pytest.fixture(autouse=True)
def pure_python_yaml(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The imported tests run on the pure-Python parser (their own modules run them on C)."""
    if getattr(request.function, "__name__", "") in {f.__name__ for f in RERUN}:
        monkeypatch.setattr(safe_yaml, "_C_SAFE_LOADER", None)


def _events(text: str) -> list[tuple[Any, ...]]:
    return [
        (
            type(e).__name__,
            getattr(e, "anchor", None),
            getattr(e, "tag", None),
            getattr(e, "value", None),
            getattr(e, "style", None) or None,  # a plain scalar: None from Python, '' from C
        )
        for e in yaml_events(text)
    ]


SAMPLES = [
    "model: m\ntraining:\n  gpu: H100\n  gpu_count: 512\n",
    "a: &x [1, 2]\nb: *x\nc: 'quoted'\nd: \"dq\"\ne: |\n  block\n",
    "model: !!str 5\nx: !custom y\n? complex\n: key\n",
    "k: !!python/object/apply:os.system ['echo']\n",
]


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without LibYAML")
@pytest.mark.parametrize("text", SAMPLES)
def test_both_parsers_give_the_same_events(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert safe_yaml._C_SAFE_LOADER is yaml.CSafeLoader
    fast = _events(text)
    monkeypatch.setattr(safe_yaml, "_C_SAFE_LOADER", None)
    assert _events(text) == fast


def test_text_libyaml_cannot_encode_is_refused_as_yaml(tmp_path: Path) -> None:
    # A lone surrogate cannot be UTF-8: LibYAML is skipped, the Python reader refuses it.
    with pytest.raises(DisclosureFileError, match="not valid YAML"):
        parse_disclosure(Path("x.yaml"), "model: m\nsource: \ud800\n")
    with pytest.raises(CardError, match="front matter"):
        parse_card("---\nmodel_name: \ud800\n---\n# m\n", "syn://surrogate")


@pytest.mark.parametrize(
    "card",
    sorted((REPO / "examples" / "cards").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_same_facts_from_both_parsers(card: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_disclosure_file(card)
    monkeypatch.setattr(safe_yaml, "_C_SAFE_LOADER", None)
    assert load_disclosure_file(card) == fast


def test_same_front_matter_facts_from_both_parsers(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = sorted((shared_data / "model_cards").rglob("*.md"))
    assert cards

    def parse_all() -> list[Any]:
        out: list[Any] = []
        for c in cards:
            try:
                r = parse_card(c.read_text(errors="replace"), c.as_uri(), source_kind="user")
                out.append((r.facts, r.warnings))
            except CardError as err:
                out.append(type(err))
        return out

    fast = parse_all()
    monkeypatch.setattr(safe_yaml, "_C_SAFE_LOADER", None)
    assert parse_all() == fast
