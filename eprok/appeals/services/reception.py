"""The personal reception log: visitors received by officials (Appeals Law; at least monthly, A10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.appeals import access
from eprok.appeals.models import Appeal, ReceptionEntry
from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.org.models import Unit
from eprok.persons.validators import normalise_fin

CLOCK_SKEW = dt.timedelta(minutes=5)


@transaction.atomic
def reception_entry_link_appeal(*, actor: Any, entry: ReceptionEntry, appeal: Appeal) -> ReceptionEntry:
    """Record the appeal registered from a visit ("register as an appeal"); once only."""
    entry = ReceptionEntry.objects.select_for_update(of=("self",)).select_related("unit").get(pk=entry.pk)
    if not access.can_log_reception(actor, entry.unit):
        raise Forbidden()
    if entry.appeal_number:
        raise Conflict(
            _("This visit is already linked to appeal %(number)s.") % {"number": entry.appeal_number},
            code="already_linked",
        )
    entry.appeal_number = appeal.number
    entry.save(update_fields=["appeal_number", "updated_at"])
    audit_record(
        actor=actor,
        action="appeals.reception_entry.linked",
        target=entry,
        related=appeal,
        changes={"after": {"appeal_number": appeal.number}},
    )
    return entry


@transaction.atomic
def reception_entry_create(
    *,
    actor: Any,
    unit: Unit,
    received_at: dt.datetime | None,
    official: Any,
    visitor_name: str,
    subject: str,
    visitor_fin: str = "",
    result: str = "",
    appeal_number: str = "",
) -> ReceptionEntry:
    """Record one visitor received by `official` in `unit`; `appeal_number` names the appeal registered
    from the visit, if any (it must exist)."""
    if not access.can_log_reception(actor, unit):
        raise Forbidden()
    errors: dict[str, str] = {}
    visitor_name = " ".join((visitor_name or "").split())
    subject = (subject or "").strip()
    result = (result or "").strip()
    appeal_number = (appeal_number or "").strip().upper()
    if not visitor_name:
        errors["visitor_name"] = str(_("Write the visitor's name."))
    elif len(visitor_name) > 300:
        errors["visitor_name"] = str(_("At most %(limit)d characters.") % {"limit": 300})
    if not subject:
        errors["subject"] = str(_("Write what the visitor asked about."))
    elif len(subject) > 20_000 or len(result) > 20_000:
        errors["subject"] = str(_("The text is too long."))
    if received_at is None:
        errors["received_at"] = str(_("Enter the date and time of the reception."))
    elif received_at > timezone.now() + CLOCK_SKEW:
        errors["received_at"] = str(_("A reception cannot be recorded in the future."))
    if official is None or not getattr(official, "is_active", False):
        errors["official"] = str(_("Choose the official who received the visitor."))
    fin = ""
    try:
        fin = normalise_fin(visitor_fin) or ""
    except ValidationFailed as exc:
        errors["visitor_fin"] = str(exc.message)
    if appeal_number and not Appeal.objects.filter(number=appeal_number[:40]).exists():
        errors["appeal_number"] = str(_("There is no appeal with this number."))
    if errors:
        raise ValidationFailed(details=errors)
    assert received_at is not None  # checked above
    entry = ReceptionEntry.objects.create(
        unit=unit,
        received_at=received_at,
        official=official,
        visitor_name=visitor_name,
        visitor_fin=fin,
        subject=subject,
        result=result,
        appeal_number=appeal_number,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="appeals.reception_entry.created",
        target=entry,
        related=official,
        changes={
            "after": {
                "unit": unit.code,
                "received_at": received_at.isoformat() if received_at else None,
                "visitor_name": visitor_name,
                "visitor_fin": fin or None,
                "appeal_number": appeal_number or None,
            }
        },
    )
    return entry
