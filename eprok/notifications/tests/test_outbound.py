"""Outbound messages to citizens: templates in three languages, SMS parts, the log row, failure, retry."""

from __future__ import annotations

import datetime
import json
import logging
import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from eprok.core.errors import ValidationFailed
from eprok.notifications.models import OutboundMessage, OutboundStatus
from eprok.notifications.outbound import (
    TEMPLATES,
    citizen_message_send,
    mask_recipient,
    outbound_retry,
    render_message,
    sms_size,
)
from eprok.notifications.outbound.providers import SendFailed, SmsProvider, sms_outbox

DAY = datetime.date(2025, 3, 4)
CONTEXTS: dict[str, dict[str, Any]] = {
    "appeal_received": {"number": "AP-GPO-2025-00017", "received_at": DAY},
    "appeal_forwarded": {"number": "AP-GPO-2025-00017", "body": "Səhiyyə Nazirliyi", "forwarded_at": DAY},
    "appeal_extended": {"number": "AP-GPO-2025-00017", "due_date": DAY, "reason": "Əlavə yoxlama"},
    "appeal_answered": {"number": "AP-GPO-2025-00017"},
    "hotline_reply": {},
    "recording_copy_ready": {"number": "RC-2025-0003", "available_until": DAY},
}
AZ_LETTERS = set("əğıöüçşİƏĞÖÜÇŞ")
CYRILLIC = {chr(c) for c in range(0x0400, 0x0500)}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms_outbox.clear()
    yield
    sms_outbox.clear()


class FailingSms(SmsProvider):
    name = "failing"

    def send(self, *, to: str, text: str, reference: str = "") -> str:
        raise SendFailed(f"gateway said no to {to}")


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"no such user")})


# --- templates --------------------------------------------------------------------------------------


def test_every_template_has_a_context_example():
    assert set(CONTEXTS) == set(TEMPLATES)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_each_template_renders_an_email_and_an_sms_in_each_language(name, language):
    email = render_message(name, channel="email", context=CONTEXTS[name], language=language)
    sms = render_message(name, channel="sms", context=CONTEXTS[name], language=language)

    for text in (email.subject, email.body, sms.body):
        assert text and "{%" not in text and "{{" not in text and "&amp;" not in text
    assert "\n" not in email.subject and "\n" not in sms.body
    if "number" in CONTEXTS[name]:
        assert CONTEXTS[name]["number"] in email.body and CONTEXTS[name]["number"] in sms.body
    written = email.subject + email.body + sms.body
    for value in CONTEXTS[name].values():  # the caller's values (an Azerbaijani body's name) are not ours
        written = written.replace(str(value), "")
    letters = set(written)
    if language == "az":
        assert letters & AZ_LETTERS, email.body
        assert not letters & CYRILLIC
    elif language == "ru":
        assert letters & CYRILLIC, email.body
    else:
        assert not letters & (AZ_LETTERS | CYRILLIC)
        assert sms_size(written).encoding == "GSM-7"


def test_the_receipt_names_the_date_and_the_portal_but_no_code():
    body = render_message(
        "appeal_received", channel="email", context=CONTEXTS["appeal_received"], language="az"
    ).body

    assert "04.03.2025" in body
    assert "http://127.0.0.1:8000/portal/" in body
    assert "Müraciətiniz" in body


def test_the_hotline_reply_says_nothing_about_a_hotline_or_the_reply():
    for language in ("az", "en", "ru"):
        rendered = render_message("hotline_reply", channel="email", context={}, language=language)
        text = (rendered.subject + rendered.body).lower()
        assert "korrupsiya" not in text and "corruption" not in text and "коррупц" not in text


def test_a_template_refuses_context_it_does_not_expect():
    # An access code passed by mistake must never reach a message.
    with pytest.raises(ValueError, match="unknown keys \\['access_code'\\]"):
        render_message(
            "appeal_answered", channel="sms", context={"number": "A-1", "access_code": "X"}, language="az"
        )
    with pytest.raises(ValueError, match="missing context keys \\['received_at'\\]"):
        render_message("appeal_received", channel="sms", context={"number": "A-1"}, language="az")
    with pytest.raises(ValueError, match="unknown outbound template"):
        render_message("appeal_lost", channel="sms", context={}, language="az")


