"""The location resolver: text written any way -> one grid zone, or an honest 'unresolved'."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.core.locations import LocationResolver, Resolution, normalise_location

# --- pure behaviour, on a hand-made alias table ---------------------------------------------------

TOY = [
    ("France", "FR"),
    ("FRA", "FR"),
    ("FR", "FR"),
    ("Netherlands", "NL"),
    ("United States", "US"),
    ("USA", "US"),
    ("US", "US"),
    ("US-CAL-CISO", "US-CAL-CISO"),
    ("CISO", "US-CAL-CISO"),
    ("us-west1", "US-NW-PACW"),
    ("US-NW-PACW", "US-NW-PACW"),
    ("Springfield", "FR"),  # deliberately ambiguous: two zones in two countries
    ("Springfield", "US"),
]


@pytest.fixture(scope="module")
def toy() -> LocationResolver:
    return LocationResolver(TOY)


def test_normalise_location_unifies_case_accents_and_punctuation() -> None:
    assert normalise_location("  U.S.-East (N. Virginia) ") == "u s east n virginia"
    assert normalise_location("Zürich") == "zurich"
    assert normalise_location("São  Paulo") == "sao paulo"
    assert normalise_location("us-west1") == normalise_location("US_WEST1")


@pytest.mark.parametrize(
    ("text", "zone", "method"),
    [
        ("US-CAL-CISO", "US-CAL-CISO", "exact"),
        ("us cal ciso", "US-CAL-CISO", "exact"),
        ("fr", "FR", "exact"),
        ("France", "FR", "alias"),
        ("FRANCE", "FR", "alias"),
        ("CISO", "US-CAL-CISO", "alias"),
        ("Orsay, France", "FR", "part"),
        ("Eemshaven, Netherlands, Europe", "NL", "part"),
        ("somewhere in the USA", "US", "contains"),
    ],
)
def test_toy_resolutions(toy: LocationResolver, text: str, zone: str, method: str) -> None:
    res = toy.resolve(text)
    assert (res.resolved, res.method) == (zone, method), res
    assert res.input == text


def test_country_and_subzone_in_it_resolve_to_the_subzone(toy: LocationResolver) -> None:
    res = toy.resolve("us-west1, USA")
    assert res.resolved == "US-NW-PACW"
    assert res.method == "part"
    assert "US" in res.note


def test_parts_in_different_countries_stay_unresolved(toy: LocationResolver) -> None:
    res = toy.resolve("France, USA")
    assert res.resolved is None and res.method == "unresolved"
    assert "FR" in res.note and "US" in res.note


def test_ambiguous_alias_is_not_guessed(toy: LocationResolver) -> None:
    res = toy.resolve("Springfield")
    assert res.resolved is None and res.method == "unresolved"
    assert "several zones" in res.note


@pytest.mark.parametrize("text", ["", "   ", None, "the cloud", "n/a", "???"])
def test_nonsense_is_unresolved_with_a_reason(toy: LocationResolver, text: str | None) -> None:
    res = toy.resolve(text)
    assert res == Resolution(res.input, None, "unresolved", None, res.note)
    assert res.note


def test_unknown_subzone_key_does_not_fall_back_to_a_country(toy: LocationResolver) -> None:
    # 'FR' is a valid comma part/prefix of nothing here, and 'US' is the prefix: neither is used.
    for text in ("US-NW-WAAT", "FR-XX-FOO", "us-west9"):
        res = toy.resolve(text)
        assert res.resolved is None, res
        assert "unknown" in res.note


def test_short_codes_are_not_found_inside_sentences(toy: LocationResolver) -> None:
    # "fr" and "us" are aliases, but only as the whole text or a whole comma part.
    assert toy.resolve("trained by us for fun").resolved is None


def test_resolution_is_deterministic() -> None:
    a = LocationResolver(TOY)
    b = LocationResolver(list(reversed(TOY)))
    for text in ("Springfield", "us-west1, USA", "France, USA", "Orsay, France"):
        assert a.resolve(text) == b.resolve(text)


# --- the committed snapshot (warehouse/snapshot only, no ../shared needed) ------------------------


@pytest.fixture(scope="module")
def resolver(snapshot_dir: Path) -> LocationResolver:
    return LocationResolver.from_snapshot(snapshot_dir)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("US", "US"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("U.S.", "US"),
        ("FRA", "FR"),
        ("France", "FR"),
        ("Orsay, France", "FR"),
        ("Eemshaven, Netherlands, Europe", "NL"),
        ("US-CAL-CISO", "US-CAL-CISO"),
        ("CISO", "US-CAL-CISO"),
        ("CAISO", "US-CAL-CISO"),
        ("ERCO", "US-TEX-ERCO"),
        ("PJM", "US-MIDA-PJM"),
        ("MISO", "US-MIDW-MISO"),
        ("BPAT", "US-NW-BPAT"),
        ("SOCO", "US-SE-SOCO"),
        ("NYIS", "US-NY-NYIS"),
        ("AZPS", "US-SW-AZPS"),
        # Electricity Maps places GCP us-west1 (The Dalles, Oregon) in PacifiCorp West.
        ("us-west1", "US-NW-PACW"),
        ("West US 2", "US-NW-BPAT"),
        ("westus2", "US-NW-BPAT"),
        ("azure westus2", "US-NW-BPAT"),
        ("East US", "US-MIDA-PJM"),
        ("aws us-east-1", "US-MIDA-PJM"),
        ("Singapore", "SG"),
        ("Canada", "CA"),
        ("Germany", "DE"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("South Korea", "KR"),
        ("Russia", "RU"),
        ("Kosovo", "XK"),
    ],
)
def test_snapshot_resolves(resolver: LocationResolver, text: str, zone: str) -> None:
    res = resolver.resolve(text)
    assert res.resolved == zone, res
    assert res.method in {"exact", "alias", "part", "contains"}


@pytest.mark.parametrize("text", ["the cloud", "", "Europe", "asdfgh", "US-NW-WAAT"])
def test_snapshot_leaves_nonsense_unresolved(resolver: LocationResolver, text: str) -> None:
    res = resolver.resolve(text)
    assert res.resolved is None and res.method == "unresolved" and res.note


def test_snapshot_state_and_city_disagreement_is_unresolved(resolver: LocationResolver) -> None:
    # 'Paris' is a cloud city in France, 'Texas' a US state: a contradiction, not a guess.
    assert resolver.resolve("Paris, Texas").resolved is None


def test_snapshot_subzone_never_becomes_another_country(resolver: LocationResolver) -> None:
    # The second segment of US-CAL-CISO spells a country-like 'CA' (Canada); it must not win.
    assert resolver.resolve("US-CAL-CISO").resolved == "US-CAL-CISO"
    assert resolver.resolve("Council Bluffs, Iowa").resolved == "US-CENT-SWPP"
