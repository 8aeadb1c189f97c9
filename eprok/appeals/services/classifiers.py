"""Maintaining the classifiers: topics (with their escalation department) and sectors concerned.

Only holders of "Administer users" over the whole service maintain them (access.can_manage_classifiers).
A code never changes once created (lists, the API and other modules refer to it); an entry no longer in
use is deactivated, never deleted, so the appeals that carry it keep it.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.appeals import access
from eprok.appeals.models import AppealTopic, Escalation, Sector
from eprok.audit.services import audit_record, diff
from eprok.core.errors import Forbidden, ValidationFailed
from eprok.org.models import Unit

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _guard(actor: Any) -> None:
    if not access.can_manage_classifiers(actor):
        raise Forbidden()


def _names(name_az: str, name_en: str, name_ru: str, errors: dict[str, str]) -> dict[str, str]:
    values = {
        "name_az": " ".join((name_az or "").split()),
        "name_en": " ".join((name_en or "").split()),
        "name_ru": " ".join((name_ru or "").split()),
    }
    if not values["name_az"]:
        errors["name_az"] = str(_("Write the name in Azerbaijani."))
    for key, value in values.items():
        if len(value) > 255:
            errors[key] = str(_("At most %(limit)d characters.") % {"limit": 255})
    return values


def _code(code: str, model: Any, errors: dict[str, str]) -> str:
    code = (code or "").strip().lower()
    if not _CODE.match(code):
        errors["code"] = str(_("Use Latin lower-case letters, digits and hyphens (at most 64)."))
    elif model.objects.filter(code=code).exists():
        errors["code"] = str(_("This code is taken."))
    return code


def _order(sort_order: Any, errors: dict[str, str]) -> int:
    try:
        value = int(sort_order or 0)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        errors["sort_order"] = str(_("Enter a whole number, 0 or more."))
    return max(value, 0)


def _topic_links(
    topic: AppealTopic | None,
    parent: AppealTopic | None,
    escalation: str,
    escalate_to: Unit | None,
    errors: dict[str, str],
) -> None:
    if parent is not None and topic is not None:
        walker: AppealTopic | None = parent
        while walker is not None:
            if walker.pk == topic.pk:
                errors["parent"] = str(
                    _("A topic cannot be placed under itself or under one of its own sub-topics.")
                )
                break
            walker = walker.parent
    if escalation and escalation not in Escalation.values:
        errors["escalation"] = str(_("Choose the kind of escalation from the list."))
    if escalate_to is not None and not escalation:
        errors["escalation"] = str(_("Choose the kind of complaint the department receives."))
    if escalate_to is not None and not escalate_to.is_active:
        errors["escalate_to"] = str(_("The department is no longer active."))


def _topic_row(topic: AppealTopic) -> dict[str, Any]:
    return {
        "code": topic.code,
        "name_az": topic.name_az,
        "name_en": topic.name_en,
        "name_ru": topic.name_ru,
        "parent": topic.parent.code if topic.parent_id and topic.parent else None,
        "sort_order": topic.sort_order,
        "escalation": topic.escalation or None,
        "escalate_to": topic.escalate_to.code if topic.escalate_to_id and topic.escalate_to else None,
        "is_active": topic.is_active,
    }


def _sector_row(sector: Sector) -> dict[str, Any]:
    return {
        "code": sector.code,
        "name_az": sector.name_az,
        "name_en": sector.name_en,
        "name_ru": sector.name_ru,
        "sort_order": sector.sort_order,
        "is_active": sector.is_active,
    }


@transaction.atomic
def topic_create(
    *,
    actor: Any,
    code: str,
    name_az: str,
    name_en: str = "",
    name_ru: str = "",
    parent: AppealTopic | None = None,
    sort_order: int = 0,
    escalation: str = "",
    escalate_to: Unit | None = None,
) -> AppealTopic:
    _guard(actor)
    errors: dict[str, str] = {}
    code = _code(code, AppealTopic, errors)
    names = _names(name_az, name_en, name_ru, errors)
    order = _order(sort_order, errors)
    _topic_links(None, parent, escalation, escalate_to, errors)
    if errors:
        raise ValidationFailed(details=errors)
    topic = AppealTopic.objects.create(
        code=code, parent=parent, sort_order=order, escalation=escalation, escalate_to=escalate_to, **names
    )
    audit_record(
        actor=actor, action="appeals.topic.created", target=topic, changes={"after": _topic_row(topic)}
    )
    return topic


@transaction.atomic
def topic_update(
    *,
    actor: Any,
    topic: AppealTopic,
    name_az: str,
    name_en: str = "",
    name_ru: str = "",
    parent: AppealTopic | None = None,
    sort_order: int = 0,
    escalation: str = "",
    escalate_to: Unit | None = None,
) -> AppealTopic:
    """Change a topic's names, place, order and escalation (its code stays)."""
    _guard(actor)
    topic = (
        AppealTopic.objects.select_for_update(of=("self",))
        .select_related("parent", "escalate_to")
        .get(pk=topic.pk)
    )
    errors: dict[str, str] = {}
    names = _names(name_az, name_en, name_ru, errors)
    order = _order(sort_order, errors)
    _topic_links(topic, parent, escalation, escalate_to, errors)
    if errors:
        raise ValidationFailed(details=errors)
    before = _topic_row(topic)
    for key, value in names.items():
        setattr(topic, key, value)
    topic.parent, topic.sort_order, topic.escalation, topic.escalate_to = (
        parent,
        order,
        escalation,
        escalate_to,
    )
    topic.save()
    audit_record(
        actor=actor, action="appeals.topic.updated", target=topic, changes=diff(before, _topic_row(topic))
    )
    return topic


