"""API operations of training events (mounted in eprok.core.api at /api/v1/training).

Events (list, one, enter with `Idempotency-Key`, change, publish, cancel), invitations (invite a circle, the
caller's own invitations, answer one), attendance (the list, marking, the QR check-in) and the event's video
meeting (create, its status, retry, attendance from it). Every operation calls the services and selectors
the pages call; an event the caller may not see answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, ErrorOut, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.pagination import Page, PageParams, paginate
from eprok.org.models import ClassRank, Position
from eprok.training import access, selectors, services, services_meetings
from eprok.training.models import (
    Attendance,
    EventFormat,
    EventKind,
    EventStatus,
    Invitation,
    MeetingProvider,
    ThematicArea,
    TrainingEvent,
)

router = Router(tags=["training"])

# The provider's outage: the meeting is still being created, or attendance cannot be read now.
PROVIDER_ERRORS: dict[int, type[Schema]] = {**WRITE_ERRORS, 503: ErrorOut}


# --- schemas ------------------------------------------------------------------------------------------------


class MeetingOut(Schema):
    provider: str = Field(..., description=f"Empty, or one of: {', '.join(MeetingProvider.values)}.")
    status: str = Field(..., description="none, pending (being created, retried), created or failed.")
    join_url: str | None = Field(
        None, description="Only for administrators, trainers and invited listeners who have not declined."
    )
    attempts: int | None = Field(None, description="Creation attempts; for administrators and trainers.")
    error: str | None = Field(None, description="The provider's last error; for administrators and trainers.")
    next_attempt_at: dt.datetime | None = None
    reports_participants: bool = Field(..., description="Whether attendance can be taken from the provider.")
    attendance_taken_at: dt.datetime | None = None


class TrainingEventOut(Schema):
    public_id: uuid.UUID
    number: str = Field(..., description="The register number, e.g. TT-TRAINING-CENTRE-2026-00001.")
    title: str
    kind: str
    area: str = Field(..., description="The code of the thematic area.")
    topic: str
    organiser: str = Field(..., description="The code of the organiser unit.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    format: str
    venue: str
    hours: float
    capacity: int | None
    status: str = Field(..., description=f"One of: {', '.join(EventStatus.values)}.")
    cancellation_reason: str
    meeting_status: str


class EventDetailOut(TrainingEventOut):
    video_link: str | None = Field(None, description="A link given by hand; shown like the join link.")
    trainers: list[str]
    my_invitation: str | None = Field(None, description="The caller's answer, when invited.")
    meeting: MeetingOut


class EventIn(Schema):
    title: str = Field(..., min_length=1, max_length=255)
    kind: EventKind
    area: str = Field(..., max_length=64, description="The code of an active thematic area.")
    topic: str = Field("", max_length=8000)
    organiser: str = Field(..., max_length=64, description="The code of a unit the caller administers.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    format: EventFormat
    venue: str = Field("", max_length=255)
    video_link: str = Field("", max_length=500)
    hours: Decimal = Field(..., gt=0, le=500, max_digits=5, decimal_places=1)
    capacity: int | None = Field(None, ge=1, le=100_000)


class TrainingEventFilterIn(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    area: str | None = Field(None, max_length=64)
    kind: EventKind | None = None
    status: EventStatus | None = None


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class CircleIn(Schema):
    unit: str | None = Field(None, max_length=64, description="A unit's code.")
    include_subunits: bool = False
    position: str | None = Field(None, max_length=64, description="A position's code.")
    class_rank: str | None = Field(None, max_length=64, description="A class rank's code.")
    employees: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class InvitedOut(Schema):
    invited: int = Field(..., description="How many were newly invited; those invited before are left.")


class InvitationOut(Schema):
    id: int
    event: uuid.UUID
    event_number: str
    event_title: str
    starts_at: dt.datetime
    employee: uuid.UUID
    name: str
    status: str


class InvitationAnswerIn(Schema):
    answer: Literal["confirm", "decline"]


class AttendanceOut(Schema):
    employee: uuid.UUID
    name: str
    present: bool
    method: str = Field(..., description="manual, qr or online.")
    recorded_at: dt.datetime


class MarkIn(Schema):
    employee: uuid.UUID
    present: bool = True


class CheckInIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)


class MeetingIn(Schema):
    provider: MeetingProvider


class MarkedOut(Schema):
    marked: int = Field(..., description="Invited listeners marked present from the meeting's participants.")


# --- helpers ------------------------------------------------------------------------------------------------


def _invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: str(message)})


def _summary(event: TrainingEvent) -> dict[str, Any]:
    return {
        "public_id": event.public_id,
        "number": event.number,
        "title": event.title,
        "kind": event.kind,
        "area": event.area.code,
        "topic": event.topic,
        "organiser": event.organiser.code,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "format": event.format,
        "venue": event.venue,
        "hours": float(event.hours),
        "capacity": event.capacity,
        "status": event.status,
        "cancellation_reason": event.cancellation_reason,
        "meeting_status": event.meeting_status,
    }


def _meeting(request: HttpRequest, event: TrainingEvent) -> dict[str, Any]:
    from eprok.training.meetings import get_provider

    runs = access.can_run(request.user, event)
    joins = access.can_join(request.user, event)
    return {
        "provider": event.meeting_provider,
        "status": event.meeting_status,
        "join_url": (event.meeting_url or None) if joins else None,
        "attempts": event.meeting_attempts if runs else None,
        "error": (event.meeting_error or None) if runs else None,
        "next_attempt_at": event.meeting_retry_at if runs else None,
        "reports_participants": bool(event.meeting_provider)
        and get_provider(event.meeting_provider).reports_participants,
        "attendance_taken_at": event.attendance_fetched_at,
    }


def _detail(request: HttpRequest, event: TrainingEvent) -> dict[str, Any]:
    event = TrainingEvent.objects.select_related("area", "organiser").get(pk=event.pk)
    mine = Invitation.objects.filter(event=event, employee_id=int(request.user.pk or 0)).first()
    shows_link = access.can_run(request.user, event) or (
        mine is not None and access.can_join(request.user, event)
    )
    return {
        **_summary(event),
        "video_link": (event.video_link or None) if shows_link else None,
        "trainers": [trainer.name for trainer in event.trainers.select_related("employee")],
        "my_invitation": mine.status if mine else None,
        "meeting": _meeting(request, event),
    }


def _area(code: str) -> ThematicArea:
    area = ThematicArea.objects.filter(code=code, is_active=True).first()
    if area is None:
        raise _invalid("area", _("Choose an active thematic area."))
    return area


def _input(payload: EventIn) -> services.EventInput:
    return services.EventInput(
        title=payload.title,
        kind=payload.kind.value,
        area=_area(payload.area),
        topic=payload.topic,
        organiser=unit_by_code(payload.organiser, "organiser"),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        format=payload.format.value,
        venue=payload.venue,
        video_link=payload.video_link,
        hours=payload.hours,
        capacity=payload.capacity,
    )


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "event": invitation.event.public_id,
        "event_number": invitation.event.number,
        "event_title": invitation.event.title,
        "starts_at": invitation.event.starts_at,
        "employee": invitation.employee.public_id,
        "name": invitation.employee.full_name,
        "status": invitation.status,
    }


# --- events -------------------------------------------------------------------------------------------------


@router.get(
    "/events",
    response={200: Page[TrainingEventOut], **ERRORS},
    summary="List training events",
    description="The events the caller may see (all for administrators; taught or invited to otherwise), "
    "newest first, filtered by period, thematic area (code), kind and status.",
)
def event_list(request: HttpRequest, page: Query[PageParams], filters: Query[TrainingEventFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    area = None
    if filters.area:
        area = ThematicArea.objects.filter(code=filters.area).first()
        if area is None:
            raise _invalid("area", _("Choose an active thematic area."))
    events = selectors.event_list(
        user=request.user,
        filters=selectors.EventFilters(
            date_from=filters.date_from,
            date_to=filters.date_to,
            area=area,
            kind=filters.kind.value if filters.kind else "",
            status=filters.status.value if filters.status else "",
        ),
    )
    result = paginate(events, limit=page.limit, offset=page.offset)
    result["items"] = [_summary(event) for event in result["items"]]
    return result


@router.post(
    "/events",
    response={200: EventDetailOut, 201: EventDetailOut, **WRITE_ERRORS},
    summary="Enter a training event",
    description="Administrators of training, for a unit they administer. With an `Idempotency-Key` header a "
    "retried request returns the event the first one entered (200 instead of 201).",
)
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    require_scope(request, Scope.WRITE)
    if not access.is_administrator(request.user):
        deny(
            request.user,
            action="training.event.create",
            target_type="training.base",
            target_key="",
            visible=True,
        )
    data = _input(payload)
    event, created = run_once(
        client=request.user,
        operation="training.event.create",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=lambda: services.event_create(actor=request.user, data=data),
        result_key=lambda e: str(e.public_id),
        load=lambda key: TrainingEvent.objects.get(public_id=key),
    )
    return Status(201 if created else 200, _detail(request, event))


@router.get("/events/{public_id}", response={200: EventDetailOut, **ERRORS}, summary="One training event")
def event_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _detail(request, access.get_event_for(request.user, public_id))


@router.put(
    "/events/{public_id}",
    response={200: EventDetailOut, **WRITE_ERRORS},
    summary="Change a training event",
    description="Administrators; a held or cancelled event answers 409.",
)
def event_update(request: HttpRequest, public_id: uuid.UUID, payload: EventIn) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="manage")
    return _detail(request, services.event_update(actor=request.user, event=event, data=_input(payload)))


@router.post("/events/{public_id}/publish", response={200: EventDetailOut, **WRITE_ERRORS}, summary="Publish")
def event_publish(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="manage")
    return _detail(request, services.event_publish(actor=request.user, event=event))


@router.post("/events/{public_id}/cancel", response={200: EventDetailOut, **WRITE_ERRORS}, summary="Cancel")
def event_cancel(request: HttpRequest, public_id: uuid.UUID, payload: CancelIn) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="manage")
    return _detail(request, services.event_cancel(actor=request.user, event=event, reason=payload.reason))


# --- invitations --------------------------------------------------------------------------------------------


def _by_code(model: Any, code: str | None, field: str) -> Any:
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise _invalid(field, _("There is nothing with this code."))
    return found


@router.post(
    "/events/{public_id}/invitations",
    response={200: InvitedOut, **WRITE_ERRORS},
    summary="Invite a circle of listeners",
    description="The active employees of a unit (with its sub-units or not), holding a position or a class "
    "rank (these narrow each other), and/or named by public id. Idempotent: those invited before are left.",
)
def invite(request: HttpRequest, public_id: uuid.UUID, payload: CircleIn) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="manage")
    circle = services.Circle(
        unit=unit_by_code(payload.unit, "unit") if payload.unit else None,
        include_subunits=payload.include_subunits,
        position=_by_code(Position, payload.position, "position"),
        class_rank=_by_code(ClassRank, payload.class_rank, "class_rank"),
        employees=tuple(employee_by_public_id(key, "employees") for key in payload.employees),
    )
    return {"invited": services.invite(actor=request.user, event=event, circle=circle)}


@router.get(
    "/events/{public_id}/invitations",
    response={200: Page[InvitationOut], **ERRORS},
    summary="The event's invitations",
    description="For administrators and the event's trainers; by the listener's name.",
)
def invitation_list(request: HttpRequest, public_id: uuid.UUID, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    event = access.get_event_for(request.user, public_id, action="run")
    rows = (
        Invitation.objects.filter(event=event)
        .select_related("event", "employee")
        .order_by("employee__last_name", "employee__first_name", "pk")
    )
    result = paginate(rows, limit=page.limit, offset=page.offset)
    result["items"] = [_invitation(row) for row in result["items"]]
    return result


@router.get(
    "/invitations/mine",
    response={200: Page[InvitationOut], **ERRORS},
    summary="My invitations",
    description="The caller's invitations to events that are not drafts, newest event first.",
)
def my_invitations(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    rows = selectors.my_invitations(user=request.user)
    result = paginate(rows, limit=page.limit, offset=page.offset)
    result["items"] = [_invitation(row) for row in result["items"]]
    return result


@router.post(
    "/invitations/{invitation_id}/answer",
    response={200: InvitationOut, **WRITE_ERRORS},
    summary="Answer my invitation",
    description="Confirm or decline; a confirmation beyond the event's capacity answers 409.",
)
def invitation_answer(request: HttpRequest, invitation_id: int, payload: InvitationAnswerIn) -> Any:
    require_scope(request, Scope.WRITE)
    invitation = (
        Invitation.objects.filter(pk=invitation_id, employee_id=int(request.user.pk or 0))
        .exclude(event__status=EventStatus.DRAFT)
        .first()
    )
    if invitation is None:
        deny(
            request.user,
            action="respond",
            target_type="training.invitation",
            target_key=str(invitation_id)[:64],
            visible=False,
        )
    answered = services.invitation_respond(
        actor=request.user, invitation=invitation, confirm=payload.answer == "confirm"
    )
    answered = Invitation.objects.select_related("event", "employee").get(pk=answered.pk)
    return _invitation(answered)


# --- attendance ---------------------------------------------------------------------------------------------


def _attendance(row: Attendance) -> dict[str, Any]:
    return {
        "employee": row.employee.public_id,
        "name": row.employee.full_name,
        "present": row.present,
        "method": row.method,
        "recorded_at": row.recorded_at,
    }


@router.get(
    "/events/{public_id}/attendance",
    response={200: Page[AttendanceOut], **ERRORS},
    summary="The event's attendance",
    description="For administrators and the event's trainers.",
)
def attendance_list(request: HttpRequest, public_id: uuid.UUID, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    event = access.get_event_for(request.user, public_id, action="run")
    rows = (
        Attendance.objects.filter(event=event)
        .select_related("employee")
        .order_by("employee__last_name", "employee__first_name", "pk")
    )
    result = paginate(rows, limit=page.limit, offset=page.offset)
    result["items"] = [_attendance(row) for row in result["items"]]
    return result


@router.post(
    "/events/{public_id}/attendance",
    response={200: AttendanceOut, **WRITE_ERRORS},
    summary="Mark a listener present or absent",
    description="Administrators and the event's trainers; only invited listeners.",
)
def attendance_mark(request: HttpRequest, public_id: uuid.UUID, payload: MarkIn) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="run")
    employee = employee_by_public_id(payload.employee, "employee")
    row = services.attendance_mark(
        actor=request.user, event=event, employee=employee, present=payload.present
    )
    return _attendance(Attendance.objects.select_related("employee").get(pk=row.pk))


@router.post(
    "/events/{public_id}/check-in",
    response={200: AttendanceOut, **WRITE_ERRORS},
    summary="Check in with the QR code",
    description="The invited listener sends the code shown on the organiser's screen (this or the previous "
    "30-second rotation).",
)
def check_in(request: HttpRequest, public_id: uuid.UUID, payload: CheckInIn) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id)
    row = services.check_in(actor=request.user, event=event, code=payload.code)
    return _attendance(Attendance.objects.select_related("employee").get(pk=row.pk))


# --- the video meeting --------------------------------------------------------------------------------------


@router.get("/events/{public_id}/meeting", response={200: MeetingOut, **ERRORS}, summary="The video meeting")
def meeting_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _meeting(request, access.get_event_for(request.user, public_id))


@router.post(
    "/events/{public_id}/meeting",
    response={202: MeetingOut, **WRITE_ERRORS},
    summary="Create the video meeting",
    description="Administrators, for an online or mixed event. Answers 202 with the status `pending` while "
    "the meeting is being created in the background (retried while the provider is down; poll GET), or "
    "`created`. 409 `meeting_exists` / `meeting_pending`; 422 for a provider not configured.",
)
def meeting_create(request: HttpRequest, public_id: uuid.UUID, payload: MeetingIn) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="manage")
    services_meetings.meeting_create(actor=request.user, event=event, provider=payload.provider.value)
    event.refresh_from_db()
    return Status(202, _meeting(request, event))


@router.post(
    "/events/{public_id}/meeting/retry",
    response={202: MeetingOut, **WRITE_ERRORS},
    summary="Retry creating the video meeting",
    description="Administrators, when the status is `failed` (or `pending` after a failed attempt).",
)
def meeting_retry(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="manage")
    services_meetings.meeting_retry(actor=request.user, event=event)
    event.refresh_from_db()
    return Status(202, _meeting(request, event))


@router.post(
    "/events/{public_id}/meeting/attendance",
    response={200: MarkedOut, **PROVIDER_ERRORS},
    summary="Take attendance from the meeting",
    description="Administrators and trainers, after the event's end: invited listeners the provider reports "
    "(matched by e-mail) are marked present; existing marks are kept. 409 `no_participants_report` for "
    "Jitsi; 503 `meeting_provider_unavailable` when the provider cannot be reached.",
)
def meeting_attendance(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.WRITE)
    event = access.get_event_for(request.user, public_id, action="run")
    return {"marked": services_meetings.attendance_from_meeting(event=event, actor=request.user)}
