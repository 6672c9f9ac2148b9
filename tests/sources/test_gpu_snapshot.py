"""Bundled GPU snapshot (warehouse/snapshot/gpus): shape, sanity, provenance, reproducibility."""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from tasks.core.gpu_names import family_defaults, normalise_gpu_name
from tasks.load.validate import business_columns

REPO = Path(__file__).resolve().parents[2]
# The snapshot's columns are the raw table's business columns, in the DDL's order (the contract).
SPEC_COLUMNS = list(business_columns("raw_gpu_specs"))
FLOAT_COLUMNS = [
    c
    for c in SPEC_COLUMNS
    if c.endswith(("_w", "_gb", "_gb_s", "_tflops", "_mm2", "_low", "_central", "_high", "_l"))
    or c == "price_usd"
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def specs(snapshot_dir: Path) -> list[dict[str, str]]:
    return _rows(snapshot_dir / "gpus" / "gpu_specs.csv")


@pytest.fixture(scope="module")
def aliases(snapshot_dir: Path) -> list[dict[str, str]]:
    return _rows(snapshot_dir / "gpus" / "gpu_aliases.csv")


@pytest.fixture(scope="module")
def by_id(specs: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["gpu_id"]: r for r in specs}


def _f(row: dict[str, str], col: str) -> float | None:
    return float(row[col]) if row[col] != "" else None


def test_headers_match_contract(snapshot_dir: Path) -> None:
    with (snapshot_dir / "gpus" / "gpu_specs.csv").open() as f:
        assert next(csv.reader(f)) == SPEC_COLUMNS
    with (snapshot_dir / "gpus" / "gpu_aliases.csv").open() as f:
        assert next(csv.reader(f)) == ["alias", "gpu_id", "note"]
    # The contract's table names the same columns (ranges like `..._central` spelled out here).
    doc = (REPO / "docs" / "data-contracts.md").read_text(encoding="utf-8")
    section = doc.split("### `gpu_specs.csv`", 1)[1].split("###", 1)[0]
    for col in SPEC_COLUMNS:
        if not col.startswith("rental_usd_per_gpu_hour_") or col.endswith("_low"):
            assert f"`{col}`" in section, col


def test_ids_unique_slugs_sorted(specs: list[dict[str, str]]) -> None:
    ids = [r["gpu_id"] for r in specs]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)


def test_values_parse(specs: list[dict[str, str]]) -> None:
    for r in specs:
        for col in FLOAT_COLUMNS:
            if r[col] != "":
                x = float(r[col])
                assert math.isfinite(x) and x >= 0, (r["gpu_id"], col, r[col])
        assert r["is_training_accelerator"] in {"true", "false"}
        assert r["kind"] in {"gpu", "tpu", "accelerator"}
        if r["release_date"]:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["release_date"]), r["gpu_id"]
        assert r["specs_source"], r["gpu_id"]


def test_tdp_plausible(specs: list[dict[str, str]]) -> None:
    for r in specs:
        tdp = _f(r, "tdp_w")
        if r["is_training_accelerator"] == "true":
            assert tdp is None or 10 <= tdp <= 2000, r["gpu_id"]
        else:
            # Catalogue entries all have a TDP by construction; embedded chips go down to ~2 W.
            assert tdp is not None and 0 < tdp <= 2000, r["gpu_id"]


def test_enough_complete_training_accelerators(specs: list[dict[str, str]]) -> None:
    training = [r for r in specs if r["is_training_accelerator"] == "true"]
    complete = [
        r
        for r in training
        if all(r[c] for c in ("tdp_w", "memory_gb", "memory_bandwidth_gb_s", "release_date"))
        and (r["peak_bf16_tflops"] or r["peak_fp32_tflops"])
    ]
    assert len(complete) >= 30, len(complete)
    for r in training:  # embodied and provenance on every curated part, complete or not
        lo, mid, hi = (_f(r, f"embodied_co2e_kg_{k}") for k in ("low", "central", "high"))
        assert lo is not None and mid is not None and hi is not None, r["gpu_id"]
        assert 0 < lo <= mid <= hi, r["gpu_id"]
        assert (_f(r, "embodied_water_l") or 0) > 0, r["gpu_id"]
        assert r["specs_source"] and r["embodied_source"], r["gpu_id"]
        assert r["memory_gb"] and r["release_date"], r["gpu_id"]


