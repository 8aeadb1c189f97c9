"""The special reports' pages: who opens what, submission through the form (a refusal is 422 and writes
nothing), the audited card, the duty console's live board (204 while nothing changed), the digest, the
analytics with the map, the classifier, and query ceilings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited
from eprok.special import selectors, services
from eprok.special.models import IncidentType, ReportStatus, SpecialReport

pytestmark = pytest.mark.django_db

LIST = reverse("special:list")
NEW = reverse("special:new")
CONSOLE = reverse("special:console")
BOARD = reverse("special:console_board")
HTMX = {"HX-Request": "true"}


def form_data(people: Any, **fields: Any) -> dict[str, Any]:
    occurred = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    return {
        "unit": people.xetai.pk,
        "incident_type": people.murder.pk,
        "urgency": "immediate",
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "district_code": "baku-xetai",
        "address": "Bakı, Xətai rayonu, Babək prospekti 10",
        "latitude": "40.38510",
        "longitude": "49.94170",
        "summary": "Yaşayış binasının həyətində kişi meyiti aşkar edilib.",
        "dead_count": "1",
        "injured_count": "0",
        "involved_count": "0",
        "articles": "120.1",
        "classification": "1",
        **fields,
    }


def detail(report: SpecialReport) -> str:
    return reverse("special:detail", args=[report.public_id])


# --- the register -------------------------------------------------------------------------------------------


def test_the_register_opens_for_those_with_a_role(client, people, report):
    assert_access_matrix(
        client,
        people,
        LIST,
        {
            "anonymous": 302,
            "outsider": 404,
            "reporter": 200,
            "sibling": 200,
            "superior": 200,
            "reader": 200,
            "other_reader": 200,
            "duty": 200,
        },
    )


def test_the_register_lists_only_visible_reports_and_audits_the_list(client, people, report, audit_events):
    login_as(client, people.reporter)
    assert report.number in client.get(LIST).content.decode()
    (event,) = audit_events("special.report.listed")
    assert event.purpose == "register" and json.loads(event.data)["numbers"] == [report.number]
    login_as(client, people.sibling)
    assert report.number not in client.get(LIST).content.decode()
    login_as(client, people.other_reader)
    assert report.number not in client.get(LIST).content.decode()


# --- submission ---------------------------------------------------------------------------------------------


def test_the_form_opens_for_reporters_only(client, people):
    assert_access_matrix(
        client,
        people,
        NEW,
        {
            "anonymous": 302,
            "outsider": 404,
            "reporter": 200,
            "sibling": 200,
            "superior": 404,
            "reader": 404,
            "duty": 404,
        },
    )


def test_a_valid_form_submits_and_redirects_to_the_card(client, people, django_capture_on_commit_callbacks):
    login_as(client, people.reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, form_data(people))
    report = SpecialReport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(report)
    assert report.reporting_unit == people.xetai and report.urgency == "immediate"
    assert report.delivered_at is not None  # the worker delivered it after the commit


def test_a_form_missing_a_field_is_422_with_a_translated_message_and_writes_nothing(client, people):
    login_as(client, people.reporter)
    response = client.post(NEW, form_data(people, address=""))
    assert response.status_code == 422
    with translation.override("az"):
        required = gettext("This field is required.")
    assert required != "This field is required." and required in response.content.decode()
    assert not SpecialReport.objects.exists()


def test_a_refusal_of_the_service_is_422_on_its_field_in_azerbaijani(client, people, audit_events):
    login_as(client, people.reporter)
    response = client.post(NEW, form_data(people, latitude="55.75580", longitude="37.61730"))
    assert response.status_code == 422
    message = "The point lies outside Azerbaijan; check the coordinates."
    with translation.override("az"):
        translated = gettext(message)
    body = response.content.decode()
    assert translated != message, "the message has no Azerbaijani translation"
    assert translated in body and message not in body
    assert not SpecialReport.objects.exists()
    assert audit_events("special.report.submitted") == []


def test_a_sibling_cannot_submit_for_xetai_through_the_form(client, people):
    login_as(client, people.sibling)
    response = client.post(NEW, form_data(people, district_code="baku-nesimi"))
    assert response.status_code == 422  # Xətai is not among the units offered
    assert not SpecialReport.objects.exists()


# --- the card -----------------------------------------------------------------------------------------------


def test_the_card_opens_for_those_who_see_the_report(client, people, report):
    assert_access_matrix(
        client,
        people,
        detail(report),
        {
            "anonymous": 302,
            "outsider": 404,
            "reporter": 200,
            "sibling": 404,
            "superior": 200,
            "reader": 200,
            "other_reader": 404,
            "duty": 200,
        },
    )


def test_reading_the_card_is_audited_with_its_purpose(client, people, report, audit_events):
    login_as(client, people.reporter)
    response = client.get(detail(report))
    assert response.status_code == 200
    assert report.summary in response.content.decode()
    (event,) = audit_events("special.report.viewed")
    assert event.purpose == "review" and event.actor_id == people.reporter.pk
    assert event.target_id == str(report.public_id)
    login_as(client, people.duty)
    client.get(detail(report), {"from": "console"})
    assert [event.purpose for event in audit_events("special.report.viewed")] == ["review", "duty console"]


def test_a_refused_card_is_audited(client, people, report, audit_events):
    login_as(client, people.sibling)
    assert client.get(detail(report)).status_code == 404
    (event,) = audit_events("access.denied")
    assert event.target_id == str(report.public_id)
    assert audit_events("special.report.viewed") == []


def test_the_card_offers_the_actions_allowed(client, people, report):
    acknowledge = reverse("special:acknowledge", args=[report.public_id])
    login_as(client, people.duty)
    assert acknowledge in client.get(detail(report)).content.decode()
    login_as(client, people.reporter)
    body = client.get(detail(report)).content.decode()
    assert acknowledge not in body and reverse("special:follow_up", args=[report.public_id]) in body


def test_the_reporter_adds_a_follow_up_and_the_duty_prosecutor_closes(client, people, report):
    login_as(client, people.reporter)
    follow_up = reverse("special:follow_up", args=[report.public_id])
    assert client.post(follow_up, {"text": ""}).status_code == 422
    response = client.post(follow_up, {"text": "Şübhəli şəxs saxlanılıb."})
    assert response.status_code == 302
    assert report.follow_ups.get().text == "Şübhəli şəxs saxlanılıb."
    close = reverse("special:close", args=[report.public_id])
    assert client.post(close, {"reason": "Bağlanır."}).status_code == 403
    login_as(client, people.duty)
    assert client.post(close, {"reason": "İş məhkəməyə göndərilib."}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    login_as(client, people.reporter)
    closed = client.post(follow_up, {"text": "Əlavə."})
    assert closed.status_code == 422  # the service's refusal, shown on the card
    assert report.follow_ups.count() == 1


# --- the duty console ---------------------------------------------------------------------------------------


def test_the_console_opens_for_the_duty_prosecutor_and_the_readers(client, people, report):
    assert_access_matrix(
        client,
        people,
        CONSOLE,
        {
            "anonymous": 302,
            "outsider": 404,
            "reporter": 404,
            "sibling": 404,
            "superior": 200,
            "reader": 200,
            "other_reader": 200,
            "duty": 200,
        },
    )
    login_as(client, people.duty)
    body = client.get(CONSOLE).content.decode()
    assert report.number in body and 'id="console-board"' in body


def test_acknowledging_from_the_console_returns_the_board(client, people, report):
    login_as(client, people.duty)
    url = reverse("special:acknowledge", args=[report.public_id])
    response = client.post(url, {"next": "console"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<section") and 'id="console-board"' in body and "<html" not in body
    assert 'data-unacknowledged="0"' in body and report.number in body  # now among the last 24 hours
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by == people.duty
    # A second click (another duty prosecutor was faster) shows the board with the reason.
    again = client.post(url, {"next": "console"}, headers=HTMX)
    assert again.status_code == 200
    assert 'role="alert"' in again.content.decode()


def test_acknowledging_from_the_card_redirects_back(client, people, report):
    login_as(client, people.duty)
    response = client.post(reverse("special:acknowledge", args=[report.public_id]))
    assert response.status_code == 302 and response["Location"] == detail(report)
    login_as(client, people.reader)
    assert client.post(reverse("special:acknowledge", args=[report.public_id])).status_code == 403


def test_the_board_is_204_until_a_new_delivery_changes_it(client, people, report, make_report):
    login_as(client, people.duty)
    version = selectors.console_version(user=people.duty)
    assert client.get(BOARD, {"v": version}, headers=HTMX).status_code == 204
    fresh = make_report(summary="Magistral yolda atışma olub, bir nəfər həlak olub.")
    response = client.get(BOARD, {"v": version}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert fresh.number in body and 'data-unacknowledged="2"' in body
    new_version = selectors.console_version(user=people.duty)
    assert new_version != version and f'data-version="{new_version}"' in body
    assert client.get(BOARD, {"v": new_version}, headers=HTMX).status_code == 204


def test_an_undelivered_report_is_not_on_the_board(client, people, make_report):
    login_as(client, people.duty)
    waiting = make_report(deliver=False)
    body = client.get(BOARD, headers=HTMX).content.decode()
    assert waiting.number not in body and 'data-unacknowledged="0"' in body


# --- the digest, analytics, the classifier ------------------------------------------------------------------


def test_the_digest_is_a_pdf(client, people, report, audit_events):
    login_as(client, people.duty)
    response = client.get(reverse("special:digest"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    (event,) = audit_events("special.report.digest_printed")
    assert json.loads(event.data)["numbers"] == [report.number]
    login_as(client, people.reporter)
    assert client.get(reverse("special:digest")).status_code == 404


def test_the_analytics_page_draws_the_map(client, people, report):
    login_as(client, people.superior)
    response = client.get(reverse("special:analytics"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and report.get_absolute_url() in body  # the report's point links to its card
    login_as(client, people.outsider)
    assert client.get(reverse("special:analytics")).status_code == 404


def test_the_classifier_is_for_its_keeper_only(client, people):
    for url in (
        reverse("special:type_list"),
        reverse("special:type_new"),
        reverse("special:type_edit", args=["murder"]),
    ):
        assert_access_matrix(
            client,
            people,
            url,
            {"anonymous": 302, "superior": 404, "reader": 404, "duty": 404, "reporter": 404, "outsider": 404},
        )
        login_as(client, people.keeper)
        assert client.get(url).status_code == 200, url


def test_the_keeper_adds_an_incident_type(client, people):
    login_as(client, people.keeper)
    data = {
        "code": "mass-poisoning",
        "name_az": "Kütləvi zəhərlənmə",
        "name_en": "Mass poisoning",
        "name_ru": "Массовое отравление",
        "routed_to": [people.investigation.pk],
        "follow_up_hours": "12",
        "ack_target_minutes": "10",
        "classification": "1",
        "sort_order": "200",
        "is_active": "on",
    }
    response = client.post(reverse("special:type_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = IncidentType.objects.get(code="mass-poisoning")
    assert list(created.routed_to.all()) == [people.investigation]
    taken = client.post(reverse("special:type_new"), {**data, "code": "murder"})
    assert taken.status_code == 422


# --- query ceilings -----------------------------------------------------------------------------------------


def test_the_register_has_a_query_ceiling(client, people, make_report, django_assert_max_num_queries):
    for _ in range(12):
        make_report()
    login_as(client, people.duty)
    client.get("/")  # the first page after sign-in also stamps the session
    with django_assert_max_num_queries(audited(11)):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count('class="usa-link" href="/special/') == 12


def test_the_console_board_has_a_query_ceiling(client, people, make_report, django_assert_max_num_queries):
    reports = [make_report() for _ in range(12)]
    for report in reports[:6]:
        services.report_acknowledge(report=report, actor=people.duty)
    login_as(client, people.duty)
    client.get("/")
    with django_assert_max_num_queries(audited(11)):
        response = client.get(BOARD, headers=HTMX)
    assert response.status_code == 200
    assert 'data-unacknowledged="6"' in response.content.decode()
    version = selectors.console_version(user=people.duty)
    # Polled every second by every open console: a 204 costs the session, the user, the grants, the duty
    # unit and the counter row.
    with django_assert_max_num_queries(6):
        assert client.get(BOARD, {"v": version}, headers=HTMX).status_code == 204


def test_the_keeper_changes_an_incident_type_but_not_its_code(client, people):
    login_as(client, people.keeper)
    url = reverse("special:type_edit", args=["murder"])
    data = {
        "code": "renamed",
        "name_az": "Qəsdən adam öldürmə",
        "name_en": "Murder",
        "name_ru": "Умышленное убийство",
        "routed_to": [people.investigation.pk],
        "follow_up_hours": "12",
        "ack_target_minutes": "10",
        "classification": "1",
        "sort_order": "10",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    murder = IncidentType.objects.get(code="murder")
    assert murder.follow_up_hours == 12 and list(murder.routed_to.all()) == [people.investigation]
    assert not IncidentType.objects.filter(code="renamed").exists()
    assert client.post(url, {**data, "follow_up_hours": "0"}).status_code == 422


def test_acknowledging_from_the_console_without_htmx_returns_to_the_console(client, people, report):
    login_as(client, people.duty)
    response = client.post(reverse("special:acknowledge", args=[report.public_id]), {"next": "console"})
    assert response.status_code == 302 and response["Location"] == CONSOLE
    again = client.post(
        reverse("special:acknowledge", args=[report.public_id]), {"next": "console"}, follow=True
    )
    assert again.status_code == 200 and 'id="console-board"' in again.content.decode()


def test_a_region_of_the_map_links_to_its_reports(client, people, report):
    login_as(client, people.duty)
    analytics = client.get(reverse("special:analytics")).content.decode()
    assert f"{LIST}?region=AZ-BA" in analytics
    assert report.number in client.get(LIST, {"region": "AZ-BA"}).content.decode()
    assert report.number not in client.get(LIST, {"region": "AZ-GA"}).content.decode()


def test_duty_prosecutors_share_one_rendered_board_and_each_read_is_audited(
    client, people, make_report, audit_events, monkeypatch
):
    from typing import cast

    from eprok.org.models import Employee
    from eprok.org.roles import Clearance, Role
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    report = make_report()
    second = cast(Employee, EmployeeFactory(unit=people.duty.unit, clearance=Clearance.SECRET))
    RoleAssignmentFactory(employee=second, role=Role.DUTY_PROSECUTOR, unit=people.duty.unit)
    login_as(client, people.duty)
    first = client.get(BOARD, headers=HTMX)
    assert report.number in first.content.decode()
    assert 'name="csrfmiddlewaretoken"' not in first.content.decode()  # htmx sends the token in a header
    login_as(client, second)
    with monkeypatch.context() as patched:  # the rendered board is reused: the board is not read again
        patched.setattr(selectors, "console_board", lambda **kwargs: pytest.fail("the board was read again"))
        again = client.get(BOARD, headers=HTMX)
    assert again.content == first.content
    listed = audit_events("special.report.listed")
    assert {event.actor_id for event in listed} >= {people.duty.pk, second.pk}
    # A department's reader is not a duty prosecutor: a board of their own, without the buttons.
    login_as(client, people.reader)
    theirs = client.get(BOARD, headers=HTMX).content.decode()
    assert report.number in theirs and "ack-" not in theirs


def test_a_new_report_comes_on_top_however_many_wait(client, people, make_report, monkeypatch):
    from eprok.special import selectors as board_selectors

    monkeypatch.setattr(board_selectors, "CONSOLE_LIMIT", 3)
    for _ in range(4):
        make_report()
    newest = make_report()
    login_as(client, people.duty)
    html = client.get(BOARD, headers=HTMX).content.decode()
    assert 'data-unacknowledged="5"' in html  # every waiting report is counted
    assert html.index(newest.number) < html.index("</tbody>")  # and the newest is listed
    assert html.count('class="eprok-console-row') == 3
