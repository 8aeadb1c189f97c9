"""The API's request and response schemas of the crime-report register."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from eprok.materials.models import MaterialSource, MaterialStatus
from eprok.materials.selectors import DEFAULT_SORT, SORTS, MaterialFilter


class UnitRef(Schema):
    code: str
    name: str


class EmployeeRef(Schema):
    public_id: uuid.UUID
    full_name: str


class MaterialOut(Schema):
    """A report as a list shows it."""

    number: str = Field(..., description="The register number, e.g. CM-BAKU-XETAI-2026-00017.")
    public_id: uuid.UUID
    unit: UnitRef
    status: str = Field(..., description=f"One of: {', '.join(MaterialStatus.values)}.")
    source: str = Field(..., description=f"One of: {', '.join(MaterialSource.values)}.")
    is_anonymous: bool
    received_at: dt.datetime
    registered_at: dt.datetime
    summary: str
    articles: str = Field(..., description="The preliminary qualification, e.g. “177.2.3, 178.1”.")
    assignee: EmployeeRef | None
    check_due: dt.date | None = Field(None, description="The last day of the running check term.")
    version: int = Field(..., description="Send it back with a change (or as If-Match) to detect conflicts.")


class PartyOut(Schema):
    id: int
    person: uuid.UUID
    name: str
    role: str
    note: str


class ActionOut(Schema):
    id: int
    kind: str
    performed_on: dt.date
    description: str
    recorded_by: str


class ExtensionOut(Schema):
    id: int
    step: str
    length: int
    reason: str
    granted_by: str
    granted_at: dt.datetime
    check_round: int


class DeadlineOut(Schema):
    rule: str
    due: dt.date
    total_days: int
    explanation: list[str] = Field(
        ..., description="How the due date was computed, in the request's language."
    )


class MaterialDetailOut(MaterialOut):
    """A report with its parties, steps, extensions, running term and decision."""

    source_reference: str
    incident_date: dt.date | None
    incident_place: str
    check_round: int
    check_deadline: DeadlineOut | None
    parties: list[PartyOut]
    actions: list[ActionOut]
    extensions: list[ExtensionOut]
    decided_at: dt.datetime | None
    decision_grounds: str
    refusal_ground: str
    transferred_to_unit: UnitRef | None
    transferred_to_body: str
    joined_to: str | None = Field(None, description="The number of the report this one was joined to.")
    case_number: str


class MaterialFilterIn(Schema):
    """The list's filters (the same as the register page's)."""

    number: str = Field("", max_length=40, description="Part of the register number.")
    unit: str = Field("", max_length=64, description="A unit's code.")
    subunits: bool = Field(False, description="With `unit`: include its sub-units.")
    status: MaterialStatus | None = None
    source: MaterialSource | None = None
    assignee: str = Field("", max_length=40, description="An employee's public id, `me` or `none`.")
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    due: str = Field("", pattern="^(|overdue|near)$", description="`overdue` or `near` (due soon).")
    anonymous: bool | None = None
    q: str = Field("", max_length=200, description="Words that must all occur in the summary.")
    article: str = Field("", max_length=20, description="An article of the preliminary qualification.")
    sort: str = Field(
        DEFAULT_SORT, pattern="^-?(registered_at|number|check_due)$", description="Order; `-` reverses."
    )

    def to_filter(self) -> MaterialFilter:
        return MaterialFilter(
            number=self.number,
            unit=self.unit,
            subunits=self.subunits,
            status=self.status.value if self.status else "",
            source=self.source.value if self.source else "",
            assignee=self.assignee,
            registered_from=self.registered_from,
            registered_to=self.registered_to,
            due=self.due,
            anonymous=self.anonymous,
            q=self.q,
            article=self.article,
            sort=self.sort if self.sort in SORTS else DEFAULT_SORT,
        )


class VersionIn(Schema):
    version: int | None = Field(None, ge=1, description="The version the change is based on (or If-Match).")


class RegisterIn(Schema):
    unit: str = Field(..., max_length=64, description="The code of the registering unit.")
    source: MaterialSource
    received_at: dt.datetime
    summary: str = Field(..., max_length=20_000)
    is_anonymous: bool = False
    source_reference: str = Field("", max_length=200)
    incident_date: dt.date | None = None
    incident_place: str = Field("", max_length=300)
    articles: str = Field("", max_length=200)
    assignee: uuid.UUID | None = Field(None, description="The public id of the employee to check it.")


class AssignIn(VersionIn):
    assignee: uuid.UUID


class ActionIn(VersionIn):
    kind: str = Field(..., max_length=24)
    performed_on: dt.date
    description: str = Field(..., max_length=20_000)


class PartyIn(VersionIn):
    person: uuid.UUID = Field(..., description="The person's public id in the person registry.")
    role: str = Field(..., max_length=24)
    note: str = Field("", max_length=300)


class ExtendIn(VersionIn):
    step: str = Field(
        ..., max_length=32, description="A step of rule cpc.207.check: 207.1.2-10 or 207.1.2-30."
    )
    reason: str = Field(..., max_length=20_000)
    length: int | None = Field(None, ge=1, le=30, description="Days; the step's whole length when omitted.")


class RefuseIn(VersionIn):
    refusal_ground: str = Field(..., max_length=8)
    grounds: str = Field(..., max_length=20_000)


class QuashIn(VersionIn):
    reason: str = Field(..., max_length=20_000)


class TransferIn(VersionIn):
    grounds: str = Field(..., max_length=20_000)
    to_unit: str | None = Field(
        None, max_length=64, description="A unit's code, or leave out and name `to_body`."
    )
    to_body: str = Field("", max_length=200)


class JoinIn(VersionIn):
    into: str = Field(..., max_length=40, description="The number of the open report to join this one to.")
    grounds: str = Field(..., max_length=20_000)
