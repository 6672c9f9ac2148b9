"""A BoAmps report (Boavizta's AI energy report format, 1.1.0) of a model's training run
(`footprints export boamps`).

BoAmps describes one measured task: its stage, algorithm and data, the energy measure (kWh),
the infrastructure and the grid. Here the task is the final training (or fine-tuning) run, its
measure is the disclosed or estimated energy (the method named in `measurementMethod`), and
`powerSourceCarbonIntensity` is the intensity behind the emissions, so energy × intensity gives
the model card's `co2_eq_emissions` figure, whose source `taskDescription` quotes. The schema
requires an energy figure and a component count: a model whose training energy is unknown has
no report (BoampsUnavailableError), and an unknown accelerator count is written 0 and said so
in the component's name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tasks.outputs.card import hardware_text, place_text
from tasks.outputs.filings import Figure, Filing

FORMAT_VERSION = "1.1.0"
SPECIFICATION_URI = (
    "https://raw.githubusercontent.com/Boavizta/BoAmps/main/model/report_schema.json"
)
# BoAmps' quality classes: high within ±10%, medium ±25%, low ±50% (report_schema.json).
QUALITY = ((0.10, "high"), (0.25, "medium"), (0.50, "low"))


class BoampsUnavailableError(LookupError):
    """The model's training energy is unknown: BoAmps requires a measure."""


def quality(figure: Figure) -> str | None:
    """BoAmps quality from the energy's range: its half-width relative to the central value;
    None when the range is wider than ±50% (BoAmps has no class for it) or not known."""
    if figure.value is None:
        return None
    if figure.status == "known" and figure.low is None:
        return "high"
    if figure.low is None or figure.high is None or figure.value <= 0:
        return None
    spread = max(figure.value - figure.low, figure.high - figure.value) / figure.value
    return next((name for limit, name in QUALITY if spread <= limit), None)


def _component(filing: Filing) -> dict[str, Any]:
    row, run = filing.row, filing.run
    count = row.get("gpu_count")
    name = hardware_text(row)
    if not count:
        name += " (count not disclosed; 0 stands for unknown)"
    component: dict[str, Any] = {
        "componentName": name,
        "componentType": str(run.get("gpu_kind") or "gpu"),
        "nbComponent": round(float(count)) if count else 0,
    }
    if run.get("gpu_memory_gb"):
        component["memorySize"] = float(run["gpu_memory_gb"])
    if run.get("gpu_manufacturer"):
        component["manufacturer"] = str(run["gpu_manufacturer"])
    return component


def _dataset(filing: Filing) -> dict[str, Any]:
    tokens_b = filing.run.get("training_tokens_b")
    if tokens_b:
        return {"dataUsage": "input", "dataType": "token", "dataQuantity": float(tokens_b) * 1e9}
    return {"dataUsage": "input", "dataType": "other"}


def _measure(energy: Figure, mwh: float) -> dict[str, Any]:
    """The energy 'measure': BoAmps' powerConsumption is in kWh despite its name."""
    method = f"{energy.status}: {energy.method}"
    if energy.source:
        method += f" (source: {energy.source})"
    return {"measurementMethod": method, "powerConsumption": mwh * 1000.0}


def boamps_report(filing: Filing, now: datetime | None = None) -> dict[str, Any]:
    """The BoAmps report of the model's training run."""
    energy = filing.figure("training_energy_mwh")
    if energy.value is None:
        raise BoampsUnavailableError(
            f"{filing.model}: its training energy is unknown, and a BoAmps report requires one "
            "(measures[].powerConsumption); `footprints export ai-act` says what is known"
        )
    moment = now or datetime.now(UTC)
    row, run, hf = filing.row, filing.run, filing.co2_eq_emissions
    measure = _measure(energy, energy.value)
    days = filing.figure("training_time_days").value
    if days is not None:
        measure["measurementDuration"] = days * 86400.0
    algorithm: dict[str, Any] = {
        "foundationModelName": filing.model,
        "trainingType": hf["training_type"],
    }
    if row.get("parameters_b"):
        algorithm["parametersNumber"] = float(row["parameters_b"])
    if run.get("peak_precision_used"):
        algorithm["quantization"] = str(run["peak_precision_used"])
    report: dict[str, Any] = {
        "header": {
            "formatVersion": FORMAT_VERSION,
            "formatVersionSpecificationUri": SPECIFICATION_URI,
            "reportId": str(uuid.uuid4()),
            "reportDatetime": moment.strftime("%Y-%m-%d %H:%M:%S"),
            "reportStatus": "final",
            "publisher": {"name": "footprints", "confidentialityLevel": "public"},
        },
        "task": {
            "taskStage": "finetuning" if filing.training_type == "fine-tuning" else "training",
            "taskFamily": _task_family(filing),
            "algorithms": [algorithm],
            "dataset": [_dataset(filing)],
            "taskDescription": (
                f"The final {filing.training_type} run of {filing.model}, from public "
                f"disclosures and footprints' estimates. Training emissions: {hf['emissions']} g "
                f"CO2e ({hf['source']}). Hardware: {hf['hardware_used']}."
            ),
        },
        "measures": [measure],
        "infrastructure": {"infraType": "other", "components": [_component(filing)]},
        "environment": _environment(filing),
    }
    grade = quality(energy)
    if grade:
        report["quality"] = grade
    return report


def _task_family(filing: Filing) -> str:
    domain = (filing.inference or {}).get("domain")
    return f"{domain} model training" if domain else "model training (domain not recorded)"


def _environment(filing: Filing) -> dict[str, Any]:
    row = filing.row
    environment: dict[str, Any] = {"country": filing.run.get("countries") or "unknown"}
    place = place_text(row)
    if place:
        environment["location"] = place
    intensity = row.get("carbon_intensity_kg_per_kwh")
    if intensity is not None:
        # kg/kWh -> g/kWh, the unit BoAmps states for powerSourceCarbonIntensity
        environment["powerSourceCarbonIntensity"] = float(intensity) * 1000.0
    return environment
