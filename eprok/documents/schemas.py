"""The API's request and response schemas of documents and the correspondence register."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from eprok.documents.correspondence.selectors import CorrespondenceFilter
from eprok.documents.models import (
    CorrespondenceStatus,
    DeliveryChannel,
    Direction,
    DocumentKind,
    DocumentStatus,
    LinkType,
    OcrStatus,
    ResolutionStatus,
    VersionSource,
)


class VersionOut(Schema):
    number: int
    source: VersionSource
    original_name: str = Field(..., description="The file name as uploaded (display only).")
    content_type: str
    file_kind: str
    size: int
    sha256: str
    reason: str
    created_at: dt.datetime
    created_by: str = Field(..., description="The full name of who stored the version.")


class DocumentOut(Schema):
    public_id: uuid.UUID
    owner_type: str = Field(..., description='The owner\'s type, e.g. "cases.case".')
    owner_key: str = Field(..., description="The owner's number or public id.")
    title: str
    kind: DocumentKind
    category: str
    classification: int
    status: DocumentStatus
    version: int | None = Field(None, description="The current version's number.")
    verification_code: str | None = None
    ocr_status: OcrStatus
    ocr_progress: int
    created_at: dt.datetime


class DocumentDetailOut(DocumentOut):
    versions: list[VersionOut]


class NewVersionOut(Schema):
    document: DocumentOut
    version: VersionOut


class WithdrawIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class OcrOut(Schema):
    status: OcrStatus
    progress: int = Field(..., ge=0, le=100)
    available: bool = Field(
        ..., description="Whether OCR (Tesseract and OCRmyPDF) is installed on the server."
    )


# --- correspondence ---------------------------------------------------------------------------------------


class ResolutionOut(Schema):
    id: int
    text: str
    author: str
    executor: str
    executor_id: uuid.UUID
    executor_unit: str
    due_date: dt.date
    due_set_by_head: bool
    status: ResolutionStatus
    report: str
    completed_at: dt.datetime | None


class LetterOut(Schema):
    number: str
    direction: Direction
    unit: str = Field(..., description="The unit's code.")
    registered_at: dt.datetime
    correspondent: str
    their_number: str
    their_date: dt.date | None
    subject: str
    classification: int
    channel: DeliveryChannel
    link_type: str
    link_key: str
    status: CorrespondenceStatus
    sent_at: dt.datetime | None
    version: int


class LetterDetailOut(LetterOut):
    summary: str
    resolutions: list[ResolutionOut]


class LetterIn(Schema):
    unit: str = Field(
        ..., max_length=64, description="The code of the unit whose register receives the letter."
    )
    direction: Direction
    correspondent: str = Field(..., max_length=300)
    subject: str = Field(..., max_length=300)
    channel: DeliveryChannel
    summary: str = Field("", max_length=10_000)
    their_number: str = Field("", max_length=64)
    their_date: dt.date | None = None
    classification: int = Field(1, ge=0, le=3)
    link_type: LinkType | None = None
    link_key: str = Field("", max_length=64)


class ResolutionIn(Schema):
    text: str = Field(..., min_length=1, max_length=10_000)
    executor: uuid.UUID = Field(..., description="The executor's public id.")
    author: uuid.UUID | None = Field(
        None, description="The head who gave the resolution (default: the caller)."
    )
    due_date: dt.date | None = Field(None, description="An earlier date than the rule's term (optional).")
    version: int | None = Field(None, ge=1)


class CompleteIn(Schema):
    report: str = Field(..., min_length=1, max_length=10_000)


class LetterFilterIn(Schema):
    q: str = Field("", max_length=100)
    direction: Direction | None = None
    status: CorrespondenceStatus | None = None
    channel: DeliveryChannel | None = None
    unit: str = Field("", max_length=64)
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    mine: bool = False

    def to_filter(self) -> CorrespondenceFilter:
        return CorrespondenceFilter(
            q=self.q,
            direction=self.direction.value if self.direction else "",
            status=self.status.value if self.status else "",
            channel=self.channel.value if self.channel else "",
            unit=self.unit,
            registered_from=self.registered_from,
            registered_to=self.registered_to,
            mine=self.mine,
        )
