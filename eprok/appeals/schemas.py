"""The API's request and response schemas of the appeals register (and the e-Government inbound endpoint)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from eprok.appeals.models import (
    AppealKind,
    AppealStatus,
    Channel,
    DeliveryChannel,
    Escalation,
    Language,
    Outcome,
)
from eprok.appeals.selectors import DEFAULT_SORT, SORTS, AppealFilter


class UnitRef(Schema):
    code: str
    name: str


class EmployeeRef(Schema):
    public_id: uuid.UUID
    full_name: str


class ClassifierRef(Schema):
    code: str
    name: str


class AppealOut(Schema):
    """An appeal as a list shows it."""

    number: str = Field(..., description="The register number, e.g. AP-GPO-DOCUMENTS-2026-00017.")
    public_id: uuid.UUID
    unit: UnitRef = Field(..., description="The receiving unit.")
    channel: str = Field(..., description=f"One of: {', '.join(Channel.values)}.")
    kind: str = Field(..., description=f"One of: {', '.join(AppealKind.values)}.")
    status: str = Field(..., description=f"One of: {', '.join(AppealStatus.values)}.")
    outcome: str = Field(..., description=f"Empty, or one of: {', '.join(Outcome.values)}.")
    is_collective: bool
    is_anonymous: bool
    applicant_name: str = Field(..., description="The applicant's name, or the organisation.")
    received_at: dt.datetime
    registered_at: dt.datetime
    text_preview: str = Field(..., description="The first 120 characters of the text.")
    topic: ClassifierRef | None
    executor_unit: UnitRef | None
    executor: EmployeeRef | None
    answer_due: dt.date | None = Field(None, description="The last day of the answer term.")
    escalation: str = Field(..., description=f"Empty, or one of: {', '.join(Escalation.values)}.")
    is_repeat: bool = Field(..., description="Linked to the applicant's earlier appeal on the same topic.")
    version: int = Field(..., description="Send it back with a change (or as If-Match) to detect conflicts.")


class ApplicantOut(Schema):
    last_name: str
    first_name: str
    patronymic: str
    fin: str
    address: str
    email: str
    phone: str
    organisation: str
    person: uuid.UUID | None = Field(None, description="The person's public id in the person registry.")


class DeadlineOut(Schema):
    rule: str
    due: dt.date
    total_days: int
    explanation: list[str] = Field(
        ..., description="How the due date was computed, in the request's language."
    )


class ResolutionOut(Schema):
    id: int
    author: str
    executor_unit: UnitRef
    executor: EmployeeRef | None
    instruction: str
    due_date: dt.date | None
    created_at: dt.datetime


class ExtensionOut(Schema):
    id: int
    step: str
    length: int
    reason: str
    granted_by: str
    granted_at: dt.datetime
    applicant_informed: bool


class ForwardingOut(Schema):
    id: int
    to_body: str
    to_unit: UnitRef | None
    covering_letter: str
    sent_at: dt.datetime
    sent_by: str


class AnswerOut(Schema):
    status: str
    text: str
    outcome: str
    drafted_by: str
    drafted_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    sent_at: dt.datetime | None
    delivery_channel: str
    delivered_at: dt.datetime | None


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    content_type: str
    sha256: str


class AppealDetailOut(AppealOut):
    """An appeal with its applicant, classification, terms, resolutions, forwardings and answer."""

    text: str
    signatories: int
    applicant: ApplicantOut
    notify_email: str
    notify_sms: str
    language: str
    concerned_body: ClassifierRef | None
    complained_unit: UnitRef | None
    complained_official: EmployeeRef | None
    complained_text: str
    answer_rule: str
    forward_due: dt.date | None
    answer_deadline: DeadlineOut | None
    unconsidered_ground: str
    closed_at: dt.datetime | None
    escalated_to: UnitRef | None
    forwarded_to_unit: UnitRef | None
    repeat_of: str | None = Field(None, description="The number of the earlier appeal this one repeats.")
    repeats: list[str] = Field(..., description="Numbers of later appeals that repeat this one.")
    external_id: str
    resolutions: list[ResolutionOut]
    extensions: list[ExtensionOut]
    forwardings: list[ForwardingOut]
    answer: AnswerOut | None
    attachments: list[AttachmentOut]


class AppealFilterIn(Schema):
    """The list's filters (the same as the register page's)."""

    q: str = Field(
        "", max_length=200, description="A register number (or part), a FIN or the applicant's name."
    )
    unit: str = Field("", max_length=64, description="The receiving unit's code.")
    subunits: bool = Field(False, description="With `unit`: include its sub-units.")
    status: AppealStatus | None = None
    channel: Channel | None = None
    kind: AppealKind | None = None
    topic: str = Field("", max_length=64, description="A topic's code.")
    executor: str = Field("", max_length=40, description="An employee's public id, `me` or `none`.")
    executor_unit: str = Field("", max_length=64, description="The executor unit's code.")
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    due: str = Field("", pattern="^(|overdue|near)$", description="`overdue` or `near` (due soon).")
    answered: bool | None = None
    escalated: bool | None = None
    repeat: bool | None = None
    anonymous: bool | None = None
    sort: str = Field(
        DEFAULT_SORT, pattern="^-?(registered_at|number|answer_due)$", description="Order; `-` reverses."
    )

    def to_filter(self) -> AppealFilter:
        return AppealFilter(
            q=self.q,
            unit=self.unit,
            subunits=self.subunits,
            status=self.status.value if self.status else "",
            channel=self.channel.value if self.channel else "",
            kind=self.kind.value if self.kind else "",
            topic=self.topic,
            executor=self.executor,
            executor_unit=self.executor_unit,
            registered_from=self.registered_from,
            registered_to=self.registered_to,
            due=self.due,
            answered=self.answered,
            escalated=self.escalated,
            repeat=self.repeat,
            anonymous=self.anonymous,
            sort=self.sort if self.sort in SORTS else DEFAULT_SORT,
        )


class VersionIn(Schema):
    version: int | None = Field(None, ge=1, description="The version the change is based on (or If-Match).")


class ApplicantIn(Schema):
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    fin: str = Field("", max_length=20)
    address: str = Field("", max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    organisation: str = Field(
        "", max_length=300, description="The legal entity on whose letterhead it is written."
    )
    person: uuid.UUID | None = Field(None, description="The person's public id in the person registry.")


class AttachmentIn(Schema):
    filename: str = Field(..., min_length=1, max_length=255, description="Shown to people only.")
    content_base64: str = Field(..., min_length=1, description="The file, base64-encoded (RFC 4648).")


class RegisterIn(Schema):
    unit: str = Field(..., max_length=64, description="The code of the receiving unit.")
    channel: Channel
    kind: AppealKind
    text: str = Field(..., max_length=50_000)
    applicant: ApplicantIn | None = None
    is_collective: bool = False
    signatories: int = Field(1, ge=1, le=1_000_000)
    topic: str = Field("", max_length=64, description="A topic's code (see /classifiers).")
    concerned_body: str = Field("", max_length=64, description="A sector's code (see /classifiers).")
    complained_unit: str = Field("", max_length=64, description="The code of the unit complained about.")
    complained_official: uuid.UUID | None = Field(
        None, description="The public id of the official complained about."
    )
    complained_text: str = Field("", max_length=300)
    escalation: Escalation | None = None
    received_at: dt.datetime | None = None
    language: Language = Language.AZ
    notify_email: str = Field("", max_length=254)
    notify_sms: str = Field("", max_length=30)
    needs_verification: bool = Field(False, description="The 30-working-day term (art. 10.1).")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)


class ClassifyIn(VersionIn):
    topic: str = Field("", max_length=64)
    concerned_body: str = Field("", max_length=64)
    complained_unit: str = Field("", max_length=64)
    complained_official: uuid.UUID | None = None
    complained_text: str = Field("", max_length=300)
    escalation: Escalation | None = None


class RouteIn(VersionIn):
    executor_unit: str = Field(..., max_length=64, description="The executor unit's code.")
    executor: uuid.UUID | None = Field(None, description="The executor's public id.")
    instruction: str = Field(..., max_length=50_000)
    due_date: dt.date | None = None
    needs_verification: bool | None = Field(
        None, description="Switch the answer term to 30 (or back to 15) days."
    )


class ForwardIn(VersionIn):
    to_body: str = Field("", max_length=300, description="The competent body's name.")
    to_unit: str = Field("", max_length=64, description="Or a unit of the service, by code.")
    covering_letter: str = Field(..., max_length=50_000)


class ExtendIn(VersionIn):
    reason: str = Field(..., max_length=50_000)
    length: int | None = Field(
        None, ge=1, le=60, description="Working days; 30 (the legal maximum) when omitted."
    )


class AnswerIn(VersionIn):
    text: str = Field(..., max_length=50_000)
    outcome: Outcome


class SendIn(VersionIn):
    delivery_channel: DeliveryChannel | None = None


class DeliverIn(VersionIn):
    delivered_at: dt.datetime | None = None


class RepeatIn(VersionIn):
    reason: str = Field("", max_length=5_000)


class RoutingOptionsOut(Schema):
    units: list[UnitRef] = Field(
        ..., description="Units a resolution may name (never the body complained about)."
    )
    executors: list[EmployeeRef] = Field(..., description="Eligible executors in the `unit` asked for.")


class TopicOut(Schema):
    code: str
    name_az: str
    name_en: str
    name_ru: str
    parent: str | None
    escalation: str
    escalate_to: str | None
    is_active: bool


class SectorOut(Schema):
    code: str
    name_az: str
    name_en: str
    name_ru: str
    is_active: bool


class ClassifiersOut(Schema):
    topics: list[TopicOut]
    sectors: list[SectorOut]


class ReceptionOut(Schema):
    public_id: uuid.UUID
    unit: UnitRef
    received_at: dt.datetime
    official: EmployeeRef
    visitor_name: str
    visitor_fin: str
    subject: str
    result: str
    appeal_number: str


class ReceptionIn(Schema):
    unit: str = Field(..., max_length=64)
    received_at: dt.datetime
    official: uuid.UUID = Field(..., description="The receiving official's public id.")
    visitor_name: str = Field(..., max_length=300)
    visitor_fin: str = Field("", max_length=20)
    subject: str = Field(..., max_length=20_000)
    result: str = Field("", max_length=20_000)
    appeal_number: str = Field("", max_length=40)


class ReceptionFilterIn(Schema):
    unit: str = Field("", max_length=64)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


# --- the e-Government portal's inbound message ---------------------------------------------------------


class EgovApplicantIn(Schema):
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    fin: str = Field("", max_length=20)
    address: str = Field("", max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    organisation: str = Field("", max_length=300)


class EgovAppealIn(Schema):
    """An appeal the e-Government portal forwards; the message id (or X-Road-Id) makes it idempotent."""

    message_id: str = Field(
        "", max_length=100, description="The portal's message id (or the X-Road-Id header)."
    )
    kind: AppealKind = AppealKind.APPLICATION
    text: str = Field(..., min_length=1, max_length=50_000)
    applicant: EgovApplicantIn
    is_collective: bool = False
    signatories: int = Field(1, ge=1, le=1_000_000)
    topic: str = Field("", max_length=64, description="A topic's code, if the portal classified it.")
    received_at: dt.datetime | None = Field(None, description="When the citizen submitted it on the portal.")
    language: Language = Language.AZ
    notify_email: str = Field("", max_length=254)
    notify_sms: str = Field("", max_length=30)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)


class EgovAcceptedOut(Schema):
    number: str = Field(..., description="The register number the appeal was given.")
    message_id: str
    registered_at: dt.datetime
    status: str
    answer_due: dt.date | None
