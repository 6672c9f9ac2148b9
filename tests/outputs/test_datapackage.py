"""datapackage.json beside the leaderboard CSV: every column described, a valid descriptor."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tasks.core.settings import get_settings
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.outputs.datapackage import (
    LEADERBOARD_FIELDS,
    TABLE_SCHEMA_TYPES,
    UndescribedColumnError,
    build_descriptor,
    describe,
    write_datapackage,
)
from tasks.outputs.export import export_table

NAME = re.compile(r"^[a-z0-9._-]+$")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The leaderboard CSV of an (empty) warehouse: the real columns, from the real SQL."""
    root = tmp_path_factory.mktemp("dp")
    settings = get_settings(warehouse=root / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        build_models(con)
        csv_path = export_table(con, "leaderboard", root / "exports" / "leaderboard.csv").path
        descriptor = write_datapackage(csv_path, "leaderboard", con)
    return csv_path, descriptor


def check_descriptor(d: dict) -> None:
    """The structural rules of the Data Package and Table Schema specs that we rely on."""
    assert NAME.match(d["name"])
    assert isinstance(d["title"], str) and d["title"]
    assert d["profile"] == "tabular-data-package"
    assert isinstance(d["licenses"], list) and d["licenses"]
    for lic in d["licenses"]:
        assert lic.get("name") or lic.get("path")
    for src in d["sources"]:
        assert src["title"]
    assert isinstance(d["resources"], list) and d["resources"]
    for res in d["resources"]:
        assert NAME.match(res["name"])
        assert res["path"] and not res["path"].startswith("/") and ".." not in res["path"]
        assert res["format"] == "csv" and res["mediatype"] == "text/csv"
        fields = res["schema"]["fields"]
        names = [f["name"] for f in fields]
        assert len(names) == len(set(names))
        for f in fields:
            assert f["type"] in TABLE_SCHEMA_TYPES, f
            assert isinstance(f["description"], str) and len(f["description"]) > 10, f
        for key in res["schema"].get("primaryKey", []):
            assert key in names


def test_every_csv_column_is_described(exported: tuple[Path, Path]) -> None:
    csv_path, descriptor_path = exported
    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    d = json.loads(descriptor_path.read_text(encoding="utf-8"))
    fields = d["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == header
    assert d["resources"][0]["path"] == "leaderboard.csv"
    assert descriptor_path.parent == csv_path.parent
    check_descriptor(d)


def test_units_and_types(exported: tuple[Path, Path]) -> None:
    d = json.loads(exported[1].read_text(encoding="utf-8"))
    by_name = {f["name"]: f for f in d["resources"][0]["schema"]["fields"]}
    assert by_name["total_co2e_t"]["unit"] == "t CO2e"
    assert "Unit: t CO2e." in by_name["total_co2e_t"]["description"]
    assert by_name["total_co2e_t"]["type"] == "number"
    assert by_name["rank"]["type"] == "integer"
    assert by_name["release_date"]["type"] == "date"
    assert by_name["model"]["type"] == "string" and "unit" not in by_name["model"]
    assert by_name["total_co2e_t_low"]["description"].startswith("Low end of the range")
    assert {lic["name"] for lic in d["licenses"]} >= {"CC-BY-4.0", "ODbL-1.0", "MIT"}


def test_no_dictionary_entry_is_stale_for_the_core_columns(exported: tuple[Path, Path]) -> None:
    header = set(exported[0].read_text(encoding="utf-8").splitlines()[0].split(","))
    core = {"rank", "model", "total_co2e_t", "training_co2e_basis", "estimation_tier", "sources"}
    assert core <= header
    for column, (kind, _, _) in LEADERBOARD_FIELDS.items():
        assert kind in TABLE_SCHEMA_TYPES, column


def test_an_undescribed_column_is_an_error() -> None:
    with pytest.raises(UndescribedColumnError):
        describe("mystery_metric")
    with pytest.raises(UndescribedColumnError):
        build_descriptor(["model", "mystery_metric_low"], "leaderboard", "x.csv")


def test_validates_with_frictionless_when_installed(exported: tuple[Path, Path]) -> None:
    frictionless = pytest.importorskip("frictionless", reason="frictionless is optional")
    report = frictionless.validate(str(exported[1]))
    assert report.valid, report.flatten(["type", "note"])


def test_exports_in_one_folder_share_one_package(tmp_path) -> None:
    """The leaderboard and the audit, exported side by side, are two resources of one package;
    re-exporting one replaces only its own entry."""
    import json

    from tasks.outputs.datapackage import AUDIT_FIELDS, write_datapackage

    (tmp_path / "leaderboard.csv").write_text("model,total_co2e_t\nX,1.0\n")
    (tmp_path / "disclosure_audit.csv").write_text(",".join(AUDIT_FIELDS) + "\n")
    write_datapackage(tmp_path / "leaderboard.csv", "leaderboard")
    write_datapackage(tmp_path / "disclosure_audit.csv", "audit")
    write_datapackage(tmp_path / "leaderboard.csv", "leaderboard")
    package = json.loads((tmp_path / "datapackage.json").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"leaderboard", "audit"}
    assert [f["name"] for f in resources["audit"]["schema"]["fields"]] == list(AUDIT_FIELDS)
    assert all(f["description"] for f in resources["audit"]["schema"]["fields"])
    assert resources["leaderboard"]["schema"]["primaryKey"] == ["model"]
    assert "primaryKey" not in resources["audit"]["schema"]