def test_required_parts_present(by_id: dict[str, dict[str, str]]) -> None:
    required = [
        "nvidia-v100-sxm2-16gb",
        "nvidia-v100-sxm2-32gb",
        "nvidia-v100-pcie-16gb",
        "nvidia-v100-pcie-32gb",
        "nvidia-a100-sxm4-40gb",
        "nvidia-a100-pcie-40gb",
        "nvidia-a100-sxm4-80gb",
        "nvidia-a100-pcie-80gb",
        "nvidia-h100-sxm5-80gb",
        "nvidia-h100-pcie-80gb",
        "nvidia-h100-nvl-94gb",
        "nvidia-h800-sxm5-80gb",
        "nvidia-h200-sxm-141gb",
        "nvidia-b200",
        "nvidia-gb200",
        "nvidia-a40",
        "nvidia-a10g",
        "nvidia-rtx-a6000",
        "nvidia-rtx-6000-ada",
        "nvidia-p100-pcie-16gb",
        "nvidia-t4",
        "nvidia-l4",
        "nvidia-l40s",
        "amd-mi100",
        "amd-mi250x",
        "amd-mi300x",
        "amd-mi325x",
        "google-tpu-v2",
        "google-tpu-v3",
        "google-tpu-v4",
        "google-tpu-v5e",
        "google-tpu-v5p",
        "google-tpu-v6e",
        "intel-gaudi2",
        "intel-gaudi3",
        "aws-trainium1",
        "aws-trainium2",
    ]
    for gpu_id in required:
        assert by_id[gpu_id]["is_training_accelerator"] == "true", gpu_id


def test_catalogue_has_consumer_cards(by_id: dict[str, dict[str, str]]) -> None:
    for gpu_id in (
        "nvidia-geforce-rtx-2080-ti-11gb",
        "nvidia-titan-xp",
        "nvidia-geforce-gtx-1080",
        "nvidia-tesla-k80",
    ):
        row = by_id[gpu_id]
        assert row["is_training_accelerator"] == "false"
        assert _f(row, "tdp_w")


def test_peaks_are_dense(by_id: dict[str, dict[str, str]]) -> None:
    h100 = by_id["nvidia-h100-sxm5-80gb"]
    assert _f(h100, "peak_bf16_tflops") == pytest.approx(989.4, rel=0.01)  # not 1,979 sparse
    assert _f(h100, "peak_fp8_tflops") == pytest.approx(1979, rel=0.01)  # not 3,958 sparse
    assert _f(by_id["nvidia-a100-sxm4-40gb"], "peak_bf16_tflops") == pytest.approx(312)
    for r in by_id.values():
        bf16, fp8, tf32 = (
            _f(r, c) for c in ("peak_bf16_tflops", "peak_fp8_tflops", "peak_tf32_tflops")
        )
        if bf16 and fp8 and r["is_training_accelerator"] == "true":
            assert fp8 <= 2.05 * bf16, r["gpu_id"]  # dense fp8 is at most twice dense bf16
        if bf16 and tf32 and r["is_training_accelerator"] == "true":
            assert tf32 <= bf16, r["gpu_id"]


def test_spot_checks_without_shared(by_id: dict[str, dict[str, str]]) -> None:
    h100 = by_id["nvidia-h100-sxm5-80gb"]
    assert (_f(h100, "tdp_w"), _f(h100, "memory_gb"), _f(h100, "die_area_mm2")) == (700, 80, 814)
    assert _f(h100, "embodied_co2e_kg_central") == 463
    # 12.33 L/cm2 x 8.14 cm2 + 2.2 L mining (Morrison et al.)
    assert _f(h100, "embodied_water_l") == pytest.approx(12.33 * 8.14 + 2.2, abs=0.1)
    a100 = by_id["nvidia-a100-sxm4-40gb"]
    assert (_f(a100, "tdp_w"), _f(a100, "memory_gb")) == (400, 40)
    assert _f(by_id["nvidia-a100-pcie-40gb"], "tdp_w") == 250  # datasheet, not Epoch's 300


