"""Writing and sending outbound messages: the row is written first, then sent, then its status set."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eprok.audit.services import audit_record
from eprok.notifications.models import (
    OUTBOUND_TRANSITIONS,
    OutboundChannel,
    OutboundMessage,
    OutboundStatus,
)
from eprok.notifications.outbound.addresses import mask_recipient, normalise_address
from eprok.notifications.outbound.providers import SendFailed, email_provider, sms_provider
from eprok.notifications.outbound.rendering import normalise_language, render_message
from eprok.notifications.outbound.sms import sms_size

logger = logging.getLogger("eprok.notifications.outbound")

# A queued message whose last attempt is older than this was interrupted (the process died mid-send).
STALE_AFTER = timedelta(minutes=10)


def citizen_message_send(
    *, channel: str, to: str, template: str, context: dict[str, Any], language: str, related: str = ""
) -> OutboundMessage:
    """Render `template` in the citizen's language, log it as an OutboundMessage and send it.

    Raises ValidationFailed for a bad address (nothing is written); a provider's failure never raises:
    the row stays "failed" with the error, for `send_outbound --retry`. Call it after commit.
    """
    if channel not in OutboundChannel.values:
        raise ValueError(f"unknown outbound channel {channel!r}")
    address = normalise_address(channel, to)
    language = normalise_language(language)
    rendered = render_message(template, channel=channel, context=context, language=language)
    segments = sms_size(rendered.body).segments if channel == OutboundChannel.SMS else 0
    with transaction.atomic():
        # Written as already claimed by this call (attempt 1), so a concurrent retry run leaves it alone.
        message = OutboundMessage.objects.create(
            channel=channel,
            recipient=address,
            template=template,
            language=language,
            subject=rendered.subject,
            body=rendered.body,
            sms_segments=segments,
            related=related[:120],
            status=OutboundStatus.QUEUED,
            attempts=1,
            last_attempt_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action="notifications.outboundmessage.queued",
            target=message,
            data={"channel": channel, "template": template, "language": language, "related": related},
        )
    _deliver(message)
    return message


def _deliver(message: OutboundMessage) -> None:
    """One attempt on a message this process has claimed (status queued, attempts already counted)."""
    masked = mask_recipient(message.recipient)
    try:
        if message.channel == OutboundChannel.EMAIL:
            provider_name = "email"
            provider_id = email_provider().send(
                to=message.recipient,
                subject=message.subject,
                body=message.body,
                reference=str(message.public_id),
            )
        else:
            provider = sms_provider()
            provider_name = provider.name
            provider_id = provider.send(
                to=message.recipient, text=message.body, reference=str(message.public_id)
            )
    except Exception as exc:
        # Whatever went wrong (refusal, network, misconfiguration), the message is kept as failed.
        error = str(exc) if isinstance(exc, SendFailed) else f"{type(exc).__name__}: {exc}"
        _finish(message, OutboundStatus.FAILED, error=error[:2000])
        logger.warning(
            "outbound %s %s to %s failed (attempt %s): %s",
            message.channel,
            message.public_id,
            masked,
            message.attempts,
            error.replace(message.recipient, masked)[:300],
        )
        return
    _finish(message, OutboundStatus.SENT, provider=provider_name, provider_message_id=provider_id)
    logger.info(
        "outbound %s %s (%s) to %s sent (attempt %s)",
        message.channel,
        message.public_id,
        message.template,
        masked,
        message.attempts,
    )


def _finish(message: OutboundMessage, status: str, **fields: Any) -> None:
    assert status in OUTBOUND_TRANSITIONS[message.status], (message.status, status)
    now = timezone.now()
    values: dict[str, Any] = {"status": status, "updated_at": now, **fields}
    if status == OutboundStatus.SENT:
        values["sent_at"] = now
        values["error"] = ""
    OutboundMessage.objects.filter(pk=message.pk, status=message.status).update(**values)
    for key, value in values.items():
        setattr(message, key, value)


@dataclass
class RetryReport:
    tried: int = 0
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def outbound_retry(
    *, limit: int = 100, max_attempts: int | None = None, now: datetime | None = None
) -> RetryReport:
    """Send again the failed messages (and interrupted queued ones) that have attempts left, oldest first."""
    max_attempts = max_attempts or settings.EPROK_OUTBOUND_MAX_ATTEMPTS
    now = now or timezone.now()
    report = RetryReport()
    stale = OutboundMessage.objects.filter(
        status=OutboundStatus.QUEUED, last_attempt_at__lt=now - STALE_AFTER
    )
    # Interrupted on their last attempt: give up rather than loop.
    report.gave_up = stale.filter(attempts__gte=max_attempts).update(
        status=OutboundStatus.FAILED,
        error="The sending was interrupted and no attempts are left.",
        updated_at=now,
    )
    candidates = (
        OutboundMessage.objects.filter(attempts__lt=max_attempts)
        .filter(
            Q(status=OutboundStatus.FAILED)
            | Q(status=OutboundStatus.QUEUED, last_attempt_at__lt=now - STALE_AFTER)
        )
        .order_by("created_at", "id")[:limit]
    )
    for message in list(candidates):
        # Claim the row: only one runner wins the update; the others skip it.
        claimed = OutboundMessage.objects.filter(
            pk=message.pk, status=message.status, attempts=message.attempts
        ).update(
            status=OutboundStatus.QUEUED, attempts=message.attempts + 1, last_attempt_at=now, updated_at=now
        )
        if not claimed:
            continue
        message.status = OutboundStatus.QUEUED
        message.attempts += 1
        message.last_attempt_at = now
        report.tried += 1
        _deliver(message)
        if message.status == OutboundStatus.SENT:
            report.sent += 1
        else:
            report.failed += 1
    return report
