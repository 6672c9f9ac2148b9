"""GPU-name resolver: aliases from real disclosures, counts, normalisation, refusals."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import polars as pl
import pytest

from tasks.core.gpu_names import (
    GpuResolver,
    Resolution,
    family_defaults,
    normalise_gpu_name,
    split_count,
)

# Spellings seen in model cards, Epoch and the HF CO2 datasets -> the gpu_id they must reach.
EXPECTED = {
    "H100-80GB": "nvidia-h100-80gb",
    "NVIDIA H100 SXM5 80GB": "nvidia-h100-sxm5-80gb",
    "H100 SXM": "nvidia-h100-sxm5-80gb",
    "H100 SXM5": "nvidia-h100-sxm5-80gb",
    "H100": "nvidia-h100",
    "A100-80GB": "nvidia-a100-80gb",
    "A100 80GB": "nvidia-a100-80gb",
    "NVIDIA A100 SXM4 80 GB": "nvidia-a100-sxm4-80gb",
    "A100 SXM4 80 GB": "nvidia-a100-sxm4-80gb",
    "NVIDIA A100-SXM4-40GB": "nvidia-a100-sxm4-40gb",
    "NVIDIA A100 80GB PCIe": "nvidia-a100-pcie-80gb",
    "NVIDIA A100": "nvidia-a100",
    "A100": "nvidia-a100",
    "V100": "nvidia-v100",
    "Tesla V100 PCIe 32 GB": "nvidia-v100-pcie-32gb",
    "TPUv3 Chip": "google-tpu-v3",
    "TPU v3": "google-tpu-v3",
    "TPUV3": "google-tpu-v3",
    "Cloud TPU v3": "google-tpu-v3",
    "TPU v4": "google-tpu-v4",
    "H800": "nvidia-h800-sxm5-80gb",
    "GeForce RTX 2080 Ti": "nvidia-geforce-rtx-2080-ti-11gb",
    "RTX2080Ti": "nvidia-geforce-rtx-2080-ti-11gb",
    "Titan Xp PASCAL 12GB.": "nvidia-titan-xp",
    "GTX-1080 GPUs": "nvidia-geforce-gtx-1080",
    "A40": "nvidia-a40",
    "A6000": "nvidia-rtx-a6000",
    # Epoch "Training hardware" spellings
    "NVIDIA A100 SXM4 40 GB": "nvidia-a100-sxm4-40gb",
    "Google TPU v4": "google-tpu-v4",
    "Google TPU v5e": "google-tpu-v5e",
    "Google TPU v5p": "google-tpu-v5p",
    "Google TPU v6e Trillium": "google-tpu-v6e",
    "NVIDIA V100": "nvidia-v100",
    "NVIDIA Tesla V100 DGXS 32 GB": "nvidia-tesla-v100-dgxs-32-gb",
    "NVIDIA H800 SXM5": "nvidia-h800-sxm5-80gb",
    "NVIDIA H100 PCIe": "nvidia-h100-pcie-80gb",
    "NVIDIA H100 NVL": "nvidia-h100-nvl-94gb",
    "NVIDIA A40 PCIe": "nvidia-a40",
    "NVIDIA RTX A6000": "nvidia-rtx-a6000",
    "NVIDIA P100": "nvidia-p100",
    "NVIDIA Tesla T4": "nvidia-t4",
    "NVIDIA A10G": "nvidia-a10g",
    "AMD Radeon Instinct MI250X": "amd-mi250x",
    "Amazon Trainium1": "aws-trainium1",
    "NVIDIA GeForce RTX 3090": "nvidia-geforce-rtx-3090",
    "NVIDIA Tesla K80": "nvidia-tesla-k80",
    # Hugging Face hardware strings (counts stripped)
    "Tesla P100-PCIE-16GB": "nvidia-p100-pcie-16gb",
    "Tesla V100-SXM2 GPU": "nvidia-v100-sxm2-16gb",
    "RTX 2080 Ti.": "nvidia-geforce-rtx-2080-ti-11gb",
    "A100-SXM4-80GB": "nvidia-a100-sxm4-80gb",
}


@pytest.fixture(scope="module")
def resolver(snapshot_dir: Path) -> GpuResolver:
    return GpuResolver.from_snapshot(snapshot_dir)


@pytest.mark.parametrize(("text", "gpu_id"), sorted(EXPECTED.items()))
def test_known_spellings_resolve(resolver: GpuResolver, text: str, gpu_id: str) -> None:
    res = resolver.resolve(text)
    assert res.resolved == gpu_id, res
    assert res.method in {"exact", "normalised", "family_default"}
    assert res.input == text


@pytest.mark.parametrize(
    ("text", "count", "gpu_id"),
    [
        ("8 v100 16GB", 8, "nvidia-v100-16gb"),
        ("384 A100 80GB GPUs", 384, "nvidia-a100-80gb"),
        ("384 A100 80GB", 384, "nvidia-a100-80gb"),
        ("** 8 16GB V100", 8, "nvidia-v100-16gb"),
        ("1  RTX 3060", 1, "nvidia-geforce-rtx-3060"),
        ("2 RTX 3090", 2, "nvidia-geforce-rtx-3090"),
        ("1 T4, Google Colab", 1, "nvidia-t4"),
        ("8x A100", 8, "nvidia-a100"),
        ("8xA100", 8, "nvidia-a100"),
        ("A100 x 8", 8, "nvidia-a100"),
        # TPU slices: v2/v3/v4/v5p are named by TensorCores (2 per chip); the count is chips.
        ("TTPU v3-256", 128, "google-tpu-v3"),
        ("1 TPU v3-8 VM", 4, "google-tpu-v3"),
        ("1 TPUv3-8", 4, "google-tpu-v3"),
        ("Google Cloud TPU v4-16", 8, "google-tpu-v4"),
        ("TPUv3-8 for about 180 hours or 7.5 days", 4, "google-tpu-v3"),
        # v5e (v5litepod) and v6e slices are named by chips.
        ("v5litepod-16", 16, "google-tpu-v5e"),
        ("TPU v6e-8", 8, "google-tpu-v6e"),
        ("P100 for about 1.5 hours", None, "nvidia-p100"),
        ("GeForce RTX 2080 Ti", None, "nvidia-geforce-rtx-2080-ti-11gb"),
    ],
)
def test_counts(resolver: GpuResolver, text: str, count: int | None, gpu_id: str) -> None:
    res = resolver.resolve(text)
    assert (res.count, res.resolved) == (count, gpu_id), res


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 v100 16GB", (8, "v100 16GB")),
        ("384 A100 80GB GPUs", (384, "A100 80GB GPUs")),
        ("TPU v3-256", (128, "TPU v3")),
        ("RTX 2080 Ti", (None, "RTX 2080 Ti")),
        ("2080 Ti", (None, "2080 Ti")),  # a model number, not 2080 devices
        ("3060 12GB", (None, "3060 12GB")),
        ("16 GB V100", (None, "16 GB V100")),
        ("AMD RX480", (None, "AMD RX480")),
        ("A100", (None, "A100")),
        ("ATI Radeon X800", (None, "ATI Radeon X800")),  # upper-case X is part of the name
        ("A100 x8", (8, "A100")),
    ],
)
def test_split_count(text: str, expected: tuple[int | None, str]) -> None:
    assert split_count(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NVIDIA A100 80GB PCIe", "A100 PCIe 80 GB"),
        ("H100-80GB", "H100 80G"),
        ("Cloud TPU v3", "TPUv3 Chip"),
        ("GTX-1080 GPUs", "NVIDIA GeForce GTX 1080"),
        ("NVIDIA A100-SXM4-40GB", "NVIDIA A100 SXM4 40 GB"),
        ("16GB V100", "V100 16 GB"),
    ],
)
def test_normalisation_meets(a: str, b: str) -> None:
    assert normalise_gpu_name(a) == normalise_gpu_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("A10G", "A10"),  # the G of A10G is not a memory unit
        ("NVIDIA GeForce 9800 GTX+", "NVIDIA GeForce 9800 GTX"),
        ("A100 40GB", "A100 80GB"),
        ("TPU v5e", "TPU v5p"),
    ],
)
def test_normalisation_keeps_apart(a: str, b: str) -> None:
    assert normalise_gpu_name(a) != normalise_gpu_name(b)


def test_normalised_key_is_plain() -> None:
    assert normalise_gpu_name("NVIDIA Tesla V100-SXM2-32GB") == "v100sxm232gb"
    assert normalise_gpu_name("TPUv3 Chip") == "tpuv3"


@pytest.mark.parametrize(
    "text",
    [
        "Apple Mac Studio 2022 || M1 Max/32GB RAM/10C CPU(8+2)/24C GPU",
        "Cerebras CS-2",
        "RTX 9999",
        "Not Specified",
        "",
        None,
        "unk",
        "More information needed",
    ],
)
def test_unknown_is_unresolved(resolver: GpuResolver, text: str | None) -> None:
    res = resolver.resolve(text)
    assert res.resolved is None
    assert res.method == "unresolved"
    assert res.note


def test_vendor_contradiction_is_not_guessed(resolver: GpuResolver) -> None:
    # "Intel A100" is an Intel CPU in Epoch's chip list; dropping "Intel" would hit the NVIDIA A100.
    res = resolver.resolve("Intel A100")
    assert res.resolved is None and res.method == "unresolved"
    assert "contradicts" in res.note


def test_multi_value_takes_first_and_notes_rest(resolver: GpuResolver) -> None:
    res = resolver.resolve("AMD Radeon Instinct MI250X,NVIDIA A100")
    assert res.resolved == "amd-mi250x"
    assert "NVIDIA A100" in res.note


def test_family_default_says_why(resolver: GpuResolver) -> None:
    for text in ("V100", "A100", "NVIDIA A100", "H100", "A100 80GB"):
        res = resolver.resolve(text)
        assert res.method == "family_default"
        assert "ambiguous" in res.note
    assert "SXM2 32 GB" in resolver.resolve("V100").note


def test_family_defaults_point_at_training_parts(snapshot_dir: Path) -> None:
    with (snapshot_dir / "gpus" / "gpu_specs.csv").open(newline="") as f:
        training = {
            r["gpu_id"] for r in csv.DictReader(f) if r["is_training_accelerator"] == "true"
        }
    for key, (gpu_id, note) in family_defaults().items():
        assert gpu_id in training, key
        assert note.startswith("ambiguous"), key


def test_gpu_id_resolves_to_itself(resolver: GpuResolver) -> None:
    for gpu_id in ("nvidia-h100-sxm5-80gb", "google-tpu-v3", "nvidia-tesla-k80"):
        res = resolver.resolve(gpu_id)
        assert res.resolved == gpu_id


def test_deterministic_under_input_order(snapshot_dir: Path) -> None:
    with (snapshot_dir / "gpus" / "gpu_aliases.csv").open(newline="") as f:
        aliases = [(r["alias"], r["gpu_id"]) for r in csv.DictReader(f)]
    with (snapshot_dir / "gpus" / "gpu_specs.csv").open(newline="") as f:
        ids = [r["gpu_id"] for r in csv.DictReader(f)]
    shuffled = aliases[:]
    random.Random(7).shuffle(shuffled)
    a, b = GpuResolver(aliases, ids), GpuResolver(shuffled, reversed(ids))
    for text in [*EXPECTED, "8 v100 16GB", "TTPU v3-256", "Intel A100", "RTX 9999"]:
        assert a.resolve(text) == b.resolve(text)


def test_synthetic_ambiguity_is_refused() -> None:
    r = GpuResolver(
        [("Foo X1", "vendor-x1-a"), ("FOO-X1", "vendor-x1-b")],
        ["vendor-x1-a", "vendor-x1-b"],
        families={},
    )
    assert r.resolve("Foo X1") == Resolution("Foo X1", "vendor-x1-a", "exact")
    res = r.resolve("foo-X1")
    assert res.resolved is None and "ambiguous" in res.note


def test_unknown_alias_target_rejected() -> None:
    with pytest.raises(ValueError):
        GpuResolver([("Foo", "missing-id")], ["other-id"], families={})


def test_every_disclosed_name_resolves_or_is_known_gap(
    shared_data: Path, resolver: GpuResolver
) -> None:
    """Epoch "Training hardware" and HF hardware strings all resolve, but for CPUs and systems."""
    names: set[str] = set()
    epoch = pl.read_csv(
        shared_data / "models/epoch_all_ml_systems_trimmed.csv", infer_schema_length=0
    )
    for v in epoch["Training hardware"].drop_nulls():
        names.update(p.strip() for p in v.split(",") if p.strip())
    for file, col in (
        ("model_cards/hf_hub_co2_HFCO2.csv", "environment"),
        ("model_cards/hf_hub_co2_HFClean_trimmed.csv", "hardware_used"),
    ):
        df = pl.read_csv(shared_data / file, infer_schema_length=0)
        names.update(v.strip() for v in df[col].drop_nulls() if v.strip())
    # CPUs are not in the GPU snapshot; Cerebras CS-2 is a system; "Intel A100" contradicts itself.
    known_gaps = {
        "AMD EPYC 7413",
        "Intel Core 2 Quad Q9450",
        "Intel Core i5-11600K",
        "Cerebras CS-2",
        "Intel A100",
        "Not Specified",
        "Apple Mac Studio 2022 || M1 Max/32GB RAM/10C CPU(8+2)/24C GPU",
    }
    unresolved = {n for n in names if resolver.resolve(n).resolved is None}
    assert unresolved <= known_gaps, sorted(unresolved - known_gaps)
