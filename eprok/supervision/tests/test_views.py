"""The supervision pages: every URL for every persona (no leaks), entry through the form, the audited card,
the actions from the card (a refusal shows the card again with the form's errors, 422), the statistics and
query ceilings on the register and the card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited
from eprok.supervision import services
from eprok.supervision.models import ActKind, SupervisedCase, SupervisedStatus, ViolationKind

pytestmark = pytest.mark.django_db

LIST = reverse("supervision:list")
NEW = reverse("supervision:new")
STATISTICS = reverse("supervision:statistics")
BODIES = reverse("supervision:bodies")
TODAY = timezone.localdate


def url(name: str, case: SupervisedCase, *args: int) -> str:
    return reverse(f"supervision:{name}", args=[case.public_id, *args])


REGISTER = {
    "anonymous": 302,
    "colleague": 404,
    "outsider": 200,
    "court": 200,
    "deputy": 200,
    "prosecutor": 200,
    "superior": 200,
}
SUPERVISORS_ONLY = {**REGISTER, "court": 404}
CARD = {**REGISTER, "outsider": 404, "court": 404}
# A form that does not pass: shown again on the card (422) to whoever may act, 404 to the others.
REFUSED = {**CARD, "deputy": 422, "prosecutor": 422, "superior": 422}


def test_the_register_pages_open_for_the_roles_that_use_them(client, people, case):
    assert_access_matrix(client, people, LIST, REGISTER)
    assert_access_matrix(client, people, BODIES, REGISTER)
    assert_access_matrix(client, people, NEW, SUPERVISORS_ONLY)
    assert_access_matrix(client, people, STATISTICS, SUPERVISORS_ONLY)


def test_the_card_and_its_edit_page_open_only_for_those_who_see_the_case(client, people, case):
    assert_access_matrix(client, people, url("detail", case), CARD)
    assert_access_matrix(client, people, url("edit", case), CARD)


# The forms whose fields are all optional are made invalid by a malformed one.
INVALID = {"indictment": {"indictment-received_at": "not a moment"}}
ACTIONS = ("assign", "suspend", "extend", "indictment", "act", "violation", "terminate")


def test_every_action_refuses_those_who_may_not_act_and_leaks_nothing(client, people, case):
    # An invalid form (no fields): whoever may act gets the card again with errors (422), the others 404.
    for name in ACTIONS:
        assert_access_matrix(
            client, people, url(name, case), REFUSED, method="post", data=INVALID.get(name, {})
        )
    act = services.act_issue(
        actor=people.prosecutor, case=case, kind=ActKind.DEMAND, text="t", due_date=TODAY()
    )
    violation = services.violation_record(
        actor=people.prosecutor, case=case, kind=ViolationKind.RIGHTS, description="d"
    )
    assert_access_matrix(client, people, url("answer", case, act.pk), REFUSED, method="post", data={})
    assert_access_matrix(
        client,
        people,
        url("remedy", case, violation.pk),
        REFUSED,
        method="post",
        data={f"remedy-{violation.pk}-remedied_on": "1990-01-01"},  # before it was found: refused
    )


def test_the_decisions_on_the_indictment_are_the_named_supervisors_and_the_superiors(client, people, case):
    services.indictment_receive(actor=people.prosecutor, case=case)
    decide = {**CARD, "deputy": 403, "prosecutor": 422, "superior": 422}
    assert_access_matrix(
        client, people, url("approve", case), decide, method="post", data={"approve-version": "x"}
    )
    assert_access_matrix(client, people, url("return", case), decide, method="post", data={})
    assert_access_matrix(client, people, url("resume", case), REFUSED, method="post", data={})


def test_the_state_prosecutor_reads_the_card_of_a_case_in_court(client, people, case):
    services.indictment_receive(actor=people.prosecutor, case=case)
    services.indictment_approve(actor=people.prosecutor, case=SupervisedCase.objects.get(pk=case.pk))
    assert_access_matrix(client, people, url("detail", case), {**CARD, "court": 200})
    assert_access_matrix(client, people, url("edit", case), {**CARD, "court": 403})


def test_a_case_is_entered_through_the_form(client, people, audit_events):
    login_as(client, people.prosecutor)
    response = client.post(
        NEW,
        {
            "unit": people.xetai.pk,
            "body": people.police.pk,
            "number": "261100777",
            "investigator_name": "Polis kapitanı Əliyev Vüsal",
            "opened_on": (TODAY() - dt.timedelta(days=2)).isoformat(),
            "articles": "177.2.3",
            "summary": "Oğurluq.",
            "supervise_myself": "on",
        },
    )
    case = SupervisedCase.objects.get(number="261100777")
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.supervisor == people.prosecutor and case.category == 2
    assert audit_events("supervision.case.created")


def test_a_refused_entry_shows_the_form_again(client, people):
    login_as(client, people.prosecutor)
    response = client.post(
        NEW,
        {
            "unit": people.xetai.pk,
            "body": people.police.pk,
            "number": "261100778",
            "investigator_name": "X",
            "opened_on": TODAY().isoformat(),
            "articles": "99999",
            "summary": "S",
        },
    )
    assert response.status_code == 422
    assert SupervisedCase.objects.count() == 0


def test_reading_the_card_is_audited_with_its_purpose(client, people, case, audit_events):
    login_as(client, people.superior)
    response = client.get(url("detail", case))
    assert response.status_code == 200
    assert case.summary in response.content.decode()
    (event,) = audit_events("supervision.case.viewed")
    assert event.purpose == "review" and event.actor_id == people.superior.pk
    assert event.target_id == str(case.public_id)


def test_a_refused_card_is_audited_and_not_read(client, people, case, audit_events):
    login_as(client, people.outsider)
    assert client.get(url("detail", case)).status_code == 404
    assert audit_events("access.denied") and audit_events("supervision.case.viewed") == []


def test_the_register_records_which_cases_it_showed(client, people, case, make_case, audit_events):
    make_case(unit=people.nesimi, actor=people.outsider, supervisor=people.outsider)
    login_as(client, people.prosecutor)
    response = client.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert case.number in content
    (event,) = audit_events("supervision.case.listed")
    assert event.purpose == "register" and '"count":1' in event.data.replace(" ", "")


def test_the_register_filters(client, people, case, make_case):
    other = make_case(body=people.other_police, opened_on=TODAY() - dt.timedelta(days=200))
    login_as(client, people.superior)
    assert other.number in client.get(LIST, {"overdue": "on"}).content.decode()
    assert case.number not in client.get(LIST, {"overdue": "on"}).content.decode()
    by_body = client.get(LIST, {"body": people.police.pk}).content.decode()
    assert case.number in by_body and other.number not in by_body
    assert other.number not in client.get(LIST, {"words": case.number}).content.decode()


def test_an_act_is_issued_answered_and_a_violation_recorded_from_the_card(client, people, case, audit_events):
    login_as(client, people.deputy)
    due = (TODAY() + dt.timedelta(days=5)).isoformat()
    response = client.post(
        url("act", case),
        {"act-kind": ActKind.INSTRUCTION, "act-text": "Ekspertiza təyin edilsin.", "act-due_date": due},
    )
    assert response.status_code == 302
    act = case.acts.get()
    response = client.post(
        url("answer", case, act.pk),
        {f"answer-{act.pk}-answer": "Təyin edilib.", f"answer-{act.pk}-accepted": "1"},
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.answer_accepted is True
    response = client.post(
        url("violation", case),
        {"violation-kind": ViolationKind.RIGHTS, "violation-description": "Vəkil verilməyib."},
    )
    assert response.status_code == 302
    assert audit_events("supervision.act.issued") and audit_events("supervision.violation.recorded")


def test_a_refused_action_shows_the_card_with_the_error(client, people, case):
    login_as(client, people.prosecutor)
    response = client.post(url("indictment", case), {"indictment-version": case.version})
    assert response.status_code == 302
    # The card was loaded before the change: its version is stale now.
    response = client.post(url("return", case), {"return-reason": "r", "return-version": case.version})
    assert response.status_code == 422
    assert SupervisedCase.objects.get(pk=case.pk).status == SupervisedStatus.INDICTMENT
    response = client.post(url("approve", case), {"approve-version": case.version + 1})
    assert response.status_code == 302
    assert SupervisedCase.objects.get(pk=case.pk).status == SupervisedStatus.SENT_TO_COURT


def test_the_details_are_corrected_on_the_edit_page(client, people, case):
    login_as(client, people.prosecutor)
    response = client.post(
        url("edit", case),
        {
            "version": case.version,
            "number": case.number,
            "investigator_name": "Yeni müstəntiq",
            "opened_on": case.opened_on.isoformat(),
            "articles": case.articles,
            "summary": case.summary,
        },
    )
    assert response.status_code == 302
    assert SupervisedCase.objects.get(pk=case.pk).investigator_name == "Yeni müstəntiq"


def test_the_statistics_page_shows_the_bodies(client, people, case):
    login_as(client, people.superior)
    response = client.get(STATISTICS, {"date_from": (TODAY() - dt.timedelta(days=30)).isoformat()})
    assert response.status_code == 200
    assert people.police.name in response.content.decode()
    assert client.get(STATISTICS, {"date_from": "2026-05-01", "date_to": "2026-04-01"}).status_code == 200


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_register_and_the_card_have_query_ceilings(client, people, make_case):
    cases = [make_case() for _ in range(3)]
    for case in cases:
        services.act_issue(
            actor=people.prosecutor, case=case, kind=ActKind.DEMAND, text="t", due_date=TODAY()
        )
        services.violation_record(
            actor=people.prosecutor, case=case, kind=ViolationKind.RIGHTS, description="d"
        )
    login_as(client, people.superior)
    _queries(client, LIST)  # the first request of the session warms its caches
    few = _queries(client, LIST)
    for _ in range(10):
        make_case()
    assert _queries(client, LIST) == few  # no query per row
    assert few <= audited(12)
    card = _queries(client, url("detail", cases[0]))
    assert card <= audited(16)
