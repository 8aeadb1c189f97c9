"""The built-in library of templates: eprok/drafting/library/manifest.json and one <code>.html body each.

`load_library` creates the templates that do not exist yet and gives each a published version 1 from its
file. It is rerunnable: a template that exists is left as administrators made it (their versions are
never overwritten). Used by the data migration and by `eprok seed`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


def manifest() -> list[dict[str, Any]]:
    return list(json.loads((LIBRARY_DIR / "manifest.json").read_text(encoding="utf-8")))


def body_of(code: str) -> str:
    return (LIBRARY_DIR / f"{code}.html").read_text(encoding="utf-8")


def load_library(template_model: Any, version_model: Any) -> int:
    """Create the missing library templates with a published version 1; the number created."""
    from django.utils import timezone

    created = 0
    for order, item in enumerate(manifest(), start=1):
        template, was_created = template_model.objects.get_or_create(
            code=item["code"],
            defaults={
                "name_az": item["name_az"],
                "name_en": item["name_en"],
                "name_ru": item["name_ru"],
                "group": item["group"],
                "owner_types": ",".join(item["owner_types"]),
                "legal_basis": item["legal_basis"],
                "sort_order": order * 10,
                "is_active": True,
            },
        )
        if not was_created or version_model.objects.filter(template=template).exists():
            continue
        version_model.objects.create(
            template=template,
            number=1,
            title=item["title"],
            body=body_of(item["code"]),
            status="published",
            note="Library version",
            published_at=timezone.now(),
        )
        created += 1
    return created
