"""Who may see and act on calls, callbacks, recording-copy requests and hotline reports.

Calls (and their callbacks and copy requests) are visible to holders of "Operate the call centre" or
"Supervise the call centre" over the call's unit. An operator registers calls of their unit that nobody
else has taken; a supervisor may act on any call of the unit and reassigns callbacks.

Hotline reports are visible to the hotline's operators, supervisors and the identity custodian over the
report's unit, and to the report's assignee. Triage is the assignee's (while they hold "Investigate" or
"Operate the call centre" over the unit) or a supervisor's; only the assignee writes to the reporter.
The identity a reporter gave is readable by the custodian alone: for everyone else it does not exist
(404), and the report says only that the custodian holds one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from eprok.contact.models import (
    Call,
    Callback,
    CallbackStatus,
    CallStatus,
    Centre,
    HotlineReport,
    RecordingCopyRequest,
)
from eprok.core.access import deny
from eprok.org.grants import active_grants, has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

CALL_TARGET = "contact.call"
CALLBACK_TARGET = "contact.callback"
COPY_TARGET = "contact.recordingcopyrequest"
HOTLINE_TARGET = "contact.hotlinereport"
IDENTITY_TARGET = "contact.hotlineidentity"

CALL_ROLES = (Role.OPERATE_CALLS, Role.SUPERVISE_CALLS)
HOTLINE_READER_ROLES = (Role.OPERATE_CALLS, Role.SUPERVISE_CALLS, Role.HOTLINE_CUSTODIAN)
HOTLINE_WORKER_ROLES = (Role.INVESTIGATE, Role.OPERATE_CALLS)
# The roles that open the module at all (the menu, the lists).
CONTACT_ROLES = frozenset({Role.OPERATE_CALLS, Role.SUPERVISE_CALLS, Role.HOTLINE_CUSTODIAN})


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _scope(user: Any, roles: tuple[str, ...], field: str = "unit") -> Q:
    condition = Q(pk__in=[])
    for role in roles:
        condition |= unit_scope(user, role, field)
    return condition


def _holds(user: Any, roles: tuple[str, ...], unit: Unit | None = None) -> bool:
    return signed_in(user) and any(has_role(user, role, unit) for role in roles)


# --- calls ----------------------------------------------------------------------------------------


def calls_visible_to(user: Any) -> QuerySet[Call]:
    if not signed_in(user):
        return Call.objects.none()
    return Call.objects.filter(_scope(user, CALL_ROLES))


def can_use_calls(user: Any, unit: Unit | None = None) -> bool:
    """Works in or supervises a call centre (of `unit`, or anywhere)."""
    return _holds(user, CALL_ROLES, unit)


def can_operate(user: Any, unit: Unit | None = None) -> bool:
    return _holds(user, (Role.OPERATE_CALLS,), unit)


def can_supervise(user: Any, unit: Unit | None = None) -> bool:
    return _holds(user, (Role.SUPERVISE_CALLS,), unit)


def operator_units(user: Any) -> list[Unit]:
    """Active units where the user answers calls, in tree order."""
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active and can_operate(user, u)]


def can_take(user: Any, call: Call) -> bool:
    """Answer (take) a call that is ringing or was taken by nobody."""
    return call.is_open and call.operator_id in (None, user.pk) and can_operate(user, call.unit)


def can_register_call(user: Any, call: Call) -> bool:
    """Register the call: the operator who took it (or any operator while nobody has), or a supervisor."""
    if call.status == CallStatus.REGISTERED:
        return False
    if can_supervise(user, call.unit):
        return True
    return can_operate(user, call.unit) and call.operator_id in (None, user.pk)


def can_hear_recording(user: Any, call: Call) -> bool:
    return bool(call.recording_url) and can_use_calls(user, call.unit)


def can_request_copy(user: Any, call: Call) -> bool:
    return can_use_calls(user, call.unit)


def can_schedule_callback(user: Any, call: Call) -> bool:
    return call.centre == Centre.CALL_CENTRE and can_use_calls(user, call.unit)


CALL_ACTIONS = {
    "view": lambda user, call: True,
    "take": can_take,
    "register": can_register_call,
    "recording": can_hear_recording,
    "copy": can_request_copy,
    "callback": can_schedule_callback,
}


def get_call_for(user: Any, public_id: Any, action: str = "view", queryset: Any = None) -> Call:
    """The call `public_id` if `user` may see it (404 otherwise) and may do `action` (403 otherwise)."""
    base = queryset if queryset is not None else calls_visible_to(user).select_related("unit", "operator")
    call = base.filter(public_id=public_id).first() if _is_uuid(public_id) else None
    if call is None:
        deny(
            user,
            action=f"contact.call.{action}",
            target_type=CALL_TARGET,
            target_key=str(public_id)[:64],
            visible=False,
        )
    if not CALL_ACTIONS[action](user, call):
        deny(
            user,
            action=f"contact.call.{action}",
            target_type=CALL_TARGET,
            target_key=str(call.public_id),
            visible=True,
        )
    return call


def _is_uuid(value: Any) -> bool:
    import uuid

    if isinstance(value, uuid.UUID):
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- callbacks ------------------------------------------------------------------------------------


def callbacks_visible_to(user: Any) -> QuerySet[Callback]:
    if not signed_in(user):
        return Callback.objects.none()
    return Callback.objects.filter(_scope(user, CALL_ROLES, "call__unit") | Q(assignee_id=user.pk))


def can_complete_callback(user: Any, callback: Callback) -> bool:
    if callback.status != CallbackStatus.OPEN:
        return False
    return (callback.assignee_id == user.pk and can_operate(user, callback.call.unit)) or can_supervise(
        user, callback.call.unit
    )


def can_reassign_callback(user: Any, callback: Callback) -> bool:
    return callback.status == CallbackStatus.OPEN and can_supervise(user, callback.call.unit)


CALLBACK_ACTIONS = {
    "view": lambda user, callback: True,
    "complete": can_complete_callback,
    "reassign": can_reassign_callback,
}


def get_callback_for(user: Any, pk: Any, action: str = "view") -> Callback:
    callback = (
        callbacks_visible_to(user)
        .select_related("call", "call__unit", "assignee")
        .filter(pk=_int(pk))
        .first()
    )
    if callback is None:
        deny(
            user,
            action=f"contact.callback.{action}",
            target_type=CALLBACK_TARGET,
            target_key=str(pk)[:64],
            visible=False,
        )
    if not CALLBACK_ACTIONS[action](user, callback):
        deny(
            user,
            action=f"contact.callback.{action}",
            target_type=CALLBACK_TARGET,
            target_key=str(pk),
            visible=True,
        )
    return callback


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**62 else 0


def eligible_callback_operator(employee: Any, call: Call) -> bool:
    return bool(
        employee is not None and employee.is_active and has_role(employee, Role.OPERATE_CALLS, call.unit)
    )


# --- recording-copy requests --------------------------------------------------------------------------


def copy_requests_visible_to(user: Any) -> QuerySet[RecordingCopyRequest]:
    if not signed_in(user):
        return RecordingCopyRequest.objects.none()
    return RecordingCopyRequest.objects.filter(
        _scope(user, CALL_ROLES, "call__unit") | Q(assignee_id=user.pk)
    )


def can_work_copy_request(user: Any, request: RecordingCopyRequest) -> bool:
    if not request.is_open:
        return False
    return (request.assignee_id == user.pk and can_use_calls(user, request.call.unit)) or can_supervise(
        user, request.call.unit
    )


COPY_ACTIONS = {"view": lambda user, request: True, "work": can_work_copy_request}


def get_copy_request_for(user: Any, pk: Any, action: str = "view") -> RecordingCopyRequest:
    request = (
        copy_requests_visible_to(user)
        .select_related("call", "call__unit", "assignee", "registered_by")
        .filter(pk=_int(pk))
        .first()
    )
    if request is None:
        deny(
            user,
            action=f"contact.recording_copy.{action}",
            target_type=COPY_TARGET,
            target_key=str(pk)[:64],
            visible=False,
        )
    if not COPY_ACTIONS[action](user, request):
        deny(
            user,
            action=f"contact.recording_copy.{action}",
            target_type=COPY_TARGET,
            target_key=str(pk),
            visible=True,
        )
    return request


# --- the hotline --------------------------------------------------------------------------------------


def hotline_visible_to(user: Any) -> QuerySet[HotlineReport]:
    if not signed_in(user):
        return HotlineReport.objects.none()
    return HotlineReport.objects.filter(_scope(user, HOTLINE_READER_ROLES) | Q(assignee_id=user.pk))


def can_use_hotline(user: Any, unit: Unit | None = None) -> bool:
    """Reads a hotline's register (of `unit`, or anywhere)."""
    return _holds(user, HOTLINE_READER_ROLES, unit)