@pytest.mark.parametrize(
    ("gpu_id", "epoch_name"),
    [
        ("nvidia-h100-sxm5-80gb", "NVIDIA H100 SXM5 80GB"),
        ("nvidia-a100-sxm4-40gb", "NVIDIA A100 SXM4 40 GB"),
    ],
)
def test_spot_checks_against_epoch(
    shared_data: Path, by_id: dict[str, dict[str, str]], gpu_id: str, epoch_name: str
) -> None:
    epoch = pl.read_csv(shared_data / "gpus" / "epoch_ml_hardware.csv", infer_schema_length=0)
    src = epoch.filter(pl.col("Hardware name") == epoch_name).row(0, named=True)
    row = by_id[gpu_id]
    pairs = {
        "tdp_w": ("TDP (W)", 1),
        "memory_gb": ("Memory size per board (Byte)", 1e9),
        "memory_bandwidth_gb_s": ("Memory bandwidth (byte/s)", 1e9),
        "peak_fp64_tflops": ("FP64 (double precision) performance (FLOP/s)", 1e12),
        "peak_fp32_tflops": ("FP32 (single precision) performance (FLOP/s)", 1e12),
        "peak_tf32_tflops": ("TF32 (TensorFloat-32) performance (FLOP/s)", 1e12),
        "peak_bf16_tflops": ("Tensor-FP16/BF16 performance (FLOP/s)", 1e12),
        "die_area_mm2": ("Die Size (mm^2)", 1),
    }
    for col, (epoch_col, div) in pairs.items():
        assert _f(row, col) == pytest.approx(float(src[epoch_col]) / div, rel=1e-6), col
    assert row["release_date"] == src["Release date"]


def test_rentals_ordered_and_cited(specs: list[dict[str, str]]) -> None:
    for r in specs:
        vals = [_f(r, f"rental_usd_per_gpu_hour_{k}") for k in ("low", "central", "high")]
        present = [v for v in vals if v is not None]
        assert present == sorted(present), r["gpu_id"]
        if present:
            assert "rental" in r["price_source"] and "http" in r["price_source"], r["gpu_id"]
        if r["price_usd"]:
            assert "price_usd" in r["price_source"], r["gpu_id"]


def test_aliases_point_at_known_ids(
    aliases: list[dict[str, str]], by_id: dict[str, dict[str, str]]
) -> None:
    texts = [a["alias"] for a in aliases]
    assert len(texts) == len(set(texts))
    assert texts == sorted(texts, key=lambda t: (t.lower(), t))
    for a in aliases:
        assert a["gpu_id"] in by_id, a
        assert a["alias"].strip() == a["alias"] and a["alias"], a


def test_alias_keys_unambiguous(aliases: list[dict[str, str]]) -> None:
    owners: dict[str, set[str]] = {}
    for a in aliases:
        owners.setdefault(normalise_gpu_name(a["alias"]), set()).add(a["gpu_id"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1 and k not in family_defaults()}
    assert not clashes


def test_family_aliases_carry_notes(aliases: list[dict[str, str]]) -> None:
    noted = {a["alias"]: a for a in aliases}
    for text in ("A100", "V100", "H100", "H800"):
        assert noted[text]["note"].startswith("ambiguous"), text
        assert noted[text]["gpu_id"] == family_defaults()[normalise_gpu_name(text)][0]


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gpus", REPO / "scripts" / "snapshot" / "build_gpus.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_builder_reproduces_snapshot(shared_data: Path, snapshot_dir: Path, tmp_path: Path) -> None:
    builder = _load_builder()
    out = tmp_path / "gpus"
    assert builder.main(["--shared", str(shared_data), "--out", str(out)]) == 0
    for name in ("gpu_specs.csv", "gpu_aliases.csv"):
        assert (out / name).read_bytes() == (snapshot_dir / "gpus" / name).read_bytes(), name
