"""Loading the classifier of incident types from fixtures/incident_types.json.

Rerunnable: a missing code is created; an existing one is left as its keepers maintain it, except that an
empty routing is filled in once the departments exist (units are seeded after migrations). The data
migration calls `load_incident_types` with its historical models; `eprok seed` calls it with the real ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "incident_types.json"


def fixture() -> list[dict[str, Any]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def load_incident_types(type_model: Any = None, unit_model: Any = None) -> dict[str, int]:
    """Create the missing incident types and fill empty routings; returns how many of each were set."""
    if type_model is None or unit_model is None:
        from eprok.org.models import Unit
        from eprok.special.models import IncidentType

        type_model, unit_model = IncidentType, Unit
    items = fixture()
    units = {
        unit.code: unit
        for unit in unit_model.objects.filter(code__in={c for i in items for c in i["routed_to"]})
    }
    existing = {incident_type.code: incident_type for incident_type in type_model.objects.all()}
    counts = {"types": 0, "routings": 0}
    for order, item in enumerate(items, start=1):
        incident_type = existing.get(item["code"])
        if incident_type is None:
            incident_type = type_model.objects.create(
                code=item["code"],
                name_az=item["name_az"],
                name_en=item["name_en"],
                name_ru=item["name_ru"],
                sort_order=order * 10,
                follow_up_hours=item["follow_up_hours"],
                ack_target_minutes=item["ack_target_minutes"],
                classification=item["classification"],
            )
            counts["types"] += 1
        routed = [units[code] for code in item["routed_to"] if code in units]
        if routed and not incident_type.routed_to.exists():
            incident_type.routed_to.set(routed)
            counts["routings"] += 1
    return counts
