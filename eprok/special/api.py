"""API operations of special reports (mounted in eprok.core.api at /api/v1/special).

The operations call the same selectors and services as the pages: submission (with `Idempotency-Key`),
follow-ups, linking persons, acknowledgement, closure, the register, one report, the duty console's board
and the classifier of incident types. Every read of a report is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope, unit_by_code
from eprok.core.errors import ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.pagination import Page, PageParams, paginate
from eprok.special import access, selectors, services
from eprok.special.models import IncidentType, PersonRole, ReportStatus, SpecialReport, Urgency

router = Router(tags=["special"])


# --- schemas ------------------------------------------------------------------------------------------------


class IncidentTypeOut(Schema):
    code: str
    name: str
    follow_up_hours: int
    ack_target_minutes: int
    classification: int
    is_active: bool
    routed_to: list[str] = Field(..., description="Codes of the departments reports of this type go to.")


class ReportOut(Schema):
    public_id: uuid.UUID
    number: str = Field(..., description="The register number, e.g. XSM-BAKU-XETAI-2026-00003.")
    incident_type: str = Field(..., description="The code of the incident type.")
    status: str = Field(..., description=f"One of: {', '.join(ReportStatus.values)}.")
    urgency: str
    occurred_at: dt.datetime
    district_code: str
    region_code: str = Field(..., description="ISO 3166-2 code of the region on the map.")
    address: str
    reporting_unit: str = Field(..., description="The code of the reporting unit.")
    submitted_at: dt.datetime
    delivered_at: dt.datetime | None = Field(None, description="Empty while the report is not yet delivered.")
    acknowledged_at: dt.datetime | None
    follow_up_due: dt.datetime | None
    closed_at: dt.datetime | None


class FollowUpOut(Schema):
    sequence: int
    text: str
    author: str
    created_at: dt.datetime
    late: bool


class PersonOut(Schema):
    person: uuid.UUID
    name: str
    role: str


class ReportDetailOut(ReportOut):
    summary: str
    latitude: float | None
    longitude: float | None
    dead_count: int
    injured_count: int
    involved_count: int
    articles: str
    scene_examined: bool
    material: str | None = Field(None, description="The linked crime report's number.")
    case: str | None = Field(None, description="The linked criminal case's number.")
    measures: str
    classification: int
    reported_by: str
    acknowledged_by: str | None
    ack_seconds: int | None = Field(None, description="Seconds from delivery to acknowledgement.")
    ack_within_target: bool | None
    ack_target_minutes: int
    closure_reason: str
    delivered_to: list[str] = Field(..., description="Codes of the units the report was delivered to.")
    persons: list[PersonOut]
    follow_ups: list[FollowUpOut]


class PersonLinkIn(Schema):
    person: uuid.UUID = Field(..., description="The person's public id in the registry.")
    role: PersonRole


class SubmitIn(Schema):
    unit: str = Field(
        ..., description="The code of the reporting unit (the caller holds “Submit special reports”)."
    )
    incident_type: str = Field(..., description="The code of an active incident type (GET /incident-types).")
    occurred_at: dt.datetime
    district_code: str = Field(..., min_length=1, max_length=32)
    address: str = Field(..., min_length=1, max_length=255)
    summary: str = Field(..., min_length=1, max_length=4000)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    dead_count: int = Field(0, ge=0, le=100_000)
    injured_count: int = Field(0, ge=0, le=100_000)
    involved_count: int = Field(0, ge=0, le=100_000)
    articles: str = Field("", max_length=255, description="Preliminary qualification, e.g. “120.2.1, 126.1”.")
    scene_examined: bool = False
    material: str = Field("", max_length=64, description="The number of a crime report registered.")
    case: str = Field("", max_length=64, description="The number of a criminal case opened.")
    measures: str = Field("", max_length=8000)
    urgency: Urgency = Urgency.URGENT
    classification: int | None = Field(None, ge=0, le=3)
    persons: list[PersonLinkIn] = Field(default_factory=list, max_length=50)


class FollowUpIn(Schema):
    text: str = Field(..., min_length=1, max_length=8000)
    material: str = Field("", max_length=64)
    case: str = Field("", max_length=64)


class CloseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


def _invalid(field: str, message: Any) -> ValidationFailed:
    """A 422 whose message is the field's, in the caller's language (as the services' refusals)."""
    return ValidationFailed(message, details={field: str(message)})


class ReportFilterIn(Schema):
    status: ReportStatus | None = None
    incident_type: str | None = Field(None, max_length=64)
    district_code: str | None = Field(None, max_length=32)
    region_code: str | None = Field(None, max_length=16)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    undelivered: bool = False

    def to_filter(self) -> selectors.ReportFilters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise _invalid("date_to", _("The end of the period is before its start."))
        incident_type = None
        if self.incident_type:
            incident_type = IncidentType.objects.filter(code=self.incident_type).first()
            if incident_type is None:
                raise _invalid("incident_type", _("Choose the type of the incident."))
        return selectors.ReportFilters(
            status=self.status.value if self.status else "",
            incident_type=incident_type,
            district_code=self.district_code or "",
            region_code=self.region_code or "",
            date_from=self.date_from,
            date_to=self.date_to,
            undelivered=self.undelivered,
        )


class BoardOut(Schema):
    version: str = Field(..., description="Changes whenever the board changes; poll until it differs.")
    unacknowledged: list[ReportOut] = Field(..., description="Newest first, at most 100.")
    waiting_count: int = Field(..., description="All the reports waiting for acknowledgement.")
    recent: list[ReportOut]


# --- helpers ------------------------------------------------------------------------------------------------


def _summary(report: SpecialReport) -> dict[str, Any]:
    return {
        "public_id": report.public_id,
        "number": report.number,
        "incident_type": report.incident_type.code,
        "status": report.status,
        "urgency": report.urgency,
        "occurred_at": report.occurred_at,
        "district_code": report.district_code,
        "region_code": report.region_code,
        "address": report.address,
        "reporting_unit": report.reporting_unit.code,
        "submitted_at": report.submitted_at,
        "delivered_at": report.delivered_at,
        "acknowledged_at": report.acknowledged_at,
        "follow_up_due": report.follow_up_due,
        "closed_at": report.closed_at,
    }


def _detail(report: SpecialReport) -> dict[str, Any]:
    return {
        **_summary(report),
        "summary": report.summary,
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "dead_count": report.dead_count,
        "injured_count": report.injured_count,
        "involved_count": report.involved_count,
        "articles": report.articles,
        "scene_examined": report.scene_examined,
        "material": report.material.number if report.material else None,
        "case": report.case.number if report.case else None,
        "measures": report.measures,
        "classification": report.classification,
        "reported_by": report.reported_by.full_name,
        "acknowledged_by": report.acknowledged_by.full_name if report.acknowledged_by else None,
        "ack_seconds": report.ack_seconds,
        "ack_within_target": report.ack_within_target,
        "ack_target_minutes": report.ack_target_minutes,
        "closure_reason": report.closure_reason,
        "delivered_to": [delivery.unit.code for delivery in report.deliveries.all()],
        "persons": [
            {"person": link.person.public_id, "name": str(link.person), "role": link.role}
            for link in report.persons.all()
        ],
        "follow_ups": [
            {
                "sequence": follow_up.sequence,
                "text": follow_up.text,
                "author": follow_up.author.full_name,
                "created_at": follow_up.created_at,
                "late": follow_up.late,
            }
            for follow_up in report.follow_ups.all()
        ],
    }


def _card(request: HttpRequest, report: SpecialReport) -> dict[str, Any]:
    """The whole report, read back after a change: a read like any other, so it is recorded."""
    card = selectors.report_card(user=request.user, key=report.public_id)
    services.report_record_view(actor=request.user, report=card, purpose="api")
    return _detail(card)


def _incident_type(code: str) -> IncidentType:
    incident_type = IncidentType.objects.filter(code=code, is_active=True).first()
    if incident_type is None:
        raise _invalid("incident_type", _("Choose the type of the incident."))
    return incident_type


def _person(request: HttpRequest, public_id: uuid.UUID) -> Any:
    from eprok.persons.selectors import person_for_reference

    person = person_for_reference(user=request.user, public_id=public_id)
    if person is None:
        raise _invalid("persons", _("No such person in the registry, or it is not open to you."))
    return person


# --- operations ---------------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[ReportOut], **ERRORS},
    summary="List special reports",
    description="The reports the caller may see, newest first, filtered like the register page.",
)
def report_list(request: HttpRequest, page: Query[PageParams], filters: Query[ReportFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    if not access.uses_register(request.user):
        deny(
            request.user,
            action="special.register.open",
            target_type="special.register",
            target_key="",
            visible=False,
        )
    result = paginate(
        selectors.report_list(user=request.user, filters=filters.to_filter()),
        limit=page.limit,
        offset=page.offset,
    )
    services.reports_record_listed(
        actor=request.user, numbers=[report.number for report in result["items"]], purpose="api"
    )
    result["items"] = [_summary(report) for report in result["items"]]
    return result


@router.post(
    "",
    response={200: ReportDetailOut, 201: ReportDetailOut, **WRITE_ERRORS},
    summary="Submit a special report",
    description=(
        "Registers the report for `unit` and queues its delivery to the duty prosecutor and the "
        "departments its type is routed to; until delivered, `delivered_at` is empty. With an "
        "`Idempotency-Key` header a retried request returns the report the first one created (200 "
        "instead of 201)."
    ),
)
def report_submit(request: HttpRequest, payload: SubmitIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_submit(request.user, unit):
        deny(
            request.user,
            action="special.report.submit",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    incident_type = _incident_type(payload.incident_type)
    persons = [(_person(request, item.person), item.role.value) for item in payload.persons]

    def create() -> SpecialReport:
        return services.report_submit(
            actor=request.user,
            unit=unit,
            data=services.ReportInput(
                incident_type=incident_type,
                occurred_at=payload.occurred_at,
                district_code=payload.district_code,
                address=payload.address,
                summary=payload.summary,
                latitude=payload.latitude,
                longitude=payload.longitude,
                dead_count=payload.dead_count,
                injured_count=payload.injured_count,
                involved_count=payload.involved_count,
                articles=payload.articles,
                scene_examined=payload.scene_examined,
                material_number=payload.material,
                case_number=payload.case,
                measures=payload.measures,
                urgency=payload.urgency.value,
                classification=payload.classification,
                persons=persons,
            ),
        )

    report, created = run_once(
        client=request.user,
        operation="special.submit",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=create,
        result_key=lambda r: str(r.public_id),
        load=lambda key: SpecialReport.objects.get(public_id=key),
    )
    return Status(201 if created else 200, _card(request, report))


@router.get(
    "/incident-types",
    response={200: list[IncidentTypeOut], **ERRORS},
    summary="List incident types",
    description="The incident types with their routing, follow-up interval and acknowledgement target.",
)
def incident_type_list(request: HttpRequest) -> Any:
    require_scope(request, Scope.READ)
    if not access.uses_register(request.user):
        deny(
            request.user,
            action="special.register.open",
            target_type="special.register",
            target_key="",
            visible=False,
        )
    return [
        {
            "code": item.code,
            "name": item.name,
            "follow_up_hours": item.follow_up_hours,
            "ack_target_minutes": item.ack_target_minutes,
            "classification": item.classification,
            "is_active": item.is_active,
            "routed_to": [unit.code for unit in item.routed_to.all()],
        }
        for item in selectors.incident_types()
    ]


@router.get(
    "/console",
    response={200: BoardOut, **ERRORS},
    summary="The duty console's board",
    description=(
        "The delivered reports waiting for acknowledgement (oldest first) and the others of the last "
        "24 hours, with a version that changes whenever the board does. For the duty prosecutor and "
        "the departments' readers."
    ),
)
def console_board(request: HttpRequest, filters: Query[ReportFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    if not access.can_use_console(request.user):
        deny(
            request.user,
            action="special.console.open",
            target_type="special.register",
            target_key="",
            visible=False,
        )
    board = selectors.console_board(user=request.user, filters=filters.to_filter())
    services.reports_record_listed(actor=request.user, numbers=board.numbers, purpose="api: duty console")
    return {
        "version": board.version,
        "unacknowledged": [_summary(report) for report in board.unacknowledged],
        "waiting_count": board.waiting_count,
        "recent": [_summary(report) for report in board.recent],
    }


@router.get(
    "/{number}",
    response={200: ReportDetailOut, **ERRORS},
    summary="Get a special report",
    description="One report with its deliveries, persons and follow-ups; the read is audited.",
)
def report_get(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    report = selectors.report_card(user=request.user, key=number)
    services.report_record_view(actor=request.user, report=report, purpose="api")
    return _detail(report)


@router.post(
    "/{number}/acknowledge",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="Acknowledge a special report",
    description="The duty prosecutor confirms receipt; 409 when someone acknowledged it already.",
)
def report_acknowledge(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_report_for(request.user, number, action="acknowledge")
    return _card(request, services.report_acknowledge(report=report, actor=request.user))


@router.post(
    "/{number}/follow-ups",
    response={201: ReportDetailOut, **WRITE_ERRORS},
    summary="Add a follow-up report",
    description=(
        "The reporting unit reports what has happened since; it may link the crime report or case registered "
        "meanwhile. Refused (409) for a closed report."
    ),
)
def follow_up_add(request: HttpRequest, number: str, payload: FollowUpIn) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_report_for(request.user, number, action="follow_up")
    services.follow_up_add(
        report=report,
        actor=request.user,
        text=payload.text,
        material_number=payload.material,
        case_number=payload.case,
    )
    return Status(201, _card(request, report))


@router.post(
    "/{number}/persons",
    response={201: ReportDetailOut, **WRITE_ERRORS},
    summary="Link a person",
    description="Links a person of the registry to the report in a role (the reporting unit, while open).",
)
def person_link(request: HttpRequest, number: str, payload: PersonLinkIn) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_report_for(request.user, number, action="follow_up")
    services.report_person_link(
        report=report, actor=request.user, person=_person(request, payload.person), role=payload.role.value
    )
    return Status(201, _card(request, report))


@router.post(
    "/{number}/close",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="Close a special report",
    description="The duty prosecutor closes the report with the reason (the decision reached in the matter).",
)
def report_close(request: HttpRequest, number: str, payload: CloseIn) -> Any:
    require_scope(request, Scope.WRITE)
    report = access.get_report_for(request.user, number, action="close")
    return _card(request, services.report_close(report=report, actor=request.user, reason=payload.reason))
