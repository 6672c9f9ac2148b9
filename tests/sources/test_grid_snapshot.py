"""The bundled grid snapshot (warehouse/snapshot/grid) and the builder that makes it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[2]
BUILDER = REPO / "scripts" / "snapshot" / "build_grid.py"
FILES = {
    "grid_intensity_annual.csv": (
        ["zone_key", "year", "carbon_intensity_g_per_kwh", "basis", "source", "source_url"],
        ["source", "zone_key", "year", "basis"],
    ),
    "zones.csv": (
        ["zone_key", "zone_name", "zone_type", "country_iso2", "country_iso3", "source"],
        ["zone_key"],
    ),
    "cloud_regions.csv": (
        ["provider", "region", "region_name", "zone_key", "country_iso2", "pue", "source"],
        ["provider", "region"],
    ),
    "location_aliases.csv": (["alias", "zone_key", "kind", "source"], ["alias"]),
}
ALIAS_KINDS = {
    "country_name",
    "iso2",
    "iso3",
    "em_zone",
    "balancing_authority",
    "cloud_region",
    "city",
    "other",
}


def _read(snapshot_dir: Path, name: str) -> pl.DataFrame:
    # Everything as text first, as a consumer of the contract would see it.
    return pl.read_csv(snapshot_dir / "grid" / name, infer_schema_length=0)


@pytest.fixture(scope="module")
def intensity(snapshot_dir: Path) -> pl.DataFrame:
    return _read(snapshot_dir, "grid_intensity_annual.csv").with_columns(
        pl.col("year").cast(pl.Int64), pl.col("carbon_intensity_g_per_kwh").cast(pl.Float64)
    )


@pytest.fixture(scope="module")
def zones(snapshot_dir: Path) -> pl.DataFrame:
    return _read(snapshot_dir, "zones.csv")


@pytest.fixture(scope="module")
def cloud(snapshot_dir: Path) -> pl.DataFrame:
    return _read(snapshot_dir, "cloud_regions.csv")


@pytest.fixture(scope="module")
def aliases(snapshot_dir: Path) -> pl.DataFrame:
    return _read(snapshot_dir, "location_aliases.csv")


# --- shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES))
def test_columns_and_natural_key(snapshot_dir: Path, name: str) -> None:
    columns, key = FILES[name]
    df = _read(snapshot_dir, name)
    assert df.columns == columns
    assert df.height > 0
    assert not df.select(key).is_duplicated().any(), f"{name}: duplicate {key}"


def test_alias_natural_key_is_unique_after_normalisation(aliases: pl.DataFrame) -> None:
    from tasks.core.locations import normalise_location

    norms = [normalise_location(a) for a in aliases["alias"].to_list()]
    assert len(norms) == len(set(norms))
    assert "" not in norms


def test_every_row_names_its_source(intensity: pl.DataFrame, cloud: pl.DataFrame) -> None:
    for col in ("source", "source_url"):
        assert intensity[col].null_count() == 0
        assert (intensity[col].str.len_chars() > 0).all()
    assert intensity["source_url"].str.starts_with("https://").all()
    assert cloud["source"].null_count() == 0


def test_values_are_plausible(intensity: pl.DataFrame) -> None:
    values = intensity["carbon_intensity_g_per_kwh"]
    assert values.null_count() == 0
    assert values.min() >= 0 and values.max() <= 2000  # type: ignore[operator]


def test_basis_per_source(intensity: pl.DataFrame) -> None:
    basis = dict(intensity.select("source", "basis").unique().iter_rows())
    assert basis == {
        "ember_owid": "lifecycle",
        "electricitymaps_co2js": "lifecycle",
        "mlco2_em_2021": "unknown",
    }


def test_country_coverage(intensity: pl.DataFrame, zones: pl.DataFrame) -> None:
    countries = set(zones.filter(pl.col("zone_type") == "country")["zone_key"].to_list())
    per_country = intensity.filter(pl.col("zone_key").is_in(countries))
    in_2000 = set(per_country.filter(pl.col("year") == 2000)["zone_key"].to_list())
    recent = set(per_country.filter(pl.col("year") >= 2022)["zone_key"].to_list())
    assert len(in_2000 & recent) >= 150


def test_every_zone_key_is_a_zone(
    intensity: pl.DataFrame, zones: pl.DataFrame, cloud: pl.DataFrame, aliases: pl.DataFrame
) -> None:
    known = set(zones["zone_key"].to_list())
    for df in (intensity, cloud, aliases):
        assert set(df["zone_key"].to_list()) <= known


def test_zones_name_their_country(zones: pl.DataFrame) -> None:
    assert set(zones["zone_type"].to_list()) <= {"country", "subzone", "world"}
    placed = zones.filter(pl.col("zone_type") != "world")
    assert placed["country_iso2"].null_count() == 0
    assert placed["country_iso3"].str.len_chars().eq(3).all()
    row = zones.filter(pl.col("zone_key") == "US-CAL-CISO").row(0, named=True)
    assert (row["zone_type"], row["country_iso2"], row["country_iso3"]) == ("subzone", "US", "USA")
    # country keys are ISO2 and are their own country
    countries = zones.filter(pl.col("zone_type") == "country")
    assert (countries["zone_key"] == countries["country_iso2"]).all()


def test_cloud_regions_cover_the_big_three(cloud: pl.DataFrame) -> None:
    counts = dict(cloud.group_by("provider").len().iter_rows())
    assert counts["aws"] >= 20 and counts["gcp"] >= 30 and counts["azure"] >= 40
    by_region = {
        (p, r): z for p, r, z in cloud.select("provider", "region", "zone_key").iter_rows()
    }
    # Electricity Maps' data_centers.json is preferred when it places a region.
    assert by_region[("gcp", "us-central1")] == "US-CENT-SWPP"
    assert by_region[("azure", "westus2")] == "US-NW-BPAT"
    assert by_region[("aws", "us-east-1")] == "US-MIDA-PJM"
    # Google calls us-east2's place "Georgia": the US state, not the country.
    assert by_region[("gcp", "us-east2")] == "US"
    names = dict(cloud.filter(pl.col("provider") == "azure").select("region", "region_name").rows())
    assert names["westus2"] == "West US 2" and names["eastus"] == "East US"
    pue = cloud.filter(pl.col("pue") != "")["pue"].cast(pl.Float64)
    assert pue.len() > 0 and pue.is_between(1.0, 3.0).all()


def test_alias_kinds(aliases: pl.DataFrame) -> None:
    assert set(aliases["kind"].to_list()) <= ALIAS_KINDS
    assert aliases["source"].null_count() == 0
    kinds = set(aliases["kind"].to_list())
    assert {"country_name", "iso2", "iso3", "em_zone", "balancing_authority"} <= kinds
    assert {"cloud_region", "city"} <= kinds


def test_files_are_sorted(
    intensity: pl.DataFrame, zones: pl.DataFrame, cloud: pl.DataFrame
) -> None:
    keys = intensity.select("zone_key", "source", "year", "basis")
    assert keys.equals(keys.sort("zone_key", "source", "year", "basis"))
    assert zones["zone_key"].to_list() == sorted(zones["zone_key"].to_list())
    pairs = cloud.select("provider", "region").rows()
    assert pairs == sorted(pairs)


# --- against the raw third-party files (skipped without ../shared) -------------------------------


def _value(intensity: pl.DataFrame, source: str, zone: str, year: int) -> float:
    row = intensity.filter(
        (pl.col("source") == source) & (pl.col("zone_key") == zone) & (pl.col("year") == year)
    )
    assert row.height == 1, (source, zone, year)
    return float(row["carbon_intensity_g_per_kwh"][0])


def test_spot_values_match_owid(intensity: pl.DataFrame, shared_data: Path) -> None:
    raw = pl.read_csv(shared_data / "grid" / "owid_grapher_carbon-intensity-electricity.csv")
    value_col = raw.columns[3]
    for code, zone, year in [("FRA", "FR", 2022), ("DEU", "DE", 2000), ("USA", "US", 2023)]:
        expected = raw.filter((pl.col("Code") == code) & (pl.col("Year") == year))[value_col][0]
        assert _value(intensity, "ember_owid", zone, year) == pytest.approx(expected, abs=1e-3)
    assert _value(intensity, "ember_owid", "FR", 2022) == pytest.approx(78.55, abs=0.01)


def test_spot_values_match_electricity_maps(intensity: pl.DataFrame, shared_data: Path) -> None:
    folder = shared_data / "grid" / "electricitymaps_yearly_co2js"
    for year, zone in [(2024, "US-CAL-CISO"), (2022, "FR"), (2025, "SE-SE3")]:
        raw = json.loads((folder / f"yearly_{year}.json").read_text(encoding="utf-8"))
        expected = raw[zone]["carbonIntensity"]["value"]
        assert _value(intensity, "electricitymaps_co2js", zone, year) == expected


def test_spot_values_match_mlco2(intensity: pl.DataFrame, shared_data: Path) -> None:
    raw = pl.read_csv(shared_data / "grid" / "mlco2_impact_2021-10-27_yearly_averages.csv")
    row = raw.filter((pl.col("zone_key") == "US-CA") & (pl.col("year") == 2019))
    expected = float(row["carbon_intensity_avg"][0])
    assert _value(intensity, "mlco2_em_2021", "US-CA", 2019) == pytest.approx(expected, abs=1e-3)


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_grid", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_grid"] = module
    spec.loader.exec_module(module)
    return module


def test_builder_reproduces_the_committed_snapshot(
    shared_data: Path, snapshot_dir: Path, tmp_path: Path
) -> None:
    builder = _load_builder()
    assert builder.main(["--shared", str(shared_data), "--out", str(tmp_path)]) == 0
    for name in FILES:
        committed = (snapshot_dir / "grid" / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, f"{name} is stale: re-run the builder"


def test_builder_drops_impossible_values() -> None:
    builder = _load_builder()
    df = pl.DataFrame(
        {
            "zone_key": ["A", "B", "C", "D"],
            "year": [2020, 2020, 2020, 2020],
            "carbon_intensity_g_per_kwh": [-1.0, 0.0, 2000.0, 2500.0],
            "basis": ["unknown"] * 4,
            "source": ["x", "x", "y", "y"],
            "source_url": ["https://example.org"] * 4,
        }
    )
    kept, dropped = builder.drop_impossible(df)
    assert kept["zone_key"].to_list() == ["B", "C"]
    assert dropped == {"x": 1, "y": 1}


@pytest.mark.parametrize(
    ("code", "expected"),
    [("FRA", ("FR", "FRA")), ("OWID_KOS", ("XK", "XKX")), ("OWID_WRL", ("WORLD", "")), ("", None)],
)
def test_owid_codes_map_to_zones(code: str, expected: tuple[str, str] | None) -> None:
    assert _load_builder().owid_code_to_zone(code) == expected
