"""API operations of the call centre and the hotline (mounted in eprok.core.api at /api/v1/contact).

The operations call the same selectors and services as the pages. Writes take the version the client
last saw (`version` in the body, or If-Match) and answer 409 `stale_version` when the record changed
since; opening a call honours Idempotency-Key. The telephony event endpoint is authenticated by the
PBX's HMAC signature instead of a token (eprok/contact/pbx.py, docs/api.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import APIKeyHeader

from eprok.accounts.scopes import Scope
from eprok.contact import access, selectors, services
from eprok.contact import pbx as signing
from eprok.contact.models import Call, Callback, HotlineReport, Pbx, RecordingCopyRequest
from eprok.contact.schemas import (
    AnalyticsIn,
    AnalyticsOut,
    AssignIn,
    CallAppealIn,
    CallbackCompleteIn,
    CallbackFilterIn,
    CallbackIn,
    CallbackOut,
    CallCrimeReportIn,
    CallDetailOut,
    CallerHistoryOut,
    CallFilterIn,
    CallOpenIn,
    CallOut,
    CallRegisterIn,
    CopyFilterIn,
    CopyNoteIn,
    CopyRefuseIn,
    CopyRequestIn,
    CopyRequestOut,
    HotlineFilterIn,
    HotlineFromCallIn,
    HotlineRegisterIn,
    HotlineReportDetailOut,
    HotlineReportOut,
    PbxEventIn,
    PbxEventOut,
    ReassignIn,
    RecordingOut,
    ReplyIn,
    TriageIn,
    VersionIn,
)
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, ErrorOut, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate

router = Router(tags=["contact"])


# --- helpers -----------------------------------------------------------------------------------------


def _expected(request: HttpRequest, body: VersionIn) -> int | None:
    return expected_version(request, body.version)


def _call_out(call: Call) -> dict[str, Any]:
    return {
        "public_id": call.public_id,
        "short_id": call.short_id,
        "centre": call.centre,
        "unit": call.unit,
        "direction": call.direction,
        "status": call.status,
        "caller_number": call.caller_number,
        "operator": call.operator,
        "offered_at": call.offered_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "topic": call.topic,
        "outcome": call.outcome,
        "appeal_number": call.appeal_number,
        "material_number": call.material_number,
        "version": call.version,
    }


def _call_detail(call: Call) -> dict[str, Any]:
    report = HotlineReport.objects.filter(call=call).values_list("number", flat=True).first()
    return {
        **_call_out(call),
        "called_number": call.called_number,
        "caller_name": call.caller_name,
        "caller_fin": call.caller_fin,
        "summary": call.summary,
        "forwarded_to": call.forwarded_to,
        "has_recording": bool(call.recording_url),
        "caller_notified": call.caller_notified,
        "recording_retain_until": call.recording_retain_until,
        "registered_at": call.registered_at,
        "hotline_report": report,
    }


def _reload_call(request: HttpRequest, call: Call) -> dict[str, Any]:
    return _call_detail(selectors.call_get(user=request.user, public_id=call.public_id))


def _callback_out(callback: Callback) -> dict[str, Any]:
    return {
        "id": callback.pk,
        "call": callback.call.public_id,
        "due_at": callback.due_at,
        "assignee": callback.assignee,
        "note": callback.note,
        "status": callback.status,
        "done_at": callback.done_at,
        "result": callback.result,
        "version": callback.version,
    }


def _copy_out(copy: RecordingCopyRequest) -> dict[str, Any]:
    return {
        "id": copy.pk,
        "call": copy.call.public_id,
        "requested_at": copy.requested_at,
        "requester": copy.requester,
        "contact": copy.contact,
        "status": copy.status,
        "due": copy.due,
        "refusal_reason": copy.refusal_reason,
        "assignee": copy.assignee,
        "prepared_at": copy.prepared_at,
        "handed_over_at": copy.handed_over_at,
        "version": copy.version,
    }


def _report_out(report: HotlineReport) -> dict[str, Any]:
    return {
        "number": report.number,
        "public_id": report.public_id,
        "unit": report.unit,
        "channel": report.channel,
        "received_at": report.received_at,
        "sector": report.sector,
        "corruption_type": report.corruption_type,
        "place": report.place,
        "status": report.status,
        "identity_held": report.identity_held,
        "assignee": report.assignee,
        "material_number": report.material_number,
        "forwarded_to": report.forwarded_to,
        "version": report.version,
    }


def _report_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _report_detail_of(selectors.hotline_get(user=request.user, number=number))


def _report_detail_of(report: HotlineReport) -> dict[str, Any]:
    return {
        **_report_out(report),
        "text": report.text,
        "call": report.call.public_id if report.call else None,
        "triaged_at": report.triaged_at,
        "covering_note": report.covering_note,
        "explanation": report.explanation,
        "messages": [
            {
                "side": message.side,
                "author": message.author.full_name if message.author else "",
                "text": message.text,
                "created_at": message.created_at,
            }
            for message in report.messages.all()
        ],
    }


# --- calls -------------------------------------------------------------------------------------------


@router.get(
    "/calls",
    response={200: Page[CallOut], **ERRORS},
    summary="List calls",
    description="Calls of the centres the caller operates or supervises, the latest first.",
)
def call_list(request: HttpRequest, page: Query[PageParams], filters: Query[CallFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = selectors.call_list(user=request.user, filters=filters.to_filter())
    result = paginate(qs, limit=page.limit, offset=page.offset)
    result["items"] = [_call_out(call) for call in result["items"]]
    return result


@router.post(
    "/calls",
    response={200: CallDetailOut, 201: CallDetailOut, **WRITE_ERRORS},
    summary="Open a call card",
    description=(
        "Opens a card for a call the PBX did not announce, or an outgoing call (which names the number "
        "called). The caller becomes its operator. Honours Idempotency-Key."
    ),
)
def call_open(request: HttpRequest, payload: CallOpenIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_operate(request.user, unit):
        deny(
            request.user,
            action="contact.call.open",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )

    def create() -> Call:
        return services.call_open(
            actor=request.user,
            unit=unit,
            centre=payload.centre.value,
            direction=payload.direction.value,
            caller_number=payload.caller_number,
            called_number=payload.called_number,
        )

    call, created = run_once(
        client=request.user,
        operation="contact.call.open",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=create,
        result_key=lambda c: str(c.public_id),
        load=lambda key: Call.objects.get(public_id=key),
    )
    return Status(201 if created else 200, _reload_call(request, call))


@router.get(
    "/calls/{public_id}",
    response={200: CallDetailOut, **ERRORS},
    summary="Get a call",
    description="One call with its outcome. The read is recorded in the audit log.",
)
def call_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    call = selectors.call_get(user=request.user, public_id=public_id)
    services.call_record_view(actor=request.user, call=call, purpose="api")
    return _call_detail(call)


@router.get(
    "/calls/{public_id}/history",
    response={200: CallerHistoryOut, **ERRORS},
    summary="The caller's history",
    description=(
        "Earlier calls from the same number or FIN, and the caller's appeals with what a citizen may know "
        "of them (number, dates, status). Empty for the 161 hotline. Audited."
    ),
)
def call_history(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    call = selectors.call_get(user=request.user, public_id=public_id)
    services.call_record_view(actor=request.user, call=call, purpose="history")
    history = selectors.caller_history(user=request.user, call=call)
    return {
        "calls": [
            {
                "public_id": c.public_id,
                "offered_at": c.offered_at,
                "status": c.status,
                "outcome": c.outcome,
                "summary": c.summary,
            }
            for c in history.calls
        ],
        "appeals": history.appeals,
        "appeals_available": history.appeals_available,
    }


@router.get(
    "/calls/{public_id}/recording",
    response={200: RecordingOut, **ERRORS},
    summary="The address of a call's recording",
    description="For the centre's operators and supervisors; every read is audited. 404 without a recording.",
)
def call_recording(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    call = access.get_call_for(request.user, public_id, action="view")
    if not call.recording_url:
        deny(
            request.user,
            action="contact.call.recording",
            target_type=access.CALL_TARGET,
            target_key=str(public_id),
            visible=False,
        )
    if not access.can_hear_recording(request.user, call):
        deny(
            request.user,
            action="contact.call.recording",
            target_type=access.CALL_TARGET,
            target_key=str(public_id),
            visible=True,
        )
    return {"url": services.call_record_recording(actor=request.user, call=call)}


@router.post(
    "/calls/{public_id}/take",
    response={200: CallDetailOut, **WRITE_ERRORS},
    summary="Take a call",
    description="The caller becomes the call's operator (a ringing call is then in conversation).",
)
def call_take(request: HttpRequest, public_id: uuid.UUID, payload: VersionIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="take")
    call = services.call_take(actor=request.user, call=call, expected_version=_expected(request, payload))
    return _reload_call(request, call)


@router.post(
    "/calls/{public_id}/register",
    response={200: CallDetailOut, **WRITE_ERRORS},
    summary="Register a call",
    description=(
        "Registers the call with the outcome information, forwarded (name `forwarded_to`) or other. An "
        "appeal, a crime report and a hotline report have their own operations."
    ),
)
def call_register(request: HttpRequest, public_id: uuid.UUID, payload: CallRegisterIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="register")
    person = None
    if payload.person is not None:
        from eprok.persons.selectors import person_for_reference

        # Through the registry's access rules, as the call card's own person picker.
        person = person_for_reference(user=request.user, public_id=payload.person)
        if person is None or person.merged_into_id is not None:
            message = _("There is no such person in the register.")
            raise ValidationFailed(message, details={"person": message})
    call = services.call_register(
        actor=request.user,
        call=call,
        outcome=payload.outcome,
        summary=payload.summary,
        topic=payload.topic,
        caller=services.Caller(
            number=payload.caller_number,
            name=payload.caller_name,
            fin=payload.caller_fin,
            person=person,
        ),
        forwarded_to=payload.forwarded_to,
        caller_notified=payload.caller_notified,
        expected_version=_expected(request, payload),
    )
    return _reload_call(request, call)


@router.post(
    "/calls/{public_id}/appeal",
    response={200: CallDetailOut, **WRITE_ERRORS},
    summary="Register an appeal from a call",
    description=(
        "Registers the caller's oral appeal in the appeals register (channel call_961) and the call with "
        "the outcome appeal_registered, in one transaction; `appeal_number` then names the appeal."
    ),
)
def call_appeal(request: HttpRequest, public_id: uuid.UUID, payload: CallAppealIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="register")
    call = services.call_register_appeal(
        actor=request.user,
        call=call,
        kind=payload.kind,
        text=payload.text,
        applicant=services.ApplicantFields(**(payload.applicant.model_dump() if payload.applicant else {})),
        topic=payload.topic,
        summary=payload.summary,
        caller_notified=payload.caller_notified,
        expected_version=_expected(request, payload),
    )
    return _reload_call(request, call)


@router.post(
    "/calls/{public_id}/crime-report",
    response={200: CallDetailOut, **WRITE_ERRORS},
    summary="Refer a crime report from a call",
    description=(
        "Registers what the caller reported in the crime-report register of `unit` (source: hotline; "
        "anonymous unless the caller is named) and the call with the outcome crime_report."
    ),
)
def call_crime_report(request: HttpRequest, public_id: uuid.UUID, payload: CallCrimeReportIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="register")
    unit = unit_by_code(payload.unit, "unit")
    call = services.call_refer_crime_report(
        actor=request.user,
        call=call,
        unit=unit,
        summary=payload.summary,
        place=payload.place,
        caller=services.Caller(name=payload.caller_name, fin=payload.caller_fin),
        caller_notified=payload.caller_notified,
        expected_version=_expected(request, payload),
    )
    return _reload_call(request, call)


@router.post(
    "/calls/{public_id}/hotline-report",
    response={201: HotlineReportDetailOut, **WRITE_ERRORS},
    summary="Register a hotline report from a 161 call",
    description=(
        "Registers what a 161 caller reported as a hotline report and the call with it. An identity the "
        "caller chose to give goes to the custodian's table; the report and the call keep none."
    ),
)
def call_hotline_report(request: HttpRequest, public_id: uuid.UUID, payload: HotlineFromCallIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="register")
    report = services.hotline_report_from_call(
        actor=request.user,
        call=call,
        text=payload.text,
        sector=payload.sector,
        corruption_type=payload.corruption_type.value if payload.corruption_type else "",
        place=payload.place,
        identity=payload.identity.model_dump() if payload.identity else None,
        assignee=employee_by_public_id(payload.assignee, "assignee"),
        caller_notified=payload.caller_notified,
        expected_version=_expected(request, payload),
    )
    return Status(201, _report_detail(request, report.number))


@router.post(
    "/calls/{public_id}/callbacks",
    response={201: CallbackOut, **WRITE_ERRORS},
    summary="Schedule a callback",
    description="A promise to call the caller back by `due_at`: a task on the operator's “My work”.",
)
def callback_schedule(request: HttpRequest, public_id: uuid.UUID, payload: CallbackIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="callback")
    callback = services.callback_schedule(
        actor=request.user,
        call=call,
        due_at=payload.due_at,
        note=payload.note,
        assignee=employee_by_public_id(payload.assignee, "assignee"),
    )
    return Status(201, _callback_out(callback))


@router.post(
    "/calls/{public_id}/copy-requests",
    response={201: CopyRequestOut, **WRITE_ERRORS},
    summary="Register a request for a copy of the recording",
    description=(
        "Always registered. Within three months after the day of the call (rule callcentre.recording_copy) "
        "it is tracked until handed over; after that, or for a call without a recording, it is registered "
        "as refused with the reason and the rule's explanation."
    ),
)
def copy_request(request: HttpRequest, public_id: uuid.UUID, payload: CopyRequestIn) -> Any:
    require_scope(request, Scope.WRITE)
    call = access.get_call_for(request.user, public_id, action="copy")
    copy = services.recording_copy_request(
        actor=request.user,
        call=call,
        requester=payload.requester,
        contact=payload.contact,
        requested_at=payload.requested_at,
        note=payload.note,
    )
    return Status(201, _copy_out(copy))


# --- callbacks ----------------------------------------------------------------------------------------


@router.get(
    "/callbacks",
    response={200: Page[CallbackOut], **ERRORS},
    summary="List callbacks",
    description="Callbacks of the centres the caller works in, the soonest first.",
)
def callback_list(request: HttpRequest, page: Query[PageParams], filters: Query[CallbackFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = selectors.callback_list(
        user=request.user,
        filters=selectors.CallbackFilter(status=filters.status, mine=filters.mine, overdue=filters.overdue),
    )
    result = paginate(qs, limit=page.limit, offset=page.offset)
    result["items"] = [_callback_out(callback) for callback in result["items"]]
    return result


@router.post(
    "/callbacks/{callback_id}/complete",
    response={200: CallbackOut, **WRITE_ERRORS},
    summary="Record a callback as done",
    description="For the operator it is assigned to, or a supervisor.",
)
def callback_complete(request: HttpRequest, callback_id: int, payload: CallbackCompleteIn) -> Any:
    require_scope(request, Scope.WRITE)
    callback = access.get_callback_for(request.user, callback_id, action="complete")
    callback = services.callback_complete(
        actor=request.user,
        callback=callback,
        result=payload.result,
        expected_version=_expected(request, payload),
    )
    return _callback_out(callback)


@router.post(
    "/callbacks/{callback_id}/reassign",
    response={200: CallbackOut, **WRITE_ERRORS},
    summary="Reassign a callback",
    description="A supervisor hands an open callback to another operator of the unit.",
)
def callback_reassign(request: HttpRequest, callback_id: int, payload: ReassignIn) -> Any:
    require_scope(request, Scope.WRITE)
    callback = access.get_callback_for(request.user, callback_id, action="reassign")
    assignee = employee_by_public_id(payload.assignee, "assignee")
    callback = services.callback_reassign(
        actor=request.user, callback=callback, assignee=assignee, expected_version=_expected(request, payload)
    )
    return _callback_out(callback)


# --- copies of recordings -----------------------------------------------------------------------------


@router.get(
    "/recording-requests",
    response={200: Page[CopyRequestOut], **ERRORS},
    summary="List requests for recording copies",
    description="Open ones by default (`status=` for all), the latest first.",
)
def copy_request_list(request: HttpRequest, page: Query[PageParams], filters: Query[CopyFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = selectors.copy_request_list(user=request.user, status=filters.status)
    result = paginate(qs, limit=page.limit, offset=page.offset)
    result["items"] = [_copy_out(copy) for copy in result["items"]]
    return result


@router.get(
    "/recording-requests/{request_id}",
    response={200: CopyRequestOut, **ERRORS},
    summary="Get a request for a recording copy",
)
def copy_request_get(request: HttpRequest, request_id: int) -> Any:
    require_scope(request, Scope.READ)
    return _copy_out(access.get_copy_request_for(request.user, request_id))


def _copy_step(request: HttpRequest, request_id: int, payload: Any, step: str) -> Any:
    require_scope(request, Scope.WRITE)
    copy = access.get_copy_request_for(request.user, request_id, action="work")
    version = _expected(request, payload)
    if step == "prepare":
        copy = services.recording_copy_prepare(
            actor=request.user, request=copy, note=payload.note, expected_version=version
        )
    elif step == "hand_over":
        copy = services.recording_copy_hand_over(actor=request.user, request=copy, expected_version=version)
    else:
        copy = services.recording_copy_refuse(
            actor=request.user, request=copy, reason=payload.reason, expected_version=version
        )
    return _copy_out(copy)


@router.post(
    "/recording-requests/{request_id}/prepare",
    response={200: CopyRequestOut, **WRITE_ERRORS},
    summary="Record a copy as prepared",
)
def copy_prepare(request: HttpRequest, request_id: int, payload: CopyNoteIn) -> Any:
    return _copy_step(request, request_id, payload, "prepare")


@router.post(
    "/recording-requests/{request_id}/hand-over",
    response={200: CopyRequestOut, **WRITE_ERRORS},
    summary="Record a copy as handed over",
    description="Ends the request and its tracked term.",
)
def copy_hand_over(request: HttpRequest, request_id: int, payload: VersionIn) -> Any:
    return _copy_step(request, request_id, payload, "hand_over")


@router.post(
    "/recording-requests/{request_id}/refuse",
    response={200: CopyRequestOut, **WRITE_ERRORS},
    summary="Refuse a request for a copy",
)
def copy_refuse(request: HttpRequest, request_id: int, payload: CopyRefuseIn) -> Any:
    return _copy_step(request, request_id, payload, "refuse")


# --- the hotline -----------------------------------------------------------------------------------------


@router.get(
    "/hotline",
    response={200: Page[HotlineReportOut], **ERRORS},
    summary="List hotline reports",
    description="Reports the caller may see (the hotline's operators, supervisors, custodian; assignees).",
)
def hotline_list(request: HttpRequest, page: Query[PageParams], filters: Query[HotlineFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = selectors.hotline_list(user=request.user, filters=filters.to_filter())
    result = paginate(qs, limit=page.limit, offset=page.offset)
    result["items"] = [_report_out(report) for report in result["items"]]
    return result


@router.post(
    "/hotline",
    response={201: HotlineReportDetailOut, **WRITE_ERRORS},
    summary="Register a hotline report that came by letter or e-mail",
    description="For the hotline's operators. Calls and portal reports are registered where they come in.",
)
def hotline_register(request: HttpRequest, payload: HotlineRegisterIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_register_hotline(request.user, unit):
        deny(
            request.user,
            action="contact.hotline_report.register",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    report = services.hotline_report_register(
        actor=request.user,
        unit=unit,
        channel=payload.channel,
        received_at=payload.received_at,
        text=payload.text,
        sector=payload.sector,
        corruption_type=payload.corruption_type.value if payload.corruption_type else "",
        place=payload.place,
        identity=payload.identity.model_dump() if payload.identity else None,
        assignee=employee_by_public_id(payload.assignee, "assignee"),
    )
    return Status(201, _report_detail(request, report.number))


@router.get(
    "/hotline/analytics",
    response={200: AnalyticsOut, **ERRORS},
    summary="Hotline analytics",
    description="Reports received in the period (this year by default), by sector, type, month and outcome.",
)
def hotline_analytics(request: HttpRequest, params: Query[AnalyticsIn]) -> Any:
    require_scope(request, Scope.READ)
    today = timezone.localdate()
    start = params.date_from or today.replace(month=1, day=1)
    end = params.date_to or today
    if end < start:
        start, end = end, start
    data = selectors.hotline_analytics(user=request.user, date_from=start, date_to=end, unit=params.unit)
    return {
        "date_from": data.date_from,
        "date_to": data.date_to,
        "total": data.total,
        **{
            name: [{"key": bar.key, "label": bar.label, "count": bar.count} for bar in getattr(data, name)]
            for name in ("by_sector", "by_type", "by_month", "by_status")
        },
    }


@router.get(
    "/hotline/{number}",
    response={200: HotlineReportDetailOut, **ERRORS},
    summary="Get a hotline report",
    description="With its conversation. Never the reporter's identity (only `identity_held`). Audited.",
)
def hotline_get(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    report = selectors.hotline_get(user=request.user, number=number)
    services.hotline_record_view(actor=request.user, report=report, purpose="api")
    return _report_detail_of(report)


@router.post(
    "/hotline/{number}/assign",
    response={200: HotlineReportDetailOut, **WRITE_ERRORS},
    summary="Assign a hotline report",
    description="To an employee holding Investigate or Operate the call centre over the hotline's unit.",
)
def hotline_assign(request: HttpRequest, number: str, payload: AssignIn) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_hotline_report_for(request.user, number, action="assign")
    assignee = employee_by_public_id(payload.assignee, "assignee")
    services.hotline_report_assign(
        actor=request.user, report=report, assignee=assignee, expected_version=_expected(request, payload)
    )
    return _report_detail(request, number)


@router.post(
    "/hotline/{number}/triage",
    response={200: HotlineReportDetailOut, **WRITE_ERRORS},
    summary="Triage a hotline report",
    description=(
        "(a) `material`: registers a crime report for a check (source hotline; anonymous unless an identity "
        "is held) and keeps its number; (b) `forwarded`: to `agency` with `covering_note`; (c) `explained`: "
        "with `explanation`, which a portal reporter reads in the conversation. For the assignee or a "
        "supervisor; once."
    ),
)
def hotline_triage(request: HttpRequest, number: str, payload: TriageIn) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_hotline_report_for(request.user, number, action="triage")
    version = _expected(request, payload)
    if payload.outcome == "material":
        services.hotline_triage_material(
            actor=request.user, report=report, summary=payload.summary, expected_version=version
        )
    elif payload.outcome == "forwarded":
        services.hotline_triage_forward(
            actor=request.user,
            report=report,
            agency=payload.agency,
            covering_note=payload.covering_note,
            expected_version=version,
        )
    else:
        services.hotline_triage_explain(
            actor=request.user, report=report, explanation=payload.explanation, expected_version=version
        )
    return _report_detail(request, number)


@router.post(
    "/hotline/{number}/messages",
    response={201: HotlineReportDetailOut, **WRITE_ERRORS},
    summary="Write to the reporter",
    description="For the assignee of a report sent through the portal; the reporter sees “Investigator”.",
)
def hotline_reply(request: HttpRequest, number: str, payload: ReplyIn) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_hotline_report_for(request.user, number, action="reply")
    services.hotline_reply(actor=request.user, report=report, text=payload.text)
    return Status(201, _report_detail(request, number))


# --- telephony ---------------------------------------------------------------------------------------


class PbxSignature(APIKeyHeader):
    """The PBX's HMAC-SHA256 signature of "<X-PBX-Timestamp>.<raw body>" (see eprok/contact/pbx.py)."""

    param_name = signing.SIGNATURE_HEADER
    openapi_description = (
        "sha256=<hex HMAC-SHA256 of '<X-PBX-Timestamp>.<raw body>' keyed with the PBX's secret>; the "
        "X-PBX-Timestamp header (Unix seconds) must be within 5 minutes of the server's clock."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        match = getattr(request, "resolver_match", None)
        code = str((match.kwargs if match else {}).get("code", ""))[:40]
        pbx = Pbx.objects.select_related("unit").filter(code=code).first()
        reason = signing.check(
            pbx, signature=key, timestamp=request.headers.get(signing.TIMESTAMP_HEADER), body=request.body
        )
        if reason:
            services.pbx_event_refused(pbx=pbx, code=code, reason=reason)
            return None
        request.pbx = pbx  # type: ignore[attr-defined]
        return pbx


@router.post(
    "/pbx/{code}/events",
    auth=PbxSignature(),
    response={200: PbxEventOut, 201: PbxEventOut, 401: ErrorOut, **WRITE_ERRORS},
    summary="Receive a telephony event",
    description=(
        "A PBX reports call.offered, call.answered and call.ended (with the recording's URL). Signed with "
        "the PBX's secret: `X-PBX-Timestamp` (Unix seconds, at most 5 minutes old) and `X-PBX-Signature: "
        "sha256=<hex HMAC-SHA256 of '<timestamp>.<raw body>'>`; a bad or stale signature is 401 and "
        "audited. answered/ended for a call never offered is 404 `unknown_call`, audited. Events are "
        "idempotent: a repeat answers 200 with `changed: false`; a new call answers 201."
    ),
)
def pbx_event(request: HttpRequest, code: str, payload: PbxEventIn) -> Any:
    pbx: Pbx = request.pbx  # type: ignore[attr-defined]
    result = services.pbx_event_receive(
        pbx=pbx,
        event=services.PbxEvent(
            type=payload.type,
            call_id=payload.call_id,
            time=payload.time,
            caller_number=payload.caller_number,
            called_number=payload.called_number,
            operator=payload.operator,
            recording_url=payload.recording_url,
            caller_notified=payload.caller_notified,
        ),
    )
    body = {"call": result.call.public_id, "status": result.call.status, "changed": result.changed}
    created = payload.type == "call.offered" and result.changed
    return Status(201 if created else 200, body)
