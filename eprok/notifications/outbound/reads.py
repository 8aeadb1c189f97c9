"""Audited reads of outbound messages: opening one, and opening its full address."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from eprok.audit.services import audit_record
from eprok.notifications.models import OutboundMessage


def outbound_record_view(*, actor: Any, message: OutboundMessage) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="notifications.outboundmessage.viewed", target=message)


def outbound_recipient_view(*, actor: Any, message: OutboundMessage) -> None:
    """Opening the unmasked address: the address itself never goes into the audit row."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="notifications.outboundmessage.recipient_viewed",
            target=message,
            data={"channel": message.channel, "related": message.related},
        )
