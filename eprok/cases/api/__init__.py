"""API operations of the cases register (mounted in eprok.core.api at /api/v1/cases).

The operations call the same selectors and services as the pages. Writes take the version of the case
the client last saw (`version` in the body, or the `If-Match` header) and answer 409 `stale_version` when
the case changed since; operations that create a record honour the `Idempotency-Key` header. The schemas
are in `schemas.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate
from eprok.org.models import Employee, Unit

from .. import access, selectors, services, terms
from ..models import ActKind, Case, CaseParty, Instruction, PreventiveMeasure, ProceduralAct, TeamMember
from .schemas import (
    ActIn,
    ActOut,
    CaseDetailOut,
    CaseFilterIn,
    CaseOut,
    DecisionIn,
    ExtendIn,
    IndictmentIn,
    InstructionIn,
    InstructionOut,
    JoinIn,
    MeasureEndIn,
    MeasureIn,
    MeasureOut,
    NoteIn,
    OpenIn,
    PartyIn,
    PartyOut,
    PartyRemoveIn,
    PartyStatusIn,
    QualifyIn,
    ReferIn,
    ReportIn,
    RequalifyIn,
    SeparateIn,
    SuspendIn,
    TeamIn,
    TerminateIn,
    TransferIn,
    VersionIn,
    act_out,
    case_out,
    deadline_out,
    employee_ref,
    extension_out,
    instruction_out,
    measure_out,
    party_out,
)

router = Router(tags=["cases"])

RowId = Path(
    ..., ge=1, le=2_147_483_647, description="The id of the row (party, measure, team member, instruction)."
)


# --- request helpers -------------------------------------------------------------------------------------


def _expected(request: HttpRequest, body: VersionIn) -> int | None:
    return expected_version(request, body.version)


def _case(request: HttpRequest, number: str, action: str = "view") -> Case:
    return access.get_case_for(request.user, number, action=action)


def _row(model: Any, case: Case, pk: int, *related: str) -> Any:
    row = model.objects.select_related(*related).filter(pk=pk, case=case).first()
    if row is None:
        raise NotFound()
    row.case = case
    return row


def _employee(public_id: uuid.UUID | None, field: str) -> Employee | None:
    if public_id is None:
        return None
    employee = Employee.objects.filter(public_id=public_id, is_active=True).first()
    if employee is None:
        message = _("No such active employee.")
        raise ValidationFailed(message, details={field: message})
    return employee


def _unit(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        message = _("No such unit.")
        raise ValidationFailed(message, details={field: message})
    return unit


def _reload(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The case as the caller now sees it (a transfer may move it out of their sight: then as written)."""
    fresh = (
        access.visible_to(request.user)
        .select_related("unit", "investigator", "supervisor")
        .filter(pk=case.pk)
        .first()
    )
    return case_out(
        fresh or Case.objects.select_related("unit", "investigator", "supervisor").get(pk=case.pk)
    )


def _once(
    request: HttpRequest, operation: str, payload: Any, create: Callable[[], Any], model: Any
) -> tuple[Any, bool]:
    return run_once(
        client=request.user,
        operation=operation,
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=create,
        result_key=lambda row: str(row.pk),
        load=lambda key: model.objects.get(pk=int(key)),
    )