def hotline_units(user: Any) -> list[Unit]:
    """Active units whose hotline register the user reads, in tree order."""
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active and can_use_hotline(user, u)]


def can_register_hotline(user: Any, unit: Unit | None = None) -> bool:
    return can_operate(user, unit)


def is_eligible_hotline_assignee(employee: Any, unit: Unit) -> bool:
    """An investigator or operator who holds "Investigate" or "Operate the call centre" over the unit."""
    return bool(
        employee is not None
        and employee.is_active
        and any(has_role(employee, role, unit) for role in HOTLINE_WORKER_ROLES)
    )


def can_assign_hotline(user: Any, report: HotlineReport) -> bool:
    return report.is_open and _holds(user, CALL_ROLES, report.unit)


def is_hotline_assignee(user: Any, report: HotlineReport) -> bool:
    return (
        signed_in(user) and report.assignee_id == user.pk and is_eligible_hotline_assignee(user, report.unit)
    )


def may_triage(user: Any, report: HotlineReport) -> bool:
    """Holds the right to triage the report (whatever its state: a triaged one is then a conflict)."""
    return is_hotline_assignee(user, report) or can_supervise(user, report.unit)


def can_triage(user: Any, report: HotlineReport) -> bool:
    return report.is_open and may_triage(user, report)


