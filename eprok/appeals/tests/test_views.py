"""The appeals pages: the access matrix over every URL, the register list and its exports, registration
and the receipt, the card and its action forms, the dashboard and the reception log."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from eprok.appeals import services
from eprok.appeals.models import Answer, AnswerStatus, Appeal, AppealStatus, Channel, ReceptionEntry
from eprok.appeals.tests.factories import APPLICANT, answer, make_appeal, topic
from eprok.audit.models import AuditEvent
from eprok.core.models import SavedFilter
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def people(people):
    """The conftest's people, whose by_name also knows the section's own personas (approver, clerk)."""
    people.by_name = lambda name: None if name == "anonymous" else getattr(people, name)
    return people


def url(appeal, suffix: str = "") -> str:
    return f"/appeals/{appeal.number}/{suffix}"


def english(client):
    client.cookies["eprok_language"] = "en"
    return client


# --- the access matrix -------------------------------------------------------------------------------

# The register's pages: any holder of "Register appeals" or "Answer appeals", in any unit.
REGISTER_PAGES = {
    "anonymous": 302,
    "outsider": 200,
    "colleague": 403,
    "investigator": 200,
    "approver": 200,
    "superior": 200,
    "clerk": 200,
    "admin": 403,
}
# One appeal received by the Xətai office: its register (clerk), its answering side, the city above it.
READERS = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "approver": 200,
    "superior": 200,
    "clerk": 200,
    "admin": 404,
}
ANSWERERS = {**READERS, "clerk": 403}


def test_the_register_pages_open_to_holders_of_an_appeals_role(client, people):
    for path in (
        "/appeals/",
        "/appeals/export.csv",
        "/appeals/export.xlsx",
        "/appeals/dashboard/",
        "/appeals/reception/",
        "/appeals/reception/new/",
    ):
        assert_access_matrix(client, people, path, REGISTER_PAGES)


def test_only_a_registrar_opens_the_registration_form(client, people):
    only_clerk = {name: 403 for name in REGISTER_PAGES} | {"anonymous": 302, "clerk": 200}
    for path in ("/appeals/new/", "/appeals/new/repeats/?applicant_fin=5ZJ7K2P"):
        assert_access_matrix(client, people, path, only_clerk)


def test_the_card_and_the_receipt_open_to_those_who_see_the_appeal(client, people, appeal):
    assert_access_matrix(client, people, url(appeal), READERS)
    assert_access_matrix(client, people, url(appeal, "receipt/"), READERS)


def test_the_action_forms_open_only_to_those_who_may_act(client, people, appeal):
    for suffix in ("route/", "answer/", "close-repeat/"):
        assert_access_matrix(client, people, url(appeal, suffix), ANSWERERS)
    # The registrar may forward an appeal nobody has routed yet, and correct its classification.
    for suffix in ("forward/", "classify/", "files/new/"):
        assert_access_matrix(client, people, url(appeal, suffix), READERS)


def test_refused_posts_change_nothing_and_are_audited(client, people, appeal):
    refused = {k: v for k, v in ANSWERERS.items() if v != 200}
    data = {"executor_unit": people.unit.pk, "instruction": "Baxılsın", "answer_rule": "appeals.10.answer"}
    assert_access_matrix(client, people, url(appeal, "route/"), refused, method="post", data=data)
    assert_access_matrix(
        client,
        people,
        url(appeal, "answer/"),
        refused,
        method="post",
        data={"text": "x", "outcome": "explained"},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED and appeal.version == 1
    assert not appeal.resolutions.exists()
    outcomes = [json.loads(e.data)["outcome"] for e in AuditEvent.objects.filter(action="access.denied")]
    assert "not_found" in outcomes and "forbidden" in outcomes


def test_only_the_registrar_issues_a_portal_access_code(client, people, appeal):
    assert_access_matrix(
        client,
        people,
        url(appeal, "receipt/"),
        {"outsider": 404, "investigator": 403, "superior": 403, "clerk": 200},
        method="post",
    )


# --- the list ----------------------------------------------------------------------------------------


@pytest.fixture
def many(people):
    return [
        make_appeal(
            actor=people.clerk,
            unit=people.unit,
            channel=Channel.EMAIL if i % 2 else Channel.LETTER,
            topic=topic("housing") if i % 3 == 0 else None,
        )
        for i in range(30)
    ]


def select(html: str, name: str) -> str:
    """The <select name=...> element of a page."""
    found = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert found is not None, f"no select {name}"
    return found.group(0)


def numbers_in(body: str) -> list[str]:
    return re.findall(r'class="usa-link" href="/appeals/(AP-[^/"]+)/"', body)


def test_the_list_has_a_query_ceiling(client, people, many, django_assert_max_num_queries):
    login_as(client, people.clerk)
    client.get("/")  # the first page after sign-in also stamps the session
    with django_assert_max_num_queries(10):
        response = client.get("/appeals/", {"sort": "answer_due"})
    assert response.status_code == 200
    assert len(numbers_in(response.content.decode())) == 30
    with django_assert_max_num_queries(10):
        response = client.get(
            "/appeals/", {"unit": people.unit.code, "status": "registered", "topic": "housing"}
        )
    assert len(numbers_in(response.content.decode())) == 10


def test_the_list_filters_sorts_and_answers_htmx_with_the_results_only(client, people, many):
    login_as(client, people.investigator)
    body = client.get("/appeals/", {"channel": "email", "sort": "number"}).content.decode()
    numbers = numbers_in(body)
    assert len(numbers) == 15 and numbers == sorted(numbers)
    assert 'aria-sort="ascending"' in body
    fragment = client.get("/appeals/", {"q": APPLICANT.fin}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and len(numbers_in(fragment)) == 30
    login_as(client, people.outsider)
    assert numbers_in(client.get("/appeals/").content.decode()) == []  # another office's appeals


def test_the_term_filters_find_overdue_and_answered_appeals(client, people, many):
    answered = answer(many[0], drafter=people.investigator, approver=people.approver)
    login_as(client, people.clerk)
    assert numbers_in(client.get("/appeals/", {"due": "answered"}).content.decode()) == [answered.number]
    assert numbers_in(client.get("/appeals/", {"due": "overdue"}).content.decode()) == []


def test_the_csv_export_is_audited_and_safe(client, people, many):
    make_appeal(
        actor=people.clerk,
        unit=people.unit,
        applicant=services.ApplicantData(last_name='=HYPERLINK("http://evil")', address="Bakı"),
    )
    login_as(client, people.clerk)
    response = client.get("/appeals/export.csv", {"q": "HYPERLINK"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) >= 1
    assert all(not cell.startswith("=") for row in rows for cell in row)
    event = AuditEvent.objects.get(action="appeals.appeal.exported")
    assert json.loads(event.data)["format"] == "csv"


def test_the_xlsx_export_holds_the_visible_appeals(client, people, many):
    login_as(client, people.investigator)
    response = client.get("/appeals/export.xlsx", {"channel": "letter"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 16  # the header and the 15 letters


def test_a_filter_of_the_list_can_be_saved(client, people, many):
    login_as(client, people.clerk)
    response = client.post(
        "/saved-filters/", {"list_name": "appeals:list", "name": "Məktublar", "query": "channel=letter"}
    )
    assert response.status_code == 302 and response["Location"] == "/appeals/?channel=letter"
    assert SavedFilter.objects.get(owner=people.clerk).list_name == "appeals:list"
    assert "Məktublar" in client.get("/appeals/").content.decode()


# --- registration and the receipt --------------------------------------------------------------------


def register_data(people, **fields):
    return {
        "unit": people.unit.pk,
        "channel": "letter",
        "kind": "complaint",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "applicant_last_name": "Əliyeva",
        "applicant_first_name": "Nərmin",
        "applicant_fin": "6AB7C8D",
        "applicant_address": "Bakı, Nizami küçəsi 5",
        "language": "az",
        "text": "Qonşumun tikintisi evimə ziyan vurur, polis tədbir görmür.",
        **fields,
    }


def test_a_clerk_registers_an_appeal_with_files_and_is_sent_to_its_card(client, people):
    login_as(client, people.clerk)
    data = register_data(
        people,
        topic=topic("housing").pk,
        complained_unit=people.other_unit.pk,
        complained_text="Nəsimi RPİ",
        attachments=[SimpleUploadedFile("ərizə.pdf", PDF, "application/pdf")],
    )
    response = client.post("/appeals/new/", data)
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == appeal.get_absolute_url()
    assert appeal.registered_by == people.clerk and appeal.applicant_fin == "6AB7C8D"
    assert appeal.complained_unit == people.other_unit and appeal.topic == topic("housing")
    card = english(client).get(response["Location"]).content.decode()
    assert f"/appeals/{appeal.number}/receipt/" in card and "Print receipt" in card
    assert "ərizə.pdf" in card


def test_an_invalid_registration_is_answered_422_with_translated_messages(client, people):
    login_as(client, people.clerk)
    response = client.post("/appeals/new/", register_data(people, text="", channel="", is_collective="on"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Bu sahə vacibdir." in body  # Azerbaijani is the default language
    assert body.count('class="usa-error-message"') >= 2
    assert not Appeal.objects.exists()


def test_a_service_refusal_is_shown_on_its_field(client, people):
    login_as(english(client), people.clerk)
    response = client.post("/appeals/new/", register_data(people, notify_sms="12"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_notify_sms"' in body and "usa-form-group--error" in body
    assert not Appeal.objects.exists()


def test_a_disallowed_file_is_refused_and_nothing_is_registered(client, people):
    login_as(english(client), people.clerk)
    data = register_data(
        people, attachments=[SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", "application/pdf")]
    )
    response = client.post("/appeals/new/", data)
    assert response.status_code == 422
    assert "program" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_registration_form_finds_the_applicants_earlier_appeals(client, people, appeal):
    login_as(english(client), people.clerk)
    fragment = client.get(
        "/appeals/new/repeats/", {"applicant_fin": APPLICANT.fin}, headers={"HX-Request": "true"}
    ).content.decode()
    assert appeal.number in fragment
    assert client.get("/appeals/new/repeats/", {"applicant_fin": "1AAAAAA"}).content.decode().strip() == ""


def test_the_officials_of_the_unit_complained_about_are_offered(client, people):
    login_as(client, people.clerk)
    body = client.get("/appeals/new/officials/", {"complained_unit": people.unit.pk}).content.decode()
    assert f'value="{people.investigator.pk}"' in body
    assert f'value="{people.outsider.pk}"' not in body


def test_the_receipt_is_a_print_page_and_can_carry_a_new_access_code(client, people, appeal):
    login_as(client, people.clerk)
    body = client.get(url(appeal, "receipt/")).content.decode()
    assert appeal.number in body and "appeals/print.css" in body
    assert "style=" not in body and "<script>" not in body and "onclick" not in body
    with_code = client.post(url(appeal, "receipt/"))
    found = re.search(r'class="receipt__code">([A-Z0-9-]+)<', with_code.content.decode())
    assert found is not None
    code = found.group(1)
    from eprok.appeals.selectors import appeal_for_applicant

    assert appeal_for_applicant(number=appeal.number, code=code) == appeal
    assert with_code["Cache-Control"].startswith("max-age=0") or "no-cache" in with_code["Cache-Control"]
    assert AuditEvent.objects.filter(action="appeals.appeal.viewed", purpose="receipt").count() == 2
    assert AuditEvent.objects.filter(action="appeals.appeal.access_code_issued").count() == 1


# --- the card and its forms --------------------------------------------------------------------------


def test_the_card_shows_the_term_with_its_explanation_and_is_audited(client, people, appeal):
    login_as(client, people.investigator)
    body = client.get(url(appeal)).content.decode()
    assert 'class="eprok-deadline"' in body and "10.1" in body
    (event,) = AuditEvent.objects.filter(action="appeals.appeal.viewed")
    assert event.actor_id == people.investigator.pk


def test_the_card_has_a_query_ceiling(client, people, appeal, django_assert_max_num_queries):
    services.appeal_route(
        actor=people.approver,
        appeal=appeal,
        executor_unit=people.unit,
        executor=people.investigator,
        instruction="Araşdırılsın",
    )
    services.appeal_answer_draft(actor=people.investigator, appeal=appeal, text="Cavab", outcome="explained")
    login_as(client, people.investigator)
    client.get("/")
    with django_assert_max_num_queries(audited(17)):
        assert client.get(url(appeal)).status_code == 200


def test_the_routing_form_never_offers_the_unit_or_official_complained_about(client, people):
    appeal = make_appeal(
        actor=people.clerk,
        unit=people.unit,
        complained_unit=people.other_unit,
        complained_official=people.approver,
    )
    login_as(client, people.investigator)
    form = client.get(url(appeal, "route/")).content.decode()
    units, executors = select(form, "executor_unit"), select(form, "executor")
    assert f'value="{people.other_unit.pk}"' not in units and f'value="{people.unit.pk}"' in units
    assert f'value="{people.investigator.pk}"' in executors
    assert f'value="{people.approver.pk}"' not in executors
    # Asking for the unit complained about by hand falls back to an allowed one.
    again = client.get(url(appeal, "route/"), {"executor_unit": people.other_unit.pk}).content.decode()
    assert f'value="{people.other_unit.pk}" selected' not in again
    # A forged post is refused on the form and changes nothing.
    for data in (
        {"executor_unit": people.other_unit.pk, "instruction": "x", "answer_rule": "appeals.10.answer"},
        {
            "executor_unit": people.unit.pk,
            "executor": people.approver.pk,
            "instruction": "x",
            "answer_rule": "appeals.10.answer",
        },
    ):
        assert client.post(url(appeal, "route/"), data).status_code == 422
    appeal.refresh_from_db()
    assert appeal.executor_unit is None and not appeal.resolutions.exists()


def test_the_unit_select_reloads_the_executors_with_htmx(client, people, appeal):
    login_as(client, people.superior)
    fragment = client.get(
        url(appeal, "route/"),
        {"executor_unit": people.other_unit.pk, "instruction": "Yoxlanılsın"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert fragment.startswith("<form") and "Yoxlanılsın" in fragment
    executors = select(fragment, "executor")
    assert (
        f'value="{people.outsider.pk}"' in executors and f'value="{people.investigator.pk}"' not in executors
    )


def test_a_head_routes_and_the_executor_answers_through_the_forms(client, people, appeal):
    login_as(client, people.approver)
    response = client.post(
        url(appeal, "route/"),
        {
            "executor_unit": people.unit.pk,
            "executor": people.investigator.pk,
            "instruction": "Araşdırıb cavab verin.",
            "answer_rule": "appeals.10.answer.verification",
            "version": 1,
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK and appeal.executor == people.investigator
    login_as(client, people.investigator)
    assert (
        client.post(
            url(appeal, "answer/"), {"text": "Müraciətiniz araşdırıldı.", "outcome": "explained"}
        ).status_code
        == 302
    )
    card = english(client).get(url(appeal)).content.decode()
    assert "Approve the answer" not in card  # the drafter does not approve their own answer
    refused = client.post(url(appeal, "answer/approve/"), {})
    assert refused.status_code == 403 and "another official" in refused.content.decode()
    login_as(client, people.approver)
    assert client.post(url(appeal, "answer/approve/"), {}).status_code == 302
    assert client.post(url(appeal, "answer/send/"), {"delivery_channel": "post"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.outcome == "explained"
    login_as(client, people.clerk)
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url(appeal, "answer/delivered/"), {"delivered_at": when}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.answer.status == AnswerStatus.DELIVERED
    history = english(client).get(url(appeal)).content.decode()
    for label in ("Resolution written (dərkənar)", "Answer approved", "Answer sent", "Answer delivered"):
        assert label in history
    # Once answered, the forms that need an open appeal answer 409.
    login_as(client, people.investigator)
    assert client.get(url(appeal, "answer/")).status_code in (403, 409)


def test_a_stale_form_is_refused_with_409(client, people, appeal):
    services.appeal_route(
        actor=people.approver, appeal=appeal, executor_unit=people.unit, instruction="Baxılsın"
    )
    login_as(client, people.investigator)
    response = client.post(url(appeal, "answer/"), {"text": "Cavab", "outcome": "explained", "version": 1})
    assert response.status_code == 409
    assert "reload" in response.content.decode() or "yenidən" in response.content.decode()
    assert not Answer.objects.filter(appeal=appeal).exists()


def test_the_executor_extends_once_and_forwards(client, people, appeal):
    login_as(english(client), people.investigator)
    form = client.get(url(appeal, "extend/")).content.decode()
    assert "inform them of the new term by post" in form
    assert (
        client.post(url(appeal, "extend/"), {"length": 30, "reason": "Sorğu göndərilib"}).status_code == 302
    )
    again = client.post(url(appeal, "extend/"), {"length": 5, "reason": "Yenə"})
    assert again.status_code == 422 and "only once" in again.content.decode()
    appeal.refresh_from_db()
    assert appeal.extensions.count() == 1
    response = client.post(
        url(appeal, "forward/"),
        {"to_body": "Daxili İşlər Nazirliyi", "covering_letter": "Aidiyyəti üzrə göndərilir."},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED


def test_forwarding_to_the_body_complained_about_is_refused_with_the_reason(client, people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, complained_text="Xətai RPİ")
    login_as(english(client), people.investigator)
    response = client.post(url(appeal, "forward/"), {"to_body": "xətai rpi", "covering_letter": "x"})
    assert response.status_code == 422 and "art. 7.10" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.REGISTERED


def test_a_repeat_is_closed_only_after_three_answers_on_the_merits(client, people):
    housing = topic("housing")
    earlier = [make_appeal(actor=people.clerk, unit=people.unit, topic=housing) for _ in range(2)]
    for appeal in earlier:
        answer(appeal, drafter=people.investigator, approver=people.approver)
    repeat = make_appeal(actor=people.clerk, unit=people.unit, topic=housing)
    login_as(english(client), people.investigator)
    card = client.get(url(repeat)).content.decode()
    assert "A repeat appeal" in card and "Leave unconsidered as a repeat" in card
    data = {"nothing_new": "on", "grounds": "Eyni məsələ, yeni məlumat yoxdur."}
    refused = client.post(url(repeat, "close-repeat/"), data)
    assert refused.status_code == 409 and "2 time(s)" in refused.content.decode()
    answer(repeat, drafter=people.investigator, approver=people.approver)
    fourth = make_appeal(actor=people.clerk, unit=people.unit, topic=housing)
    assert client.post(url(fourth, "close-repeat/"), data).status_code == 302
    fourth.refresh_from_db()
    assert fourth.status == AppealStatus.LEFT_UNCONSIDERED and fourth.unconsidered_ground == "8.1.4"


def test_the_classification_is_changed_through_the_form(client, people, appeal):
    login_as(client, people.clerk)
    response = client.post(
        url(appeal, "classify/"),
        {"topic": topic("housing").pk, "complained_unit": people.other_unit.pk, "complained_text": ""},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.topic == topic("housing") and appeal.complained_unit == people.other_unit


def test_a_file_is_downloaded_only_by_those_who_see_the_appeal_and_is_audited(client, people):
    appeal = make_appeal(
        actor=people.clerk, unit=people.unit, attachments=[SimpleUploadedFile("scan.pdf", PDF)]
    )
    file = appeal.attachments.get()
    path = url(appeal, f"files/{file.pk}/")
    assert_access_matrix(client, people, path, {"outsider": 404, "colleague": 404, "investigator": 200})
    login_as(client, people.investigator)
    response = client.get(path)
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="scan.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="appeals.appeal.attachment_read").count() == 2
    assert client.get(url(appeal, f"files/{file.pk + 1000}/")).status_code == 404


# --- the dashboard and the reception log -------------------------------------------------------------


def test_the_dashboard_counts_and_links_into_the_list(client, people, many):
    answer(many[0], drafter=people.investigator, approver=people.approver)
    login_as(client, people.superior)
    response = client.get("/appeals/dashboard/", {"unit": people.unit.code})
    board = response.context["board"]
    assert board.received == 30 and board.answered == 1
    body = response.content.decode()
    assert "/appeals/?registered_from=" in body and "channel=email" in body and "due=overdue" in body


def test_the_dashboard_has_a_query_ceiling(client, people, many, django_assert_max_num_queries):
    login_as(client, people.superior)
    client.get("/")
    with django_assert_max_num_queries(9):
        assert client.get("/appeals/dashboard/").status_code == 200


def test_a_reception_is_recorded_and_registered_as_an_appeal(client, people):
    login_as(client, people.clerk)
    response = client.post(
        "/appeals/reception/new/",
        {
            "unit": people.unit.pk,
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "official": people.approver.pk,
            "visitor_name": "Qasımov Elnur Rauf oğlu",
            "visitor_fin": "7BC8D9E",
            "subject": "Oğlunun işi üzrə istintaqın gecikməsindən şikayət edir.",
            "register_appeal": "on",
        },
    )
    entry = ReceptionEntry.objects.get()
    assert response.status_code == 302 and f"reception={entry.public_id}" in response["Location"]
    form = client.get(response["Location"]).content.decode()
    assert "Qasımov" in form and "7BC8D9E" in form and 'value="reception" selected' in form
    data = register_data(
        people, channel="reception", applicant_last_name="Qasımov", reception=str(entry.public_id)
    )
    assert client.post("/appeals/new/", data).status_code == 302
    log = client.get("/appeals/reception/").content.decode()
    assert "Qasımov Elnur Rauf oğlu" in log
    assert AuditEvent.objects.filter(action="appeals.reception_entry.listed").exists()
    entry.refresh_from_db()
    assert entry.appeal_number == Appeal.objects.get().number
    assert "Register as an appeal" not in english(client).get("/appeals/reception/").content.decode()


def test_a_reception_without_a_visitor_is_refused_on_the_form(client, people):
    login_as(client, people.clerk)
    response = client.post(
        "/appeals/reception/new/", {"unit": people.unit.pk, "official": people.approver.pk, "subject": "x"}
    )
    assert response.status_code == 422 and not ReceptionEntry.objects.exists()


# --- the classifiers -----------------------------------------------------------------------------------


def test_the_classifier_pages_are_for_their_administrators(client, people):
    expected = {"anonymous": 302, "clerk": 403, "investigator": 403, "admin": 200}
    for path in ("/appeals/classifiers/topics/", "/appeals/classifiers/sectors/new/"):
        assert_access_matrix(client, people, path, expected)
    login_as(english(client), people.admin)
    assert "housing" in client.get("/appeals/classifiers/topics/").content.decode()


def test_an_administrator_adds_and_deactivates_a_sector(client, people):
    from eprok.appeals.models import Sector

    login_as(client, people.admin)
    data = {"code": "ports", "name_az": "Dəniz limanları", "sort_order": 90}
    assert client.post("/appeals/classifiers/sectors/new/", data).status_code == 302
    sector = Sector.objects.get(code="ports")
    assert client.post(f"/appeals/classifiers/sectors/{sector.pk}/active/").status_code == 302
    sector.refresh_from_db()
    assert not sector.is_active


def test_an_administrator_edits_a_topic_and_a_taken_code_is_refused(client, people):
    housing = topic("housing")
    login_as(english(client), people.admin)
    form = client.get(f"/appeals/classifiers/topics/{housing.pk}/").content.decode()
    assert 'name="code"' in form and "disabled" in form
    response = client.post(
        f"/appeals/classifiers/topics/{housing.pk}/",
        {"name_az": "Mənzil", "name_en": "Housing", "sort_order": 5, "escalation": ""},
    )
    assert response.status_code == 302
    housing.refresh_from_db()
    assert housing.name_az == "Mənzil"
    taken = client.post("/appeals/classifiers/topics/new/", {"code": "housing", "name_az": "Təkrar"})
    assert taken.status_code == 422 and "usa-error-message" in taken.content.decode()


def test_every_page_links_its_guide_in_both_languages(client, people, appeal):
    login_as(client, people.clerk)
    for path in ("/appeals/", "/appeals/new/", url(appeal), "/appeals/dashboard/", "/appeals/reception/"):
        assert 'href="/help/appeals/"' in client.get(path).content.decode()
    assert "Müraciəti qeydiyyata al" in client.get("/help/appeals/").content.decode()
    assert "Register an appeal" in english(client).get("/help/appeals/").content.decode()
