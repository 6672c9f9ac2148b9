"""An SPDX 3.0.1 document with one AI package and its energy use (`footprints export spdx`).

The AI profile's `ai_energyConsumption` carries the training (or fine-tuning) run's energy and,
when the inference mart has it, the energy of one request, in kilowatt-hours; what is unknown is
left out and said in the package's comment. The model card's Hugging Face `co2_eq_emissions`
block rides along as an Annotation (JSON statement), so both state the same emissions, source,
hardware and training type. IRIs are `https://spdx.org/spdxdocs/footprints-<uuid5>/...`, stable
for one model and one creation time.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from tasks.core.citations import source_urls
from tasks.outputs.filings import Figure, Filing

SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"


def _kwh(figure: Figure, per_mwh: float) -> float | None:
    return None if figure.value is None else figure.value * per_mwh


def energy_consumption(filing: Filing) -> dict[str, Any]:
    """`ai_EnergyConsumption`: training or fine-tuning energy, and one request's inference
    energy, each as kilowattHour; a stage whose energy is unknown has no entry."""
    block: dict[str, Any] = {"type": "ai_EnergyConsumption"}
    training = _kwh(filing.figure("training_energy_mwh"), 1000.0)
    if training is not None:
        stage = (
            "ai_finetuningEnergyConsumption"
            if filing.training_type == "fine-tuning"
            else "ai_trainingEnergyConsumption"
        )
        block[stage] = [_description(training)]
    # Wh per 1,000 requests -> kWh per request: / 1,000 requests / 1,000 Wh per kWh.
    inference = _kwh(filing.figure("inference_wh_per_1k_requests"), 1e-6)
    if inference is not None:
        block["ai_inferenceEnergyConsumption"] = [_description(inference)]
    return block


def _description(kwh: float) -> dict[str, Any]:
    return {
        "type": "ai_EnergyConsumptionDescription",
        "ai_energyQuantity": kwh,
        "ai_energyUnit": "kilowattHour",
    }


def _about_training(filing: Filing) -> str:
    parts = []
    for key in ("training_compute_flop", "training_time_days", "training_energy_mwh"):
        f = filing.figure(key)
        value = "unknown" if f.value is None else f"{f.value:.4g} {f.unit}"
        parts.append(f"{f.label}: {value} ({f.status}; {f.method})")
    hf = filing.co2_eq_emissions
    parts.append(f"Hardware: {hf['hardware_used']}")
    parts.append(f"Training emissions: {hf['emissions']} g CO2e ({hf['source']})")
    return ". ".join(parts) + "."


def _comment(filing: Filing) -> str:
    inference = filing.figure("inference_wh_per_1k_requests")
    text = (
        "Energy from footprints (public disclosures and estimates). Training energy covers the "
        f"final {filing.training_type} run only (no development runs, no embodied hardware)."
    )
    if inference.value is None:
        text += f" Inference energy: {inference.method}."
    else:
        text += f" Inference energy is per request: {inference.method}."
    if filing.figure("training_energy_mwh").value is None:
        text += " Training energy: unknown."
    return text


CREATION = "_:creationinfo"


def _element(kind: str, spdx_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "spdxId": spdx_id, "creationInfo": CREATION, **fields}


def spdx_document(filing: Filing, now: datetime | None = None) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document (`@context` + `@graph`)."""
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{filing.model} {created}")
    ns = f"https://spdx.org/spdxdocs/footprints-{document_id}"
    agent, tool, package = (
        f"{ns}/SoftwareAgent/footprints",
        f"{ns}/Tool/footprints",
        f"{ns}/AIPackage",
    )
    graph: list[dict[str, Any]] = [
        {
            "@id": CREATION,
            "type": "CreationInfo",
            "specVersion": SPEC_VERSION,
            "created": created,
            "createdBy": [agent],
            "createdUsing": [tool],
        },
        _element("SoftwareAgent", agent, name="footprints"),
        _element("Tool", tool, name="footprints"),
    ]
    ai_package = _ai_package(filing, package)
    organization = filing.row.get("organization")
    if organization:
        supplier = f"{ns}/Organization/supplier"
        graph.append(_element("Organization", supplier, name=organization))
        ai_package["suppliedBy"] = supplier
    statement = json.dumps({"co2_eq_emissions": filing.co2_eq_emissions}, ensure_ascii=False)
    graph += [
        ai_package,
        _element(
            "Annotation",
            f"{ns}/Annotation/co2_eq_emissions",
            annotationType="other",
            subject=package,
            contentType="application/json",
            statement=statement,
        ),
        _element(
            "SpdxDocument",
            f"{ns}/SpdxDocument",
            profileConformance=["core", "software", "ai"],
            rootElement=[package],
        ),
    ]
    return {"@context": SPDX_CONTEXT, "@graph": graph}


def _ai_package(filing: Filing, spdx_id: str) -> dict[str, Any]:
    """The `ai_AIPackage`: name, energy consumption, training details, sources."""
    package = _element(
        "ai_AIPackage",
        spdx_id,
        name=filing.model,
        software_primaryPurpose="model",
        ai_energyConsumption=energy_consumption(filing),
        ai_informationAboutTraining=_about_training(filing),
        comment=_comment(filing),
    )
    release = filing.row.get("release_date")
    if release:
        package["releaseTime"] = f"{release.isoformat()}T00:00:00Z"
    urls = source_urls(" ; ".join(f.source for f in filing.figures))
    if urls:
        package["externalRef"] = [
            {
                "type": "ExternalRef",
                "externalRefType": "other",
                "locator": urls,
                "comment": "sources of the energy and compute figures",
            }
        ]
    return package
