"""The message templates and their rendering in the citizen's language (az, en, ru).

Each template is a directory `notifications/outbound/<name>/` with `subject.txt` and `email.txt` for
e-mail and `sms.txt` for SMS: plain-text Django templates whose sentences are `{% blocktranslate %}`
strings of this app's catalog, rendered under `translation.override(language)`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from eprok.notifications.models import OutboundChannel

DEFAULT_LANGUAGE = "az"


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    description: Any  # lazy translated text shown on the staff page
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


# Every key a template may receive. A key not listed is refused, so that nothing a caller did not mean
# to send (an access code, a hotline message) can slip into a message through the context.
_PORTAL = ("portal_url",)
TEMPLATES: dict[str, MessageTemplate] = {
    t.name: t
    for t in (
        MessageTemplate(
            "appeal_received",
            _("The appeal is registered: its number, date and where to check its status."),
            required=("number", "received_at"),
            optional=_PORTAL,
        ),
        MessageTemplate(
            "appeal_forwarded",
            _("The appeal was forwarded to another competent body."),
            required=("number", "body", "forwarded_at"),
            optional=_PORTAL,
        ),
        MessageTemplate(
            "appeal_extended",
            _("The term for answering the appeal was extended: the new due date and the reason."),
            required=("number", "due_date", "reason"),
            optional=_PORTAL,
        ),
        MessageTemplate(
            "appeal_answered",
            _("The answer is ready; the citizen reads it on the portal with the number and the code."),
            required=("number",),
            optional=_PORTAL,
        ),
        MessageTemplate(
            "hotline_reply",
            _("There is a reply in an anonymous hotline conversation (never its content)."),
            optional=_PORTAL,
        ),
        MessageTemplate(
            "recording_copy_ready",
            _("The copy of a call recording the caller asked for is ready."),
            required=("number",),
            optional=("available_until", "instructions"),
        ),
    )
}


def example_context(name: str) -> dict[str, Any]:
    """Made-up values for the staff page's preview of template `name`."""
    day = datetime.date(2025, 3, 4)
    examples: dict[str, Any] = {
        "number": "AP-GPO-2025-00017",
        "received_at": day,
        "forwarded_at": day,
        "due_date": day + datetime.timedelta(days=30),
        "available_until": day + datetime.timedelta(days=30),
        "body": _("Ministry of Health"),
        "reason": _("Additional information was requested from another body."),
    }
    if name == "recording_copy_ready":
        examples["number"] = "RC-GPO-2025-00003"
    keys = (*TEMPLATES[name].required, *TEMPLATES[name].optional)
    return {key: examples[key] for key in keys if key in examples}


@dataclass(frozen=True)
class RenderedMessage:
    subject: str  # empty for SMS
    body: str


def normalise_language(language: str | None) -> str:
    """One of the interface languages ("az", "en", "ru"); anything else falls back to Azerbaijani."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    known = {code for code, _name in settings.LANGUAGES}
    return code if code in known else DEFAULT_LANGUAGE


def portal_url() -> str:
    return str(getattr(settings, "EPROK_PORTAL_URL", "") or settings.SITE_URL.rstrip("/") + "/portal/")


def _check_context(template: MessageTemplate, context: dict[str, Any]) -> None:
    missing = [key for key in template.required if context.get(key) in (None, "")]
    unknown = sorted(set(context) - set(template.required) - set(template.optional))
    # Dates are formatted by the template in the citizen's language: a string would print as nothing.
    not_dates = [
        key
        for key in DATE_KEYS
        if key in context and context[key] not in (None, "") and not isinstance(context[key], datetime.date)
    ]
    if missing or unknown or not_dates:
        raise ValueError(
            f"outbound template {template.name!r}: missing context keys {missing}, unknown keys {unknown}, "
            f"not dates {not_dates}"
        )


DATE_KEYS = ("received_at", "forwarded_at", "due_date", "available_until")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def render_message(name: str, *, channel: str, context: dict[str, Any], language: str) -> RenderedMessage:
    """Subject and body (e-mail) or one short text (SMS) of template `name` in `language`."""
    template = TEMPLATES.get(name)
    if template is None:
        raise ValueError(f"unknown outbound template {name!r}")
    _check_context(template, context)
    values = {"portal_url": portal_url(), **context}
    with translation.override(normalise_language(language)):
        values["site_name"] = str(settings.EPROK_TITLE)
        if channel == OutboundChannel.EMAIL:
            subject = render_to_string(f"notifications/outbound/{name}/subject.txt", values)
            body = render_to_string(f"notifications/outbound/{name}/email.txt", values)
            # One line: a line break in a header would be refused by the mail library anyway.
            return RenderedMessage(" ".join(subject.split())[:255], _tidy(body))
        if channel == OutboundChannel.SMS:
            text = render_to_string(f"notifications/outbound/{name}/sms.txt", values)
            return RenderedMessage("", " ".join(text.split()))
    raise ValueError(f"unknown outbound channel {channel!r}")
