"""Numbers, durations and names as cards write them (the helpers every card format shares)."""

from __future__ import annotations

import pytest

from tasks.cards.names import normalise_model_name, split_hardware
from tasks.cards.quantities import fmt, parse_duration_days, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.46M", 1_460_000),
        ("8,930", 8930),
        ("370k", 370_000),
        ("1.3K", 1300),
        ("24_700_000", 24_700_000),
        ("0", 0),
        ("30.84M", 30_840_000),
        ("350-400", None),
        ("*Negligible*", None),
        ("", None),
    ],
)
def test_parse_number(text: str, expected: float | None) -> None:
    got = parse_number(text)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_fmt_is_plain_decimal() -> None:
    assert fmt(30.84e6) == "30840000"
    assert fmt(24_700_000 / 1e6) == "24.7"
    assert fmt(2e-7) == "0.0000002"


def test_duration_helper() -> None:
    assert parse_duration_days("1 day and 19 hours") == (
        pytest.approx(1 + 19 / 24),
        "1 day 19 hours",
    )
    assert parse_duration_days("two weeks") == (pytest.approx(14), "two weeks")
    assert parse_duration_days("40-45 days") is None


def test_hardware_and_name_helpers() -> None:
    assert split_hardware("384 A100 80GB GPUs") == (384, "A100 80GB")
    assert split_hardware("32 x 8 x A100 GPUs") == (256, "A100")
    assert split_hardware("TPU v3-256") == (None, "TPU v3-256")
    assert normalise_model_name("Meta-Llama-3.1-8B") == "Llama 3.1 8B"
    assert normalise_model_name("Llama 3.1 8B ") == "Llama 3.1 8B"
    assert normalise_model_name("Llama 3.2-vision 11B") == "Llama 3.2-vision 11B"
