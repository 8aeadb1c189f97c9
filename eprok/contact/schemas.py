"""The API's request and response schemas of the call centre and the hotline."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from eprok.contact.models import (
    CallDirection,
    CallOutcome,
    CallStatus,
    Centre,
    CorruptionType,
    HotlineChannel,
    HotlineStatus,
)
from eprok.contact.selectors import CallFilter, HotlineFilter


class UnitRef(Schema):
    code: str
    name: str


class EmployeeRef(Schema):
    public_id: uuid.UUID
    full_name: str


class VersionIn(Schema):
    version: int | None = Field(None, ge=1, description="The version the change is based on (or If-Match).")


# --- calls ----------------------------------------------------------------------------------------------


class CallOut(Schema):
    """A call as a list shows it."""

    public_id: uuid.UUID
    short_id: str = Field(..., description="The first 8 characters of the id, read out to a caller.")
    centre: str = Field(..., description=f"One of: {', '.join(Centre.values)}.")
    unit: UnitRef
    direction: str = Field(..., description=f"One of: {', '.join(CallDirection.values)}.")
    status: str = Field(..., description=f"One of: {', '.join(CallStatus.values)}.")
    caller_number: str = Field(..., description="E.164; empty when withheld, and always for the 161 hotline.")
    operator: EmployeeRef | None
    offered_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    topic: str = Field(..., description="A topic code of the appeals' classifier.")
    outcome: str = Field(..., description=f"Empty, or one of: {', '.join(CallOutcome.values)}.")
    appeal_number: str
    material_number: str
    version: int


class CallDetailOut(CallOut):
    called_number: str
    caller_name: str
    caller_fin: str
    summary: str
    forwarded_to: str
    has_recording: bool = Field(..., description="The recording's address: GET /calls/{id}/recording.")
    caller_notified: bool = Field(..., description="The caller was told the call is recorded.")
    recording_retain_until: dt.date | None
    registered_at: dt.datetime | None
    hotline_report: str | None = Field(
        None, description="The number of the hotline report made from the call."
    )


class CallFilterIn(Schema):
    centre: Centre | None = None
    unit: str = Field("", max_length=64, description="A unit's code.")
    status: CallStatus | None = None
    outcome: CallOutcome | None = None
    operator: str = Field("", max_length=40, description="An employee's public id, `me` or `none`.")
    number: str = Field("", max_length=40, description="Digits of the caller's number.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    topic: str = Field("", max_length=64)
    q: str = Field("", max_length=200, description="Words that must all occur in the summary.")

    def to_filter(self) -> CallFilter:
        return CallFilter(
            centre=self.centre.value if self.centre else "",
            unit=self.unit,
            status=self.status.value if self.status else "",
            outcome=self.outcome.value if self.outcome else "",
            operator=self.operator,
            number=self.number,
            date_from=self.date_from,
            date_to=self.date_to,
            topic=self.topic,
            q=self.q,
        )


class CallOpenIn(Schema):
    unit: str = Field(..., max_length=64, description="The code of the unit whose line took the call.")
    centre: Centre
    direction: CallDirection = CallDirection.INCOMING
    caller_number: str = Field("", max_length=40)
    called_number: str = Field("", max_length=40, description="Required for an outgoing call.")


class CallerIn(Schema):
    caller_number: str | None = Field(
        None, max_length=40, description="Omit to keep the number the PBX gave."
    )
    caller_name: str = Field("", max_length=200)
    caller_fin: str = Field("", max_length=20)
    person: uuid.UUID | None = Field(None, description="The caller's public id in the person registry.")


class CallRegisterIn(VersionIn, CallerIn):
    outcome: Literal["information", "forwarded", "other"]
    summary: str = Field(..., max_length=20_000)
    topic: str = Field("", max_length=64)
    forwarded_to: str = Field("", max_length=300)
    caller_notified: bool | None = None


class ApplicantIn(Schema):
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    fin: str = Field("", max_length=20)
    address: str = Field("", max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40, description="The call's number when empty.")


class CallAppealIn(VersionIn):
    kind: str = Field(..., max_length=16, description="application, proposal or complaint.")
    text: str = Field(..., max_length=20_000)
    applicant: ApplicantIn | None = None
    topic: str = Field("", max_length=64)
    summary: str = Field("", max_length=20_000)
    caller_notified: bool | None = None


class CallCrimeReportIn(VersionIn):
    unit: str = Field(..., max_length=64, description="The unit whose register receives the crime report.")
    summary: str = Field(..., max_length=20_000)
    place: str = Field("", max_length=300)
    caller_name: str = Field("", max_length=200)
    caller_fin: str = Field("", max_length=20)
    caller_notified: bool | None = None


class IdentityIn(Schema):
    """The identity a hotline reporter chose to give; only the custodian can read it afterwards."""

    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=200)
    fin: str = Field("", max_length=20)
    note: str = Field("", max_length=2_000)


class HotlineFromCallIn(VersionIn):
    text: str = Field(..., max_length=20_000)
    sector: str = Field("", max_length=64)
    corruption_type: CorruptionType | None = None
    place: str = Field("", max_length=300)
    identity: IdentityIn | None = None
    assignee: uuid.UUID | None = None
    caller_notified: bool | None = None


class HistoryCallOut(Schema):
    public_id: uuid.UUID
    offered_at: dt.datetime
    status: str
    outcome: str
    summary: str


class HistoryAppealOut(Schema):
    number: str
    received_on: dt.date
    status: str
    status_label: str
    due_date: dt.date | None = None
    outcome: str = ""
    forwarded_to: str = ""


class CallerHistoryOut(Schema):
    calls: list[HistoryCallOut]
    appeals: list[HistoryAppealOut]
    appeals_available: bool


class RecordingOut(Schema):
    url: str = Field(..., description="The PBX's address of the recording. Each read is audited.")


# --- callbacks and copies -------------------------------------------------------------------------------


class CallbackOut(Schema):
    id: int
    call: uuid.UUID
    due_at: dt.datetime
    assignee: EmployeeRef
    note: str
    status: str
    done_at: dt.datetime | None
    result: str
    version: int


class CallbackIn(Schema):
    due_at: dt.datetime
    note: str = Field("", max_length=500)
    assignee: uuid.UUID | None = Field(
        None, description="Another operator (supervisors only); yourself if omitted."
    )


class CallbackCompleteIn(VersionIn):
    result: str = Field(..., max_length=20_000)


class ReassignIn(VersionIn):
    assignee: uuid.UUID


class CallbackFilterIn(Schema):
    status: Literal["", "open", "done", "cancelled"] = "open"
    mine: bool = False
    overdue: bool = False


class CopyRequestOut(Schema):
    id: int
    call: uuid.UUID
    requested_at: dt.datetime
    requester: str
    contact: str
    status: str
    due: dt.date | None
    refusal_reason: str
    assignee: EmployeeRef | None
    prepared_at: dt.datetime | None
    handed_over_at: dt.datetime | None
    version: int


class CopyRequestIn(Schema):
    requester: str = Field(..., max_length=200)
    contact: str = Field("", max_length=200)
    requested_at: dt.datetime | None = None
    note: str = Field("", max_length=20_000)


class CopyNoteIn(VersionIn):
    note: str = Field("", max_length=20_000)


class CopyRefuseIn(VersionIn):
    reason: str = Field(..., max_length=20_000)


class CopyFilterIn(Schema):
    status: Literal["", "open", "requested", "prepared", "handed_over", "refused"] = "open"


# --- the hotline -----------------------------------------------------------------------------------------


class HotlineReportOut(Schema):
    number: str
    public_id: uuid.UUID
    unit: UnitRef
    channel: str = Field(..., description=f"One of: {', '.join(HotlineChannel.values)}.")
    received_at: dt.datetime
    sector: str = Field(..., description="A sector code of the appeals' classifier.")
    corruption_type: str
    place: str
    status: str = Field(..., description=f"One of: {', '.join(HotlineStatus.values)}.")
    identity_held: bool = Field(
        ..., description="The reporter gave an identity, which only the custodian reads."
    )
    assignee: EmployeeRef | None
    material_number: str
    forwarded_to: str
    version: int


class MessageOut(Schema):
    side: str = Field(..., description="reporter or staff.")
    author: str = Field(..., description="The staff member's name (staff see it; the reporter never does).")
    text: str
    created_at: dt.datetime


class HotlineReportDetailOut(HotlineReportOut):
    text: str
    call: uuid.UUID | None
    triaged_at: dt.datetime | None
    covering_note: str
    explanation: str
    messages: list[MessageOut]


class HotlineFilterIn(Schema):
    number: str = Field("", max_length=40)
    unit: str = Field("", max_length=64)
    status: Literal["", "open", "received", "in_review", "material", "forwarded", "explained"] = ""
    channel: HotlineChannel | None = None
    sector: str = Field("", max_length=64)
    corruption_type: CorruptionType | None = None
    assignee: str = Field("", max_length=40, description="An employee's public id, `me` or `none`.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", max_length=200)

    def to_filter(self) -> HotlineFilter:
        return HotlineFilter(
            number=self.number,
            unit=self.unit,
            status=self.status,
            channel=self.channel.value if self.channel else "",
            sector=self.sector,
            corruption_type=self.corruption_type.value if self.corruption_type else "",
            assignee=self.assignee,
            date_from=self.date_from,
            date_to=self.date_to,
            q=self.q,
        )


class HotlineRegisterIn(Schema):
    unit: str = Field(..., max_length=64)
    channel: Literal["letter", "email"]
    received_at: dt.datetime | None = None
    text: str = Field(..., max_length=20_000)
    sector: str = Field("", max_length=64)
    corruption_type: CorruptionType | None = None
    place: str = Field("", max_length=300)
    identity: IdentityIn | None = None
    assignee: uuid.UUID | None = None


class AssignIn(VersionIn):
    assignee: uuid.UUID


class TriageIn(VersionIn):
    outcome: Literal["material", "forwarded", "explained"] = Field(
        ..., description="(a) a crime report for a check, (b) forwarding, (c) an explanation."
    )
    summary: str = Field(
        "", max_length=20_000, description="(a): the crime report's summary (the text if empty)."
    )
    agency: str = Field("", max_length=300, description="(b): the competent agency.")
    covering_note: str = Field("", max_length=20_000, description="(b): the covering note.")
    explanation: str = Field("", max_length=20_000, description="(c): what the reporter was told.")


class ReplyIn(Schema):
    text: str = Field(..., max_length=5_000)


class BarOut(Schema):
    key: str
    label: str
    count: int


class AnalyticsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    total: int
    by_sector: list[BarOut]
    by_type: list[BarOut]
    by_month: list[BarOut]
    by_status: list[BarOut]


class AnalyticsIn(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: str = Field("", max_length=64)


# --- telephony --------------------------------------------------------------------------------------------


class PbxEventIn(Schema):
    """One event of a PBX. `call.offered` needs caller_number (may be empty when withheld) and
    called_number; `call.answered` names the operator (extension or login); `call.ended` may carry the
    recording's URL and whether the recorded announcement was played."""

    type: Literal["call.offered", "call.answered", "call.ended"]
    call_id: str = Field(..., min_length=1, max_length=100, description="The PBX's id of the call.")
    time: dt.datetime = Field(..., description="When it happened (ISO 8601 with the time zone).")
    caller_number: str = Field("", max_length=40)
    called_number: str = Field("", max_length=40)
    operator: str = Field("", max_length=150, description="call.answered: the extension or the login.")
    recording_url: str = Field("", max_length=500, description="call.ended: the recording's http(s) URL.")
    caller_notified: bool | None = Field(
        None, description="call.ended: the announcement that the call is recorded was played."
    )


class PbxEventOut(Schema):
    call: uuid.UUID
    status: str
    changed: bool = Field(..., description="False when the event had been received before (idempotent).")
