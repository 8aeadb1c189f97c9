"""API operations of procedural supervision (mounted in eprok.core.api at /api/v1/supervision).

The operations call the same selectors and services as the pages: the register of supervised cases, one
case (its read audited), entry by hand, the details, the supervising prosecutor, suspension, resumption,
termination, extension of the term, the indictment and the decision on it, the prosecutor's acts and the
body's answers, violations, the statistics per investigating body and the list of bodies. Changes of the
case take its `version` (in the body or an `If-Match` header) and answer 409 when it is stale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate

from . import access, selectors, services
from .models import (
    ActKind,
    BodyKind,
    InvestigatingBody,
    SupervisedCase,
    SupervisedStatus,
    SupervisoryAct,
    Violation,
    ViolationKind,
)

router = Router(tags=["supervision"])


# --- schemas ------------------------------------------------------------------------------------------------


class InvestigatingBodyOut(Schema):
    code: str
    name: str
    kind: BodyKind
    district: str
    xroad_member: str = Field(..., description="The body's member identifier on the e-Government gateway.")
    is_active: bool


class SupervisedCaseOut(Schema):
    public_id: uuid.UUID
    number: str
    body: str = Field(..., description="The code of the investigating body.")
    investigator_name: str
    unit: str = Field(..., description="The code of the supervising unit.")
    supervisor: uuid.UUID | None = Field(None, description="The supervising prosecutor's public id.")
    opened_on: dt.date
    articles: str
    main_article: str
    category: int | None
    status: SupervisedStatus
    in_custody: bool
    custody_until: dt.datetime | None
    investigation_due: dt.date | None
    source: str
    version: int


class SupervisoryActOut(Schema):
    id: int
    kind: ActKind
    text: str
    due_date: dt.date | None
    author: str
    issued_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    answer_accepted: bool | None
    answered_late: bool
    overdue: bool


class SupervisionViolationOut(Schema):
    id: int
    kind: ViolationKind
    found_on: dt.date
    description: str
    automatic: bool
    remedied_on: dt.date | None
    act: int | None = Field(None, description="The act that demanded the remedy.")


class SupervisedCaseDetailOut(SupervisedCaseOut):
    investigator_contact: str
    summary: str
    accused: str
    indictment_received_at: dt.datetime | None
    closed_at: dt.datetime | None
    external_id: str
    acts: list[SupervisoryActOut]
    violations: list[SupervisionViolationOut]


class SupervisedCaseFilterIn(Schema):
    status: SupervisedStatus | None = None
    body: str | None = Field(None, max_length=64, description="The code of an investigating body.")
    unit: str | None = Field(None, max_length=64, description="A unit's code: its cases and its sub-units'.")
    supervisor: uuid.UUID | None = Field(None, description="The supervising prosecutor's public id.")
    overdue: bool = Field(
        False, description="Only cases whose investigation term or an act's answer is overdue."
    )
    has_violations: bool = Field(False, description="Only cases with violations not remedied.")
    words: str = Field("", max_length=100, description="Words of the number, summary, accused or articles.")

    def to_filter(self) -> selectors.CaseFilters:
        body = None
        if self.body:
            body = InvestigatingBody.objects.filter(code=self.body).first()
            if body is None:
                raise _invalid("body", _("There is no investigating body with this code."))
        return selectors.CaseFilters(
            status=self.status.value if self.status else "",
            body=body,
            unit=unit_by_code(self.unit, "unit") if self.unit else None,
            supervisor=employee_by_public_id(self.supervisor, "supervisor"),
            overdue=self.overdue,
            has_violations=self.has_violations,
            words=self.words,
        )


class SupervisedDetailsIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    investigator_name: str = Field(..., min_length=1, max_length=200)
    investigator_contact: str = Field("", max_length=200)
    opened_on: dt.date
    summary: str = Field(..., min_length=1, max_length=20000)
    articles: str = Field(
        ..., min_length=1, max_length=300, description="The main article first: “177.2.3, 178.1”."
    )
    accused: str = Field("", max_length=20000)
    in_custody: bool = False
    custody_until: dt.datetime | None = None

    def details(self) -> services.CaseDetails:
        return services.CaseDetails(
            number=self.number,
            investigator_name=self.investigator_name,
            investigator_contact=self.investigator_contact,
            opened_on=self.opened_on,
            summary=self.summary,
            articles=self.articles,
            accused=self.accused,
            in_custody=self.in_custody,
            custody_until=self.custody_until,
        )


class SupervisedCreateIn(SupervisedDetailsIn):
    unit: str = Field(..., description="The supervising unit's code (the caller holds “Supervise” over it).")
    body: str = Field(..., description="The code of an active investigating body (GET /supervision/bodies).")
    supervisor: uuid.UUID | None = Field(None, description="The supervising prosecutor's public id.")


class SupervisedUpdateIn(SupervisedDetailsIn):
    version: int | None = Field(None, ge=1, description="The version read; or send If-Match.")


class SupervisorIn(Schema):
    supervisor: uuid.UUID
    version: int | None = Field(None, ge=1)


class SupervisionReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=20000)
    version: int | None = Field(None, ge=1)


class TermExtendIn(SupervisionReasonIn):
    due: dt.date


class IndictmentIn(Schema):
    received_at: dt.datetime | None = Field(None, description="When the indictment arrived; now if omitted.")
    version: int | None = Field(None, ge=1)


class ApproveIn(Schema):
    note: str = Field("", max_length=20000)
    version: int | None = Field(None, ge=1)


class SupervisoryActIn(Schema):
    kind: ActKind = Field(..., description="instruction, demand or protest.")
    text: str = Field(..., min_length=1, max_length=20000)
    due_date: dt.date = Field(..., description="The date the body's answer is due.")


class ActAnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=20000)
    accepted: bool
    answered_at: dt.datetime | None = None


class SupervisionViolationIn(Schema):
    kind: ViolationKind
    description: str = Field(..., min_length=1, max_length=20000)
    found_on: dt.date | None = None


class RemedyIn(Schema):
    remedied_on: dt.date | None = None


class BodyStatisticsOut(Schema):
    body: str = Field(..., description="The code of the investigating body.")
    name: str
    received: int = Field(..., description="Cases opened in the period.")
    under_investigation: int = Field(..., description="Cases under investigation now.")
    suspended: int
    with_prosecutor: int = Field(
        ..., description="Cases whose indictment awaits the prosecutor's decision now."
    )
    sent_to_court: int = Field(..., description="Cases sent to court in the period.")
    terminated: int = Field(..., description="Cases terminated in the period.")
    violations: dict[str, int] = Field(..., description="Violations found in the period, by kind.")
    acts_issued: int = Field(..., description="Instructions, demands and protests issued in the period.")
    acts_answered_late: int
    acts_overdue: int = Field(
        ..., description="Of the acts issued, those still unanswered after their due date."
    )


class SupervisionStatisticsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    bodies: list[BodyStatisticsOut]


class SupervisionStatisticsIn(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: str | None = Field(None, max_length=64)


# --- helpers ------------------------------------------------------------------------------------------------


def _invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: str(message)})


def _summary(case: SupervisedCase) -> dict[str, Any]:
    return {
        "public_id": case.public_id,
        "number": case.number,
        "body": case.body.code,
        "investigator_name": case.investigator_name,
        "unit": case.unit.code,
        "supervisor": case.supervisor.public_id if case.supervisor else None,
        "opened_on": case.opened_on,
        "articles": case.articles,
        "main_article": case.main_article,
        "category": case.category,
        "status": case.status,
        "in_custody": case.in_custody,
        "custody_until": case.custody_until,
        "investigation_due": case.investigation_due,
        "source": case.source,
        "version": case.version,
    }


def _act(act: SupervisoryAct) -> dict[str, Any]:
    return {
        "id": act.pk,
        "kind": act.kind,
        "text": act.text,
        "due_date": act.due_date,
        "author": act.author.full_name,
        "issued_at": act.issued_at,
        "answer": act.answer,
        "answered_at": act.answered_at,
        "answer_accepted": act.answer_accepted,
        "answered_late": act.answered_late,
        "overdue": act.is_overdue,
    }


def _violation(violation: Violation) -> dict[str, Any]:
    return {
        "id": violation.pk,
        "kind": violation.kind,
        "found_on": violation.found_on,
        "description": violation.description,
        "automatic": violation.automatic,
        "remedied_on": violation.remedied_on,
        "act": violation.act_id,
    }


def _detail(case: SupervisedCase) -> dict[str, Any]:
    return {
        **_summary(case),
        "investigator_contact": case.investigator_contact,
        "summary": case.summary,
        "accused": case.accused,
        "indictment_received_at": case.indictment_received_at,
        "closed_at": case.closed_at,
        "external_id": case.external_id,
        "acts": [_act(act) for act in case.acts.all()],
        "violations": [_violation(violation) for violation in case.violations.all()],
    }


def _card(request: HttpRequest, public_id: Any) -> dict[str, Any]:
    """The whole case, read back after a change: a read like any other, so it is recorded."""
    card = selectors.case_card(user=request.user, key=public_id)
    services.case_record_view(actor=request.user, case=card, purpose="api")
    return _detail(card)


def _body(code: str) -> InvestigatingBody:
    body = InvestigatingBody.objects.filter(code=code).first()
    if body is None:
        raise _invalid("body", _("There is no investigating body with this code."))
    return body


def _supervisor(public_id: uuid.UUID | None) -> Any:
    return employee_by_public_id(public_id, "supervisor")


def _version(request: HttpRequest, version: int | None) -> int | None:
    return expected_version(request, version)


def _register(request: HttpRequest) -> None:
    if not access.can_see_register(request.user):
        access.deny_register(request.user, "register.open")


# --- operations ---------------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[SupervisedCaseOut], **ERRORS},
    summary="List supervised cases",
    description="The supervised cases the caller may see, newest first, filtered like the register page.",
)
def case_list(request: HttpRequest, page: Query[PageParams], filters: Query[SupervisedCaseFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    _register(request)
    result = paginate(
        selectors.case_list(user=request.user, filters=filters.to_filter()),
        limit=page.limit,
        offset=page.offset,
    )
    services.cases_record_listed(
        actor=request.user, numbers=[case.number for case in result["items"]], purpose="api"
    )
    result["items"] = [_summary(case) for case in result["items"]]
    return result


@router.post(
    "",
    response={201: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Enter a supervised case",
    description=(
        "Takes under supervision a case investigated by another body, entered by hand; its investigation "
        "term is computed from the gravity category of the main article (CPC art. 218)."
    ),
)
def case_create(request: HttpRequest, payload: SupervisedCreateIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_create_in(request.user, unit):
        deny(
            request.user,
            action="supervision.case.create",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    case = services.supervised_create(
        actor=request.user,
        unit=unit,
        body=_body(payload.body),
        details=payload.details(),
        supervisor=_supervisor(payload.supervisor),
    )
    return Status(201, _card(request, case.public_id))


@router.get(
    "/bodies",
    response={200: list[InvestigatingBodyOut], **ERRORS},
    summary="List investigating bodies",
    description="The police offices and investigative bodies whose investigations are supervised.",
)
def body_list(request: HttpRequest) -> Any:
    require_scope(request, Scope.READ)
    _register(request)
    return [
        {
            "code": body.code,
            "name": body.name,
            "kind": body.kind,
            "district": body.district,
            "xroad_member": body.xroad_member,
            "is_active": body.is_active,
        }
        for body in selectors.body_list()
    ]


@router.get(
    "/statistics",
    response={200: SupervisionStatisticsOut, **ERRORS},
    summary="Statistics per investigating body",
    description=(
        "For the period (default: the year so far), per body, over the cases the caller may see: cases "
        "received, under investigation, sent to court, terminated, violations by kind, acts issued and "
        "answered late."
    ),
)
def statistics(request: HttpRequest, params: Query[SupervisionStatisticsIn]) -> Any:
    require_scope(request, Scope.READ)
    if not access.can_see_statistics(request.user):
        access.deny_register(request.user, "statistics.open")
    today = timezone.localdate()
    date_from = params.date_from or today.replace(month=1, day=1)
    date_to = params.date_to or today
    if date_from > date_to:
        raise _invalid("date_to", _("The end of the period is before its start."))
    result = selectors.statistics(
        user=request.user,
        date_from=date_from,
        date_to=date_to,
        unit=unit_by_code(params.unit, "unit") if params.unit else None,
    )
    return {
        "date_from": result.date_from,
        "date_to": result.date_to,
        "bodies": [
            {
                "body": row.body.code,
                "name": row.body.name,
                "received": row.received,
                "under_investigation": row.under_investigation,
                "suspended": row.suspended,
                "with_prosecutor": row.with_prosecutor,
                "sent_to_court": row.sent_to_court,
                "terminated": row.terminated,
                "violations": row.violations,
                "acts_issued": row.acts_issued,
                "acts_answered_late": row.acts_answered_late,
                "acts_overdue": row.acts_overdue,
            }
            for row in result.rows
        ],
    }


@router.get(
    "/{public_id}",
    response={200: SupervisedCaseDetailOut, **ERRORS},
    summary="Get a supervised case",
    description="One case with its acts and violations; the read is audited.",
)
def case_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _card(request, public_id)


@router.put(
    "/{public_id}",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Correct a supervised case's details",
    description="Replaces the details; a new opening date or gravity category recomputes the term.",
)
def case_update(request: HttpRequest, public_id: uuid.UUID, payload: SupervisedUpdateIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.supervised_update(
        actor=request.user,
        case=case,
        details=payload.details(),
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/supervisor",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Name the supervising prosecutor",
)
def case_assign(request: HttpRequest, public_id: uuid.UUID, payload: SupervisorIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.supervised_assign(
        actor=request.user,
        case=case,
        supervisor=_supervisor(payload.supervisor),
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/suspend",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Record the suspension of the investigation",
)
def case_suspend(request: HttpRequest, public_id: uuid.UUID, payload: SupervisionReasonIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.supervised_suspend(
        actor=request.user,
        case=case,
        reason=payload.reason,
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/resume",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Resume a suspended or terminated investigation",
)
def case_resume(request: HttpRequest, public_id: uuid.UUID, payload: SupervisionReasonIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.supervised_resume(
        actor=request.user,
        case=case,
        reason=payload.reason,
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/terminate",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Record the termination of the case",
)
def case_terminate(request: HttpRequest, public_id: uuid.UUID, payload: SupervisionReasonIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.supervised_terminate(
        actor=request.user,
        case=case,
        reason=payload.reason,
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/extend",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Extend the investigation term",
)
def case_extend(request: HttpRequest, public_id: uuid.UUID, payload: TermExtendIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.term_extend(
        actor=request.user,
        case=case,
        due=payload.due,
        reason=payload.reason,
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/indictment",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Record the indictment received",
    description="The case arrives with its indictment; the prosecutor's 5-day term to decide starts.",
)
def indictment_receive(request: HttpRequest, public_id: uuid.UUID, payload: IndictmentIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.indictment_receive(
        actor=request.user,
        case=case,
        received_at=payload.received_at,
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/indictment/approve",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Approve the indictment",
    description="The named supervisor or a superior office's supervisor; the case is sent to court.",
)
def indictment_approve(request: HttpRequest, public_id: uuid.UUID, payload: ApproveIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="decide")
    services.indictment_approve(
        actor=request.user, case=case, note=payload.note, expected_version=_version(request, payload.version)
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/indictment/return",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Return the case for further investigation",
)
def indictment_return(request: HttpRequest, public_id: uuid.UUID, payload: SupervisionReasonIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="decide")
    services.indictment_return(
        actor=request.user,
        case=case,
        reason=payload.reason,
        expected_version=_version(request, payload.version),
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/acts",
    response={201: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Issue an instruction, demand or protest",
)
def act_issue(request: HttpRequest, public_id: uuid.UUID, payload: SupervisoryActIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.act_issue(
        actor=request.user, case=case, kind=payload.kind.value, text=payload.text, due_date=payload.due_date
    )
    return Status(201, _card(request, public_id))


@router.post(
    "/{public_id}/acts/{act_id}/answer",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Record the body's answer to an act",
)
def act_answer(request: HttpRequest, public_id: uuid.UUID, act_id: int, payload: ActAnswerIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    act = SupervisoryAct.objects.filter(case=case, pk=act_id).first()
    if act is None:
        raise NotFound()
    act.case = case
    services.act_answer(
        actor=request.user,
        act=act,
        answer=payload.answer,
        accepted=payload.accepted,
        answered_at=payload.answered_at,
    )
    return _card(request, public_id)


@router.post(
    "/{public_id}/violations",
    response={201: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Record a violation",
)
def violation_record(request: HttpRequest, public_id: uuid.UUID, payload: SupervisionViolationIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    services.violation_record(
        actor=request.user,
        case=case,
        kind=payload.kind.value,
        description=payload.description,
        found_on=payload.found_on,
    )
    return Status(201, _card(request, public_id))


@router.post(
    "/{public_id}/violations/{violation_id}/remedy",
    response={200: SupervisedCaseDetailOut, **WRITE_ERRORS},
    summary="Mark a violation remedied",
)
def violation_remedy(request: HttpRequest, public_id: uuid.UUID, violation_id: int, payload: RemedyIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = access.get_case_for(request.user, public_id, action="act")
    violation = Violation.objects.filter(case=case, pk=violation_id).first()
    if violation is None:
        raise NotFound()
    violation.case = case
    services.violation_remedy(actor=request.user, violation=violation, remedied_on=payload.remedied_on)
    return _card(request, public_id)
