"""What every write of the module shares: row locks with the version check, the transition tables, text
checks, the audit snapshots of a call and of a hotline report."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.contact.models import (
    CALL_TRANSITIONS,
    HOTLINE_TRANSITIONS,
    Call,
    CallStatus,
    HotlineReport,
    HotlineStatus,
)
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import lock_row

M = TypeVar("M", bound=models.Model)

# A clock a few minutes ahead of the server's is not an event "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_TEXT = 20_000


def locked(queryset: QuerySet[Any], pk: Any, expected_version: int | None = None) -> Any:
    """The row `pk` of `queryset`, locked until commit; Conflict (stale_version) when the caller saw an
    older version."""
    return lock_row(queryset, pk, expected_version)


def bump(row: Any, *fields: str) -> None:
    """Save the changed fields of a locked row and increase its version."""
    row.version += 1
    row.save(update_fields=[*fields, "version", "updated_at"])


def move(row: Any, to: str, table: dict[str, frozenset[str]], labels: Any, *, code: str) -> None:
    """Set `row.status` to `to` if `table` allows it; Conflict otherwise (not saved)."""
    if to not in table.get(row.status, frozenset()):
        raise Conflict(
            _("A record that is “%(status)s” cannot become “%(target)s”.")
            % {"status": labels(row.status).label, "target": labels(to).label},
            code=code,
            details={"status": row.status, "target": to},
        )
    row.status = to


def move_call(call: Call, to: str) -> None:
    move(call, to, CALL_TRANSITIONS, CallStatus, code="transition_not_allowed")


def move_report(report: HotlineReport, to: str) -> None:
    move(report, to, HOTLINE_TRANSITIONS, HotlineStatus, code="transition_not_allowed")


def clean_text(value: Any, field: str, *, required: Any = None, limit: int = MAX_TEXT) -> str:
    """Stripped text; ValidationFailed with `required` (a message) when empty, or when too long."""
    text = str(value or "").strip()
    if "\x00" in text:
        message = _("Text must not contain the NUL character.")
        raise ValidationFailed(message, details={field: str(message)})
    if required is not None and not text:
        raise ValidationFailed(required, details={field: str(required)})
    if len(text) > limit:
        too_long = _("The text is too long (at most %(limit)d characters).") % {"limit": limit}
        raise ValidationFailed(too_long, details={field: too_long})
    return text


def username(employee: Any) -> str | None:
    return employee.get_username() if employee is not None else None


def call_snapshot(call: Call) -> dict[str, Any]:
    """What the audit log records of a call: its course and outcome, not the caller's personal data."""
    return {
        "status": call.status,
        "operator": username(call.operator) if call.operator_id else None,
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "topic": call.topic or None,
        "outcome": call.outcome or None,
        "appeal_number": call.appeal_number or None,
        "material_number": call.material_number or None,
        "forwarded_to": call.forwarded_to or None,
        "has_recording": bool(call.recording_url),
        "caller_notified": call.caller_notified,
        "recording_retain_until": call.recording_retain_until.isoformat()
        if call.recording_retain_until
        else None,
        "version": call.version,
    }


def audit_call(
    actor: Any, verb: str, call: Call, before: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    after = call_snapshot(call)
    changes = diff(before, after) if before is not None else {"after": after}
    audit_record(actor=actor, action=f"contact.call.{verb}", target=call, changes=changes, **kwargs)


def report_snapshot(report: HotlineReport) -> dict[str, Any]:
    """What the audit log records of a hotline report: never the identity, the code or the texts."""
    return {
        "status": report.status,
        "assignee": username(report.assignee) if report.assignee_id else None,
        "sector": report.sector or None,
        "corruption_type": report.corruption_type or None,
        "material_number": report.material_number or None,
        "forwarded_to": report.forwarded_to or None,
        "version": report.version,
    }


def audit_report(
    actor: Any, verb: str, report: HotlineReport, before: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    after = report_snapshot(report)
    changes = diff(before, after) if before is not None else {"after": after}
    audit_record(
        actor=actor, action=f"contact.hotline_report.{verb}", target=report, changes=changes, **kwargs
    )


def notify(recipient: Any, *, title: str, url: str, actor: Any) -> None:
    """Tell `recipient` in the app once the transaction has committed (never the actor themselves)."""
    if recipient is None or (actor is not None and getattr(actor, "pk", None) == recipient.pk):
        return
    from eprok.notifications.services import notification_send

    transaction.on_commit(lambda: notification_send(recipient=recipient, title=title, url=url, actor=None))
