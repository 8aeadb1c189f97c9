"""API operations of state prosecution in court (mounted in eprok.core.api at /api/v1/courtwork).

The same selectors and services as the pages: the register, one proceeding (its read is audited), opening a
proceeding for a case sent to court, hearings, positions and motions, decisions, appeals and protests, the
entry into force, the courts, and the caller's hearings calendar. Writes take the proceeding's `version` in
the body or an `If-Match` header (409 `stale_version` when someone else changed it meanwhile).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate

from . import access, selectors, services
from .models import (
    AppealFiling,
    AppealOutcome,
    AppealParty,
    Court,
    Decision,
    DecisionKind,
    Hearing,
    Instance,
    MotionOutcome,
    Position,
    PositionKind,
    Proceeding,
    ProceedingStatus,
)

router = Router(tags=["courtwork"])

RowId = Path(
    ..., ge=1, le=2_147_483_647, description="The id of the row (hearing, position, decision, appeal)."
)


# --- schemas ------------------------------------------------------------------------------------------------


class CourtOut(Schema):
    code: str
    name: str
    level: str
    district: str
    xroad_code: str


class ProceedingOut(Schema):
    public_id: uuid.UUID
    case: str | None = Field(None, description="The number of the case of the service.")
    supervised: uuid.UUID | None = Field(None, description="The public id of the supervised case.")
    number: str = Field(..., description="The number of the case in the prosecution.")
    court: str = Field(..., description="The court's code (GET /courts).")
    court_number: str
    judge: str
    instance: str = Field(..., description=f"One of: {', '.join(Instance.values)}.")
    status: str = Field(..., description=f"One of: {', '.join(ProceedingStatus.values)}.")
    unit: str
    prosecutor: str | None = Field(None, description="The state prosecutor's login.")
    sent_on: dt.date
    closed_on: dt.date | None
    version: int


class CourtHearingOut(Schema):
    id: int
    instance: str
    starts_at: dt.datetime
    courtroom: str
    judge: str
    status: str
    outcome: str
    external_id: str


class CourtPositionOut(Schema):
    id: int
    kind: str
    text: str
    outcome: str
    stated_on: dt.date
    author: str


class CourtDecisionOut(Schema):
    id: int
    instance: str
    kind: str
    decided_on: dt.date
    sentence: str
    text: str
    appeal_rule: str = Field(
        ..., description="The deadline rule of the term to appeal (empty when none runs)."
    )
    appeal_due: dt.date | None = Field(None, description="The last day of the term to appeal.")


class CourtAppealOut(Schema):
    id: int
    decision: int
    kind: str
    party: str
    filed_on: dt.date
    grounds: str
    outcome: str
    decided_on: dt.date | None


class ProceedingDetailOut(ProceedingOut):
    accused: str
    articles: str
    result: str
    hearings: list[CourtHearingOut]
    positions: list[CourtPositionOut]
    decisions: list[CourtDecisionOut]
    appeals: list[CourtAppealOut]


class ProceedingFilterIn(Schema):
    status: ProceedingStatus | None = None
    instance: Instance | None = None
    court: str | None = Field(None, max_length=64, description="A court's code.")
    mine: bool = Field(False, description="Only the proceedings the caller prosecutes.")
    upcoming: bool = Field(False, description="Only those with a scheduled hearing ahead, soonest first.")


class ProceedingOpenIn(Schema):
    case: str = Field("", max_length=40, description="The number of a case of the service sent to court.")
    supervised: uuid.UUID | None = Field(
        None, description="Or the public id of a supervised case sent to court."
    )
    court: str = Field(..., max_length=64)
    sent_on: dt.date
    judge: str = Field("", max_length=200)
    court_number: str = Field("", max_length=64)
    prosecutor: str = Field(
        "", max_length=150, description="The state prosecutor's login (default: the caller)."
    )


class CourtVersionIn(Schema):
    version: int | None = Field(None, ge=1, description="The version the change is based on.")


class HearingIn(CourtVersionIn):
    starts_at: dt.datetime
    courtroom: str = Field("", max_length=64)
    judge: str = Field("", max_length=200)


class HearingPostponeIn(CourtVersionIn):
    starts_at: dt.datetime
    reason: str = Field(..., min_length=1, max_length=2000)


class HearingHoldIn(CourtVersionIn):
    outcome: str = Field(..., min_length=1, max_length=20_000)


class HearingCancelIn(CourtVersionIn):
    reason: str = Field(..., min_length=1, max_length=2000)


class PositionIn(CourtVersionIn):
    kind: PositionKind
    text: str = Field(..., min_length=1, max_length=20_000)
    stated_on: dt.date | None = None
    hearing: int | None = Field(None, ge=1, description="The hearing it was stated at.")


class PositionOutcomeIn(CourtVersionIn):
    outcome: MotionOutcome


class DecisionIn(CourtVersionIn):
    kind: DecisionKind
    decided_on: dt.date
    sentence: str = Field("", max_length=20_000)
    text: str = Field("", max_length=20_000)


class AppealIn(CourtVersionIn):
    party: AppealParty
    grounds: str = Field(..., min_length=1, max_length=20_000)
    filed_on: dt.date | None = None


class AppealOutcomeIn(CourtVersionIn):
    outcome: AppealOutcome
    decided_on: dt.date | None = None


class ForceIn(CourtVersionIn):
    on: dt.date | None = None


class CalendarIn(Schema):
    weeks: int = Field(4, ge=1, le=26, description="How many weeks from today.")


class CalendarHearingOut(Schema):
    proceeding: uuid.UUID
    number: str
    court: str
    starts_at: dt.datetime
    courtroom: str
    status: str


class CalendarDayOut(Schema):
    day: dt.date
    hearings: list[CalendarHearingOut]


# --- helpers ------------------------------------------------------------------------------------------------


def _summary(proceeding: Proceeding) -> dict[str, Any]:
    return {
        "public_id": proceeding.public_id,
        "case": proceeding.case.number if proceeding.case_id and proceeding.case else None,
        "supervised": proceeding.supervised.public_id
        if proceeding.supervised_id and proceeding.supervised
        else None,
        "number": proceeding.owner_number,
        "court": proceeding.court.code,
        "court_number": proceeding.court_number,
        "judge": proceeding.judge,
        "instance": proceeding.instance,
        "status": proceeding.status,
        "unit": proceeding.unit.code,
        "prosecutor": proceeding.prosecutor.get_username()
        if proceeding.prosecutor_id and proceeding.prosecutor
        else None,
        "sent_on": proceeding.sent_on,
        "closed_on": proceeding.closed_on,
        "version": proceeding.version,
    }


def _detail(request: HttpRequest, key: Any) -> dict[str, Any]:
    """The whole proceeding (read back after a change too): a read like any other, so it is recorded."""
    card = selectors.proceeding_card(user=request.user, key=key)
    proceeding = card.proceeding
    services.proceeding_record_view(actor=request.user, proceeding=proceeding, purpose="api")
    return {
        **_summary(proceeding),
        "accused": proceeding.accused,
        "articles": proceeding.articles,
        "result": proceeding.result,
        "hearings": [
            {
                "id": h.pk,
                "instance": h.instance,
                "starts_at": h.starts_at,
                "courtroom": h.courtroom,
                "judge": h.judge,
                "status": h.status,
                "outcome": h.outcome,
                "external_id": h.external_id,
            }
            for h in card.hearings
        ],
        "positions": [
            {
                "id": p.pk,
                "kind": p.kind,
                "text": p.text,
                "outcome": p.outcome,
                "stated_on": p.stated_on,
                "author": p.author.get_username(),
            }
            for p in card.positions
        ],
        "decisions": [
            {
                "id": d.pk,
                "instance": d.instance,
                "kind": d.kind,
                "decided_on": d.decided_on,
                "sentence": d.sentence,
                "text": d.text,
                "appeal_rule": d.appeal_rule,
                "appeal_due": d.appeal_due,
            }
            for d in card.decisions
        ],
        "appeals": [
            {
                "id": a.pk,
                "decision": a.decision_id,
                "kind": a.kind,
                "party": a.party,
                "filed_on": a.filed_on,
                "grounds": a.grounds,
                "outcome": a.outcome,
                "decided_on": a.decided_on,
            }
            for a in card.appeals
        ],
    }


def _invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: str(message)})


def _court(code: str | None, field: str = "court") -> Court:
    court = Court.objects.filter(code=code or "", is_active=True).first()
    if court is None:
        raise _invalid(field, _("Choose the court."))
    return court


def _proceeding(request: HttpRequest, public_id: uuid.UUID, action: str = "act") -> Proceeding:
    return access.get_proceeding_for(request.user, public_id, action=action)


def _row(model: Any, proceeding: Proceeding, pk: int) -> Any:
    row = model.objects.filter(proceeding=proceeding, pk=pk).first()
    if row is None:
        raise NotFound()
    row.proceeding = proceeding
    return row


def _version(request: HttpRequest, body: CourtVersionIn) -> int | None:
    return expected_version(request, body.version)


# --- reads --------------------------------------------------------------------------------------------------


@router.get("", response={200: Page[ProceedingOut], **ERRORS}, summary="List court proceedings")
def proceeding_list(request: HttpRequest, page: Query[PageParams], filters: Query[ProceedingFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    if not access.can_see_register(request.user):
        access.deny_register(request.user, action="register.open")
    court = _court(filters.court) if filters.court else None
    rows = selectors.proceeding_list(
        user=request.user,
        filters=selectors.ProceedingFilters(
            status=filters.status.value if filters.status else "",
            instance=filters.instance.value if filters.instance else "",
            court=court,
            mine=filters.mine,
            upcoming=filters.upcoming,
        ),
    )
    result = paginate(rows, limit=page.limit, offset=page.offset)
    services.proceedings_record_listed(
        actor=request.user, keys=[str(p.public_id) for p in result["items"]], purpose="api"
    )
    result["items"] = [_summary(p) for p in result["items"]]
    return result


@router.get("/courts", response={200: list[CourtOut], **ERRORS}, summary="List the courts")
def court_list(request: HttpRequest) -> Any:
    require_scope(request, Scope.READ)
    return [
        {"code": c.code, "name": c.name, "level": c.level, "district": c.district, "xroad_code": c.xroad_code}
        for c in selectors.courts()
    ]


@router.get(
    "/calendar",
    response={200: list[CalendarDayOut], **ERRORS},
    summary="My hearings calendar",
    description="The hearings of the proceedings the caller prosecutes in the coming weeks, by day.",
)
def calendar(request: HttpRequest, params: Query[CalendarIn]) -> Any:
    require_scope(request, Scope.READ)
    if not access.can_use_calendar(request.user):
        access.deny_register(request.user, action="calendar.open")
    return [
        {
            "day": day.day,
            "hearings": [
                {
                    "proceeding": h.proceeding.public_id,
                    "number": h.proceeding.owner_number,
                    "court": h.proceeding.court.code,
                    "starts_at": h.starts_at,
                    "courtroom": h.courtroom,
                    "status": h.status,
                }
                for h in day.hearings
            ],
        }
        for day in selectors.hearings_calendar(user=request.user, weeks=params.weeks)
    ]


@router.get("/{public_id}", response={200: ProceedingDetailOut, **ERRORS}, summary="Read a court proceeding")
def proceeding_read(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _detail(request, public_id)


# --- writes -------------------------------------------------------------------------------------------------


@router.post(
    "",
    response={200: ProceedingDetailOut, 201: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Open the court proceeding of a case sent to court",
    description=(
        "Name `case` (a case of the service) or `supervised`; an existing proceeding is returned (200)."
    ),
)
def proceeding_open(request: HttpRequest, payload: ProceedingOpenIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = supervised = None
    if bool(payload.case) == (payload.supervised is not None):
        raise _invalid("case", _("Name either a case of the service or a supervised case."))
    if payload.case:
        from eprok.cases.access import get_case_for

        case = get_case_for(request.user, payload.case)
    else:
        from eprok.supervision.access import get_case_for as get_supervised_for

        supervised = get_supervised_for(request.user, payload.supervised)
    prosecutor = None
    if payload.prosecutor:
        from eprok.org.models import Employee

        prosecutor = Employee.objects.filter(username=payload.prosecutor).first()
        if prosecutor is None:
            raise _invalid("prosecutor", _("There is no employee with this login."))
    existing = services.proceeding_for_owner(case=case, supervised=supervised)
    proceeding = services.proceeding_open(
        actor=request.user,
        case=case,
        supervised=supervised,
        court=_court(payload.court),
        sent_on=payload.sent_on,
        judge=payload.judge,
        court_number=payload.court_number,
        prosecutor=prosecutor,
    )
    return Status(200 if existing is not None else 201, _detail(request, proceeding.public_id))


@router.post(
    "/{public_id}/hearings", response={201: ProceedingDetailOut, **WRITE_ERRORS}, summary="Schedule a hearing"
)
def hearing_add(request: HttpRequest, public_id: uuid.UUID, payload: HearingIn) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.hearing_schedule(
        actor=request.user,
        proceeding=proceeding,
        starts_at=payload.starts_at,
        courtroom=payload.courtroom,
        judge=payload.judge,
        expected_version=_version(request, payload),
    )
    return Status(201, _detail(request, public_id))


@router.post(
    "/{public_id}/hearings/{pk}/postpone",
    response={200: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Postpone a hearing",
)
def hearing_postpone(
    request: HttpRequest, public_id: uuid.UUID, payload: HearingPostponeIn, pk: int = RowId
) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.hearing_postpone(
        actor=request.user,
        hearing=_row(Hearing, proceeding, pk),
        starts_at=payload.starts_at,
        reason=payload.reason,
        expected_version=_version(request, payload),
    )
    return _detail(request, public_id)


@router.post(
    "/{public_id}/hearings/{pk}/hold",
    response={200: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Mark a hearing held",
)
def hearing_hold(request: HttpRequest, public_id: uuid.UUID, payload: HearingHoldIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.hearing_hold(
        actor=request.user,
        hearing=_row(Hearing, proceeding, pk),
        outcome=payload.outcome,
        expected_version=_version(request, payload),
    )
    return _detail(request, public_id)


@router.post(
    "/{public_id}/hearings/{pk}/cancel",
    response={200: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Cancel a hearing",
)
def hearing_cancel(
    request: HttpRequest, public_id: uuid.UUID, payload: HearingCancelIn, pk: int = RowId
) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.hearing_cancel(
        actor=request.user,
        hearing=_row(Hearing, proceeding, pk),
        reason=payload.reason,
        expected_version=_version(request, payload),
    )
    return _detail(request, public_id)


@router.post(
    "/{public_id}/positions",
    response={201: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Record a position or motion",
)
def position_add(request: HttpRequest, public_id: uuid.UUID, payload: PositionIn) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    hearing = _row(Hearing, proceeding, payload.hearing) if payload.hearing else None
    services.position_add(
        actor=request.user,
        proceeding=proceeding,
        kind=payload.kind.value,
        text=payload.text,
        stated_on=payload.stated_on,
        hearing=hearing,
        expected_version=_version(request, payload),
    )
    return Status(201, _detail(request, public_id))


@router.post(
    "/{public_id}/positions/{pk}/outcome",
    response={200: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Record the court's decision on a motion",
)
def position_outcome(
    request: HttpRequest, public_id: uuid.UUID, payload: PositionOutcomeIn, pk: int = RowId
) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.position_outcome(
        actor=request.user,
        position=_row(Position, proceeding, pk),
        outcome=payload.outcome.value,
        expected_version=_version(request, payload),
    )
    return _detail(request, public_id)


@router.post(
    "/{public_id}/decisions",
    response={201: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Record the court's decision",
    description=(
        "At the proceeding's current instance. A first-instance verdict opens the appeal term (CPC 384, "
        "rule cpc.384.appeal); an appeal-court decision the cassation term (cpc.410.cassation.1m, "
        "or .3m after "
        "an acquittal or termination). A `return` reopens the investigation of a case of the service."
    ),
)
def decision_add(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.decision_record(
        actor=request.user,
        proceeding=proceeding,
        kind=payload.kind.value,
        decided_on=payload.decided_on,
        sentence=payload.sentence,
        text=payload.text,
        expected_version=_version(request, payload),
    )
    return Status(201, _detail(request, public_id))


@router.post(
    "/{public_id}/decisions/{pk}/appeals",
    response={201: ProceedingDetailOut, **WRITE_ERRORS},
    summary="File an appeal or protest against a decision",
    description="Within the decision's term: later, 422 `term_expired` names the day the term ran out.",
)
def appeal_file(request: HttpRequest, public_id: uuid.UUID, payload: AppealIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.appeal_file(
        actor=request.user,
        decision=_row(Decision, proceeding, pk),
        party=payload.party.value,
        grounds=payload.grounds,
        filed_on=payload.filed_on,
        expected_version=_version(request, payload),
    )
    return Status(201, _detail(request, public_id))


@router.post(
    "/{public_id}/appeals/{pk}/outcome",
    response={200: ProceedingDetailOut, **WRITE_ERRORS},
    summary="Record the outcome of an appeal or protest",
)
def appeal_outcome(
    request: HttpRequest, public_id: uuid.UUID, payload: AppealOutcomeIn, pk: int = RowId
) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.appeal_decide(
        actor=request.user,
        appeal=_row(AppealFiling, proceeding, pk),
        outcome=payload.outcome.value,
        decided_on=payload.decided_on,
        expected_version=_version(request, payload),
    )
    return _detail(request, public_id)


@router.post(
    "/{public_id}/force",
    response={200: ProceedingDetailOut, **WRITE_ERRORS},
    summary="The decision entered into force",
)
def proceeding_force(request: HttpRequest, public_id: uuid.UUID, payload: ForceIn) -> Any:
    require_scope(request, Scope.WRITE)
    proceeding = _proceeding(request, public_id)
    services.proceeding_enter_into_force(
        actor=request.user, proceeding=proceeding, on=payload.on, expected_version=_version(request, payload)
    )
    return _detail(request, public_id)
