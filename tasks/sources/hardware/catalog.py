"""The GPU catalogue: gpu_specs and gpu_aliases built from the upstream tables' bytes.

One builder for both paths: `scripts/snapshot/build_gpus.py` feeds it the files in shared/data to
write the bundled snapshot, and the live connector
(`tasks.sources.models.epoch.land_gpu_specs_live`) feeds it
what it fetched, so the two produce the same tables from the same inputs. Pure: no files, no
network; the inputs are bytes and the outputs are sorted tables whose columns are those of
docs/data-contracts.md, section "GPU specifications".

Rows
----
* Curated training accelerators (``is_training_accelerator=true``, table ``CURATED``). Numbers
  come from Epoch's ML Hardware file first (``gpus/epoch_ml_hardware.csv``, the newer re-host),
  then Epoch's chip dataset (``gpus/epoch_chip_dataset_trimmed.csv``) for whatever the first leaves
  empty. A curated entry may then override or add single fields by hand (``hand``), each with the
  vendor datasheet in ``hand_source``; ``specs_source`` lists the Epoch rows and the hand fields.
  All peak TFLOP/s are **dense** (no 2:4 sparsity): Epoch's figures were checked against the
  datasheets (H100 SXM bf16 989.4, A100 312); hand-added figures are the datasheet's sparse number
  halved where the datasheet only prints the sparse one.
  ``peak_bf16_tflops`` holds Epoch's "Tensor-FP16/BF16" column. On parts without bf16 (V100, T4)
  that is the fp16 tensor peak, the 16-bit rate mixed-precision training on them actually used;
  parts without 16-bit tensor units (P100, A10G and the RTX workstation cards as Epoch lists them)
  leave it empty and carry fp32.
* Catalogue entries (``is_training_accelerator=false``): every chip in Epoch's chip dataset with a
  TDP that is not a CPU (Type CPU / Hybrid CPU, or an untyped Xeon), filled from Epoch's ML
  Hardware file where that has the same name; ML Hardware rows with a TDP that the chip dataset
  lacks; then ``mlco2_impact_gpus.csv`` and ``greenalgorithms_TDP_gpu.csv`` rows that match none of
  those (their TDP, and mlco2's memory / fp32 where plausible). Rows whose names normalise to the
  same key are one card: the fuller row is kept and the other name becomes an alias.

Embodied carbon per unit (kg CO2e, curated rows only; catalogue rows have no sourced basis)
-------------------------------------------------------------------------------------------
* low = 150 kg for every part: Luccioni et al. 2022, one GPU card without any server share; the
  lowest credible whole-card figure (NVIDIA's HGX H100 footprint, 164 kg per GPU per EcoLogits, is
  close). LLMCarbon's die-only ~15 kg is a floor for the die, not for the card, so it is not used.
* central = 463 kg for every part: 3,700 kg per 8-GPU server / 8 (Luccioni et al. 2023, BLOOM),
  the figure Morrison et al. use. Not scaled: the server share dominates and no better-sourced
  per-part figure exists in the inputs.
* high = 876.5 kg + silicon premium: EcoLogits' per-GPU embodied for an H100 server, 164 kg
  (NVIDIA HGX H100 product carbon footprint) + 5,700 kg server without GPUs (BoaviztAPI,
  p5.48xlarge) / 8. The premium adds, for parts with more silicon than the H100 SXM5, the
  difference in LLMCarbon's die + memory carbon: die cm2 x CPA of the process node (4-5 nm 1.8,
  7 nm 1.6, 8-12 nm 1.2, 14-16 nm 1.0 kg/cm2) + memory GB x 0.4 kg/GB (DRAM CPA), all from
  ``reference/llmcarbon_hardware_embodied.csv``. Where the die area is unknown, 8.14 cm2 (the H100
  die) per compute die is used. Boavizta's ``die_surface`` values include the memory dies, so they
  are not added on top of the per-GB term (it would count memory twice).

Embodied water per unit (L) = 12.33 L per cm2 of die + 2.2 L rare-earth mining (Morrison et al.;
H100: 8.14 cm2 -> 100.4 + 2.2 = 102.6 L). Die area: Epoch, else LLMCarbon (TPU v3 7 cm2,
TPU v4 4 cm2), else the 8.14 cm2-per-compute-die proxy, which ``embodied_source`` then names.

Prices
------
``price_usd`` is Epoch's release price (ML Hardware file first, then the chip dataset).
Rental per device-hour is filled only where a public list price was found, each with its page and
date in ``price_source``; everything else stays empty on purpose.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from tasks.core.gpu_names import FAMILY_DEFAULTS, GpuResolver, normalise_gpu_name
from tasks.load.validate import business_columns

# ---------------------------------------------------------------------------------------------
# Sources (repo, path and commit from shared/data/SOURCES.md)
# ---------------------------------------------------------------------------------------------
SRC_EPOCH_HW = (
    "Epoch AI ML Hardware, re-hosted at "
    "https://github.com/sr3-k/data/blob/d62de22b9128a2598b039c06346e350f918b3810/ml_hardware.csv"
)
SRC_EPOCH_CHIPS = (
    "Epoch AI chip dataset, https://github.com/epoch-research/training-cost-trends/blob/"
    "5e8c5c4fc17ff70c6865d527016da7826fabacc2/data/Chip%20dataset-Grid%20view.csv"
)
SRC_MLCO2 = (
    "https://github.com/mlco2/impact/blob/b492fe4ba4f9f61111f2f97ca79aeaa409e6bc34/data/gpus.csv"
)
SRC_GREENALGO = (
    "https://github.com/GreenAlgorithms/green-algorithms-tool/blob/"
    "ca65ba01888009ec7bd7db0dc8c18fc571da144e/data/latest/TDP_gpu.csv"
)
SRC_LLMCARBON = (
    "LLMCarbon CPA table, https://github.com/SotaroKaneda/MLCarbon @ b54d8fed data/hardware.csv"
)


@dataclass(frozen=True)
class SourceLabels:
    """How `specs_source` cites each input table. The defaults name the pinned upstream files the
    snapshot is built from; the live connector passes the URLs it actually fetched, so a row never
    cites a commit its numbers did not come from."""

    epoch_hardware: str = SRC_EPOCH_HW
    epoch_chips: str = SRC_EPOCH_CHIPS
    mlco2: str = SRC_MLCO2
    greenalgorithms: str = SRC_GREENALGO


SNAPSHOT_LABELS = SourceLabels()

SRC_MORRISON = "Morrison et al. (ICLR submission, OLMo), via shared/METHODOLOGY.md"
SRC_ECOLOGITS = (
    "EcoLogits methodology, https://github.com/genai-impact/ecologits/blob/"
    "af96c0ffcb0d925a39f9939d30f4b0303e988601/docs/methodology/llm_inference.md"
)

# Vendor datasheets for hand-added numbers.
DS_A100 = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"
)
DS_H100 = "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet"
DS_H200 = "https://nvdam.widen.net/s/nb5zzzsjdf/hpc-datasheet-sc23-h200-datasheet-3002446"
DS_T4 = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/"
    "t4-tensor-core-datasheet-951643.pdf"
)
DS_L4 = "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/l4/PB-11316-001_v01.pdf"
DS_L40S = "https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413"
DS_P100 = "https://images.nvidia.com/content/tesla/pdf/nvidia-tesla-p100-datasheet.pdf"
DS_RTX6000ADA = "https://www.nvidia.com/en-us/design-visualization/rtx-6000/"
DS_MI100 = "https://www.amd.com/system/files/documents/instinct-mi100-brochure.pdf"
DS_MI300X = (
    "https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/"
    "amd-instinct-mi300x-data-sheet.pdf"
)
DS_MI325X = "https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html"
DS_TRN1 = (
    "https://web.archive.org/web/20230518023215/https://awsdocs-neuron.readthedocs-hosted.com/"
    "en/v2.9.1/general/arch/neuron-hardware/trainium.html"
)

# Rental list prices (USD per device-hour) and where they were read.
P_AWS_CB = (
    "AWS EC2 Capacity Blocks for ML pricing, https://aws.amazon.com/ec2/capacityblocks/pricing/ "
    "(copy read at http://sibshop.uat.jiralog.com/ec2/capacityblocks/pricing; table valid until "
    "the 2025-01-01 update): effective accelerator hourly rate"
)
P_AWS_P5_OD = (
    "AWS p5.48xlarge on-demand 98.32 USD/h for 8 H100, us-east-1, per "
    "https://www.usage.ai/blogs/finops/ai-ml-cost/gpu-instance-cost-optimization/ (2026-06-24) "
    "and https://deploybase.ai/articles/aws-vs-google-cloud (2026-03); /8"
)
P_AWS_P4D_OD = (
    "AWS p4d.24xlarge on-demand 32.77 USD/h for 8 A100 40GB, us-east-1, Q2 2024, per "
    "https://www.xither.com/compare/gpu-compute-costs-on-prem-vs-cloud-vs-spot-instances; /8"
)
P_LAMBDA_H100 = (
    "Lambda on-demand about 24 USD/h for 8 H100, per "
    "https://disintermediate.global/insights/gpu-cloud-pricing-models (Q1 2026); /8"
)
P_GCP_TPU = (
    "Google Cloud TPU on-demand per chip-hour (https://cloud.google.com/tpu/pricing) as quoted "
    "at https://artificial-intelligence-wiki.com/ai-development/ai-hardware-infrastructure/"
    "tpu-v5-guide (2026-01-27)"
)

# ---------------------------------------------------------------------------------------------
# Embodied-footprint constants (see module docstring for the rule)
# ---------------------------------------------------------------------------------------------
EMBODIED_LOW_KG = 150.0  # Luccioni et al. 2022, per GPU card
EMBODIED_CENTRAL_KG = 463.0  # 3,700 kg / 8-GPU server, Luccioni et al. 2023; Morrison et al.
EMBODIED_HIGH_BASE_KG = 164.0 + 5700.0 / 8  # EcoLogits: HGX H100 PCF + p5.48xlarge w/o GPUs
WATER_L_PER_CM2 = 12.33  # Morrison et al.
WATER_MINING_L = 2.2  # Morrison et al., rare-earth mining per GPU
PROXY_DIE_CM2 = 8.14  # H100 die (Morrison et al.; LLMCarbon H100 row), per compute die
REFERENCE_HIGH_GPU = "nvidia-h100-sxm5-80gb"  # the part the EcoLogits figure describes


SPEC_FIELDS = (
    "release_date",
    "tdp_w",
    "memory_gb",
    "memory_bandwidth_gb_s",
    "peak_fp64_tflops",
    "peak_fp32_tflops",
    "peak_tf32_tflops",
    "peak_bf16_tflops",
    "peak_fp8_tflops",
    "die_area_mm2",
    "price_usd",
    "process_nm",
)

# Epoch column -> (our field, divisor to our unit)
EPOCH_COLUMNS: dict[str, tuple[str, float]] = {
    "TDP (W)": ("tdp_w", 1.0),
    "Memory size per board (Byte)": ("memory_gb", 1e9),
    "Memory bandwidth (byte/s)": ("memory_bandwidth_gb_s", 1e9),
    "FP64 (double precision) performance (FLOP/s)": ("peak_fp64_tflops", 1e12),
    "FP32 (single precision) performance (FLOP/s)": ("peak_fp32_tflops", 1e12),
    "TF32 (TensorFloat-32) performance (FLOP/s)": ("peak_tf32_tflops", 1e12),
    "Tensor-FP16/BF16 performance (FLOP/s)": ("peak_bf16_tflops", 1e12),
    "FP8 performance (FLOP/s)": ("peak_fp8_tflops", 1e12),
    "Die Size (mm^2)": ("die_area_mm2", 1.0),
    "Process size (nm)": ("process_nm", 1.0),
}

Value = float | str | None
Spec = dict[str, Value]


# ---------------------------------------------------------------------------------------------
# Curated training accelerators
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curated:
    gpu_id: str
    name: str
    manufacturer: str
    kind: str
    epoch: tuple[str, ...]  # Epoch names, first wins per field
    hand: Mapping[str, Value] = field(default_factory=dict)  # overrides; None clears a field
    hand_source: str = ""
    compute_dies: int = 1  # for the die-area proxy when the area is unknown
    aliases: tuple[tuple[str, str], ...] = ()  # (alias, note)
    rental: tuple[float | None, float | None, float | None] = (None, None, None)
    rental_source: str = ""


_NO_BF16 = "no bf16 on this part: peak_bf16_tflops holds the fp16 tensor peak (Epoch's column)"

CURATED: tuple[Curated, ...] = (
    Curated(
        "nvidia-v100-sxm2-16gb",
        "NVIDIA V100 SXM2 16 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA Tesla V100 SXM2 16 GB", "NVIDIA Tesla V100 SXM2"),
        hand_source=_NO_BF16,
        aliases=(("Tesla V100-SXM2-16GB", "mlco2/impact spelling"),),
    ),
    Curated(
        "nvidia-v100-sxm2-32gb",
        "NVIDIA V100 SXM2 32 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA Tesla V100 SXM2 32 GB",),
        hand_source=_NO_BF16,
        aliases=(("Tesla V100-SXM2-32GB", "mlco2/impact spelling"),),
    ),
    Curated(
        "nvidia-v100-pcie-16gb",
        "NVIDIA V100 PCIe 16 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA Tesla V100 PCIe 16 GB",),
        hand_source=_NO_BF16,
        aliases=(("Tesla V100-PCIE-16GB", "mlco2/impact spelling"),),
    ),
    Curated(
        "nvidia-v100-pcie-32gb",
        "NVIDIA V100 PCIe 32 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA Tesla V100 PCIe 32 GB",),
        hand_source=_NO_BF16,
    ),
    Curated(
        "nvidia-a100-sxm4-40gb",
        "NVIDIA A100 SXM4 40 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA A100 SXM4 40 GB",),
        aliases=(("NVIDIA A100-SXM4-40GB", "nvidia-smi spelling (Aira cards)"),),
        rental=(1.844, None, 4.10),
        rental_source=f"low: {P_AWS_CB}, p4d.24xlarge us-east-2; high: {P_AWS_P4D_OD}; "
        "central left empty (no list price between the two found)",
    ),
    Curated(
        # Epoch's "NVIDIA A100 PCIe" row mixes the 80 GB card's 300 W / 1,940 GB/s with 40 GB;
        # the datasheet gives 250 W and 1,555 GB/s for the 40 GB PCIe card.
        "nvidia-a100-pcie-40gb",
        "NVIDIA A100 PCIe 40 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA A100 PCIe",),
        hand={"memory_gb": 40.0, "tdp_w": 250.0, "memory_bandwidth_gb_s": 1555.0},
        hand_source=f"memory_gb, tdp_w, memory_bandwidth_gb_s from {DS_A100}",
        aliases=(
            ("NVIDIA A100 40GB PCIe", "Green Algorithms spelling"),
            ("A100 PCIe 40/80GB", "mlco2/impact row; its 250 W is the 40 GB card's TDP"),
        ),
    ),
    Curated(
        "nvidia-a100-sxm4-80gb",
        "NVIDIA A100 SXM4 80 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA A100 SXM4 80 GB",),
        aliases=(("A100-SXM4-80GB", "nvidia-smi spelling (Tucano cards)"),),
    ),
    Curated(
        "nvidia-a100-pcie-80gb",
        "NVIDIA A100 PCIe 80 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA A100 PCIe",),
        hand={
            "memory_gb": 80.0,
            "tdp_w": 300.0,
            "memory_bandwidth_gb_s": 1935.0,
            "release_date": "2021-06-28",
            "price_usd": None,
        },
        hand_source=f"memory_gb, tdp_w, memory_bandwidth_gb_s from {DS_A100}; release_date: "
        "NVIDIA announcement at ISC 2021 (2021-06-28); flops = Epoch 'NVIDIA A100 PCIe' "
        "(same silicon and clocks)",
    ),
    Curated(
        "nvidia-h100-sxm5-80gb",
        "NVIDIA H100 SXM5 80GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA H100 SXM5 80GB",),
        hand={"peak_fp8_tflops": 1979.0},
        hand_source=f"peak_fp8_tflops = 3,958 (with sparsity) / 2, {DS_H100}",
        aliases=(
            ("H100 SXM", "mlco2/impact and model-card spelling"),
            ("H100 SXM5", "model-card spelling"),
            ("H100-80GB", "Meta Llama 3 card spelling"),
        ),
        rental=(3.00, 4.916, 12.29),
        rental_source=f"low: {P_LAMBDA_H100}; central: {P_AWS_CB}, p5.48xlarge us-east-1; "
        f"high: {P_AWS_P5_OD}",
    ),
    Curated(
        "nvidia-h100-pcie-80gb",
        "NVIDIA H100 PCIe 80 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA H100 PCIe",),
        hand={"peak_fp8_tflops": 1513.0},
        hand_source=f"peak_fp8_tflops = 3,026 (with sparsity) / 2, {DS_H100}",
    ),
    Curated(
        "nvidia-h100-nvl-94gb",
        "NVIDIA H100 NVL 94 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA H100 NVL",),
        hand={
            "peak_fp64_tflops": 30.0,
            "peak_fp32_tflops": 60.0,
            "peak_tf32_tflops": 417.5,
            "peak_bf16_tflops": 835.5,
            "peak_fp8_tflops": 1670.5,
            "die_area_mm2": 814.0,
        },
        hand_source=f"flops from {DS_H100} (H100 NVL column: TF32 835, BF16 1,671, FP8 3,341 "
        "with sparsity, halved; FP64 30, FP32 60); die_area_mm2 = GH100 die as Epoch gives for "
        "the other H100s",
        aliases=(("H100 NVL", "mlco2/impact spelling"),),
    ),
    Curated(
        "nvidia-h800-sxm5-80gb",
        "NVIDIA H800 SXM5 80 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA H800 SXM5",),
        hand={"peak_fp8_tflops": 1979.0},
        hand_source="peak_fp8_tflops: the H800 is the H100 SXM5 with reduced NVLink; its tensor "
        f"rates equal the H100's (Epoch bf16 989 for both), so fp8 = H100's 3,958 / 2 ({DS_H100})",
        aliases=(("H800 SXM", "short form"),),
    ),
    Curated(
        "nvidia-h200-sxm-141gb",
        "NVIDIA H200 SXM 141 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA H200 SXM",),
        hand={"memory_gb": 141.0, "peak_fp8_tflops": 1979.0, "die_area_mm2": 814.0},
        hand_source=f"memory_gb 141 and peak_fp8_tflops = 3,958 (with sparsity) / 2 from "
        f"{DS_H200}; "
        "die_area_mm2 = GH100 die (same silicon as H100)",
        rental=(None, 5.408, None),
        rental_source=f"central: {P_AWS_CB}, p5e.48xlarge (8 x H200) us-east-2",
    ),
    Curated(
        "nvidia-b200",
        "NVIDIA B200 (HGX, 180 GB)",
        "NVIDIA",
        "gpu",
        ("NVIDIA B200",),
        compute_dies=2,
    ),
    Curated(
        "nvidia-gb200",
        "NVIDIA GB200 (per Blackwell GPU)",
        "NVIDIA",
        "gpu",
        ("NVIDIA GB200",),
        compute_dies=2,
        hand_source="Epoch gives GB200 figures per GPU (a GB200 superchip holds 2 GPUs + 1 CPU)",
        aliases=(("GB200", "short form; per GPU, not per superchip"),),
    ),
    Curated(
        "nvidia-a40",
        "NVIDIA A40",
        "NVIDIA",
        "gpu",
        ("NVIDIA A40 PCIe",),
        aliases=(("A40", "short form (ViTucano cards)"),),
    ),
    Curated(
        "nvidia-a10g",
        "NVIDIA A10G",
        "NVIDIA",
        "gpu",
        ("NVIDIA A10G",),
        hand_source="no dense 16-bit tensor figure in Epoch for the A10G; fp32 only",
    ),
    Curated(
        "nvidia-rtx-a6000",
        "NVIDIA RTX A6000",
        "NVIDIA",
        "gpu",
        ("NVIDIA RTX A6000",),
        hand_source="Epoch lists no tensor figure for the RTX A6000; fp32 only",
        aliases=(("A6000", "short form; the Ampere RTX A6000, not the RTX 6000 Ada"),),
    ),
    Curated(
        "nvidia-rtx-6000-ada",
        "NVIDIA RTX 6000 Ada Generation",
        "NVIDIA",
        "gpu",
        ("NVIDIA RTX 6000 Ada Generation",),
        hand={"memory_gb": 48.0, "memory_bandwidth_gb_s": 960.0, "tdp_w": 300.0},
        hand_source=f"memory_gb, memory_bandwidth_gb_s, tdp_w from {DS_RTX6000ADA}",
        aliases=(("RTX 6000 Ada", "short form"),),
    ),
    Curated(
        "nvidia-p100-pcie-16gb",
        "NVIDIA P100 PCIe 16 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA P100 PCIe 16GB", "NVIDIA Tesla P100 PCIe 16GB", "NVIDIA P100"),
        hand_source="P100 has no tensor cores: fp32 only (Epoch)",
        aliases=(("Tesla P100-PCIE-16GB", "nvidia-smi spelling (HF cards)"),),
    ),
    Curated(
        "nvidia-p100-sxm2-16gb",
        "NVIDIA P100 SXM2 16 GB",
        "NVIDIA",
        "gpu",
        ("NVIDIA Tesla P100 SXM2",),
        hand={"memory_gb": 16.0, "memory_bandwidth_gb_s": 732.0},
        hand_source=f"memory_gb, memory_bandwidth_gb_s from {DS_P100}; no tensor cores",
    ),
    Curated(
        "nvidia-t4",
        "NVIDIA T4",
        "NVIDIA",
        "gpu",
        ("NVIDIA Tesla T4",),
        hand={"peak_bf16_tflops": 65.0},
        hand_source=f"peak_bf16_tflops = fp16 tensor 65 (Turing: no sparsity, no bf16), {DS_T4}",
        aliases=(("T4", "short form"),),
    ),
    Curated(
        "nvidia-l4",
        "NVIDIA L4",
        "NVIDIA",
        "gpu",
        ("NVIDIA L4",),
        hand={"peak_fp8_tflops": 242.5},
        hand_source=f"peak_fp8_tflops = 485 (with sparsity) / 2, {DS_L4}",
    ),
    Curated(
        "nvidia-l40s",
        "NVIDIA L40S",
        "NVIDIA",
        "gpu",
        ("NVIDIA L40S",),
        hand={
            "tdp_w": 350.0,
            "memory_gb": 48.0,
            "memory_bandwidth_gb_s": 864.0,
            "peak_fp32_tflops": 91.6,
            "peak_tf32_tflops": 183.0,
            "peak_bf16_tflops": 362.05,
            "peak_fp8_tflops": 733.0,
            "release_date": "2023-08-08",
        },
        hand_source=f"all but die_area_mm2 from {DS_L40S} (dense column); release_date: "
        "NVIDIA announcement at SIGGRAPH 2023",
    ),
    Curated(
        "amd-mi100",
        "AMD Instinct MI100",
        "AMD",
        "gpu",
        ("AMD Radeon Instinct MI100",),
        hand={"memory_gb": 32.0, "memory_bandwidth_gb_s": 1228.8, "peak_bf16_tflops": 92.3},
        hand_source=f"memory_gb, memory_bandwidth_gb_s, peak_bf16_tflops from {DS_MI100}",
    ),
    Curated(
        # CDNA2 has no TF32 format; Epoch's 95.7 in that column is the FP32 matrix rate.
        "amd-mi250x",
        "AMD Instinct MI250X",
        "AMD",
        "gpu",
        ("AMD Radeon Instinct MI250X",),
        hand={"peak_tf32_tflops": None},
        hand_source="peak_tf32_tflops cleared: MI250X has no TF32 (Epoch's 95.7 is FP32 matrix)",
    ),
    Curated(
        "amd-mi300x",
        "AMD Instinct MI300X",
        "AMD",
        "gpu",
        ("AMD Instinct MI300X",),
        hand={"peak_fp8_tflops": 2614.9},
        hand_source=f"peak_fp8_tflops (dense) from {DS_MI300X}",
    ),
    Curated(
        "amd-mi325x",
        "AMD Instinct MI325X",
        "AMD",
        "gpu",
        ("AMD Instinct MI325X",),
        hand={"peak_fp8_tflops": 2614.9},
        hand_source=f"peak_fp8_tflops (dense) from {DS_MI325X}",
    ),
    Curated(
        "google-tpu-v2",
        "Google TPU v2",
        "Google",
        "tpu",
        ("Google TPU v2",),
        aliases=(("TPUv2 Chip", "mlco2/impact spelling (its 221 W is average draw, not TDP)"),),
    ),
    Curated(
        "google-tpu-v3",
        "Google TPU v3",
        "Google",
        "tpu",
        ("Google TPU v3",),
        hand={"die_area_mm2": 700.0},
        hand_source=f"die_area_mm2 = 7 cm2 from {SRC_LLMCARBON}",
        aliases=(
            ("TPUv3 Chip", "mlco2/impact spelling (its 283 W is average draw, not TDP)"),
            ("TTPU v3", "typo in a Hugging Face card ('TTPU v3-256')"),
        ),
    ),
    Curated(
        "google-tpu-v4",
        "Google TPU v4",
        "Google",
        "tpu",
        ("Google TPU v4",),
        hand={"die_area_mm2": 400.0},
        hand_source=f"die_area_mm2 = 4 cm2 from {SRC_LLMCARBON}",
    ),
    Curated(
        "google-tpu-v5e",
        "Google TPU v5e",
        "Google",
        "tpu",
        ("Google TPU v5e",),
        aliases=(
            ("v5litepod", "Cloud TPU accelerator-type name of v5e"),
            ("TPU v5 lite", "Cloud TPU name of v5e"),
        ),
        rental=(None, 1.20, None),
        rental_source=f"central: {P_GCP_TPU}",
    ),
    Curated(
        "google-tpu-v5p",
        "Google TPU v5p",
        "Google",
        "tpu",
        ("Google TPU v5p",),
        hand_source="no TDP published by Google or Epoch",
        rental=(None, 4.20, None),
        rental_source=f"central: {P_GCP_TPU}",
    ),
    Curated(
        "google-tpu-v6e",
        "Google TPU v6e (Trillium)",
        "Google",
        "tpu",
        ("Google TPU v6e Trillium",),
        hand_source="no TDP published by Google or Epoch",
        aliases=(("Trillium", "Google's name for TPU v6e"), ("TPU v6e", "short form")),
    ),
    Curated(
        "intel-gaudi2",
        "Intel Gaudi 2",
        "Intel",
        "accelerator",
        ("Intel Habana Gaudi2",),
        aliases=(("Gaudi 2", "short form"), ("HL-225", "Habana part number")),
    ),
    Curated(
        "intel-gaudi3",
        "Intel Gaudi 3",
        "Intel",
        "accelerator",
        ("Intel Habana Gaudi3",),
        compute_dies=2,
        aliases=(("Gaudi 3", "short form"),),
    ),
    Curated(
        "aws-trainium1",
        "AWS Trainium",
        "Amazon",
        "accelerator",
        ("Amazon Trainium1",),
        hand={"memory_gb": 32.0, "memory_bandwidth_gb_s": 820.0},
        hand_source=f"memory_gb, memory_bandwidth_gb_s from {DS_TRN1} (Epoch's 9,800 GB/s is not "
        "the HBM bandwidth); no TDP published",
        aliases=(("Trainium", "short form"), ("Trainium1", "short form")),
        rental=(0.968, None, None),
        rental_source=f"low: {P_AWS_CB}, trn1.32xlarge (16 chips) ap-southeast-4",
    ),
    Curated(
        "aws-trainium2",
        "AWS Trainium2",
        "Amazon",
        "accelerator",
        ("Amazon Trainium2",),
        aliases=(("Trainium2", "short form"), ("Trainium 2", "short form")),
    ),
)

# Spellings seen in disclosures that normalisation alone cannot place (requirement list of the
# brief, Epoch's "Training hardware" column, Hugging Face hardware strings).
EXTRA_ALIASES: tuple[tuple[str, str, str], ...] = (
    ("NVIDIA H100 SXM5 80GB", "nvidia-h100-sxm5-80gb", "Epoch spelling"),
    ("Titan Xp PASCAL 12GB.", "nvidia-titan-xp", "model-card spelling"),
    ("RTX2080Ti", "nvidia-geforce-rtx-2080-ti-11gb", "model-card spelling"),
    ("Tesla V100 PCIe 32 GB", "nvidia-v100-pcie-32gb", "Epoch-style spelling"),
    ("NVIDIA A100 80GB PCIe", "nvidia-a100-pcie-80gb", "Green Algorithms spelling"),
)

NOT_A_CPU_TYPES = frozenset({"CPU", "Hybrid CPU"})
_CPU_NAME_RE = re.compile(r"\b(Xeon|Athlon|Sempron|Pentium|Celeron|Opteron|EPYC|Core i\d)\b")


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------
def _num(value: object) -> float | None:
    """Parse Epoch/mlco2 numbers: '', 'NaN', 'unk', '$5,412.00' -> float or None."""
    if value is None:
        return None
    s = str(value).strip().replace("$", "").replace(",", "")
    if not s or s.lower() in {"nan", "unk", "inf", "-inf", "none"}:
        return None
    try:
        x = float(s)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def _round(x: float | None, digits: int = 3) -> float | None:
    if x is None:
        return None
    r = round(x, digits)
    return float(int(r)) if r == int(r) else r


def _text(data: bytes) -> io.StringIO:
    # newline="": the csv module handles line ends itself (quoted cells may hold newlines).
    return io.StringIO(data.decode("utf-8"), newline="")


def read_epoch(data: bytes) -> dict[str, dict[str, Value]]:
    """Epoch hardware CSV -> {name: {our fields..., 'type', 'manufacturer', 'datasheet'}}."""
    df = pl.read_csv(io.BytesIO(data), infer_schema_length=0)
    if "Hardware name" not in df.columns:
        raise ValueError(f"not an Epoch hardware CSV: no 'Hardware name' in {df.columns[:8]}")
    out: dict[str, dict[str, Value]] = {}
    for row in df.iter_rows(named=True):
        raw_name = row.get("Hardware name")
        if not raw_name:
            continue
        name = _clean_name(raw_name)
        rec: dict[str, Value] = {
            "type": row.get("Type"),
            "manufacturer": row.get("Manufacturer"),
            "release_date": (row.get("Release date") or None),
            "price_usd": _num(row.get("Release price (USD)")),
            "datasheet": _clean_name(row.get("Link to datasheet") or "") or None,
        }
        for col, (fld, div) in EPOCH_COLUMNS.items():
            x = _num(row.get(col))
            rec[fld] = None if x is None else _round(x / div)
        # Epoch writes 0 where it means "unknown" in a few rows; 0 W or 0 GB is never real.
        for fld in ("tdp_w", "memory_gb", "memory_bandwidth_gb_s", "die_area_mm2", "price_usd"):
            if rec.get(fld) == 0:
                rec[fld] = None
        out.setdefault(name, rec)
    return out


def read_mlco2(data: bytes) -> list[dict[str, Value]]:
    """mlco2/impact gpus.csv. Quirk: the A10G row has one field too few (TFLOPS16 missing), so
    its memory sits under GFLOPS16/W and its source under memory; realign rows of 8 fields."""
    rows: list[dict[str, Value]] = []
    reader = csv.reader(_text(data))
    header = [h.strip() for h in next(reader, [])]  # " TFLOPS16" has a leading space
    missing = [c for c in ("name", "type", "tdp_watts", "memory", "TFLOPS32") if c not in header]
    if missing:
        raise ValueError(f"not an mlco2/impact gpus.csv: no column(s) {', '.join(missing)}")
    for fields in reader:
        if not fields:
            continue
        if len(fields) == len(header) - 1:
            # One value short before GFLOPS16/W: shift memory and source back into place.
            fields = [*fields[:6], "", *fields[6:]]
        rec = dict(zip(header, fields, strict=False))
        rows.append(
            {
                "name": _clean_name(rec["name"]),
                "type": rec["type"].strip(),
                "tdp_w": _num(rec["tdp_watts"]),
                "memory_gb": _num(rec["memory"]),
                "peak_fp32_tflops": _num(rec["TFLOPS32"]),
                "source": (rec.get("source") or "").strip(),
            }
        )
    return rows


def read_greenalgorithms(data: bytes) -> list[dict[str, Value]]:
    """Green Algorithms TDP_gpu.csv: first row is units, second the header."""
    lines = list(csv.reader(_text(data)))
    header = lines[1] if len(lines) > 1 else []
    if "model" not in header or "TDP" not in header:
        raise ValueError("not a Green Algorithms TDP_gpu.csv: no 'model'/'TDP' in its 2nd row")
    out: list[dict[str, Value]] = []
    for fields in lines[2:]:
        rec = dict(zip(header, fields, strict=False))
        name = _clean_name(rec.get("model", ""))
        tdp = _num(rec.get("TDP"))
        if name and name != "Any" and tdp:
            out.append({"name": name, "tdp_w": tdp, "source": (rec.get("source") or "").strip()})
    return out


def read_llmcarbon(data: bytes) -> dict[str, tuple[float, float]]:
    """LLMCarbon hardware.csv -> {hardware: (unit cm2 or GB, CPA kg per unit)}."""
    out: dict[str, tuple[float, float]] = {}
    for rec in csv.DictReader(_text(data)):
        unit = _num(rec["unit (cm2 or GB)"])
        cpa = _num(rec["CPA (kgCO2/cm2 or GB)"])
        if unit is not None and cpa is not None:
            out[rec["hardware"].strip()] = (unit, cpa)
    return out


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------
def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _kind(epoch_type: Value) -> str:
    t = str(epoch_type or "").upper()
    if t == "TPU":
        return "tpu"
    if t in {"GPU", "GPGPU", "DCU (GPGPU)", ""}:
        return "gpu"
    return "accelerator"


def merge_epoch(
    names: Iterable[str], hw: Mapping[str, Spec], chips: Mapping[str, Spec]
) -> tuple[Spec, list[str]]:
    """First non-empty value per field over the names, ML Hardware before the chip dataset."""
    merged: Spec = {f: None for f in SPEC_FIELDS}
    used: list[str] = []
    for source_label, table in (("ML Hardware", hw), ("chip dataset", chips)):
        for name in names:
            rec = table.get(name)
            if rec is None:
                continue
            took = False
            for f in SPEC_FIELDS:
                if merged[f] is None and rec.get(f) is not None:
                    merged[f] = rec[f]
                    took = True
            if took:
                used.append(f"{source_label} '{name}'")
            if merged.get("datasheet") is None and rec.get("datasheet"):
                merged["datasheet"] = rec["datasheet"]
    return merged, used


def cpa_for_node(process_nm: float | None, llm: Mapping[str, tuple[float, float]]) -> float:
    """LLMCarbon CPA (kg/cm2) for a process node, from its four logic rows."""
    by_node = {4: llm["H100"][1], 7: llm["TPUv4"][1], 12: llm["V100"][1], 16: llm["TPUv3"][1]}
    if process_nm is None:
        return by_node[4]  # unknown node: recent parts, so the newest (and highest) CPA
    for node in sorted(by_node):
        if process_nm <= node + 1:
            return by_node[node]
    return by_node[16]


def silicon_kg(spec: Spec, dies: int, llm: Mapping[str, tuple[float, float]]) -> float:
    """LLMCarbon die + memory carbon, kg (used only for the high-end premium)."""
    die = spec.get("die_area_mm2")
    die_cm2 = float(die) / 100 if isinstance(die, float | int) else PROXY_DIE_CM2 * dies
    proc = spec.get("process_nm")
    cpa = cpa_for_node(float(proc) if isinstance(proc, float | int) else None, llm)
    mem = spec.get("memory_gb")
    mem_gb = float(mem) if isinstance(mem, float | int) else 0.0
    return die_cm2 * cpa + mem_gb * llm["DRAM"][1]


def build_curated(
    hw: Mapping[str, Spec],
    chips: Mapping[str, Spec],
    llm: Mapping[str, tuple[float, float]],
    labels: SourceLabels = SNAPSHOT_LABELS,
    *,
    strict: bool = True,
) -> list[Spec]:
    """One row per curated part. `strict`: a part missing from the Epoch inputs is an error (the
    snapshot must have them all); otherwise it is left out (a live file that renamed a part, or a
    run without the chip dataset, still builds the rest)."""
    rows: list[Spec] = []
    silicon: dict[str, float] = {}
    for c in CURATED:
        spec, used = merge_epoch(c.epoch, hw, chips)
        if not used:
            if not strict:
                continue
            raise ValueError(f"{c.gpu_id}: none of {c.epoch} found in the Epoch files")
        spec.update(c.hand)
        silicon[c.gpu_id] = silicon_kg(spec, c.compute_dies, llm)
        src = [
            f"{labels.epoch_hardware if 'ML Hardware' in u else labels.epoch_chips} :: {u}"
            for u in used
        ]
        if spec.get("datasheet"):
            src.append(f"Epoch's datasheet link: {spec['datasheet']}")
        if c.hand_source:
            src.append(f"hand: {c.hand_source}")
        spec.update(
            gpu_id=c.gpu_id,
            name=c.name,
            manufacturer=c.manufacturer,
            kind=c.kind,
            is_training_accelerator=True,
            specs_source=" | ".join(src),
        )
        rows.append(spec)

    if REFERENCE_HIGH_GPU not in silicon:
        raise ValueError(f"{REFERENCE_HIGH_GPU}: the reference part is not in the Epoch files")
    ref = silicon[REFERENCE_HIGH_GPU]
    for c, spec in zip(_built(rows), rows, strict=True):
        die = spec.get("die_area_mm2")
        if isinstance(die, float | int):
            die_cm2, die_note = float(die) / 100, f"die {die:g} mm2"
        else:
            die_cm2 = PROXY_DIE_CM2 * c.compute_dies
            die_note = (
                f"die area unknown: proxy {c.compute_dies} x 8.14 cm2 (H100 die per compute die)"
            )
        premium = max(0.0, silicon[c.gpu_id] - ref)
        spec["embodied_co2e_kg_low"] = EMBODIED_LOW_KG
        spec["embodied_co2e_kg_central"] = EMBODIED_CENTRAL_KG
        spec["embodied_co2e_kg_high"] = _round(EMBODIED_HIGH_BASE_KG + premium, 1)
        spec["embodied_water_l"] = _round(WATER_L_PER_CM2 * die_cm2 + WATER_MINING_L, 1)
        prem_txt = (
            f" + {premium:.1f} kg die+memory above the H100 SXM5's ({SRC_LLMCARBON})"
            if premium > 0
            else ""
        )
        spec["embodied_source"] = (
            "low 150 kg: Luccioni et al. 2022 (per GPU card, no server share); "
            "central 463 kg: 3,700 kg per 8-GPU server / 8, Luccioni et al. 2023 (BLOOM), used by "
            f"Morrison et al.; high 876.5 kg: 164 kg NVIDIA HGX H100 PCF + 5,700 kg p5.48xlarge "
            f"server w/o GPUs / 8 ({SRC_ECOLOGITS}){prem_txt}; water: 12.33 L/cm2 x {die_note} "
            f"+ 2.2 L rare-earth mining ({SRC_MORRISON})"
        )
        lo, mid, hi = c.rental
        spec["rental_usd_per_gpu_hour_low"] = lo
        spec["rental_usd_per_gpu_hour_central"] = mid
        spec["rental_usd_per_gpu_hour_high"] = hi
        price_src = []
        if spec.get("price_usd") is not None:
            price_src.append("price_usd: Epoch 'Release price (USD)'")
        if c.rental_source:
            price_src.append(f"rental {c.rental_source}")
        spec["price_source"] = " | ".join(price_src)
    return rows


def _built(specs: Iterable[Spec]) -> tuple[Curated, ...]:
    """The curated parts present in `specs`, in CURATED order (all of them in a strict build)."""
    ids = {str(s["gpu_id"]) for s in specs}
    return tuple(c for c in CURATED if c.gpu_id in ids)


def _is_cpu(name: str, rec: Spec) -> bool:
    t = rec.get("type")
    return t in NOT_A_CPU_TYPES or (t is None and bool(_CPU_NAME_RE.search(name)))


def _filled(spec: Spec) -> int:
    return sum(spec.get(f) is not None for f in SPEC_FIELDS)


def build_catalogue(
    hw: Mapping[str, Spec],
    chips: Mapping[str, Spec],
    curated: list[Spec],
    aliases: list[tuple[str, str, str]],
    labels: SourceLabels = SNAPSHOT_LABELS,
) -> list[Spec]:
    """Epoch catalogue rows; appends (name, gpu_id, note) aliases for names folded into others."""
    claimed: dict[str, str] = {}  # normalised key -> gpu_id
    for c, spec in zip(_built(curated), curated, strict=True):
        claimed[normalise_gpu_name(str(spec["name"]))] = c.gpu_id
        for n in c.epoch:
            claimed.setdefault(normalise_gpu_name(n), c.gpu_id)
    consumed = {n for c in CURATED for n in c.epoch}

    candidates: list[tuple[str, Spec, str]] = []
    for name, rec in chips.items():
        if rec.get("tdp_w") is None or _is_cpu(name, rec):
            continue
        spec, _ = merge_epoch([name], {}, {name: rec})
        if name in hw:  # fill gaps from the newer file with the same name
            for f in SPEC_FIELDS:
                if spec[f] is None and hw[name].get(f) is not None:
                    spec[f] = hw[name][f]
        candidates.append(
            (
                name,
                {**spec, "type": rec.get("type"), "manufacturer": rec.get("manufacturer")},
                labels.epoch_chips,
            )
        )
    for name, rec in hw.items():
        if name in chips or rec.get("tdp_w") is None or _is_cpu(name, rec):
            continue
        spec, _ = merge_epoch([name], {name: rec}, {})
        candidates.append(
            (
                name,
                {**spec, "type": rec.get("type"), "manufacturer": rec.get("manufacturer")},
                labels.epoch_hardware,
            )
        )

    # Same key = same card: keep the fuller row (ties: by name) and alias the others to it.
    by_key: dict[str, list[tuple[str, Spec, str]]] = {}
    for cand in candidates:
        by_key.setdefault(normalise_gpu_name(cand[0]), []).append(cand)
    rows: list[Spec] = []
    used_ids = {str(s["gpu_id"]) for s in curated}
    for key in sorted(by_key):
        group = sorted(by_key[key], key=lambda c: (-_filled(c[1]), c[0]))
        target = claimed.get(key) or FAMILY_DEFAULTS.get(key, (None, ""))[0]
        if target is not None or group[0][0] in consumed:
            target = target or claimed.get(key)
            for name, _, _ in group:
                if target:
                    aliases.append((name, target, "Epoch spelling"))
            continue
        name, spec, source = group[0]
        gpu_id = slugify(name)
        if not gpu_id or gpu_id in used_ids:
            gpu_id = f"{gpu_id}-{slugify(str(spec.get('manufacturer') or 'x'))}"
        used_ids.add(gpu_id)
        manufacturer = spec.get("manufacturer") or name.split(" ")[0]
        row: Spec = {f: spec.get(f) for f in SPEC_FIELDS}
        row.update(
            gpu_id=gpu_id,
            name=name,
            manufacturer=manufacturer,
            kind=_kind(spec.get("type")),
            is_training_accelerator=False,
            specs_source=f"{source} :: '{name}'",
            price_source="price_usd: Epoch 'Release price (USD)'" if spec.get("price_usd") else "",
        )
        rows.append(row)
        claimed[key] = gpu_id
        for other, _, _ in group[1:]:
            aliases.append((other, gpu_id, "Epoch duplicate spelling of the same card"))
    return rows


# External TDP rows that must not become catalogue rows: mlco2's "GTX 750" gives 250 W and
# 1,111 TFLOP/s (a GTX 750 is a ~55 W card), a known error in that file.
SKIP_EXTERNAL = frozenset({"GTX 750"})
# External spellings normalisation cannot place: name -> (gpu_id, note).
EXTERNAL_ALIASES: dict[str, tuple[str, str]] = {
    "RTX 8000": ("nvidia-quadro-rtx-8000", "mlco2/impact spelling of the Quadro RTX 8000"),
    "Tesla M40 24GB": ("nvidia-m40", "mlco2/impact spelling (24 GB variant of the M40)"),
    "NVIDIA Tesla V100S": ("nvidia-tesla-v100s-pcie-32-gb", "Green Algorithms spelling"),
    "AGX Xavier": ("nvidia-jetson-agx-xavier-gpu", "mlco2/impact spelling"),
}


def add_tdp_sources(
    rows: list[Spec],
    aliases: list[tuple[str, str, str]],
    mlco2: list[dict[str, Value]],
    greenalgo: list[dict[str, Value]],
    epoch: Mapping[str, tuple[Spec, str]],
    labels: SourceLabels = SNAPSHOT_LABELS,
    *,
    strict: bool = True,
) -> list[tuple[str, str, str]]:
    """mlco2 / Green Algorithms rows: alias them when they resolve; otherwise add a catalogue
    row, named and filled from Epoch when an Epoch row without TDP has the same key (Epoch lists
    e.g. "NVIDIA GeForce RTX 3090" with no TDP), else from the external file alone.

    `epoch` maps normalised key -> (Epoch spec, Epoch source). Returns the new alias rows;
    `rows` is extended in place.
    """
    new: list[tuple[str, str, str]] = []
    for src_label, src_url, recs in (
        ("mlco2/impact", labels.mlco2, [r for r in mlco2 if r["type"] in {"gpu", "tpu"}]),
        ("Green Algorithms", labels.greenalgorithms, greenalgo),
    ):
        for rec in recs:
            name = str(rec["name"])
            if name in SKIP_EXTERNAL:
                continue
            if name in EXTERNAL_ALIASES:
                gpu_id, note = EXTERNAL_ALIASES[name]
                # A partial build may lack the target; the name is then placed like any other.
                if any(str(r["gpu_id"]) == gpu_id for r in rows):
                    new.append((name, gpu_id, note))
                    continue
            # Not strict: a partial build may lack a family default's part (that family then
            # resolves no name); the full build has them all and resolves the same either way.
            resolver = GpuResolver(
                [(a, g) for a, g, _ in [*aliases, *new]],
                [str(r["gpu_id"]) for r in rows],
                strict=strict,
            )
            res = resolver.resolve(name)
            if res.resolved is not None:
                if res.method != "family_default":
                    new.append((name, res.resolved, f"{src_label} spelling"))
                continue
            tdp_src = f"tdp_w: {src_url} :: '{name}' (upstream: {rec.get('source') or '-'})"
            match = epoch.get(normalise_gpu_name(name))
            row: Spec = {f: None for f in SPEC_FIELDS}
            if match is not None:
                spec, epoch_src = match
                row.update({f: spec.get(f) for f in SPEC_FIELDS})
                row.update(
                    name=spec["name"],
                    manufacturer=spec.get("manufacturer"),
                    kind=_kind(spec.get("type")),
                    specs_source=f"{epoch_src} | {tdp_src}",
                )
                new.append((name, slugify(str(spec["name"])), f"{src_label} spelling"))
            else:
                fp32 = rec.get("peak_fp32_tflops")
                # mlco2 mixes TF32/sparse figures into TFLOPS32 for data-centre parts; keep it
                # only for the consumer cards that reach this branch, and only when plausible.
                fp32 = fp32 if isinstance(fp32, float) and fp32 < 200 else None
                row.update(
                    name=name,
                    manufacturer=name.split(" ")[0],
                    kind="tpu" if rec.get("type") == "tpu" else "gpu",
                    memory_gb=rec.get("memory_gb"),
                    peak_fp32_tflops=fp32,
                    specs_source=f"{src_url} :: '{name}' (upstream: {rec.get('source') or '-'})",
                )
            row.update(
                gpu_id=slugify(str(row["name"])),
                tdp_w=rec["tdp_w"],
                is_training_accelerator=False,
                price_source="",
            )
            if row.get("price_usd") is not None:
                row["price_source"] = "price_usd: Epoch 'Release price (USD)'"
            rows.append(row)
            new.append((str(row["name"]), str(row["gpu_id"]), "display name"))
    return new


def epoch_without_tdp(
    hw: Mapping[str, Spec], chips: Mapping[str, Spec], labels: SourceLabels = SNAPSHOT_LABELS
) -> dict[str, tuple[Spec, str]]:
    """Non-CPU Epoch rows lacking a TDP, by normalised key (first name in sort order wins)."""
    out: dict[str, tuple[Spec, str]] = {}
    for table, src in ((hw, labels.epoch_hardware), (chips, labels.epoch_chips)):
        for name in sorted(table):
            rec = table[name]
            if rec.get("tdp_w") is not None or _is_cpu(name, rec):
                continue
            out.setdefault(normalise_gpu_name(name), ({**rec, "name": name}, f"{src} :: '{name}'"))
    return out


def build_aliases(
    specs: list[Spec], folded: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """All alias rows; later duplicates of an alias text are dropped, conflicts raise."""
    out: list[tuple[str, str, str]] = []
    for c in _built(specs):
        for n in c.epoch:
            out.append((n, c.gpu_id, "Epoch spelling"))
        for a, note in c.aliases:
            out.append((a, c.gpu_id, note))
    for spec in specs:
        out.append((str(spec["name"]), str(spec["gpu_id"]), "display name"))
    out.extend(folded)
    out.extend(EXTRA_ALIASES)
    # Family names resolve through FAMILY_DEFAULTS; writing them here keeps the CSV the one
    # place a reader can look a name up, with the reason in `note`.
    family_text = {
        "a100": "A100",
        "a100sxm4": "A100 SXM4",
        "a10080gb": "A100 80GB",
        "a10040gb": "A100 40GB",
        "a100pcie": "A100 PCIe",
        "v100": "V100",
        "v10016gb": "V100 16GB",
        "v10032gb": "V100 32GB",
        "v100sxm2": "V100 SXM2",
        "v100pcie": "V100 PCIe",
        "h100": "H100",
        "h10080gb": "H100 80GB",
        "h800": "H800",
        "h200": "H200",
        "p100": "P100",
        "p10016gb": "P100 16GB",
        "p100pcie": "P100 PCIe",
    }
    for key, (gpu_id, why) in FAMILY_DEFAULTS.items():
        out.append((family_text[key], gpu_id, why))

    # Names without a trailing memory size ("GeForce RTX 2080 Ti 11GB" -> "... 2080 Ti") when no
    # other card would claim the shorter key.
    key_owner: dict[str, set[str]] = {}
    for alias, gpu_id, _ in out:
        key_owner.setdefault(normalise_gpu_name(alias), set()).add(gpu_id)
    stripped: dict[str, set[tuple[str, str]]] = {}
    for spec in specs:
        name = str(spec["name"])
        m = re.search(r"\s*\d+(?:\.\d+)?\s*-?\s*(?:GB|GiB|G)\s*$", name, re.IGNORECASE)
        if m:
            short = name[: m.start()].strip()
            stripped.setdefault(normalise_gpu_name(short), set()).add((short, str(spec["gpu_id"])))
    for key, pairs in sorted(stripped.items()):
        ids = {g for _, g in pairs}
        if len(ids) == 1 and key not in FAMILY_DEFAULTS and key_owner.get(key, ids) == ids:
            for short, gpu_id in sorted(pairs):
                out.append((short, gpu_id, "name without its memory size"))

    seen: dict[str, str] = {}
    rows: list[tuple[str, str, str]] = []
    for alias, gpu_id, note in out:
        alias = _clean_name(alias)
        if alias in seen:
            if seen[alias] != gpu_id and normalise_gpu_name(alias) not in FAMILY_DEFAULTS:
                raise ValueError(f"alias {alias!r} -> {seen[alias]} and {gpu_id}")
            continue
        seen[alias] = gpu_id
        rows.append((alias, gpu_id, note))
    return sorted(rows, key=lambda r: (r[0].lower(), r[0], r[1]))


def check_keys(aliases: list[tuple[str, str, str]]) -> list[str]:
    """Normalised keys claimed by more than one gpu_id (family keys excepted)."""
    owners: dict[str, set[str]] = {}
    for alias, gpu_id, _ in aliases:
        owners.setdefault(normalise_gpu_name(alias), set()).add(gpu_id)
    return sorted(
        f"{k}: {sorted(v)}" for k, v in owners.items() if len(v) > 1 and k not in FAMILY_DEFAULTS
    )


def _fmt(value: Value | bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


# LLMCarbon's carbon-per-area of the logic nodes and of DRAM (SotaroKaneda/MLCarbon @ b54d8fed,
# data/hardware.csv: hardware -> (unit in cm2 or GB, kg CO2e per unit)). Only the rows the
# high-end premium uses; the snapshot builder passes the file itself, the live path has no copy
# to fetch (the repository is not a live source) and uses these.
LLMCARBON_CPA: dict[str, tuple[float, float]] = {
    "DRAM": (256.0, 0.4),
    "TPUv3": (7.0, 1.0),
    "TPUv4": (4.0, 1.6),
    "V100": (8.15, 1.2),
    "H100": (8.14, 1.8),
}

Alias = tuple[str, str, str]


def build_gpu_rows(
    epoch_hardware: bytes,
    epoch_chips: bytes | None,
    mlco2_gpus: bytes | None,
    ga_tdp: bytes | None,
    *,
    llmcarbon: bytes | None = None,
    labels: SourceLabels = SNAPSHOT_LABELS,
    strict: bool = False,
) -> tuple[list[Spec], list[Alias]]:
    """Spec rows (sorted by gpu_id) and alias rows (sorted by alias) from the upstream tables.

    Every input but Epoch's ML Hardware file is optional: without the chip dataset the catalogue
    holds only what the ML Hardware file lists; without mlco2 or Green Algorithms their extra
    TDP rows and spellings are missing. Raises ValueError when an input is not the table it
    should be, or when the aliases come out ambiguous; with `strict`, also when a curated part is
    missing from the Epoch inputs (the snapshot build), where otherwise it is left out and the
    aliases that would point at it are dropped."""
    hw = read_epoch(epoch_hardware)
    chips = read_epoch(epoch_chips) if epoch_chips is not None else {}
    llm = read_llmcarbon(llmcarbon) if llmcarbon is not None else LLMCARBON_CPA
    curated = build_curated(hw, chips, llm, labels, strict=strict)
    folded: list[Alias] = []
    catalogue = build_catalogue(hw, chips, curated, folded, labels)
    specs = curated + catalogue
    known = {str(s["gpu_id"]) for s in specs}
    pre = [a for a in build_aliases(specs, folded) if a[1] in known]
    extra = add_tdp_sources(
        specs,
        pre,
        read_mlco2(mlco2_gpus) if mlco2_gpus is not None else [],
        read_greenalgorithms(ga_tdp) if ga_tdp is not None else [],
        epoch_without_tdp(hw, chips, labels),
        labels,
        strict=strict,
    )
    aliases = build_aliases(specs, folded + extra)
    ids = [str(s["gpu_id"]) for s in specs]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate gpu_id")
    # Hand-written aliases (EXTRA_ALIASES, family defaults) may name a part a partial build lacks;
    # an alias must never point at nothing. A full build has none such (the snapshot test checks).
    known = set(ids)
    aliases = [a for a in aliases if a[1] in known]
    conflicts = check_keys(aliases)
    if conflicts:
        raise ValueError("normalised alias keys with several targets:\n  " + "\n  ".join(conflicts))
    specs.sort(key=lambda s: str(s["gpu_id"]))
    return specs, aliases


def _cell(value: Value | bool) -> str | None:
    text = _fmt(value)
    return text or None


def build_gpu_tables(
    epoch_hardware: bytes,
    epoch_chips: bytes | None,
    mlco2_gpus: bytes | None,
    ga_tdp: bytes | None,
    *,
    llmcarbon: bytes | None = None,
    labels: SourceLabels = SNAPSHOT_LABELS,
    strict: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(gpu_specs, gpu_aliases) as text columns, cell for cell what the snapshot CSVs hold (an
    empty cell is null): the same frame `read_csv_text` makes of those files, so both paths are
    typed and validated by the one loading path alike."""
    specs, aliases = build_gpu_rows(
        epoch_hardware,
        epoch_chips,
        mlco2_gpus,
        ga_tdp,
        llmcarbon=llmcarbon,
        labels=labels,
        strict=strict,
    )
    # The columns, in order, are the raw tables' own (the DDL is their one definition).
    columns = list(business_columns("raw_gpu_specs"))
    spec_frame = pl.DataFrame(
        [[_cell(s.get(c)) for c in columns] for s in specs],
        schema={c: pl.String for c in columns},
        orient="row",
    )
    alias_frame = pl.DataFrame(
        [[_cell(v) for v in row] for row in aliases],
        schema={c: pl.String for c in business_columns("raw_gpu_aliases")},
        orient="row",
    )
    return spec_frame, alias_frame


def table_csv(frame: pl.DataFrame) -> bytes:
    """A built table as the snapshot writes it (csv module quoting, '\\n' line ends, null as
    empty), so a rebuilt file is byte-identical to the bundled one."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.iter_rows():
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")
