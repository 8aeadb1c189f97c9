"""The pages: the access matrix over every URL, the workspace's incoming calls, registration from the card,
exports, the supervisor's view, triage and the conversation, the custodian's page, the analytics."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from eprok.audit.models import AuditEvent
from eprok.contact import services
from eprok.contact.models import Call, CallOutcome, CallStatus, Centre, HotlineStatus
from eprok.contact.tests.factories import NUMBER, hotline_report, open_call, registered_call
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited

pytestmark = pytest.mark.django_db

SUMMARY = "Zəng edən şəxs cinayət işinin gedişi ilə maraqlanıb."
CALL_USERS = {
    "anonymous": 302,
    "outsider": 200,
    "colleague": 403,
    "investigator": 200,
    "peer": 200,
    "superior": 200,
}
HIDDEN = {"outsider": 404, "colleague": 404, "custodian": 404}


@pytest.fixture
def call(people):
    return open_call(actor=people.investigator, unit=people.unit)


@pytest.fixture
def recorded(people):
    call = registered_call(actor=people.investigator, unit=people.unit)
    Call.objects.filter(pk=call.pk).update(recording_url="https://pbx.example.az/rec/secret-path.wav")
    call.refresh_from_db()
    return call


@pytest.fixture
def report(people):
    report = hotline_report(actor=people.peer, unit=people.unit, identity={"name": "Gizli Şəxs"})
    return services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)


# --- the access matrix -------------------------------------------------------------------------------


def test_the_centres_pages_open_to_the_centres_roles(client, people):
    for path in (
        "/contact/centre/incoming/",
        "/contact/centre/calls/",
        "/contact/centre/calls/export.csv",
        "/contact/centre/calls/export.xlsx",
        "/contact/centre/callbacks/",
        "/contact/centre/recordings/",
    ):
        assert_access_matrix(client, people, path, {**CALL_USERS, "custodian": 403})
    assert_access_matrix(client, people, "/contact/centre/", {**CALL_USERS, "custodian": 200})
    assert_access_matrix(
        client,
        people,
        "/contact/centre/calls/new/",
        {**CALL_USERS, "outsider": 200, "superior": 200, "custodian": 403},
    )
    assert_access_matrix(
        client,
        people,
        "/contact/centre/supervisor/",
        {
            "anonymous": 302,
            "outsider": 403,
            "colleague": 403,
            "investigator": 403,
            "peer": 403,
            "superior": 200,
            "custodian": 403,
        },
    )


def test_a_call_is_seen_by_the_centre_of_its_unit_only(client, people, call):
    base = f"/contact/centre/calls/{call.public_id}/"
    readers = {"anonymous": 302, **HIDDEN, "investigator": 200, "peer": 200, "superior": 200}
    assert_access_matrix(client, people, base, readers)
    registrars = {"anonymous": 302, **HIDDEN, "investigator": 200, "peer": 403, "superior": 200}
    for suffix in ("register/", "appeal/", "crime-report/"):
        assert_access_matrix(client, people, base + suffix, registrars)
    followers = {"anonymous": 302, **HIDDEN, "investigator": 200, "peer": 200, "superior": 200}
    for suffix in ("callback/", "copy-request/"):
        assert_access_matrix(client, people, base + suffix, followers)
    assert_access_matrix(
        client,
        people,
        base + "take/",
        {**followers, "investigator": 302, "peer": 302, "superior": 302},
        method="post",
    )


def test_the_recording_is_an_audited_redirect_for_the_centre_only(client, people, recorded):
    path = f"/contact/centre/calls/{recorded.public_id}/recording/"
    assert_access_matrix(
        client, people, path, {"anonymous": 302, **HIDDEN, "investigator": 302, "peer": 302, "superior": 302}
    )
    login_as(client, people.peer)
    response = client.get(path)
    assert response["Location"] == recorded.recording_url
    card = client.get(recorded.get_absolute_url()).content.decode()
    assert "secret-path" not in card and path in card
    assert AuditEvent.objects.filter(action="contact.call.recording_opened", actor_id=people.peer.pk).exists()


def test_a_call_without_a_recording_has_no_recording_page(client, people, call):
    login_as(client, people.investigator)
    assert client.get(f"/contact/centre/calls/{call.public_id}/recording/").status_code == 403


def test_callbacks_are_completed_by_their_operator_and_reassigned_by_a_supervisor(client, people, call):
    callback = services.callback_schedule(
        actor=people.investigator, call=call, due_at=timezone.now() + dt.timedelta(hours=3)
    )
    complete = f"/contact/centre/callbacks/{callback.pk}/complete/"
    assert_access_matrix(
        client,
        people,
        complete,
        {"anonymous": 302, **HIDDEN, "investigator": 200, "peer": 403, "superior": 200},
    )
    assert_access_matrix(
        client,
        people,
        f"/contact/centre/callbacks/{callback.pk}/reassign/",
        {"anonymous": 302, **HIDDEN, "investigator": 403, "peer": 403, "superior": 200},
    )


def test_copy_requests_are_handled_by_the_responsible_or_a_supervisor(client, people, recorded):
    copy = services.recording_copy_request(
        actor=people.investigator, call=recorded, requester="Məmmədov Elçin"
    )
    readers = {"anonymous": 302, **HIDDEN, "investigator": 200, "peer": 200, "superior": 200}
    assert_access_matrix(client, people, f"/contact/centre/recordings/{copy.pk}/", readers)
    workers = {"anonymous": 302, **HIDDEN, "investigator": 302, "peer": 403, "superior": 302}
    assert_access_matrix(
        client,
        people,
        f"/contact/centre/recordings/{copy.pk}/refuse/",
        workers,
        method="post",
        data={"reason": ""},
    )


def test_the_hotline_pages(client, people, report):
    users = {
        "anonymous": 302,
        "outsider": 200,
        "colleague": 403,
        "investigator": 200,
        "peer": 200,
        "superior": 200,
        "custodian": 200,
    }
    for path in (
        "/contact/hotline/",
        "/contact/hotline/analytics/",
        "/contact/hotline/export.csv",
        "/contact/hotline/export.xlsx",
    ):
        assert_access_matrix(client, people, path, users)
    assert_access_matrix(client, people, "/contact/hotline/new/", {**users, "custodian": 403})
    base = f"/contact/hotline/{report.number}/"
    readers = {
        "anonymous": 302,
        "outsider": 404,
        "colleague": 404,
        "investigator": 200,
        "peer": 200,
        "superior": 200,
        "custodian": 200,
    }
    assert_access_matrix(client, people, base, readers)
    assert_access_matrix(client, people, base + "assign/", {**readers, "custodian": 403})
    for outcome in ("material", "forward", "explain"):
        assert_access_matrix(
            client, people, f"{base}triage/{outcome}/", {**readers, "peer": 403, "custodian": 403}
        )


def test_the_identity_page_exists_for_the_custodian_alone(client, people, report):
    path = f"/contact/hotline/{report.number}/identity/"
    everyone_else = {
        "anonymous": 302,
        "outsider": 404,
        "colleague": 404,
        "investigator": 404,
        "peer": 404,
        "superior": 404,
    }
    assert_access_matrix(client, people, path, {**everyone_else, "custodian": 200})
    anonymous_report = hotline_report(actor=people.peer, unit=people.unit)
    assert_access_matrix(
        client,
        people,
        f"/contact/hotline/{anonymous_report.number}/identity/",
        {**everyone_else, "custodian": 404},
    )
    assert_access_matrix(
        client, people, "/contact/hotline/QX-NO-SUCH/identity/", {**everyone_else, "custodian": 404}
    )


# --- the workspace and the card ----------------------------------------------------------------------


def test_the_workspace_shows_a_ringing_call_that_answers_in_one_click(client, people, pbx):
    ringing = Call.objects.create(
        centre=Centre.CALL_CENTRE,
        unit=people.unit,
        pbx=pbx,
        external_id="r1",
        caller_number="+994551234567",
        offered_at=timezone.now(),
    )
    login_as(client, people.peer)
    page = client.get("/contact/centre/").content.decode()
    assert 'hx-get="/contact/centre/incoming/"' in page and 'hx-trigger="every 3s"' in page
    fragment = client.get("/contact/centre/incoming/", headers={"HX-Request": "true"}).content.decode()
    assert "+994551234567" in fragment and f"/contact/centre/calls/{ringing.public_id}/take/" in fragment
    assert "<html" not in fragment
    response = client.post(f"/contact/centre/calls/{ringing.public_id}/take/")
    assert response.status_code == 302 and response["Location"] == ringing.get_absolute_url()
    ringing.refresh_from_db()
    assert ringing.operator == people.peer and ringing.status == CallStatus.ANSWERED
    # The other operators no longer see it ringing.
    login_as(client, people.investigator)
    assert "+994551234567" not in client.get("/contact/centre/incoming/").content.decode()


def test_the_card_shows_the_callers_history_and_is_an_audited_read(client, people, call):
    earlier = registered_call(
        actor=people.investigator, unit=people.unit, summary="Əvvəlki zəng: izahat verildi."
    )
    login_as(client, people.investigator)
    page = client.get(call.get_absolute_url()).content.decode()
    assert earlier.get_absolute_url() in page and "Əvvəlki zəng" in page
    assert AuditEvent.objects.filter(action="contact.call.viewed", target_id=str(call.public_id)).exists()


def test_registering_a_call_from_its_card(client, people, call):
    login_as(client, people.investigator)
    response = client.post(
        f"/contact/centre/calls/{call.public_id}/register/",
        {
            "outcome": "forwarded",
            "summary": SUMMARY,
            "forwarded_to": "Daxili İşlər Nazirliyi",
            "version": call.version,
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.REGISTERED and call.forwarded_to == "Daxili İşlər Nazirliyi"


def test_a_registration_with_errors_is_shown_again_with_them(client, people, call):
    login_as(client, people.investigator)
    response = client.post(
        f"/contact/centre/calls/{call.public_id}/register/",
        {"outcome": "forwarded", "summary": SUMMARY, "caller_fin": "IO"},
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "usa-error-message" in content
    call.refresh_from_db()
    assert call.status == CallStatus.ANSWERED


def test_registering_an_appeal_from_the_card(client, people, call):
    login_as(client, people.investigator)
    response = client.post(
        f"/contact/centre/calls/{call.public_id}/appeal/",
        {
            "kind": "complaint",
            "text": "Polis şöbəsinin əməkdaşından şikayət edir.",
            "last_name": "Əliyeva",
            "first_name": "Nərmin",
            "phone": NUMBER,
            "caller_notified": "on",
            "version": call.version,
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.outcome == CallOutcome.APPEAL_REGISTERED and call.appeal_number.startswith("AP-")
    page = client.get(call.get_absolute_url()).content.decode()
    assert call.appeal_number in page


def test_a_hotline_call_is_registered_as_a_report_from_its_card(client, people):
    hotline_call = open_call(actor=people.investigator, unit=people.unit, centre=Centre.HOTLINE)
    login_as(client, people.investigator)
    card = client.get(hotline_call.get_absolute_url()).content.decode()
    assert f"/contact/centre/calls/{hotline_call.public_id}/hotline-report/" in card
    response = client.post(
        f"/contact/centre/calls/{hotline_call.public_id}/hotline-report/",
        {"text": "Xəstəxanada rüşvət tələb olunur.", "sector": "health", "corruption_type": "bribery"},
    )
    assert response.status_code == 302
    hotline_call.refresh_from_db()
    assert (
        hotline_call.outcome == CallOutcome.HOTLINE_REPORT and hotline_call.hotline_report.sector == "health"
    )


def test_a_late_copy_request_is_registered_and_refused_with_a_message(client, people, recorded):
    Call.objects.filter(pk=recorded.pk).update(offered_at=timezone.now() - dt.timedelta(days=120))
    login_as(client, people.investigator)
    response = client.post(
        f"/contact/centre/calls/{recorded.public_id}/copy-request/",
        {"requester": "Məmmədov Elçin", "requested_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert response.status_code == 200
    assert recorded.copy_requests.get().status == "refused"


# --- lists and exports -------------------------------------------------------------------------------


def test_the_call_list_filters_and_has_a_query_ceiling(client, people, django_assert_max_num_queries):
    for index in range(12):
        registered_call(actor=people.investigator, unit=people.unit, summary=f"Zəng {index}")
    other = open_call(actor=people.outsider, unit=people.other_unit)
    login_as(client, people.investigator)
    with django_assert_max_num_queries(12):
        response = client.get("/contact/centre/calls/")
    assert response.status_code == 200 and other.short_id not in response.content.decode()
    filtered = client.get(
        "/contact/centre/calls/", {"status": "registered", "q": "Zəng 3"}, headers={"HX-Request": "true"}
    )
    assert "1 call" in filtered.content.decode() or "1 zəng" in filtered.content.decode()


def test_exports_are_audited_and_contain_the_visible_calls(client, people):
    registered_call(actor=people.investigator, unit=people.unit, summary='=HYPERLINK("x")')
    open_call(actor=people.outsider, unit=people.other_unit)
    login_as(client, people.investigator)
    response = client.get("/contact/centre/calls/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][-1].startswith("'=")
    workbook = load_workbook(io.BytesIO(client.get("/contact/centre/calls/export.xlsx").content))
    assert workbook.active.max_row == 2
    assert AuditEvent.objects.filter(action="contact.call.exported").count() == 2


def test_the_hotline_list_and_exports(client, people, report, django_assert_max_num_queries):
    for _ in range(8):
        hotline_report(actor=people.peer, unit=people.unit)
    login_as(client, people.custodian)
    with django_assert_max_num_queries(12):
        response = client.get("/contact/hotline/")
    assert response.status_code == 200 and report.number in response.content.decode()
    exported = b"".join(client.get("/contact/hotline/export.csv").streaming_content).decode("utf-8-sig")
    assert "Gizli" not in exported and report.number in exported


def test_the_callback_and_copy_lists_have_query_ceilings(
    client, people, recorded, django_assert_max_num_queries
):
    for hours in range(1, 8):
        services.callback_schedule(
            actor=people.investigator, call=recorded, due_at=timezone.now() + dt.timedelta(hours=hours)
        )
        services.recording_copy_request(actor=people.investigator, call=recorded, requester=f"Şəxs {hours}")
    login_as(client, people.superior)
    with django_assert_max_num_queries(10):
        assert client.get("/contact/centre/callbacks/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/contact/centre/recordings/").status_code == 200


def test_the_supervisor_sees_the_queue_and_the_operators_load(
    client, people, pbx, django_assert_max_num_queries
):
    Call.objects.create(
        centre=Centre.CALL_CENTRE,
        unit=people.unit,
        pbx=pbx,
        external_id="q1",
        caller_number="+994551110000",
        offered_at=timezone.now(),
    )
    call = registered_call(actor=people.investigator, unit=people.unit)
    assert call.answered_at is not None
    Call.objects.filter(pk=call.pk).update(ended_at=call.answered_at + dt.timedelta(seconds=150))
    services.callback_schedule(
        actor=people.investigator, call=call, due_at=timezone.now() + dt.timedelta(hours=1)
    )
    late = services.callback_schedule(
        actor=people.investigator, call=call, due_at=timezone.now() + dt.timedelta(minutes=1)
    )
    from eprok.contact.models import Callback

    Callback.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    login_as(client, people.superior)
    with django_assert_max_num_queries(14):
        response = client.get("/contact/centre/supervisor/", {"unit": people.unit.code})
    page = response.content.decode()
    assert "+994551110000" in page and people.investigator.full_name in page
    assert "0:02:30" in page  # the investigator's average handling time today


# --- the hotline card --------------------------------------------------------------------------------


def test_triage_from_the_card_registers_a_crime_report(client, people, report):
    login_as(client, people.investigator)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Gizli" not in page and "/identity/" not in page
    response = client.post(f"/contact/hotline/{report.number}/triage/material/", {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == HotlineStatus.MATERIAL and report.material_number.startswith("CM-")


def test_the_conversation_on_the_card(client, people):
    report, _code = services.hotline_report_submit_public(text="Bələdiyyə sədri torpaq üçün pul istəyir.")
    services.hotline_message_post_by_reporter(report=report, text="Sədr dünən yenə zəng etdi.")
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    login_as(client, people.investigator)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Sədr dünən yenə zəng etdi." in page and 'id="conversation"' in page
    response = client.post(f"/contact/hotline/{report.number}/reply/", {"text": "Hansı bələdiyyədir?"})
    assert response.status_code == 302
    assert [m["text"] for m in services.hotline_messages_for_reporter(report=report)][
        -1
    ] == "Hansı bələdiyyədir?"


def test_the_custodian_reveals_only_after_stating_a_purpose(client, people, report):
    login_as(client, people.custodian)
    path = f"/contact/hotline/{report.number}/identity/"
    assert "Gizli Şəxs" not in client.get(path).content.decode()
    refused = client.post(path, {"purpose": "x"})
    assert refused.status_code == 422 and "Gizli Şəxs" not in refused.content.decode()
    shown = client.post(path, {"purpose": "Məhkəmənin sorğusu əsasında"})
    assert "Gizli Şəxs" in shown.content.decode() and shown["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="contact.hotline_identity.revealed").count() == 1


def test_the_analytics_count_by_sector_type_and_month(client, people):
    hotline_report(actor=people.peer, unit=people.unit, sector="health", corruption_type="bribery")
    hotline_report(actor=people.peer, unit=people.unit, sector="health", corruption_type="extortion")
    hotline_report(actor=people.peer, unit=people.unit, sector="education", corruption_type="bribery")
    login_as(client, people.superior)
    with_queries = client.get("/contact/hotline/analytics/", {"date_from": "2000-01-01"})
    page = with_queries.content.decode()
    assert with_queries.status_code == 200 and "<svg" in page and 'width="100%"' in page
    assert 'width="50%"' in page  # education: 1 of the largest sector's 2


def test_opening_a_card_by_hand(client, people):
    login_as(client, people.investigator)
    response = client.post(
        "/contact/centre/calls/new/",
        {"unit": people.unit.code, "centre": "961", "direction": "incoming", "caller_number": "0501234567"},
    )
    assert response.status_code == 302
    assert Call.objects.get().caller_number == NUMBER


def test_the_call_card_stays_within_its_query_ceiling(client, people, call, django_assert_max_num_queries):
    login_as(client, people.investigator)
    client.get(call.get_absolute_url())  # the first read loads the rule of the copy window
    # session, user, grants, the call, the audit row (3), history: calls, appeals, persons; callbacks,
    # copy requests, topics, unread count
    with django_assert_max_num_queries(audited(16)):
        assert client.get(call.get_absolute_url()).status_code == 200
