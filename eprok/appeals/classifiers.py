"""Loading the classifiers (topics, sectors) from fixtures/topics.json and fixtures/sectors.json.

Rerunnable: a missing code is created; an existing one is left as administrators keep it, except that a
topic's `escalate_to` department is filled in once that unit exists (units are seeded after migrations).
The data migration calls `load_classifiers` with its historical models; `eprok seed` calls it with the
real ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def load_classifiers(
    topic_model: Any = None, sector_model: Any = None, unit_model: Any = None
) -> dict[str, int]:
    """Create the missing topics and sectors; returns how many topics, sectors and escalations were set."""
    if topic_model is None or sector_model is None or unit_model is None:
        from eprok.appeals.models import AppealTopic, Sector
        from eprok.org.models import Unit

        topic_model, sector_model, unit_model = AppealTopic, Sector, Unit
    counts = {"topics": 0, "sectors": 0, "escalations": 0}
    existing_sectors = set(sector_model.objects.values_list("code", flat=True))
    for item in fixture("sectors.json"):
        if item["code"] in existing_sectors:
            continue
        sector_model.objects.create(
            code=item["code"],
            name_az=item["name_az"],
            name_en=item["name_en"],
            name_ru=item["name_ru"],
            sort_order=item["sort_order"],
        )
        counts["sectors"] += 1
    items = fixture("topics.json")
    units = dict(
        unit_model.objects.filter(code__in={i["escalate_to"] for i in items if i["escalate_to"]}).values_list(
            "code", "pk"
        )
    )
    topics = {topic.code: topic for topic in topic_model.objects.all()}
    for item in items:  # parents come before their children in the fixture
        topic = topics.get(item["code"])
        unit_id = units.get(item["escalate_to"]) if item["escalate_to"] else None
        if topic is None:
            parent = topics.get(item["parent"]) if item["parent"] else None
            topics[item["code"]] = topic_model.objects.create(
                code=item["code"],
                parent=parent,
                name_az=item["name_az"],
                name_en=item["name_en"],
                name_ru=item["name_ru"],
                sort_order=item["sort_order"],
                escalation=item["escalation"],
                escalate_to_id=unit_id,
            )
            counts["topics"] += 1
            counts["escalations"] += 1 if unit_id else 0
        elif unit_id and topic.escalate_to_id is None and topic.escalation == item["escalation"]:
            topic_model.objects.filter(pk=topic.pk).update(escalate_to_id=unit_id)
            counts["escalations"] += 1
    return counts
