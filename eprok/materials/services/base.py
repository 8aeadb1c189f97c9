"""The one write path for a report's row: locking, the version check, the transition table, the audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import lock_row
from eprok.materials import terms
from eprok.materials.models import (
    TRANSITIONS,
    Material,
    MaterialStatus,
)
from eprok.search.services import index_later
from eprok.stats.models import SubjectType
from eprok.stats.services import record as stats_record

# A clock a few minutes ahead of the server's is not a registration "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_GROUNDS = 20_000


# --- the one write path for the material row ---------------------------------------------------------


def _locked(material: Material, expected_version: int | None) -> Material:
    """The material's row, locked until commit; Conflict when the caller saw an older version."""
    rows = Material.objects.select_related("unit", "assignee", "transferred_to_unit", "joined_to")
    return lock_row(rows, material.pk, expected_version)


def _move(material: Material, to: str) -> None:
    """Set the new status of a locked row if the TRANSITIONS table allows it; Conflict otherwise."""
    if to not in TRANSITIONS.get(material.status, frozenset()):
        raise Conflict(
            _("A report that is “%(status)s” cannot become “%(target)s”.")
            % {"status": MaterialStatus(material.status).label, "target": MaterialStatus(to).label},
            code="transition_not_allowed",
            details={"status": material.status, "target": to},
        )
    material.status = to


def _transition(
    material: Material, *, to: str, expected_version: int | None
) -> tuple[Material, dict[str, Any]]:
    """Lock the row, check the version and the TRANSITIONS table, and set the new status (not saved).

    Returns the locked row and its snapshot from before the change, for the audit diff.
    """
    locked = _locked(material, expected_version)
    before = _snapshot(locked)
    _move(locked, to)
    return locked, before


def _save(material: Material, *fields: str) -> None:
    """Save the changed fields and bump the version (the row is locked, so +1 is safe)."""
    material.version += 1
    material.save(update_fields=[*fields, "version", "updated_at"])


def _snapshot(material: Material) -> dict[str, Any]:
    return {
        "status": material.status,
        "assignee": material.assignee.get_username() if material.assignee_id and material.assignee else None,
        "check_due": material.check_due.isoformat() if material.check_due else None,
        "check_round": material.check_round,
        "decision_grounds": material.decision_grounds or None,
        "refusal_ground": material.refusal_ground or None,
        "transferred_to_unit": (
            material.transferred_to_unit.code
            if material.transferred_to_unit_id and material.transferred_to_unit
            else None
        ),
        "transferred_to_body": material.transferred_to_body or None,
        "joined_to": material.joined_to.number if material.joined_to_id and material.joined_to else None,
        "case_number": material.case_number or None,
        "version": material.version,
    }


def _audit(actor: Any, verb: str, material: Material, before: dict[str, Any], **kwargs: Any) -> None:
    index_later("materials.material", material.pk)  # every change of a report passes here
    stats_record(SubjectType.MATERIAL, material.pk)  # and its statistical cards follow it
    audit_record(
        actor=actor,
        action=f"materials.material.{verb}",
        target=material,
        changes=diff(before, _snapshot(material)),
        **kwargs,
    )


def _require_text(value: str | None, field: str, message: Any) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, details={field: str(message)})
    if len(text) > MAX_GROUNDS:
        too_long = _("The text is too long.")
        raise ValidationFailed(too_long, details={field: str(too_long)})
    return text


def _require_open(material: Material) -> None:
    if not material.is_open:
        raise Conflict(
            _("The check of this report is over (“%(status)s”); it can no longer be changed.")
            % {"status": MaterialStatus(material.status).label},
            code="material_closed",
        )


def _notify(recipient: Any, *, title: str, material: Material, actor: Any) -> None:
    """Tell `recipient` about the material once the transaction has committed."""
    if recipient is None or (actor is not None and getattr(actor, "pk", None) == recipient.pk):
        return
    from eprok.notifications.services import notification_send

    url = material.get_absolute_url()
    transaction.on_commit(lambda: notification_send(recipient=recipient, title=title, url=url, actor=None))


def _decide(material: Material, actor: Any, grounds: str) -> None:
    material.decided_at = timezone.now()
    material.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    material.decision_grounds = grounds
    terms.close_check(material)


_DECISION_FIELDS = ("status", "decided_at", "decided_by", "decision_grounds")
