"""The live sessions of training events: creating the meeting at a provider, retrying it while the provider is
down, and taking attendance from the provider's participants report.

`meeting_create` saves the choice with the status "pending" and queues `meeting_create_task` after commit;
the event itself is never held up by the provider. Each attempt first claims the event (one transaction: the
attempt is counted and the next try is booked `backoff(attempt)` ahead, so the worker and the sweep never
call the provider twice at once), then calls the provider outside any transaction, then records the outcome.
A failed attempt keeps the status "pending" with the error and the next try visible; after MAX_ATTEMPTS
the status is "failed" and an administrator may retry. `meetings_sweep` (run every minute by
`manage.py training_sweep`) makes the attempts that are due — also the first one when the worker is down —
and, once a Zoom meeting's event has ended, takes its attendance once.

Attendance from the meeting marks present only the invited listeners whose e-mail (Employee.email) the
provider reports; anyone else in the meeting is ignored, and a mark already made by hand or by QR code is
left as it is. Doing it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.training import access
from eprok.training.meetings import MeetingProviderError, get_provider
from eprok.training.models import (
    EDITABLE_STATUSES,
    Attendance,
    AttendanceMethod,
    EventFormat,
    EventStatus,
    Invitation,
    MeetingProvider,
    MeetingStatus,
    TrainingEvent,
)

MAX_ATTEMPTS = 6
BACKOFF_CAP_MINUTES = 60
# The participants report is asked for until this long after the event's end (then an administrator may).
ATTENDANCE_WINDOW = dt.timedelta(days=7)
SWEEP_BATCH = 200


def backoff(attempt: int) -> dt.timedelta:
    """How long after attempt number `attempt` (1, 2, ...) the next one is due: 1, 2, 4, ... 60 minutes."""
    return dt.timedelta(minutes=min(2 ** max(attempt - 1, 0), BACKOFF_CAP_MINUTES))


def _fail(field_name: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field_name: str(message)})


def _require_manager(actor: Any, event: TrainingEvent) -> None:
    if not access.can_manage(actor, event):
        raise Forbidden(_("Only administrators of training may do this."))


def _enqueue(event_pk: int) -> None:
    from eprok.training.tasks import meeting_create_task

    transaction.on_commit(lambda: meeting_create_task.enqueue(event_pk))


def _meeting_snapshot(event: TrainingEvent) -> dict[str, Any]:
    return {
        "meeting_provider": event.meeting_provider,
        "meeting_status": event.meeting_status,
        "meeting_id": event.meeting_id,
    }


@transaction.atomic
def meeting_create(*, actor: Any, event: TrainingEvent, provider: str) -> TrainingEvent:
    """Choose the provider of an online or mixed event's live session; the meeting is created in the
    background (at once when the worker runs) and retried while the provider is down."""
    _require_manager(actor, event)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status not in EDITABLE_STATUSES:
        raise Conflict(_("A held or cancelled event can no longer be changed."))
    if event.format == EventFormat.IN_PERSON:
        raise _fail(
            "provider", _("An in-person event has no live session; choose the online or mixed format.")
        )
    if provider not in MeetingProvider.values:
        raise _fail("provider", _("Choose the video meeting service."))
    if not get_provider(provider).is_configured():
        raise _fail(
            "provider",
            _("%(provider)s is not configured on this server; choose another service.")
            % {"provider": MeetingProvider(provider).label},
        )
    if event.meeting_status == MeetingStatus.CREATED:
        raise Conflict(_("The event already has its meeting."), code="meeting_exists")
    if event.meeting_status == MeetingStatus.PENDING:
        raise Conflict(_("The meeting is being created already."), code="meeting_pending")
    before = _meeting_snapshot(event)
    now = timezone.now()
    event.meeting_provider = provider
    event.meeting_status = MeetingStatus.PENDING
    event.meeting_id = ""
    event.meeting_url = ""
    event.meeting_attempts = 0
    event.meeting_error = ""
    # Should the worker not take it, the sweep makes the first attempt after a minute.
    event.meeting_retry_at = now + backoff(1)
    event.save(
        update_fields=[
            "meeting_provider",
            "meeting_status",
            "meeting_id",
            "meeting_url",
            "meeting_attempts",
            "meeting_error",
            "meeting_retry_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="training.meeting.requested",
        target=event,
        changes={
            key: [value, getattr(event, key)] for key, value in before.items() if value != getattr(event, key)
        },
    )
    _enqueue(event.pk)
    return event


@transaction.atomic
def meeting_retry(*, actor: Any, event: TrainingEvent) -> TrainingEvent:
    """An administrator tries a failed (or still pending) meeting again now, counting attempts afresh."""
    _require_manager(actor, event)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status not in EDITABLE_STATUSES:
        raise Conflict(_("A held or cancelled event can no longer be changed."))
    if event.meeting_status not in (MeetingStatus.FAILED, MeetingStatus.PENDING):
        raise Conflict(_("Only a meeting that could not be created is retried."), code="meeting_not_failed")
    if not get_provider(event.meeting_provider).is_configured():
        raise _fail(
            "provider",
            _("%(provider)s is not configured on this server; choose another service.")
            % {"provider": event.get_meeting_provider_display()},
        )
    previous = event.meeting_status
    event.meeting_status = MeetingStatus.PENDING
    event.meeting_attempts = 0
    event.meeting_retry_at = timezone.now() + backoff(1)
    event.save(update_fields=["meeting_status", "meeting_attempts", "meeting_retry_at", "updated_at"])
    audit_record(
        actor=actor,
        action="training.meeting.retried",
        target=event,
        changes={"meeting_status": [previous, event.meeting_status]},
        data={"last_error": event.meeting_error},
    )
    _enqueue(event.pk)
    return event


def _claim(event_pk: int, *, first: bool) -> TrainingEvent | None:
    """Count the attempt and book the next one, or None when there is nothing to do now."""
    now = timezone.now()
    with transaction.atomic():
        event = TrainingEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None or event.meeting_status != MeetingStatus.PENDING:
            return None
        if event.status not in EDITABLE_STATUSES:
            return None
        due = event.meeting_retry_at is None or event.meeting_retry_at <= now
        if not due and not (first and event.meeting_attempts == 0):
            return None
        event.meeting_attempts += 1
        event.meeting_retry_at = now + backoff(event.meeting_attempts)
        event.save(update_fields=["meeting_attempts", "meeting_retry_at", "updated_at"])
        return event


def meeting_attempt(*, event_pk: int, first: bool = False) -> str:
    """One attempt to create the event's meeting: "created", "retry" (pending, the next one booked),
    "failed" (no attempts left) or "skipped" (not pending, or not due). `first`: the task queued by a
    request, which may go before the booked time."""
    event = _claim(event_pk, first=first)
    if event is None:
        return "skipped"
    attempt = event.meeting_attempts
    try:
        created = get_provider(event.meeting_provider).create_meeting(event)
    except MeetingProviderError as exc:
        return _record_failure(event_pk, attempt, exc.detail)
    with transaction.atomic():
        event = TrainingEvent.objects.select_for_update().get(pk=event_pk)
        if event.meeting_status != MeetingStatus.PENDING or event.meeting_attempts != attempt:
            return "skipped"  # retried or changed by someone meanwhile; this answer is stale
        event.meeting_status = MeetingStatus.CREATED
        event.meeting_id = created.meeting_id
        event.meeting_url = created.join_url
        event.meeting_error = ""
        event.meeting_retry_at = None
        event.save(
            update_fields=[
                "meeting_status",
                "meeting_id",
                "meeting_url",
                "meeting_error",
                "meeting_retry_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=None,
            action="training.meeting.created",
            target=event,
            changes={"meeting_status": [MeetingStatus.PENDING, MeetingStatus.CREATED]},
            data={"provider": event.meeting_provider, "meeting_id": event.meeting_id, "attempt": attempt},
        )
    return "created"


def _record_failure(event_pk: int, attempt: int, detail: str) -> str:
    with transaction.atomic():
        event = TrainingEvent.objects.select_for_update().get(pk=event_pk)
        if event.meeting_status != MeetingStatus.PENDING or event.meeting_attempts != attempt:
            return "skipped"
        event.meeting_error = f"{timezone.localtime(timezone.now()):%Y-%m-%d %H:%M} (#{attempt}) {detail}"[
            :500
        ]
        if attempt >= MAX_ATTEMPTS:
            event.meeting_status = MeetingStatus.FAILED
            event.meeting_retry_at = None
        event.save(update_fields=["meeting_status", "meeting_error", "meeting_retry_at", "updated_at"])
        if event.meeting_status == MeetingStatus.FAILED:
            audit_record(
                actor=None,
                action="training.meeting.failed",
                target=event,
                changes={"meeting_status": [MeetingStatus.PENDING, MeetingStatus.FAILED]},
                data={"provider": event.meeting_provider, "attempts": attempt, "error": detail[:300]},
            )
            return "failed"
    return "retry"


# --- attendance from the meeting ---------------------------------------------------------------------------


def attendance_from_meeting(*, event: TrainingEvent, actor: Any = None) -> int:
    """Mark present the invited listeners the provider reports in the meeting (matched by e-mail) who have
    no attendance mark yet; returns how many were marked. `actor` None: the sweep."""
    if actor is not None and not access.can_run(actor, event):
        raise Forbidden(_("Only administrators of training and the event's trainers mark attendance."))
    event = TrainingEvent.objects.get(pk=event.pk)
    if event.meeting_status != MeetingStatus.CREATED:
        raise Conflict(_("The event has no meeting yet."), code="no_meeting")
    if event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
        raise Conflict(_("Attendance is marked only for a published or held event."))
    if timezone.now() < event.ends_at:
        raise Conflict(_("Attendance is taken from the meeting after the event has ended."), code="not_ended")
    provider = get_provider(event.meeting_provider)
    if not provider.reports_participants:
        raise Conflict(
            _("%(provider)s does not report who took part; mark attendance by hand or with the QR code.")
            % {"provider": event.get_meeting_provider_display()},
            code="no_participants_report",
        )
    participants = provider.participants(event.meeting_id)  # outside the transaction: a network call
    emails = {p.email.strip().lower() for p in participants if p.email.strip()}
    with transaction.atomic():
        event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
        marked = set(Attendance.objects.filter(event=event).values_list("employee_id", flat=True))
        invited = [
            invitation
            for invitation in Invitation.objects.filter(event=event)
            .exclude(employee_id__in=marked)
            .select_related("employee")
            if invitation.employee.email and invitation.employee.email.strip().lower() in emails
        ]
        now = timezone.now()
        # The listener's own presence in the meeting recorded it, as with the QR check-in.
        Attendance.objects.bulk_create(
            [
                Attendance(
                    event=event,
                    employee_id=invitation.employee_id,
                    present=True,
                    method=AttendanceMethod.ONLINE,
                    recorded_at=now,
                    recorded_by_id=invitation.employee_id,
                )
                for invitation in invited
            ],
            ignore_conflicts=True,
        )
        event.attendance_fetched_at = now
        event.save(update_fields=["attendance_fetched_at", "updated_at"])
        audit_record(
            actor=actor,
            action="training.attendance.from_meeting",
            target=event,
            data={
                "provider": event.meeting_provider,
                "participants": len(participants),
                "marked": len(invited),
                "listeners": [str(invitation.employee.public_id) for invitation in invited],
            },
        )
    return len(invited)


# --- the sweep ---------------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    attempted: int = 0
    created: int = 0
    failed: int = 0
    attendance_events: int = 0
    attendance_marked: int = 0
    attendance_errors: int = 0


def meetings_sweep(now: dt.datetime | None = None) -> SweepResult:
    """The attempts that are due (pending meetings whose next try has come), then attendance from the Zoom
    meetings of events that have ended and were not yet read."""
    now = now or timezone.now()
    result = SweepResult()
    due = TrainingEvent.objects.filter(
        meeting_status=MeetingStatus.PENDING, status__in=EDITABLE_STATUSES
    ).filter(Q(meeting_retry_at__isnull=True) | Q(meeting_retry_at__lte=now))
    for pk in due.order_by("meeting_retry_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH]:
        outcome = meeting_attempt(event_pk=pk)
        if outcome == "skipped":
            continue
        result.attempted += 1
        result.created += outcome == "created"
        result.failed += outcome == "failed"
    ended = TrainingEvent.objects.filter(
        meeting_status=MeetingStatus.CREATED,
        meeting_provider=MeetingProvider.ZOOM,
        status__in=(EventStatus.PUBLISHED, EventStatus.HELD),
        attendance_fetched_at__isnull=True,
        ends_at__lte=now,
        ends_at__gt=now - ATTENDANCE_WINDOW,
    )
    for event in ended.order_by("ends_at", "pk")[:SWEEP_BATCH]:
        try:
            result.attendance_marked += attendance_from_meeting(event=event)
        except MeetingProviderError:
            result.attendance_errors += 1  # the next run tries again
            continue
        result.attendance_events += 1
    return result