@transaction.atomic
def topic_set_active(*, actor: Any, topic: AppealTopic, active: bool) -> AppealTopic:
    """Offer a topic again, or stop offering it (the appeals that carry it keep it)."""
    _guard(actor)
    topic = AppealTopic.objects.select_for_update().get(pk=topic.pk)
    if topic.is_active == active:
        return topic
    topic.is_active = active
    topic.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor, action=f"appeals.topic.{'activated' if active else 'deactivated'}", target=topic
    )
    return topic


@transaction.atomic
def sector_create(
    *, actor: Any, code: str, name_az: str, name_en: str = "", name_ru: str = "", sort_order: int = 0
) -> Sector:
    _guard(actor)
    errors: dict[str, str] = {}
    code = _code(code, Sector, errors)
    names = _names(name_az, name_en, name_ru, errors)
    order = _order(sort_order, errors)
    if errors:
        raise ValidationFailed(details=errors)
    sector = Sector.objects.create(code=code, sort_order=order, **names)
    audit_record(
        actor=actor, action="appeals.sector.created", target=sector, changes={"after": _sector_row(sector)}
    )
    return sector


@transaction.atomic
def sector_update(
    *, actor: Any, sector: Sector, name_az: str, name_en: str = "", name_ru: str = "", sort_order: int = 0
) -> Sector:
    _guard(actor)
    sector = Sector.objects.select_for_update().get(pk=sector.pk)
    errors: dict[str, str] = {}
    names = _names(name_az, name_en, name_ru, errors)
    order = _order(sort_order, errors)
    if errors:
        raise ValidationFailed(details=errors)
    before = _sector_row(sector)
    for key, value in names.items():
        setattr(sector, key, value)
    sector.sort_order = order
    sector.save()
    audit_record(
        actor=actor, action="appeals.sector.updated", target=sector, changes=diff(before, _sector_row(sector))
    )
    return sector


@transaction.atomic
def sector_set_active(*, actor: Any, sector: Sector, active: bool) -> Sector:
    _guard(actor)
    sector = Sector.objects.select_for_update().get(pk=sector.pk)
    if sector.is_active == active:
        return sector
    sector.is_active = active
    sector.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor, action=f"appeals.sector.{'activated' if active else 'deactivated'}", target=sector
    )
    return sector
