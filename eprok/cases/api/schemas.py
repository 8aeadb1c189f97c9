"""Request and response schemas of the cases API, and the functions that shape a case into them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema

from eprok.core.calendar.deadlines import Deadline
from eprok.persons.models import PartyRole

from ..models import (
    Case,
    CaseParty,
    CaseStatus,
    Instruction,
    MeasureKind,
    PreventiveMeasure,
    ProceduralAct,
    SuspensionGround,
    TerminationGround,
)
from ..selectors import DEFAULT_SORT, SORTS, CaseFilter

NUMBER_DESCRIPTION = "The case number, e.g. CI-BAKU-XETAI-2026-00017."

# --- schemas -----------------------------------------------------------------------------------------


class UnitRef(Schema):
    code: str
    name: str


class EmployeeRef(Schema):
    public_id: uuid.UUID
    full_name: str


class CaseOut(Schema):
    """A case as a list shows it."""

    number: str = Field(..., description=NUMBER_DESCRIPTION)
    public_id: uuid.UUID
    status: str = Field(..., description=f"One of: {', '.join(CaseStatus.values)}.")
    articles: str = Field(
        ..., description="The current qualification, main article first, e.g. “177.2.3, 178.1”."
    )
    main_article: str
    category: int | None = Field(
        None, description="Gravity category of the main article (Criminal Code art. 15)."
    )
    unit: UnitRef
    investigator: EmployeeRef | None
    supervisor: EmployeeRef | None
    opened_at: dt.datetime
    investigation_due: dt.date | None = Field(
        None, description="The last day of the running investigation term."
    )
    next_due_at: dt.datetime | None = Field(
        None, description="When the soonest running term of the case runs out."
    )
    next_due_key: str = Field(
        ..., description="Which term that is: investigation, measure-<id>, instruction-<id>, indictment."
    )
    in_custody: bool
    version: int = Field(..., description="Send it back with a change (or as If-Match) to detect conflicts.")


class DeadlineOut(Schema):
    rule: str
    due: str = Field(..., description="A date (day terms) or a moment (terms in hours).")
    ends_at: dt.datetime
    overdue: bool
    explanation: list[str]


class QualificationOut(Schema):
    id: int
    reference: str
    article_title: str
    category: int | None
    is_main: bool
    valid_from: dt.date
    ended_on: dt.date | None
    reason: str


class TeamOut(Schema):
    id: int
    employee: EmployeeRef
    role: str
    removed_at: dt.datetime | None


class PartyOut(Schema):
    id: int
    person: uuid.UUID
    name: str
    role: str
    since: dt.date
    until: dt.date | None
    note: str


class ActOut(Schema):
    id: int
    kind: str
    title: str
    act_date: dt.date
    body: str
    party: int | None
    author: str
    event: str = Field(..., description="Set when the system wrote the act on a decision (case.opened, ...).")


class ExtensionOut(Schema):
    id: int
    step: str
    length: int
    reason: str
    decision_reference: str
    granted_by: str
    created_at: dt.datetime


class MeasureOut(Schema):
    id: int
    party: int
    person: uuid.UUID
    kind: str
    started_at: dt.datetime
    term_started_at: dt.datetime | None
    due_at: dt.datetime | None
    court_decision: str
    ended_at: dt.datetime | None
    end_reason: str
    extensions: list[ExtensionOut]
    deadline: DeadlineOut | None


class InstructionOut(Schema):
    id: int
    author: str
    text: str
    due_date: dt.date
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    completed_at: dt.datetime | None
    report: str


class SuspensionOut(Schema):
    id: int
    ground: str
    started_on: dt.date
    ended_on: dt.date | None
    reason: str


class TransferOut(Schema):
    id: int
    from_unit: str
    to_unit: str
    reason: str
    created_at: dt.datetime


class CaseDetailOut(CaseOut):
    """The whole card: header, every tab and the soonest term with its explanation."""

    summary: str
    opening_grounds: str
    material: str | None
    separated_from: str | None
    joined_into: str | None
    referred_to: str
    completion_grounds: str
    termination_ground: str
    next_deadline: DeadlineOut | None
    investigation_deadline: DeadlineOut | None
    qualifications: list[QualificationOut]
    team: list[TeamOut]
    parties: list[PartyOut]
    acts: list[ActOut]
    measures: list[MeasureOut]
    instructions: list[InstructionOut]
    investigation_extensions: list[ExtensionOut]
    suspensions: list[SuspensionOut]
    transfers: list[TransferOut]


class CaseFilterIn(Schema):
    """The register's filters (the same as the list page's)."""

    number: str = Field("", max_length=40, description="Part of the case number.")
    unit: str = Field("", max_length=64, description="A unit's code.")
    subunits: bool = Field(False, description="With `unit`: include its sub-units.")
    status: Literal[
        "", "investigation", "suspended", "indictment", "sent_to_court", "terminated", "referred", "joined"
    ] = ""
    article: str = Field("", max_length=32, description="An article or a part: 177, 177.2.")
    category: int | None = Field(None, ge=1, le=4)
    investigator: str = Field(
        "", max_length=100, description="Part of the name, or the employee's public id."
    )
    supervisor: str = Field("", max_length=100, description="Part of the name, or the employee's public id.")
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    due: Literal["", "overdue", "near"] = Field(
        "", description="A running term is overdue, or runs out within 7 days."
    )
    custody: bool = Field(False, description="Someone is detained or arrested in the case.")
    sort: str = Field(DEFAULT_SORT, description=f"One of: {', '.join(SORTS)}.", max_length=20)

    def to_filter(self) -> CaseFilter:
        return CaseFilter(
            number=self.number,
            unit=self.unit,
            subunits=self.subunits,
            status=self.status,
            article=self.article,
            category=self.category,
            investigator=self.investigator,
            supervisor=self.supervisor,
            opened_from=self.opened_from,
            opened_to=self.opened_to,
            due=self.due,
            custody=self.custody,
            sort=self.sort if self.sort in SORTS else DEFAULT_SORT,
        )


class VersionIn(Schema):
    version: int | None = Field(
        None, ge=1, le=999_999_999, description="The case version the change is based on (or If-Match)."
    )


class OpenIn(Schema):
    unit: str = Field(..., max_length=64, description="The code of the investigating unit.")
    material: str | None = Field(None, max_length=40, description="The crime report the case is opened on.")
    articles: list[str] = Field(
        ..., min_length=1, max_length=20, description="References, main first: 177.2.3."
    )
    summary: str = Field(..., max_length=20_000)
    opening_grounds: str = Field(..., max_length=20_000)
    investigator: uuid.UUID = Field(..., description="Public id of the investigator in charge.")
    supervisor: uuid.UUID = Field(..., description="Public id of the supervising prosecutor.")
    opened_at: dt.datetime | None = Field(None, description="Defaults to now.")


class QualifyIn(VersionIn):
    reference: str = Field(..., max_length=32)
    is_main: bool = False
    on: dt.date | None = None
    reason: str = Field("", max_length=2000)


class RequalifyIn(VersionIn):
    articles: list[str] = Field(..., min_length=1, max_length=20)
    reason: str = Field(..., max_length=20_000)
    on: dt.date | None = None


class PartyIn(VersionIn):
    person: uuid.UUID
    role: PartyRole
    since: dt.date | None = None
    note: str = Field("", max_length=300)


class PartyStatusIn(VersionIn):
    role: PartyRole
    on: dt.date | None = None
    note: str = Field("", max_length=300)


class PartyRemoveIn(VersionIn):
    reason: str = Field(..., max_length=2000)
    on: dt.date | None = None


class ActIn(VersionIn):
    kind: Literal["decision", "protocol", "motion", "other"]
    title: str = Field(..., max_length=300)
    act_date: dt.date | None = None
    body: str = Field("", max_length=20_000)
    party: int | None = Field(None, ge=1, le=2_147_483_647)


class MeasureIn(VersionIn):
    party: int = Field(..., ge=1, le=2_147_483_647)
    kind: MeasureKind
    started_at: dt.datetime | None = None
    court_decision: str = Field("", max_length=200)


class ExtendIn(VersionIn):
    step: str = Field(
        ..., max_length=32, description="A step of the rule: 218.6, 218.7, 218.8, 148.7, 159.1, ..."
    )
    length: int = Field(
        ..., ge=1, le=100, description="In the rule's unit (months, or hours for a detention)."
    )
    reason: str = Field(..., max_length=20_000)
    decision_reference: str = Field("", max_length=200)


class MeasureEndIn(VersionIn):
    reason: str = Field(..., max_length=300)
    ended_at: dt.datetime | None = None


class SuspendIn(VersionIn):
    ground: SuspensionGround
    reason: str = Field(..., max_length=20_000)
    on: dt.date | None = None


class DecisionIn(VersionIn):
    reason: str = Field(..., max_length=20_000)
    on: dt.date | None = None


class TransferIn(VersionIn):
    to_unit: str = Field(..., max_length=64)
    investigator: uuid.UUID
    supervisor: uuid.UUID | None = None
    reason: str = Field(..., max_length=20_000)


class TeamIn(VersionIn):
    employee: uuid.UUID
    lead: bool = False


class JoinIn(VersionIn):
    into: str = Field(..., max_length=40, description="The number of the open case to join into.")
    reason: str = Field(..., max_length=20_000)
    on: dt.date | None = None


class SeparateIn(VersionIn):
    parties: list[int] = Field(default_factory=list, max_length=100)
    articles: list[str] = Field(..., min_length=1, max_length=20)
    summary: str = Field(..., max_length=20_000)
    grounds: str = Field(..., max_length=20_000)
    on: dt.date | None = None
    investigator: uuid.UUID | None = None


class InstructionIn(VersionIn):
    text: str = Field(..., max_length=20_000)
    due_date: dt.date


class ReportIn(VersionIn):
    report: str = Field(..., max_length=20_000)


class IndictmentIn(VersionIn):
    title: str = Field("", max_length=300)
    body: str = Field(..., max_length=20_000)


class NoteIn(VersionIn):
    note: str = Field("", max_length=20_000)


class TerminateIn(VersionIn):
    ground: TerminationGround
    grounds: str = Field(..., max_length=20_000)
    on: dt.date | None = None


class ReferIn(VersionIn):
    body: str = Field(..., max_length=200)
    grounds: str = Field(..., max_length=20_000)
    on: dt.date | None = None


# --- shaping rows into responses ----------------------------------------------------------------------


def deadline_out(deadline: Deadline | None) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {
        "rule": deadline.rule_code,
        "due": (
            timezone.localtime(deadline.due).isoformat()
            if isinstance(deadline.due, dt.datetime)
            else deadline.due.isoformat()
        ),
        "ends_at": deadline.ends_at(),
        "overdue": deadline.is_overdue,
        "explanation": deadline.explain_lines(),
    }


def employee_ref(employee: Any) -> dict[str, Any] | None:
    return (
        {"public_id": employee.public_id, "full_name": employee.full_name} if employee is not None else None
    )


def case_out(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "public_id": case.public_id,
        "status": case.status,
        "articles": case.articles,
        "main_article": case.main_article,
        "category": case.category,
        "unit": {"code": case.unit.code, "name": case.unit.name},
        "investigator": employee_ref(case.investigator),
        "supervisor": employee_ref(case.supervisor),
        "opened_at": case.opened_at,
        "investigation_due": case.investigation_due,
        "next_due_at": case.next_due_at,
        "next_due_key": case.next_due_key,
        "in_custody": case.in_custody,
        "version": case.version,
    }


def party_out(party: CaseParty) -> dict[str, Any]:
    return {
        "id": party.pk,
        "person": party.person.public_id,
        "name": party.person.display_name,
        "role": party.role,
        "since": party.since,
        "until": party.until,
        "note": party.note,
    }


def act_out(act: ProceduralAct) -> dict[str, Any]:
    return {
        "id": act.pk,
        "kind": act.kind,
        "title": act.title,
        "act_date": act.act_date,
        "body": act.body,
        "party": act.party_id,
        "author": act.author.full_name,
        "event": act.event,
    }


def extension_out(extension: Any) -> dict[str, Any]:
    return {
        "id": extension.pk,
        "step": extension.step,
        "length": extension.length,
        "reason": extension.reason,
        "decision_reference": extension.decision_reference,
        "granted_by": extension.granted_by.full_name,
        "created_at": extension.created_at,
    }


def measure_out(measure: PreventiveMeasure, deadline: Deadline | None = None) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "party": measure.party_id,
        "person": measure.party.person.public_id,
        "kind": measure.kind,
        "started_at": measure.started_at,
        "term_started_at": measure.term_started_at,
        "due_at": measure.due_at,
        "court_decision": measure.court_decision,
        "ended_at": measure.ended_at,
        "end_reason": measure.end_reason,
        "extensions": [extension_out(e) for e in measure.extensions.all()],
        "deadline": deadline_out(deadline),
    }


def instruction_out(instruction: Instruction) -> dict[str, Any]:
    return {
        "id": instruction.pk,
        "author": instruction.author.full_name,
        "text": instruction.text,
        "due_date": instruction.due_date,
        "created_at": instruction.created_at,
        "acknowledged_at": instruction.acknowledged_at,
        "completed_at": instruction.completed_at,
        "report": instruction.report,
    }
