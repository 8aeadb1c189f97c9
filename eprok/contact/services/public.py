"""What the public portal calls: an anonymous corruption report and the conversation that follows it.

The reporter has no account. Submitting returns a secret receipt code, shown once; eprok keeps its
SHA-256 only, and the reporter comes back with the code alone (selectors.hotline_report_for_reporter).
Nothing here stores or audits a network address, a browser's user agent or the request id of the
reporter's request: the audit events are written in a work context of their own (`reporter_context`),
so the audit log cannot be joined to web-server logs either.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.contact.models import HotlineChannel, HotlineMessage, HotlineReport, MessageSide
from eprok.contact.services.base import clean_text, notify
from eprok.contact.services.hotline import MAX_MESSAGE, create_report, hotline_unit
from eprok.core.context import WorkContext, work_context
from eprok.core.errors import Conflict, ValidationFailed

# Crockford's Base32: no I, L, O or U, so a code read aloud or copied by hand is not mistaken.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 5  # 20 characters: 100 bits
MAX_REPORT = 20_000
# How many messages a reporter may leave without an answer before the investigator replies.
MAX_UNANSWERED = 20


@contextlib.contextmanager
def reporter_context() -> Iterator[WorkContext]:
    """A work context without the reporter's address, user agent or request id (for the audit log)."""
    with work_context(WorkContext(source="portal")) as ctx:
        yield ctx


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def normalise_code(code: str | None) -> str:
    """The code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its canonical letters."""
    text = "".join(ch for ch in str(code or "").upper() if ch.isalnum())
    return text.translate(str.maketrans("OIL", "011"))[:64]


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def hotline_report_submit_public(
    *,
    text: str,
    sector: str = "",
    place: str = "",
    identity: dict[str, Any] | None = None,
    language: str = "az",
) -> tuple[HotlineReport, str]:
    """Register a report sent through the portal; returns it and its secret receipt code (shown once).

    No identity is stored unless the reporter chose to give one (it then goes to the custodian's
    table); no address or user agent is stored at all.
    """
    text = clean_text(text, "text", required=_("Describe what happened."), limit=MAX_REPORT)
    code = new_receipt_code()
    with reporter_context(), transaction.atomic():
        report = create_report(
            unit=hotline_unit(),
            channel=HotlineChannel.WEB,
            text=text,
            sector=sector,
            place=place,
            identity=identity,
            receipt_code_hash=code_hash(code),
            language=language,
        )
        audit_record(
            actor=None,
            action="contact.hotline_report.submitted",
            target=report,
            data={"channel": HotlineChannel.WEB, "sector": report.sector or None},
        )
    return report, code


def hotline_message_post_by_reporter(*, report: HotlineReport, text: str) -> HotlineMessage:
    """A portal reporter writes to the investigator (who is told, without the text)."""
    text = clean_text(text, "text", required=_("Write the message."), limit=MAX_MESSAGE)
    if not report.receipt_code_hash:
        raise Conflict(_("This report has no conversation."), code="no_conversation")
    with reporter_context(), transaction.atomic():
        report = (
            HotlineReport.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=report.pk)
        )
        unanswered = 0
        for side in report.messages.order_by("-created_at", "-pk").values_list("side", flat=True)[
            :MAX_UNANSWERED
        ]:
            if side != MessageSide.REPORTER:
                break
            unanswered += 1
        if unanswered >= MAX_UNANSWERED:
            message = _("Please wait for the investigator's answer before writing again.")
            raise ValidationFailed(message, code="too_many_messages", details={"text": str(message)})
        now = timezone.now()
        posted = HotlineMessage.objects.create(report=report, side=MessageSide.REPORTER, text=text)
        HotlineReport.objects.filter(pk=report.pk).update(last_reporter_message_at=now, updated_at=now)
        audit_record(
            actor=None,
            action="contact.hotline_message.posted",
            target=report,
            data={"side": MessageSide.REPORTER, "message": posted.pk},
        )
        if report.assignee is not None:
            with translation.override(settings.LANGUAGE_CODE):
                title = gettext("The reporter wrote on hotline report %(number)s") % {"number": report.number}
            notify(report.assignee, title=title, url=report.get_absolute_url() + "#conversation", actor=None)
    return posted


def hotline_messages_for_reporter(*, report: HotlineReport) -> list[dict[str, Any]]:
    """The conversation as the reporter sees it: who wrote (themselves or "Investigator"), text, time.

    Staff are never named. Labels are in the active language.
    """
    rows = report.messages.order_by("created_at", "pk").values_list("side", "text", "created_at")
    you, investigator = gettext("You"), gettext("Investigator")
    return [
        {
            "from_reporter": side == MessageSide.REPORTER,
            "author": you if side == MessageSide.REPORTER else investigator,
            "text": text,
            "created_at": created_at,
        }
        for side, text, created_at in rows
    ]


def hotline_report_public_status(report: HotlineReport) -> dict[str, Any]:
    """What a reporter may see of their report: its number, when it was received, where it stands."""
    return {
        "number": report.number,
        "received_at": report.received_at,
        "status": report.status,
        "status_label": report.status_label,
        "forwarded_to": report.forwarded_to,
    }
