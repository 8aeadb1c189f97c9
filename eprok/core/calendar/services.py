"""Writes to the working calendar: administrators' overrides of the holidays package."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.calendar import workdays
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.models import CalendarDay, CalendarDayKind


def _snapshot(day: CalendarDay) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "kind": day.kind,
        "name_az": day.name_az,
        "name_en": day.name_en,
        "name_ru": day.name_ru,
        "legal_source": day.legal_source,
    }


def _forget(year: int) -> None:
    workdays.invalidate(year)
    transaction.on_commit(lambda: workdays.invalidate(year))


@transaction.atomic
def calendar_day_create(
    *,
    actor: Any,
    date: dt.date,
    kind: str,
    name_az: str,
    legal_source: str,
    name_en: str = "",
    name_ru: str = "",
) -> CalendarDay:
    """Declare `date` a working or non-working day, overriding the holidays package."""
    errors: dict[str, str] = {}
    if kind not in CalendarDayKind.values:
        errors["kind"] = str(_("Choose whether the day is working or non-working."))
    if not (name_az or "").strip():
        errors["name_az"] = str(_("The Azerbaijani name is required."))
    if not (legal_source or "").strip():
        errors["legal_source"] = str(_("Name the decision or law, with its number and date."))
    if errors:
        raise ValidationFailed(details=errors)
    if CalendarDay.objects.filter(date=date).exists():
        raise Conflict(
            _("This date already has an override; remove it first."),
            code="duplicate_date",
            details={"field": "date"},
        )
    day = CalendarDay.objects.create(
        date=date,
        kind=kind,
        name_az=name_az.strip(),
        name_en=name_en.strip(),
        name_ru=name_ru.strip(),
        legal_source=legal_source.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action="core.calendar_day.created", target=day, changes={"after": _snapshot(day)}
    )
    _forget(date.year)
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Any, day: CalendarDay) -> None:
    """Remove an override: the package's calendar applies to the date again."""
    audit_record(
        actor=actor, action="core.calendar_day.deleted", target=day, changes={"before": _snapshot(day)}
    )
    year = day.date.year
    day.delete()
    _forget(year)
