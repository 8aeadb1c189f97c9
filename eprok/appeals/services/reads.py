"""Audited reads of protected data (the card, the API, attachments) and exports of the register."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from eprok.appeals.models import Appeal, AppealAttachment
from eprok.audit.services import audit_record


def appeal_record_view(*, actor: Any, appeal: Appeal, purpose: str = "") -> None:
    """A read of the appeal (its card, the API) is audited: it holds the applicant's personal data."""
    with transaction.atomic():
        audit_record(actor=actor, action="appeals.appeal.viewed", target=appeal, purpose=purpose)


def appeal_record_attachment_read(*, actor: Any, attachment: AppealAttachment, purpose: str = "") -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="appeals.appeal.attachment_read",
            target=attachment.appeal,
            data={"sha256": attachment.sha256},
            purpose=purpose,
        )


def appeal_record_export(*, actor: Any, filters: dict[str, str], fmt: str, max_rows: int) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="appeals.appeal.exported",
            target_type="appeals.appeal",
            data={"filters": filters, "format": fmt, "max_rows": max_rows},
        )


def reception_record_list(*, actor: Any, unit_code: str = "") -> None:
    """A read of the reception log (visitors' names and FINs) is audited."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="appeals.reception_entry.listed",
            target_type="appeals.receptionentry",
            data={"unit": unit_code or None},
        )
