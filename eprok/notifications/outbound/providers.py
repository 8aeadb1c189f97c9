"""Provider interfaces that deliver outbound messages: e-mail through Django's mail, SMS through a backend.

`EPROK_SMS_BACKEND` chooses the SMS backend: "console" (prints, the development default), "file"
(appends JSON lines under EPROK_SMS_FILE_PATH), "locmem" (keeps them in `sms_outbox`, the test default),
"http" (a JSON gateway at EPROK_SMS_URL with EPROK_SMS_API_KEY), or the dotted path of a class.
Every provider returns the provider's message id or raises `SendFailed`.
"""

from __future__ import annotations

import json
import smtplib
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import BadHeaderError, EmailMessage
from django.core.mail.message import make_msgid
from django.utils.module_loading import import_string


class SendFailed(Exception):
    """The provider refused the message or could not be reached; the message is kept as failed."""


class EmailProvider:
    """E-mail through Django's mail backend (console or file in development, SMTP in production)."""

    name = "email"

    def send(self, *, to: str, subject: str, body: str, reference: str = "") -> str:
        message_id = make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None)
        message = EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [to],
            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
        )
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError, BadHeaderError, ValueError) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        return message_id


class SmsProvider:
    """Sends one text to one E.164 number; `reference` is our message id, for the gateway's deduplication."""

    name = "sms"

    def send(self, *, to: str, text: str, reference: str = "") -> str:
        raise NotImplementedError


class ConsoleSmsProvider(SmsProvider):
    """Development: prints the SMS, as Django's console mail backend prints e-mail."""

    name = "console"

    def send(self, *, to: str, text: str, reference: str = "") -> str:
        sys.stdout.write(f"SMS to {to} [{reference}]\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return f"console-{uuid.uuid4().hex}"


class FileSmsProvider(SmsProvider):
    """Development and demos: one JSON line per SMS in EPROK_SMS_FILE_PATH/sms-YYYYMMDD.jsonl."""

    name = "file"

    def send(self, *, to: str, text: str, reference: str = "") -> str:
        directory = Path(settings.EPROK_SMS_FILE_PATH)
        message_id = f"file-{uuid.uuid4().hex}"
        now = datetime.now(UTC)
        record = {"id": message_id, "to": to, "text": text, "reference": reference, "at": now.isoformat()}
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with (directory / f"sms-{now:%Y%m%d}.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        return message_id


@dataclass(frozen=True)
class SentSms:
    id: str
    to: str
    text: str
    reference: str


# What the locmem backend "sent"; tests clear it (like django.core.mail.outbox).
sms_outbox: list[SentSms] = []


class LocmemSmsProvider(SmsProvider):
    name = "locmem"

    def send(self, *, to: str, text: str, reference: str = "") -> str:
        message_id = f"locmem-{len(sms_outbox) + 1}"
        sms_outbox.append(SentSms(message_id, to, text, reference))
        return message_id


class HttpSmsProvider(SmsProvider):
    """A typical SMS gateway: POST {"to", "text", "sender", "reference"} as JSON with a bearer API key.

    A 2xx answer with {"id": ...} (or "message_id"/"messageId") is a sent message; anything else fails.
    """

    name = "http"

    def __init__(self, *, url: str | None = None, api_key: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.EPROK_SMS_URL
        self.api_key = api_key if api_key is not None else settings.EPROK_SMS_API_KEY
        self.timeout = timeout if timeout is not None else settings.EPROK_SMS_TIMEOUT
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("EPROK_SMS_BACKEND=http needs EPROK_SMS_URL (an http(s):// address).")

    def send(self, *, to: str, text: str, reference: str = "") -> str:
        payload = {"to": to, "text": text, "sender": settings.EPROK_SMS_SENDER, "reference": reference}
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.api_key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise SendFailed(f"HTTP {exc.code}: {detail}"[:500]) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SendFailed(f"gateway unreachable: {reason}"[:500]) from exc
        try:
            answer: Any = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise SendFailed("the gateway answered with something that is not JSON") from exc
        message_id = ""
        if isinstance(answer, dict):
            message_id = str(answer.get("id") or answer.get("message_id") or answer.get("messageId") or "")
        if not message_id:
            raise SendFailed("the gateway's answer has no message id")
        return message_id[:255]


SMS_BACKENDS: dict[str, type[SmsProvider]] = {
    "console": ConsoleSmsProvider,
    "file": FileSmsProvider,
    "locmem": LocmemSmsProvider,
    "http": HttpSmsProvider,
}


def sms_provider() -> SmsProvider:
    backend = settings.EPROK_SMS_BACKEND
    cls = SMS_BACKENDS.get(backend)
    if cls is None:
        try:
            cls = import_string(backend)
        except ImportError as exc:
            raise ImproperlyConfigured(f"EPROK_SMS_BACKEND: unknown backend {backend!r}") from exc
    return cls()


def email_provider() -> EmailProvider:
    return EmailProvider()
