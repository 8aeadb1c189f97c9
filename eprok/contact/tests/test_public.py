"""What the portal calls: an anonymous report, its receipt code, and the conversation through the code
alone; nothing of the reporter's identity or code reaches the audit log or the application log."""

from __future__ import annotations

import logging

import pytest

from eprok.audit.models import AuditEvent
from eprok.contact import selectors, services
from eprok.contact.models import HotlineChannel, HotlineIdentity, HotlineReport
from eprok.contact.services.public import MAX_UNANSWERED, normalise_code
from eprok.core.context import WorkContext, work_context
from eprok.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

TEXT = "Rayon təhsil şöbəsində müəllim vəzifəsinə qəbul üçün 2000 manat tələb olunur."
NAME = "Zeynalova Türkan"
PHONE = "+994707771122"
EMAIL = "turkan.secret@example.az"
FIN = "6RD3PW1"


def test_a_web_report_gets_a_receipt_code_and_stores_only_its_hash(people):
    report, code = services.hotline_report_submit_public(text=TEXT, sector="education", place="Xətai rayonu")
    assert len(normalise_code(code)) == 20 and code.count("-") == 3
    assert report.channel == HotlineChannel.WEB and report.registered_by is None
    assert report.receipt_code_hash and code not in report.receipt_code_hash
    assert normalise_code(code) not in str(HotlineReport.objects.filter(pk=report.pk).values().get())
    assert report.number.startswith("QX-") and not report.identity_held


def test_the_report_has_no_address_or_user_agent_column():
    names = {field.name for field in HotlineReport._meta.get_fields()}
    assert not {"ip", "ip_address", "remote_addr", "user_agent"} & names


def test_the_code_finds_the_report_in_any_case_and_with_any_separators(people):
    report, code = services.hotline_report_submit_public(text=TEXT)
    typed = code.lower().replace("-", " ").replace("0", "o")
    assert selectors.hotline_report_for_reporter(code=typed) == report
    assert selectors.hotline_report_for_reporter(code=code[:-1] + ("X" if code[-1] != "X" else "Y")) is None
    assert selectors.hotline_report_for_reporter(code="") is None
    assert selectors.hotline_report_for_reporter(code="A" * 500) is None


def test_empty_and_oversized_reports_are_refused_and_nothing_is_written(people):
    before = HotlineReport.objects.count()
    with pytest.raises(ValidationFailed):
        services.hotline_report_submit_public(text="   ")
    with pytest.raises(ValidationFailed):
        services.hotline_report_submit_public(text="x" * 20_001)
    with pytest.raises(ValidationFailed):
        services.hotline_report_submit_public(text=TEXT, sector="no-such-sector")
    with pytest.raises(ValidationFailed):
        services.hotline_report_submit_public(text=TEXT, identity={"phone": "12"})
    assert HotlineReport.objects.count() == before


def test_the_reporter_and_the_investigator_exchange_messages(people):
    report, code = services.hotline_report_submit_public(text=TEXT)
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    found = selectors.hotline_report_for_reporter(code=code)
    assert found is not None
    services.hotline_message_post_by_reporter(report=found, text="Əlavə: bu, 5 nömrəli məktəbdir.")
    services.hotline_reply(actor=people.investigator, report=report, text="Məlumat üçün təşəkkür edirik.")
    services.hotline_message_post_by_reporter(report=found, text="Sağ olun.")
    thread = services.hotline_messages_for_reporter(report=found)
    assert [m["from_reporter"] for m in thread] == [True, False, True]
    report.refresh_from_db()
    assert report.last_reporter_message_at is not None


def test_a_reporter_cannot_flood_the_thread(people):
    report, _code = services.hotline_report_submit_public(text=TEXT)
    for index in range(MAX_UNANSWERED):
        services.hotline_message_post_by_reporter(report=report, text=f"Mesaj {index}")
    with pytest.raises(ValidationFailed):
        services.hotline_message_post_by_reporter(report=report, text="Bir daha")


def test_a_report_from_another_channel_has_no_conversation(people):
    from eprok.contact.tests.factories import hotline_report

    report = hotline_report(actor=people.investigator, unit=people.unit)
    with pytest.raises(Conflict):
        services.hotline_message_post_by_reporter(report=report, text="Salam")


def test_the_reporters_request_leaves_no_address_in_the_audit_log(people):
    request_context = WorkContext(source="web", ip="203.0.113.77", user_agent="Mozilla/5.0 secret-browser")
    with work_context(request_context):
        report, _code = services.hotline_report_submit_public(text=TEXT)
        services.hotline_message_post_by_reporter(report=report, text="Əlavə məlumat.")
    events = AuditEvent.objects.filter(target_id=str(report.public_id))
    assert events.count() == 2
    for event in events:
        assert event.ip is None and event.user_agent == "" and event.request_id != request_context.request_id


def test_no_identity_or_code_reaches_the_audit_log_or_the_application_log(people, caplog, client):
    """The anonymous conversation end to end, with the identity given: nothing of it in the logs."""
    caplog.set_level(logging.DEBUG)
    with work_context(WorkContext(source="web", ip="198.51.100.9", user_agent="UA")):
        report, code = services.hotline_report_submit_public(
            text=TEXT, sector="education", identity={"name": NAME, "phone": PHONE, "email": EMAIL, "fin": FIN}
        )
        found = selectors.hotline_report_for_reporter(code=code)
        assert found is not None
        services.hotline_message_post_by_reporter(report=found, text="Mənim adım hesabatda qalmasın.")
        services.hotline_messages_for_reporter(report=found)
    assert HotlineIdentity.objects.get(report=report).email == EMAIL
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    services.hotline_reply(actor=people.investigator, report=report, text="Adınız yalnız mühafizəçidədir.")
    services.hotline_triage_material(actor=people.investigator, report=report)
    # The staff pages of the report, as the investigator and the custodian open them.
    from eprok.core.testing.access_matrix import login_as

    login_as(client, people.investigator)
    assert client.get(report.get_absolute_url()).status_code == 200
    login_as(client, people.custodian)
    page = client.post(
        f"/contact/hotline/{report.number}/identity/", {"purpose": "Prokurorun yazılı qərarı əsasında"}
    )
    assert page.status_code == 200 and NAME in page.content.decode()

    secrets = [NAME, "Zeynalova", PHONE, "707771122", EMAIL, FIN, code, normalise_code(code)]
    for event in AuditEvent.objects.all():
        stored = " ".join(
            [event.changes, event.data, event.target_repr, event.purpose, event.target_id, event.user_agent]
        )
        for secret in secrets:
            assert secret not in stored, f"{secret!r} leaked into audit event {event.action}"
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, 'request', '')}" for record in caplog.records
    )
    for secret in secrets:
        assert secret not in logged, f"{secret!r} leaked into the application log"


def test_the_portal_functions_take_no_request(people):
    """The public functions never see the HTTP request, so they cannot store its address."""
    import inspect

    for function in (
        services.hotline_report_submit_public,
        services.hotline_message_post_by_reporter,
        services.hotline_messages_for_reporter,
        selectors.hotline_report_for_reporter,
    ):
        assert "request" not in inspect.signature(function).parameters