def test_an_unknown_language_falls_back_to_azerbaijani():
    fallback = render_message("hotline_reply", channel="sms", context={}, language="de")
    az = render_message("hotline_reply", channel="sms", context={}, language="az")

    assert fallback == az


# --- SMS parts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # an extension character takes two septets
        ("€" * 81, "GSM-7", 2),
        ("Müraciət" + "a" * 62, "UCS-2", 1),  # 70 characters: one letter ə makes it all UCS-2
        ("ə" * 71, "UCS-2", 2),
        ("ə" * 134, "UCS-2", 2),
        ("ə" * 135, "UCS-2", 3),
        ("Вы" * 35, "UCS-2", 1),
        ("😀" * 35, "UCS-2", 1),  # a surrogate pair is two UTF-16 units
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_sms_parts_are_counted_by_encoding(text, encoding, segments):
    size = sms_size(text)

    assert (size.encoding, size.segments) == (encoding, segments)


def test_a_pair_or_an_escape_is_never_split_between_parts():
    # 66 units then a surrogate pair: the pair goes to the next part (67 per part).
    assert sms_size("ə" * 66 + "😀" + "ə" * 66).segments == 3
    assert sms_size("a" * 152 + "€" + "a" * 152).segments == 3


# --- sending ------------------------------------------------------------------------------------------


def test_an_email_is_logged_sent_and_audited(audit_events):
    message = citizen_message_send(
        channel="email",
        to="  Aysel.Mammadova@Example.AZ ",
        template="appeal_received",
        context=CONTEXTS["appeal_received"],
        language="az",
        related="appeals.appeal:AP-GPO-2025-00017",
    )

    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT and message.attempts == 1 and message.sent_at
    assert message.recipient == "Aysel.Mammadova@example.az"
    assert message.related == "appeals.appeal:AP-GPO-2025-00017"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["Aysel.Mammadova@example.az"]
    assert sent.subject == message.subject and "AP-GPO-2025-00017" in sent.subject
    assert sent.body == message.body
    assert message.provider_message_id == sent.extra_headers["Message-ID"]
    [event] = audit_events("notifications.outboundmessage.queued")
    assert event.target_id == str(message.public_id)
    assert "example" not in event.data.lower() and "example" not in event.target_repr.lower()


def test_an_sms_goes_to_the_number_in_e164_with_its_parts_counted():
    message = citizen_message_send(
        channel="sms",
        to="050 123 45 67",
        template="appeal_answered",
        context={"number": "AP-GPO-2025-00017"},
        language="ru",
    )

    assert message.status == OutboundStatus.SENT
    assert message.recipient == "+994501234567"
    assert [(s.to, s.text, s.reference) for s in sms_outbox] == [
        ("+994501234567", message.body, str(message.public_id))
    ]
    assert message.sms_segments == sms_size(message.body).segments >= 2
    assert message.subject == ""


@pytest.mark.parametrize(("channel", "to"), [("email", "not-an-address"), ("email", ""), ("sms", "12345")])
def test_a_bad_address_is_refused_and_nothing_is_written(channel, to):
    with pytest.raises(ValidationFailed):
        citizen_message_send(
            channel=channel, to=to, template="hotline_reply", context={}, language="az", related="x"
        )

    assert not OutboundMessage.objects.exists()


def test_a_failing_sms_provider_leaves_a_failed_row_and_the_retry_command_sends_it(settings, capsys):
    settings.EPROK_SMS_BACKEND = f"{__name__}.FailingSms"
    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="az"
    )

    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED
    assert "gateway said no" in message.error and message.attempts == 1 and message.sent_at is None

    settings.EPROK_SMS_BACKEND = "locmem"
    call_command("send_outbound", "--retry")

    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT and message.attempts == 2 and message.error == ""
    assert message.provider == "locmem" and message.provider_message_id
    assert len(sms_outbox) == 1
    assert "tried: 1, sent: 1, failed: 0" in capsys.readouterr().out


