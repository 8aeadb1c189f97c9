"""The topics and sectors calls and hotline reports are classified with: the appeals' classifiers.

The appeals register maintains both lists (eprok.appeals.models.AppealTopic and Sector, edited by
administrators). Calls and hotline reports keep the *code* of a topic or sector, the way a crime report
keeps the number of its criminal case, so neither register's migrations depend on the other's; this
module reads the names and checks that a code exists.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def _model(name: str) -> Any:
    try:
        from eprok.appeals import models
    except ImportError:  # pragma: no cover - the appeals register is part of the project
        return None
    return getattr(models, name, None)


def _choices(name: str, *, include: str = "") -> list[tuple[str, str]]:
    """(code, name in the active language) of the active entries, plus `include` even if retired."""
    model = _model(name)
    if model is None:
        return []
    from django.db.models import Q

    language = (get_language() or "az")[:2]
    rows = (
        model.objects.filter(Q(is_active=True) | Q(code=include or None))
        .order_by("sort_order", "code")
        .values_list("code", "name_az", "name_en", "name_ru")
    )
    return [(code, {"en": en, "ru": ru}.get(language) or az) for code, az, en, ru in rows]


def sector_choices(*, include: str = "") -> list[tuple[str, str]]:
    return _choices("Sector", include=include)


def topic_choices(*, include: str = "") -> list[tuple[str, str]]:
    return _choices("AppealTopic", include=include)


def sector_names() -> dict[str, str]:
    """Every sector's name by code (retired ones too), for lists and analytics."""
    return dict(_all("Sector"))


def topic_names() -> dict[str, str]:
    return dict(_all("AppealTopic"))


def _all(name: str) -> list[tuple[str, str]]:
    model = _model(name)
    if model is None:
        return []
    language = (get_language() or "az")[:2]
    rows = model.objects.values_list("code", "name_az", "name_en", "name_ru")
    return [(code, {"en": en, "ru": ru}.get(language) or az) for code, az, en, ru in rows]


def is_sector(code: str) -> bool:
    model = _model("Sector")
    return bool(code) and model is not None and model.objects.filter(code=code, is_active=True).exists()


def is_topic(code: str) -> bool:
    model = _model("AppealTopic")
    return bool(code) and model is not None and model.objects.filter(code=code, is_active=True).exists()


def topic_object(code: str) -> Any:
    """The appeals' topic row for `code` (what appeal_register takes), or None."""
    model = _model("AppealTopic")
    if model is None or not code:
        return None
    return model.objects.filter(code=code).first()