def can_reply(user: Any, report: HotlineReport) -> bool:
    """Only the assignee writes to the reporter (shown to them as "Investigator")."""
    return is_hotline_assignee(user, report) and bool(report.receipt_code_hash)


def is_custodian(user: Any, unit: Unit) -> bool:
    return _holds(user, (Role.HOTLINE_CUSTODIAN,), unit)


def can_reveal_identity(user: Any, report: HotlineReport) -> bool:
    return report.identity_held and is_custodian(user, report.unit)


HOTLINE_ACTIONS = {
    "view": lambda user, report: True,
    "assign": can_assign_hotline,
    "triage": may_triage,
    "reply": can_reply,
}


def get_hotline_report_for(
    user: Any, number: str, action: str = "view", queryset: Any = None
) -> HotlineReport:
    base = queryset if queryset is not None else hotline_visible_to(user).select_related("unit", "assignee")
    report = base.filter(number=str(number)[:40]).first()
    if report is None:
        deny(
            user,
            action=f"contact.hotline_report.{action}",
            target_type=HOTLINE_TARGET,
            target_key=str(number)[:64],
            visible=False,
        )
    if not HOTLINE_ACTIONS[action](user, report):
        deny(
            user,
            action=f"contact.hotline_report.{action}",
            target_type=HOTLINE_TARGET,
            target_key=report.number,
            visible=True,
        )
    return report


def get_identity_report_for(user: Any, number: str) -> HotlineReport:
    """The report whose identity the custodian may reveal; 404 for anyone else, and where none is held.

    Nobody but the custodian learns even whether the report exists through this door.
    """
    report = HotlineReport.objects.select_related("unit").filter(number=str(number)[:40]).first()
    if report is None or not signed_in(user) or not can_reveal_identity(user, report):
        deny(
            user,
            action="contact.hotline_identity.reveal",
            target_type=IDENTITY_TARGET,
            target_key=str(number)[:64],
            visible=False,
        )
    return report


def custodian_scope(user: Any) -> Q:
    return unit_scope(user, Role.HOTLINE_CUSTODIAN)


def supervised_units(user: Any) -> list[Unit]:
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active and can_supervise(user, u)]


def supervises_anything(user: Any) -> bool:
    return any(grant.role == Role.SUPERVISE_CALLS for grant in active_grants(user))
