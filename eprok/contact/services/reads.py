"""Audited reads of protected data: call cards (callers' numbers and history), hotline reports, the
recording's address, exports."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from eprok.audit.services import audit_record
from eprok.contact.models import Call, HotlineReport


def call_record_view(*, actor: Any, call: Call, purpose: str = "") -> None:
    """A call card shows a caller's number and earlier calls: its reads are audited."""
    with transaction.atomic():
        audit_record(actor=actor, action="contact.call.viewed", target=call, purpose=purpose)


def call_record_recording(*, actor: Any, call: Call) -> str:
    """The recording's address, handed out once per audited read."""
    with transaction.atomic():
        audit_record(actor=actor, action="contact.call.recording_opened", target=call, purpose="recording")
    return call.recording_url


def hotline_record_view(*, actor: Any, report: HotlineReport, purpose: str = "") -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="contact.hotline_report.viewed", target=report, purpose=purpose)


def contact_record_export(*, actor: Any, what: str, filters: dict[str, str], fmt: str, max_rows: int) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"contact.{what}.exported",
            target_type=f"contact.{what}",
            data={"filters": filters, "format": fmt, "max_rows": max_rows},
        )
