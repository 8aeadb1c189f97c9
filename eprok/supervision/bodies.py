"""Loading the classifier of investigating bodies from fixtures/investigating_bodies.json.

Rerunnable: a missing code is created; an existing body is left as its keepers maintain it. The data
migration calls `load_investigating_bodies` with its historical model; the demo seeding with the real one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "investigating_bodies.json"
FIELDS = ("kind", "district", "xroad_member", "name_az", "name_en", "name_ru")


def fixture() -> list[dict[str, Any]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def load_investigating_bodies(body_model: Any = None) -> int:
    """Create the bodies of the fixture that are missing; returns how many were created."""
    if body_model is None:
        from eprok.supervision.models import InvestigatingBody

        body_model = InvestigatingBody
    existing = set(body_model.objects.values_list("code", flat=True))
    created = 0
    for item in fixture():
        if item["code"] in existing:
            continue
        body_model.objects.create(code=item["code"], **{name: item[name] for name in FIELDS})
        created += 1
    return created
