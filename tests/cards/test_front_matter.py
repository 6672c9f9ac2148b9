"""Hugging Face YAML front matter: `co2_eq_emissions` in grams, units, and hostile YAML.

Synthetic cards (no ../shared needed); the expected values follow the Hugging Face spec.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_card_parsing import _card, one, values

from tasks.cards import CardError, parse_card


def test_bare_number_is_grams() -> None:
    r = parse_card(_card("co2_eq_emissions: 1500\n"), "syn://bare")
    f = one(r, "Tiny-1B", "co2e_t")
    assert f.value == "0.0015" and f.raw_text == "1500" and f.confidence == "high"


@pytest.mark.parametrize(
    ("scalar", "tonnes"), [("17g", 17e-6), ("'0.5 kg'", 0.0005), ("2 t", 2.0), ("'1,200'", 0.0012)]
)
def test_string_with_unit(scalar: str, tonnes: float) -> None:
    r = parse_card(_card(f"co2_eq_emissions: {scalar}\n"), "syn://unit")
    assert values(r, "Tiny-1B", "co2e_t") == [pytest.approx(tonnes)]


def test_unknown_unit_warns() -> None:
    r = parse_card(_card("co2_eq_emissions: 3 furlongs\n"), "syn://bad")
    assert not r.facts and r.warnings


def test_yaml11_underscore_ints() -> None:
    front = "co2_eq_emissions:\n  emissions: 1_250_000\n  training_type: fine-tuning\n"
    r = parse_card(_card(front), "syn://us")
    f = one(r, "Tiny-1B", "co2e_t")
    assert f.value == "1.25" and f.raw_text == "1_250_000" and "fine-tuning" in f.note


def test_implausible_grams_low_confidence() -> None:
    r = parse_card(_card("co2_eq_emissions: 2000000000000000\n"), "syn://big")
    assert one(r, "Tiny-1B", "co2e_t").confidence == "low"
    assert any("implausible" in w for w in r.warnings)


def test_kilograms_in_grams_field_flagged() -> None:
    body = "# Tiny-1B\n\n- **Emissions:** 89.73 KgCO2 (Germany)\n"
    r = parse_card(_card("co2_eq_emissions:\n  emissions: 89.73\n", body), "syn://kg")
    fm = next(f for f in r.facts if f.source_locator.startswith("front matter"))
    assert fm.value == "0.00008973"  # recorded as written
    assert "kilograms" in fm.note
    assert any("kilograms" in w and "89.73" in w for w in r.warnings)


def test_python_object_rejected_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    front = f"x: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(CardError, match="syn://evil"):
        parse_card(_card(front), "syn://evil")
    assert not marker.exists()


def test_alias_bomb_rejected_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    with pytest.raises(CardError, match=r"syn://bomb.*alias"):
        parse_card(_card("\n".join(lines) + "\n"), "syn://bomb")
    assert time.perf_counter() - start < 1


def test_many_aliases_rejected() -> None:
    front = "a: &a 1\nb: [" + ", ".join(["*a"] * 150) + "]\n"
    with pytest.raises(CardError, match="aliases"):
        parse_card(_card(front), "syn://aliases")


def test_oversized_front_matter_rejected() -> None:
    with pytest.raises(CardError, match=r"syn://fm.*front matter"):
        parse_card(_card("a: b\n" * 20_000), "syn://fm")


@pytest.mark.parametrize("front", ["- a\n- b\n", "just a string\n", "42\n"])
def test_non_mapping_front_matter_rejected(front: str) -> None:
    with pytest.raises(CardError, match=r"syn://nm.*mapping"):
        parse_card(_card(front), "syn://nm")


def test_deep_nesting_rejected() -> None:
    with pytest.raises(CardError):
        parse_card(_card("a: " + "[" * 3000 + "]" * 3000 + "\n"), "syn://deep")
