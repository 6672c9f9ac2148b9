"""The upstream hardware tables, parsed: Epoch's ML Hardware file and chip dataset, mlco2/impact's
gpus.csv, Green Algorithms' TDP_gpu.csv and LLMCarbon's hardware.csv. Pure: bytes in, records out;
a file that is not the table it should be is a ValueError naming what is missing."""

from __future__ import annotations

import csv
import io
import math
import re

import polars as pl

SPEC_FIELDS = (
    "release_date",
    "tdp_w",
    "tdp_w_low",  # a range only where the name is ambiguous or the source gives one
    "tdp_w_high",
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


def parse_number(value: object) -> float | None:
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


def clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def round_value(x: float | None, digits: int = 3) -> float | None:
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
        name = clean_name(raw_name)
        rec: dict[str, Value] = {
            "type": row.get("Type"),
            "manufacturer": row.get("Manufacturer"),
            "release_date": (row.get("Release date") or None),
            "price_usd": parse_number(row.get("Release price (USD)")),
            "datasheet": clean_name(row.get("Link to datasheet") or "") or None,
        }
        for col, (fld, div) in EPOCH_COLUMNS.items():
            x = parse_number(row.get(col))
            rec[fld] = None if x is None else round_value(x / div)
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
                "name": clean_name(rec["name"]),
                "type": rec["type"].strip(),
                "tdp_w": parse_number(rec["tdp_watts"]),
                "memory_gb": parse_number(rec["memory"]),
                "peak_fp32_tflops": parse_number(rec["TFLOPS32"]),
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
        name = clean_name(rec.get("model", ""))
        tdp = parse_number(rec.get("TDP"))
        if name and name != "Any" and tdp:
            out.append({"name": name, "tdp_w": tdp, "source": (rec.get("source") or "").strip()})
    return out


def read_llmcarbon(data: bytes) -> dict[str, tuple[float, float]]:
    """LLMCarbon hardware.csv -> {hardware: (unit cm2 or GB, CPA kg per unit)}."""
    out: dict[str, tuple[float, float]] = {}
    for rec in csv.DictReader(_text(data)):
        unit = parse_number(rec["unit (cm2 or GB)"])
        cpa = parse_number(rec["CPA (kgCO2/cm2 or GB)"])
        if unit is not None and cpa is not None:
            out[rec["hardware"].strip()] = (unit, cpa)
    return out
