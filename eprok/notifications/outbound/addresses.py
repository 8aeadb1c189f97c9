"""Checking and masking citizens' addresses: e-mail by Django's validator, phone numbers as E.164."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed
from eprok.notifications.models import OutboundChannel
from eprok.persons.validators import normalise_phone


def normalise_address(channel: str, to: str) -> str:
    """The address in its stored form (e-mail trimmed, phone as +<digits>), or ValidationFailed."""
    text = (to or "").strip()
    if channel == OutboundChannel.EMAIL:
        if not text:
            raise ValidationFailed(
                _("Enter an e-mail address."), code="invalid_email", details={"field": "to"}
            )
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationFailed(
                _("This is not a valid e-mail address."), code="invalid_email", details={"field": "to"}
            ) from None
        local, _at, domain = text.rpartition("@")
        # The domain part is case-insensitive; the local part is left as the citizen wrote it.
        return f"{local}@{domain.lower()}"
    if channel == OutboundChannel.SMS:
        return normalise_phone(text, field="to")
    raise ValueError(f"unknown outbound channel {channel!r}")


def mask_recipient(address: str) -> str:
    """The address as logs and lists show it: "a***@e***.az", "+99450*****67"."""
    text = address or ""
    if "@" in text:
        local, _at, domain = text.rpartition("@")
        host, dot, tld = domain.rpartition(".")
        if not dot:
            host, tld = domain, ""
        return f"{local[:1]}***@{host[:1]}***{dot}{tld}"
    if len(text) <= 4:
        return "*" * len(text)
    keep_head = 6 if text.startswith("+") and len(text) > 10 else 2
    return f"{text[:keep_head]}{'*' * (len(text) - keep_head - 2)}{text[-2:]}"
