"""The curated training sites (warehouse/snapshot/models/training_sites.csv, issue 14)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from tasks.core.curated import CuratedDataError
from tasks.core.locations import LocationResolver
from tasks.sources.models.training_sites import parse_training_sites

SNAPSHOT = Path(__file__).resolve().parents[2] / "warehouse" / "snapshot"
SITES = SNAPSHOT / "models" / "training_sites.csv"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def sites():
    return parse_training_sites(SITES.read_bytes())


def test_every_row_cites_and_resolves_to_a_zone_with_annual_intensity(sites) -> None:
    aliases = [(r["alias"], r["zone_key"]) for r in _csv(SNAPSHOT / "grid/location_aliases.csv")]
    zones = {r["zone_key"]: r["country_iso2"] for r in _csv(SNAPSHOT / "grid/zones.csv")}
    annual = {r["zone_key"] for r in _csv(SNAPSHOT / "grid/grid_intensity_annual.csv")}
    resolver = LocationResolver(aliases, zones)
    for site in sites:
        assert site.source.startswith("https://"), site
        zone = resolver.resolve(site.location).resolved
        assert zone in annual, (site.location, zone)


def test_shares_sum_to_one_per_organisation_and_vendor(sites) -> None:
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for site in sites:
        totals[(site.organization, site.cloud_vendor)] += site.share
    assert all(abs(t - 1.0) <= 1e-9 for t in totals.values()), totals
    assert any(org == "" for org, _ in totals)  # vendor-only rows exist


def test_organisations_are_spelled_as_in_the_facts(sites) -> None:
    facts = [*_csv(SNAPSHOT / "models/epoch_facts.csv"), *_csv(SNAPSHOT / "models/card_facts.csv")]
    names = {n for r in facts if r["field"] == "organization" for n in r["value"].split("; ")}
    assert {s.organization for s in sites if s.organization} <= names


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Meta,,Oregon,0.5,,,https://x.org,\nMeta,,Ohio,0.4,,,https://x.org,\n", "share"),
        ("Meta,,Oregon,1,,,not a url,\n", "line 2: column 'source'"),
        (",,Oregon,1,,,https://x.org,\n", "organization or cloud_vendor"),
        ("Meta,,Oregon,1,2024-13-01,,https://x.org,\n", "line 2: column 'valid_from'"),
    ],
)
def test_bad_rows_name_file_line_and_column(body: str, message: str) -> None:
    header = "organization,cloud_vendor,location,share,valid_from,valid_to,source,note\n"
    with pytest.raises(CuratedDataError, match=r"training_sites\.csv") as err:
        parse_training_sites((header + body).encode())
    assert message in str(err.value)
