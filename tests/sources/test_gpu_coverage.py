"""Every accelerator the board names has a TDP and a peak, each with a source; an ambiguous name
resolves to a TDP range over its variants (warehouse/snapshot/gpus)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tasks.core.gpu_names import GpuResolver

# name as a disclosure writes it -> the 16-bit peak is required (False: fp32-only parts)
ACCELERATORS = {
    "NVIDIA V100 SXM2 16 GB": True,
    "NVIDIA Tesla V100 PCIe 16 GB": True,
    "NVIDIA A100 SXM4 80 GB": True,
    "NVIDIA A100 PCIe": True,
    "NVIDIA H100 SXM5 80GB": True,
    "NVIDIA H100 PCIe": True,
    "H200": True,
    "H800": True,
    "H20": True,
    "B200": True,
    "GB200": True,
    "B300": True,
    "MI250X": True,
    "MI300X": True,
    "MI325X": True,
    "MI355X": True,
    "TPU v2": True,
    "TPU v3": True,
    "TPU v4": True,
    "TPU v5e": True,
    "TPU v5p": True,
    "TPU v6e": True,
    "Ironwood": True,
    "Trainium": True,
    "Trainium2": True,
    "Gaudi 2": True,
    "Gaudi 3": True,
    "Ascend 910B": True,
    "Ascend 910C": True,
    "P100": True,
    "Tesla K40": False,
    "Tesla K80": False,
    "GTX Titan X": False,
    "Titan X Pascal": False,
    "GTX Titan Black": False,
}
# Google and AWS publish no TDP for these and no cited estimate was found: left empty, not guessed.
NO_PUBLISHED_TDP = {"google-tpu-v5p", "google-tpu-v6e", "aws-trainium1"}
# Parts with FP8 units: their dense FP8 peak must be there.
FP8 = ("H100 SXM5", "H200", "H800", "H20", "B200", "GB200", "B300", "MI300X", "MI355X", "Ironwood")


@pytest.fixture(scope="module")
def resolver(snapshot_dir: Path) -> GpuResolver:
    return GpuResolver.from_snapshot(snapshot_dir)


@pytest.fixture(scope="module")
def by_id(snapshot_dir: Path) -> dict[str, dict[str, str]]:
    with (snapshot_dir / "gpus" / "gpu_specs.csv").open(newline="", encoding="utf-8") as f:
        return {r["gpu_id"]: r for r in csv.DictReader(f)}


@pytest.mark.parametrize(("name", "needs_16bit"), ACCELERATORS.items())
def test_each_accelerator_has_tdp_and_peak_with_a_source(
    resolver: GpuResolver, by_id: dict[str, dict[str, str]], name: str, needs_16bit: bool
) -> None:
    gpu_id = resolver.resolve(name).resolved
    assert gpu_id is not None, name
    row = by_id[gpu_id]
    assert row["specs_source"].strip(), gpu_id
    if gpu_id not in NO_PUBLISHED_TDP:
        assert float(row["tdp_w"]) > 0, gpu_id
        assert float(row["tdp_w_low"]) <= float(row["tdp_w"]) <= float(row["tdp_w_high"])
    peak = row["peak_bf16_tflops"] if needs_16bit else row["peak_fp32_tflops"]
    assert peak and float(peak) > 0, (name, gpu_id)


@pytest.mark.parametrize("name", FP8)
def test_fp8_parts_have_a_dense_fp8_peak(
    resolver: GpuResolver, by_id: dict[str, dict[str, str]], name: str
) -> None:
    row = by_id[resolver.resolve(name).resolved or ""]
    assert 1.9 <= float(row["peak_fp8_tflops"]) / float(row["peak_bf16_tflops"]) <= 2.05, name


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("V100", 250, 300),
        ("NVIDIA V100", 250, 300),
        ("8 v100 16GB", 250, 300),
        ("A100", 250, 400),
        ("A100 80GB", 300, 400),
        ("H100", 300, 700),
        ("P100", 250, 300),
    ],
)
def test_a_name_without_form_factor_resolves_to_a_range(
    resolver: GpuResolver, by_id: dict[str, dict[str, str]], name: str, low: float, high: float
) -> None:
    res = resolver.resolve(name)
    assert res.method == "family_default" and "ambiguous" in res.note, res
    row = by_id[res.resolved or ""]
    assert (float(row["tdp_w_low"]), float(row["tdp_w_high"])) == (low, high), name
    assert low <= float(row["tdp_w"]) <= high
    assert "generic entry" in row["specs_source"]


def test_known_form_factors_have_no_range(
    resolver: GpuResolver, by_id: dict[str, dict[str, str]]
) -> None:
    for name in ("NVIDIA H100 SXM5 80GB", "Tesla V100-SXM2-16GB", "Tesla V100-PCIE-16GB"):
        row = by_id[resolver.resolve(name).resolved or ""]
        assert row["tdp_w_low"] == row["tdp_w"] == row["tdp_w_high"], name


def test_every_row_with_a_tdp_has_an_ordered_range(by_id: dict[str, dict[str, str]]) -> None:
    for gpu_id, r in by_id.items():
        if r["tdp_w"]:
            assert float(r["tdp_w_low"]) <= float(r["tdp_w"]) <= float(r["tdp_w_high"]), gpu_id
        else:
            assert not r["tdp_w_low"] and not r["tdp_w_high"], gpu_id