# --- reads -----------------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[CaseOut], **ERRORS},
    summary="List criminal cases",
    description=(
        "The cases the caller may see (team, supervising prosecutor, “Supervise investigations” over the "
        "unit, "
        "“State prosecution” for cases sent to court), with the register's filters, ordered by `sort` "
        "(newest first by default)."
    ),
)
def case_list(request: HttpRequest, page: Query[PageParams], filters: Query[CaseFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    queryset = selectors.case_list(user=request.user, filters=filters.to_filter())
    result = paginate(queryset, limit=page.limit, offset=page.offset)
    result["items"] = [case_out(case) for case in result["items"]]
    return result


@router.get(
    "/{number}",
    response={200: CaseDetailOut, **ERRORS},
    summary="Get a criminal case",
    description=(
        "The whole card: qualification, team, parties, acts, measures, instructions and terms. The "
        "read is audited."
    ),
)
def case_get(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    card = selectors.case_card(user=request.user, number=number, explain=True)
    case = card.case
    services.case_record_view(actor=request.user, case=case, purpose="api")
    tabs = {
        tab: selectors.tab_data(case=case, tab=tab)
        for tab in ("parties", "acts", "measures", "instructions", "term", "qualification")
    }
    investigation = {**tabs["term"], **tabs["qualification"]}
    return {
        **case_out(case),
        "summary": case.summary,
        "opening_grounds": case.opening_grounds,
        "material": case.material.number if case.material_id and case.material else None,
        "separated_from": case.separated_from.number
        if case.separated_from_id and case.separated_from
        else None,
        "joined_into": case.joined_into.number if case.joined_into_id and case.joined_into else None,
        "referred_to": case.referred_to,
        "completion_grounds": case.completion_grounds,
        "termination_ground": case.termination_ground,
        "next_deadline": deadline_out(card.next_deadline),
        "investigation_deadline": deadline_out(investigation["investigation_deadline"]),
        "qualifications": [
            {
                "id": q.pk,
                "reference": q.reference,
                "article_title": q.article.title,
                "category": q.article.category,
                "is_main": q.is_main,
                "valid_from": q.valid_from,
                "ended_on": q.ended_on,
                "reason": q.reason,
            }
            for q in investigation["qualifications"]
        ],
        "team": [
            {"id": m.pk, "employee": employee_ref(m.employee), "role": m.role, "removed_at": m.removed_at}
            for m in investigation["team"]
        ],
        "parties": [party_out(p) for p in [*tabs["parties"]["current"], *tabs["parties"]["past"]]],
        "acts": [act_out(a) for a in tabs["acts"]["acts"]],
        "measures": [measure_out(m, d) for m, d in tabs["measures"]["measures"]],
        "instructions": [instruction_out(i) for i, _d in tabs["instructions"]["instructions"]],
        "investigation_extensions": [extension_out(e) for e in investigation["extensions"]],
        "suspensions": [
            {
                "id": s.pk,
                "ground": s.ground,
                "started_on": s.started_on,
                "ended_on": s.ended_on,
                "reason": s.reason,
            }
            for s in investigation["suspensions"]
        ],
        "transfers": [
            {
                "id": t.pk,
                "from_unit": t.from_unit.code,
                "to_unit": t.to_unit.code,
                "reason": t.reason,
                "created_at": t.created_at,
            }
            for t in investigation["transfers"]
        ],
    }


# --- opening and qualification ----------------------------------------------------------------------


@router.post(
    "",
    response={200: CaseOut, 201: CaseOut, **WRITE_ERRORS},
    summary="Open a criminal case",
    description=(
        "Opens a case in `unit`, directly or on the crime report `material` (which is marked decided in the "
        "same transaction). Articles must be in force on the opening date. Honours `Idempotency-Key`: a "
        "retry answers 200 with the case the first request opened."
    ),
)
def case_open(request: HttpRequest, payload: OpenIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = _unit(payload.unit, "unit")
    if not access.can_open_in(request.user, unit):
        access.deny_unit(request.user, unit, action="open")
    material = None
    if payload.material:
        from eprok.materials import access as material_access

        material = material_access.get_material_for(request.user, payload.material, action="open_case")
    investigator = _employee(payload.investigator, "investigator")
    supervisor = _employee(payload.supervisor, "supervisor")

    def create() -> Case:
        return services.case_open(
            actor=request.user,
            unit=unit,
            material=material,
            articles=payload.articles,
            summary=payload.summary,
            opening_grounds=payload.opening_grounds,
            investigator=investigator,
            supervisor=supervisor,
            opened_at=payload.opened_at,
        )

    case, created = _once(request, "cases.open", payload, create, Case)
    return Status(201 if created else 200, _reload(request, case))


@router.post(
    "/{number}/qualifications",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Add an article to the qualification",
)
def case_qualify(request: HttpRequest, number: str, payload: QualifyIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    case = services.case_qualify(
        actor=request.user,
        case=case,
        reference=payload.reference,
        is_main=payload.is_main,
        on=payload.on,
        reason=payload.reason,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/requalify",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Re-qualify the act",
    description=(
        "Replaces the qualification; every article must be in force on `on`. The first is the main one."
    ),
)
def case_requalify(request: HttpRequest, number: str, payload: RequalifyIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    case = services.case_requalify(
        actor=request.user,
        case=case,
        articles=payload.articles,
        reason=payload.reason,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


# --- parties and acts -------------------------------------------------------------------------------------


@router.post(
    "/{number}/parties",
    response={200: PartyOut, 201: PartyOut, **WRITE_ERRORS},
    summary="Add a party",
    description=(
        "Adds a person of the registry in a procedural role; an accused gets the charge on the "
        "timeline. Honours `Idempotency-Key`."
    ),
)
def party_add(request: HttpRequest, number: str, payload: PartyIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    from eprok.persons import access as persons_access

    person = persons_access.visible_to(request.user).filter(public_id=payload.person).first()
    if person is None:
        message = _("No such person in the registry.")
        raise ValidationFailed(message, details={"person": message})

    def create() -> CaseParty:
        return services.case_add_party(
            actor=request.user,
            case=case,
            person=person,
            role=payload.role,
            since=payload.since,
            note=payload.note,
            expected_version=_expected(request, payload),
        )

    party, created = _once(request, f"cases.party_add.{case.pk}", payload, create, CaseParty)
    return Status(201 if created else 200, party_out(party))


@router.post(
    "/{number}/parties/{pk}/status",
    response={200: PartyOut, **WRITE_ERRORS},
    summary="Change a party's status",
)
def party_status(request: HttpRequest, number: str, payload: PartyStatusIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    party = _row(CaseParty, case, pk, "person")
    new = services.case_change_party_status(
        actor=request.user,
        party=party,
        role=payload.role,
        on=payload.on,
        note=payload.note,
        expected_version=_expected(request, payload),
    )
    return party_out(new)


@router.post(
    "/{number}/parties/{pk}/remove",
    response={200: PartyOut, **WRITE_ERRORS},
    summary="End a party's part in the case",
)
def party_remove(request: HttpRequest, number: str, payload: PartyRemoveIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    party = _row(CaseParty, case, pk, "person")
    party = services.case_remove_party(
        actor=request.user,
        party=party,
        reason=payload.reason,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return party_out(party)


@router.post(
    "/{number}/acts",
    response={200: ActOut, 201: ActOut, **WRITE_ERRORS},
    summary="Record a procedural act",
    description=(
        "Decisions, protocols, motions and other acts; charges, measures and the indictment have "
        "their own operations. Honours `Idempotency-Key`."
    ),
)
def act_add(request: HttpRequest, number: str, payload: ActIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    party = _row(CaseParty, case, payload.party, "person") if payload.party else None

    def create() -> ProceduralAct:
        return services.case_add_act(
            actor=request.user,
            case=case,
            kind=ActKind(payload.kind),
            title=payload.title,
            act_date=payload.act_date,
            body=payload.body,
            party=party,
            expected_version=_expected(request, payload),
        )

    act, created = _once(request, f"cases.act_add.{case.pk}", payload, create, ProceduralAct)
    return Status(201 if created else 200, act_out(act))


# --- measures ---------------------------------------------------------------------------------------------


@router.post(
    "/{number}/measures",
    response={200: MeasureOut, 201: MeasureOut, **WRITE_ERRORS},
    summary="Detain a suspect or apply a preventive measure",
    description=(
        "Detention runs 48 hours from `started_at`; arrest and house arrest run for the court's "
        "term by category. Honours `Idempotency-Key`."
    ),
)
def measure_apply(request: HttpRequest, number: str, payload: MeasureIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    party = _row(CaseParty, case, payload.party, "person")

    def create() -> PreventiveMeasure:
        return services.measure_apply(
            actor=request.user,
            case=case,
            party=party,
            kind=payload.kind,
            started_at=payload.started_at,
            court_decision=payload.court_decision,
            expected_version=_expected(request, payload),
        )

    measure, created = _once(request, f"cases.measure_apply.{case.pk}", payload, create, PreventiveMeasure)
    measure = _row(PreventiveMeasure, case, measure.pk, "party__person")
    return Status(
        201 if created else 200,
        measure_out(measure, terms.measure_deadline(measure) if measure.ended_at is None else None),
    )


@router.post(
    "/{number}/measures/{pk}/extend",
    response={200: MeasureOut, **WRITE_ERRORS},
    summary="Record the court's extension of a measure's term",
    description=(
        "Steps 148.7 (detention, listed grave crimes only), 159.1, 159.2, 159.8 (arrest); by a "
        "holder of the step's role."
    ),
)
def measure_extend(request: HttpRequest, number: str, payload: ExtendIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    measure = _row(PreventiveMeasure, case, pk, "party__person")
    services.measure_extend(
        actor=request.user,
        measure=measure,
        step=payload.step,
        length=payload.length,
        reason=payload.reason,
        decision_reference=payload.decision_reference,
        expected_version=_expected(request, payload),
    )
    measure = _row(PreventiveMeasure, case, pk, "party__person")
    return measure_out(measure, terms.measure_deadline(measure))


@router.post(
    "/{number}/measures/{pk}/end", response={200: MeasureOut, **WRITE_ERRORS}, summary="End a measure"
)
def measure_end(request: HttpRequest, number: str, payload: MeasureEndIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "end_measure")
    measure = _row(PreventiveMeasure, case, pk, "party__person")
    services.measure_end(
        actor=request.user,
        measure=measure,
        reason=payload.reason,
        ended_at=payload.ended_at,
        expected_version=_expected(request, payload),
    )
    return measure_out(_row(PreventiveMeasure, case, pk, "party__person"))


# --- the course of the investigation ------------------------------------------------------------------


@router.post(
    "/{number}/extend",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Extend the investigation term",
    description=(
        "Under 218.6, 218.7 or 218.8, by a holder of the step's role, within the step's maximum and"
        " the category's cap."
    ),
)
def case_extend(request: HttpRequest, number: str, payload: ExtendIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    services.case_extend_investigation(
        actor=request.user,
        case=case,
        step=payload.step,
        length=payload.length,
        reason=payload.reason,
        decision_reference=payload.decision_reference,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/suspend",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Suspend the investigation (CPC 53.1)",
)
def case_suspend(request: HttpRequest, number: str, payload: SuspendIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    services.case_suspend(
        actor=request.user,
        case=case,
        ground=payload.ground,
        reason=payload.reason,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/resume", response={200: CaseOut, **WRITE_ERRORS}, summary="Resume a suspended investigation"
)
def case_resume(request: HttpRequest, number: str, payload: DecisionIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    services.case_resume(
        actor=request.user,
        case=case,
        reason=payload.reason,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/transfer", response={200: CaseOut, **WRITE_ERRORS}, summary="Transfer the case to another unit"
)
def case_transfer(request: HttpRequest, number: str, payload: TransferIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    services.case_transfer(
        actor=request.user,
        case=case,
        to_unit=_unit(payload.to_unit, "to_unit"),
        investigator=_employee(payload.investigator, "investigator"),
        supervisor=_employee(payload.supervisor, "supervisor"),
        reason=payload.reason,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/team",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Add to the team (or make the investigator in charge)",
)
def team_add(request: HttpRequest, number: str, payload: TeamIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    services.team_add(
        actor=request.user,
        case=case,
        employee=_employee(payload.employee, "employee"),
        lead=payload.lead,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/team/{pk}/remove", response={200: CaseOut, **WRITE_ERRORS}, summary="Take off the team"
)
def team_remove(request: HttpRequest, number: str, payload: VersionIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    member = _row(TeamMember, case, pk, "employee")
    services.team_remove(actor=request.user, member=member, expected_version=_expected(request, payload))
    return _reload(request, case)


@router.post(
    "/{number}/join",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Join the case into another open case",
    description=(
        "The caller must be on the team of both cases; parties, articles and running measures move to `into`."
    ),
)
def case_join(request: HttpRequest, number: str, payload: JoinIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    into = _case(request, payload.into, "edit")
    services.case_join(
        actor=request.user,
        case=case,
        into=into,
        reason=payload.reason,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/separate",
    response={200: CaseOut, 201: CaseOut, **WRITE_ERRORS},
    summary="Separate a new case",
    description=(
        "A new case (new number, `separated_from` this one) for the chosen parties and articles. "
        "Honours `Idempotency-Key`."
    ),
)
def case_separate(request: HttpRequest, number: str, payload: SeparateIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    parties = [_row(CaseParty, case, pk, "person") for pk in dict.fromkeys(payload.parties)]
    investigator = _employee(payload.investigator, "investigator")

    def create() -> Case:
        return services.case_separate(
            actor=request.user,
            case=case,
            parties=parties,
            articles=payload.articles,
            summary=payload.summary,
            grounds=payload.grounds,
            on=payload.on,
            investigator=investigator,
            expected_version=_expected(request, payload),
        )

    new, created = _once(request, f"cases.separate.{case.pk}", payload, create, Case)
    return Status(201 if created else 200, _reload(request, new))


# --- instructions ---------------------------------------------------------------------------------------


@router.post(
    "/{number}/instructions",
    response={200: InstructionOut, 201: InstructionOut, **WRITE_ERRORS},
    summary="Give an instruction",
    description=(
        "By the supervising prosecutor or a holder of “Supervise investigations” over the unit. "
        "Honours `Idempotency-Key`."
    ),
)
def instruction_give(request: HttpRequest, number: str, payload: InstructionIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")

    def create() -> Instruction:
        return services.instruction_give(
            actor=request.user,
            case=case,
            text=payload.text,
            due_date=payload.due_date,
            expected_version=_expected(request, payload),
        )

    instruction, created = _once(request, f"cases.instruction_give.{case.pk}", payload, create, Instruction)
    return Status(201 if created else 200, instruction_out(_row(Instruction, case, instruction.pk, "author")))


@router.post(
    "/{number}/instructions/{pk}/acknowledge",
    response={200: InstructionOut, **WRITE_ERRORS},
    summary="Acknowledge an instruction",
)
def instruction_acknowledge(request: HttpRequest, number: str, payload: VersionIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "acknowledge")
    instruction = _row(Instruction, case, pk, "author")
    services.instruction_acknowledge(
        actor=request.user, instruction=instruction, expected_version=_expected(request, payload)
    )
    return instruction_out(_row(Instruction, case, pk, "author"))


@router.post(
    "/{number}/instructions/{pk}/report",
    response={200: InstructionOut, **WRITE_ERRORS},
    summary="Report on an instruction",
)
def instruction_report(request: HttpRequest, number: str, payload: ReportIn, pk: int = RowId) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "acknowledge")
    instruction = _row(Instruction, case, pk, "author")
    services.instruction_report(
        actor=request.user,
        instruction=instruction,
        report=payload.report,
        expected_version=_expected(request, payload),
    )
    return instruction_out(_row(Instruction, case, pk, "author"))


# --- completion -------------------------------------------------------------------------------------------


@router.post(
    "/{number}/indictment/submit",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Send the case with the indictment to the supervising prosecutor",
    description=(
        "Needs an accused and a main article; the investigation term stops and the prosecutor's 5 days start."
    ),
)
def indictment_submit(request: HttpRequest, number: str, payload: IndictmentIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    services.case_submit_indictment(
        actor=request.user,
        case=case,
        title=payload.title,
        body=payload.body,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/indictment/approve",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Approve the indictment and send the case to court",
    description=(
        "By the supervising prosecutor (never by a member of the team); the case becomes sent_to_court."
    ),
)
def indictment_approve(request: HttpRequest, number: str, payload: NoteIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    services.case_approve_indictment(
        actor=request.user, case=case, note=payload.note, expected_version=_expected(request, payload)
    )
    return _reload(request, case)


@router.post(
    "/{number}/indictment/return",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Return the case for additional investigation",
)
def indictment_return(request: HttpRequest, number: str, payload: DecisionIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    services.case_return_indictment(
        actor=request.user, case=case, reason=payload.reason, expected_version=_expected(request, payload)
    )
    return _reload(request, case)


@router.post("/{number}/terminate", response={200: CaseOut, **WRITE_ERRORS}, summary="Terminate the case")
def case_terminate(request: HttpRequest, number: str, payload: TerminateIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    services.case_terminate(
        actor=request.user,
        case=case,
        ground=payload.ground,
        grounds=payload.grounds,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/refer", response={200: CaseOut, **WRITE_ERRORS}, summary="Refer the case to another body"
)
def case_refer(request: HttpRequest, number: str, payload: ReferIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "edit")
    services.case_refer(
        actor=request.user,
        case=case,
        body=payload.body,
        grounds=payload.grounds,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)


@router.post(
    "/{number}/reopen",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Resume the investigation of a completed case",
)
def case_reopen(request: HttpRequest, number: str, payload: DecisionIn) -> Any:
    require_scope(request, Scope.WRITE)
    case = _case(request, number, "supervise")
    services.case_reopen(
        actor=request.user,
        case=case,
        grounds=payload.reason,
        on=payload.on,
        expected_version=_expected(request, payload),
    )
    return _reload(request, case)
