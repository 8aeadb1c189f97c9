"""Loading the classifier of thematic areas from fixtures/thematic_areas.json.

Rerunnable: a missing code is created; an existing one is left as the Centre maintains it. The data
migration calls `load_thematic_areas` with its historical model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "thematic_areas.json"


def fixture() -> list[dict[str, Any]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def load_thematic_areas(area_model: Any = None) -> int:
    """Create the missing thematic areas; returns how many were created."""
    if area_model is None:
        from eprok.training.models import ThematicArea

        area_model = ThematicArea
    existing = set(area_model.objects.values_list("code", flat=True))
    created = 0
    for order, item in enumerate(fixture(), start=1):
        if item["code"] in existing:
            continue
        area_model.objects.create(
            code=item["code"],
            name_az=item["name_az"],
            name_en=item["name_en"],
            name_ru=item["name_ru"],
            sort_order=order * 10,
        )
        created += 1
    return created