def test_a_refused_email_is_kept_failed_with_the_error(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"

    message = citizen_message_send(
        channel="email",
        to="a@example.az",
        template="appeal_answered",
        context={"number": "AP-1"},
        language="en",
    )

    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED
    assert "SMTPRecipientsRefused" in message.error


def test_retries_stop_after_the_last_attempt(settings):
    settings.EPROK_SMS_BACKEND = f"{__name__}.FailingSms"
    settings.EPROK_OUTBOUND_MAX_ATTEMPTS = 3
    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="az"
    )

    reports = [outbound_retry() for _ in range(4)]

    message.refresh_from_db()
    assert [r.tried for r in reports] == [1, 1, 0, 0]
    assert message.status == OutboundStatus.FAILED and message.attempts == 3
    call_command("send_outbound")  # the summary alone changes nothing
    assert OutboundMessage.objects.get().attempts == 3


def test_an_interrupted_send_is_retried_only_once_it_is_stale():
    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="az"
    )
    # As if the process had died between writing the row and sending it.
    OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundStatus.QUEUED, sent_at=None)

    assert outbound_retry().tried == 0
    later = timezone.now() + timedelta(minutes=11)
    assert outbound_retry(now=later).sent == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT and message.attempts == 2


def test_an_interrupted_last_attempt_gives_up_as_failed(settings):
    settings.EPROK_OUTBOUND_MAX_ATTEMPTS = 1
    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="az"
    )
    OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundStatus.QUEUED, sent_at=None)

    report = outbound_retry(now=timezone.now() + timedelta(hours=1))

    message.refresh_from_db()
    assert (report.gave_up, report.tried) == (1, 0)
    assert message.status == OutboundStatus.FAILED and "interrupted" in message.error


def test_log_lines_mask_the_recipient(settings, caplog):
    caplog.set_level(logging.INFO, logger="eprok.notifications.outbound")
    citizen_message_send(
        channel="email", to="aysel@example.az", template="hotline_reply", context={}, language="az"
    )
    settings.EPROK_SMS_BACKEND = f"{__name__}.FailingSms"
    citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="az"
    )

    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert "a***@e***.az" in lines[0] and "sent" in lines[0]
    assert "+99450*****67" in lines[1] and "failed" in lines[1]
    for line in lines:
        assert "aysel@example.az" not in line and "501234567" not in line


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("aysel@example.az", "a***@e***.az"),
        ("x@localhost", "x***@l***"),
        ("+994501234567", "+99450*****67"),
        ("+4412", "+4*12"),
        ("", ""),
    ],
)
def test_masking(address, masked):
    assert mask_recipient(address) == masked


def test_the_file_backend_writes_one_json_line_per_sms(settings, tmp_path):
    settings.EPROK_SMS_BACKEND = "file"
    settings.EPROK_SMS_FILE_PATH = str(tmp_path)

    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="az"
    )

    [written] = list(tmp_path.glob("sms-*.jsonl"))
    record = json.loads(written.read_text(encoding="utf-8"))
    assert record["to"] == "+994501234567" and record["text"] == message.body
    assert record["id"] == message.provider_message_id and message.provider == "file"


def test_the_console_backend_prints_the_sms(settings, capsys):
    settings.EPROK_SMS_BACKEND = "console"

    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="en"
    )

    assert message.body in capsys.readouterr().out
    assert message.status == OutboundStatus.SENT


def test_an_unknown_sms_backend_fails_the_message_instead_of_losing_it(settings):
    settings.EPROK_SMS_BACKEND = "no.such.Backend"

    message = citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="en"
    )

    assert message.status == OutboundStatus.FAILED and "EPROK_SMS_BACKEND" in message.error
