"""What follows a call: callbacks promised to the caller, and the caller's request for a copy of the
recording (allowed within three months of the call; rule callcentre.recording_copy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.contact import access, terms
from eprok.contact.models import (
    CALLBACK_TRANSITIONS,
    COPY_TRANSITIONS,
    Call,
    Callback,
    CallbackStatus,
    RecordingCopyRequest,
    RecordingCopyStatus,
)
from eprok.contact.services.base import CLOCK_SKEW, bump, clean_text, locked, move, notify, username
from eprok.core.errors import Forbidden, ValidationFailed

# --- callbacks ------------------------------------------------------------------------------------------


def _callback_snapshot(callback: Callback) -> dict[str, Any]:
    return {
        "status": callback.status,
        "due_at": callback.due_at.isoformat() if callback.due_at else None,
        "assignee": username(callback.assignee) if callback.assignee_id else None,
        "done_at": callback.done_at.isoformat() if callback.done_at else None,
        "version": callback.version,
    }


def _audit_callback(actor: Any, verb: str, callback: Callback, before: dict[str, Any] | None = None) -> None:
    after = _callback_snapshot(callback)
    audit_record(
        actor=actor,
        action=f"contact.callback.{verb}",
        target=callback,
        related=callback.call,
        changes=diff(before, after) if before is not None else {"after": after},
    )


@transaction.atomic
def callback_schedule(
    *,
    actor: Any,
    call: Call,
    due_at: dt.datetime | None,
    note: str = "",
    assignee: Any = None,
    scheduled_at: dt.datetime | None = None,
) -> Callback:
    """Promise the caller a call back by `due_at` (the actor's task, or an operator a supervisor names).

    `scheduled_at` backdates the promise (the demo); the due time must follow it.
    """
    if not access.can_schedule_callback(actor, call):
        raise Forbidden(_("Callbacks are scheduled by the call centre's operators and supervisors."))
    assignee = assignee or actor
    errors: dict[str, str] = {}
    if due_at is None:
        errors["due_at"] = str(_("Enter when to call back."))
    elif due_at < (scheduled_at or timezone.now()) - CLOCK_SKEW:
        errors["due_at"] = str(_("A callback cannot be due in the past."))
    if not call.caller_number:
        errors["due_at"] = str(_("The caller's number is not known, so nobody can call them back."))
    if assignee.pk != actor.pk and not access.can_supervise(actor, call.unit):
        errors["assignee"] = str(_("Only a supervisor schedules callbacks for another operator."))
    elif not access.eligible_callback_operator(assignee, call):
        errors["assignee"] = str(_("The callback must go to an operator of the call's unit."))
    note = clean_text(note, "note", limit=500)
    if errors:
        raise ValidationFailed(details=errors)
    assert due_at is not None
    callback = Callback.objects.create(
        call=call, due_at=due_at, assignee=assignee, note=note, created_by=actor
    )
    _audit_callback(actor, "scheduled", callback)
    notify(
        assignee, title=str(_("A callback was assigned to you")), url=callback.get_absolute_url(), actor=actor
    )
    return callback


def _lock_callback(callback: Callback, expected_version: int | None) -> Callback:
    return locked(
        Callback.objects.select_related("call", "call__unit", "assignee"), callback.pk, expected_version
    )


@transaction.atomic
def callback_complete(
    *, actor: Any, callback: Callback, result: str, expected_version: int | None = None
) -> Callback:
    """The operator called back: record what came of it."""
    callback = _lock_callback(callback, expected_version)
    if not access.can_complete_callback(actor, callback):
        raise Forbidden(_("Only the operator the callback is assigned to, or a supervisor, completes it."))
    result = clean_text(result, "result", required=_("Write what came of the callback."))
    before = _callback_snapshot(callback)
    move(callback, CallbackStatus.DONE, CALLBACK_TRANSITIONS, CallbackStatus, code="transition_not_allowed")
    callback.done_at = timezone.now()
    callback.result = result
    bump(callback, "status", "done_at", "result")
    _audit_callback(actor, "completed", callback, before)
    return callback


@transaction.atomic
def callback_cancel(
    *, actor: Any, callback: Callback, reason: str, expected_version: int | None = None
) -> Callback:
    callback = _lock_callback(callback, expected_version)
    if not access.can_complete_callback(actor, callback):
        raise Forbidden(_("Only the operator the callback is assigned to, or a supervisor, cancels it."))
    reason = clean_text(reason, "result", required=_("Say why the callback is cancelled."))
    before = _callback_snapshot(callback)
    move(
        callback,
        CallbackStatus.CANCELLED,
        CALLBACK_TRANSITIONS,
        CallbackStatus,
        code="transition_not_allowed",
    )
    callback.result = reason
    bump(callback, "status", "result")
    _audit_callback(actor, "cancelled", callback, before)
    return callback


@transaction.atomic
def callback_reassign(
    *, actor: Any, callback: Callback, assignee: Any, expected_version: int | None = None
) -> Callback:
    """A supervisor hands an open callback to another operator of the unit."""
    callback = _lock_callback(callback, expected_version)
    if not access.can_reassign_callback(actor, callback):
        raise Forbidden(_("Only a supervisor of the call centre reassigns callbacks."))
    if not access.eligible_callback_operator(assignee, callback.call):
        message = _("The callback must go to an operator of the call's unit.")
        raise ValidationFailed(message, details={"assignee": str(message)})
    before = _callback_snapshot(callback)
    callback.assignee = assignee
    bump(callback, "assignee")
    _audit_callback(actor, "reassigned", callback, before)
    notify(
        assignee, title=str(_("A callback was assigned to you")), url=callback.get_absolute_url(), actor=actor
    )
    return callback


# --- copies of recordings -------------------------------------------------------------------------------


def _copy_snapshot(request: RecordingCopyRequest) -> dict[str, Any]:
    return {
        "status": request.status,
        "due": request.due.isoformat() if request.due else None,
        "assignee": username(request.assignee) if request.assignee_id else None,
        "version": request.version,
    }


def _audit_copy(
    actor: Any, verb: str, request: RecordingCopyRequest, before: dict[str, Any] | None = None
) -> None:
    after = _copy_snapshot(request)
    audit_record(
        actor=actor,
        action=f"contact.recording_copy.{verb}",
        target=request,
        related=request.call,
        changes=diff(before, after) if before is not None else {"after": after},
    )


def _stored_text(message: Any, **params: Any) -> str:
    """A reason kept as text, in the service's language (like every stored notice)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def late_request_reason(call: Call, requested_on: dt.date) -> str:
    """Why a request after the three months is refused, with the rule's explanation of the last day."""
    window = terms.copy_window(call)
    with translation.override(settings.LANGUAGE_CODE):
        head = gettext(
            "A copy of the recording may be requested within three months after the day of the call, "
            "that is until %(due)s; the request came on %(day)s."
        ) % {
            "due": formats.date_format(window.due, "DATE_FORMAT"),
            "day": formats.date_format(requested_on, "DATE_FORMAT"),
        }
        return "\n".join([head, *window.explain_lines()])


@transaction.atomic
def recording_copy_request(
    *,
    actor: Any,
    call: Call,
    requester: str,
    contact: str = "",
    requested_at: dt.datetime | None = None,
    note: str = "",
) -> RecordingCopyRequest:
    """Register a caller's request for a copy of the recording of their call.

    The request is always registered. One made after the three months (or for a call that was not
    recorded) is registered as refused, with the reason and the rule's explanation of the last day;
    otherwise it is the actor's task, tracked on "My work" until the copy is handed over.
    """
    if not access.can_request_copy(actor, call):
        raise Forbidden(_("Requests for copies are registered by the centre's operators and supervisors."))
    now = timezone.now()
    requested_at = requested_at or now
    errors: dict[str, str] = {}
    requester = clean_text(requester, "requester", limit=200)
    if not requester:
        errors["requester"] = str(_("Write who asks for the copy."))
    if requested_at > now + CLOCK_SKEW:
        errors["requested_at"] = str(_("A request cannot be made in the future."))
    elif requested_at < call.offered_at:
        errors["requested_at"] = str(_("A copy cannot be requested before the call."))
    contact = clean_text(contact, "contact", limit=200)
    note = clean_text(note, "note")
    if errors:
        raise ValidationFailed(details=errors)
    request = RecordingCopyRequest(
        call=call,
        requested_at=requested_at,
        requester=requester,
        contact=contact,
        note=note,
        registered_by=actor,
        assignee=actor,
    )
    requested_on = timezone.localtime(requested_at).date()
    if requested_on > terms.copy_window(call).due:
        request.status = RecordingCopyStatus.REFUSED
        request.refusal_reason = late_request_reason(call, requested_on)
    elif not call.recording_url:
        request.status = RecordingCopyStatus.REFUSED
        request.refusal_reason = _stored_text(
            _("The call was not recorded, so there is no recording to copy.")
        )
    request.save(force_insert=True)
    if request.status == RecordingCopyStatus.REQUESTED:
        deadline = terms.copy_answer_deadline(request)
        request.due = deadline.due
        request.save(update_fields=["due"])
        terms.track_copy_request(request, deadline, new=True)
        if call.recording_retain_until is None or call.recording_retain_until < deadline.due:
            # Kept until the copy is handed over.
            Call.objects.filter(pk=call.pk).update(recording_retain_until=deadline.due)
        _audit_copy(actor, "requested", request)
    else:
        _audit_copy(actor, "refused", request)
    return request


def _lock_copy(request: RecordingCopyRequest, expected_version: int | None) -> RecordingCopyRequest:
    return locked(
        RecordingCopyRequest.objects.select_related("call", "call__unit", "assignee"),
        request.pk,
        expected_version,
    )


def _copy_move(actor: Any, request: RecordingCopyRequest, to: str) -> dict[str, Any]:
    if not access.can_work_copy_request(actor, request):
        raise Forbidden(_("Only the employee responsible for the request, or a supervisor, handles it."))
    before = _copy_snapshot(request)
    move(request, to, COPY_TRANSITIONS, RecordingCopyStatus, code="transition_not_allowed")
    return before


@transaction.atomic
def recording_copy_prepare(
    *, actor: Any, request: RecordingCopyRequest, note: str = "", expected_version: int | None = None
) -> RecordingCopyRequest:
    request = _lock_copy(request, expected_version)
    before = _copy_move(actor, request, RecordingCopyStatus.PREPARED)
    request.prepared_at = timezone.now()
    if note:
        request.note = clean_text(note, "note")
    bump(request, "status", "prepared_at", "note")
    _audit_copy(actor, "prepared", request, before)
    return request


@transaction.atomic
def recording_copy_hand_over(
    *, actor: Any, request: RecordingCopyRequest, expected_version: int | None = None
) -> RecordingCopyRequest:
    request = _lock_copy(request, expected_version)
    before = _copy_move(actor, request, RecordingCopyStatus.HANDED_OVER)
    request.handed_over_at = timezone.now()
    bump(request, "status", "handed_over_at")
    terms.close_copy_request(request)
    _audit_copy(actor, "handed_over", request, before)
    return request


@transaction.atomic
def recording_copy_refuse(
    *, actor: Any, request: RecordingCopyRequest, reason: str, expected_version: int | None = None
) -> RecordingCopyRequest:
    request = _lock_copy(request, expected_version)
    reason = clean_text(reason, "refusal_reason", required=_("Give the reason for refusing."))
    before = _copy_move(actor, request, RecordingCopyStatus.REFUSED)
    request.refusal_reason = reason
    bump(request, "status", "refusal_reason")
    terms.close_copy_request(request)
    _audit_copy(actor, "refused", request, before)
    return request
