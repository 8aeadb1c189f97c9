"""The e-Court's calls to eprok: hearings and decisions through the inbound X-Road endpoint."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from eprok.courtwork.models import Decision, Hearing
from eprok.gateway.models import Direction, Message, Outcome
from eprok.gateway.tests import ecourt_support
from eprok.gateway.tests.ecourt_support import (
    DECISIONS_URL,
    HEARINGS_URL,
    decision_body,
    hearing_body,
    post_xroad,
)
from eprok.notifications.models import Notification

# The shared fixtures (assigned, not imported, so a test's parameter does not shadow an import).
ca = ecourt_support.ca
in_court = ecourt_support.in_court
media = ecourt_support.media
people = ecourt_support.people


def new_id() -> str:
    return uuid.uuid4().hex


def test_a_hearing_from_the_court_lands_on_the_proceeding_and_the_prosecutor_is_told(
    client, in_court, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_xroad(
            client, HEARINGS_URL, hearing_body(case_number=in_court.case.number), xroad_id=new_id()
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    hearing = Hearing.objects.get(proceeding=in_court.proceeding)
    assert hearing.external_id == "H-1" and hearing.courtroom == "3"
    assert hearing.starts_at == dt.datetime(2030, 3, 2, 6, 0, tzinfo=dt.UTC)
    assert response.json()["hearing"] == hearing.pk
    assert Notification.objects.filter(recipient=in_court.people.prosecutor).exists()


def test_the_same_hearing_twice_makes_one_hearing_and_a_new_time_moves_it(client, in_court):
    body = hearing_body(case_number=in_court.case.number)
    assert post_xroad(client, HEARINGS_URL, body, xroad_id=new_id()).status_code == 200
    assert post_xroad(client, HEARINGS_URL, body, xroad_id=new_id()).status_code == 200
    assert Hearing.objects.filter(proceeding=in_court.proceeding).count() == 1
    moved = hearing_body(case_number=in_court.case.number, starts_at="2030-03-09T15:30:00+04:00")
    assert post_xroad(client, HEARINGS_URL, moved, xroad_id=new_id()).status_code == 200
    hearing = Hearing.objects.get(proceeding=in_court.proceeding)
    assert hearing.starts_at == dt.datetime(2030, 3, 9, 11, 30, tzinfo=dt.UTC)


def test_a_repeated_message_id_gets_the_first_answer_without_a_second_effect(client, in_court):
    xroad_id = new_id()
    first = post_xroad(
        client, HEARINGS_URL, hearing_body(case_number=in_court.case.number), xroad_id=xroad_id
    )
    # The repeat carries another hearing: it is not processed, the first answer comes back.
    second = post_xroad(
        client, HEARINGS_URL, hearing_body(case_number=in_court.case.number, id="H-2"), xroad_id=xroad_id
    )
    assert second.status_code == 200 and second.json() == first.json()
    assert list(Hearing.objects.values_list("external_id", flat=True)) == ["H-1"]
    outcomes = list(
        Message.objects.filter(direction=Direction.IN, xroad_id=xroad_id).values_list("outcome", flat=True)
    )
    assert sorted(outcomes) == sorted([Outcome.OK, Outcome.DUPLICATE])


def test_the_court_reference_of_an_acknowledged_delivery_finds_the_proceeding(client, in_court):
    from eprok.courtwork.services import proceeding_update

    proceeding_update(actor=None, proceeding=in_court.proceeding, judge="", court_number="1-1(001)-555/2026")
    response = post_xroad(
        client, HEARINGS_URL, hearing_body(reference="1-1(001)-555/2026"), xroad_id=new_id()
    )
    assert response.status_code == 200, response.content
    assert Hearing.objects.filter(proceeding=in_court.proceeding).count() == 1


def test_a_verdict_records_the_decision_with_its_appeal_term_and_tells_the_prosecutor(
    client, in_court, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_xroad(
            client, DECISIONS_URL, decision_body(case_number=in_court.case.number), xroad_id=new_id()
        )
    assert response.status_code == 200, response.content
    decision = Decision.objects.get(proceeding=in_court.proceeding)
    assert decision.kind == "conviction" and decision.external_id == "D-1"
    assert decision.appeal_due is not None and decision.appeal_due > timezone.localdate()
    assert response.json()["appeal_due"] == decision.appeal_due.isoformat()
    in_court.proceeding.refresh_from_db()
    assert in_court.proceeding.status == "decided"
    assert Notification.objects.filter(recipient=in_court.people.prosecutor).count() >= 1
    # The same decision again (another message id): one decision.
    again = post_xroad(
        client, DECISIONS_URL, decision_body(case_number=in_court.case.number), xroad_id=new_id()
    )
    assert again.status_code == 200 and again.json()["created"] is False
    assert Decision.objects.filter(proceeding=in_court.proceeding).count() == 1


def test_a_decision_for_an_unknown_case_is_refused_logged_and_changes_nothing(client, in_court, audit_events):
    xroad_id = new_id()
    response = post_xroad(client, DECISIONS_URL, decision_body(case_number="NO-SUCH-CASE"), xroad_id=xroad_id)
    assert response.status_code == 404
    assert response["X-Road-Error"] == "Server.ServerProxy.ServiceFailed"
    assert response.json()["message"] == "no such case"
    logged = Message.objects.get(direction=Direction.IN, xroad_id=xroad_id)
    assert logged.outcome == Outcome.NOT_FOUND and logged.status_code == 404
    assert "NO-SUCH-CASE" in logged.request_body  # nothing lost: the message is in the log
    assert not Decision.objects.exists()
    # Sent again (the court retries): the same refusal, still no effect.
    assert (
        post_xroad(
            client, DECISIONS_URL, decision_body(case_number="NO-SUCH-CASE"), xroad_id=xroad_id
        ).status_code
        == 404
    )
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "hearing, field",
    [
        ({"starts_at": "2030-03-02T10:00:00"}, "hearing.starts_at"),  # no offset
        ({"starts_at": "next Monday"}, "hearing.starts_at"),
        ({"starts_at": "2030-02-30T10:00:00+04:00"}, "hearing.starts_at"),  # no such day
        ({"status": "adjourned"}, "hearing.status"),
        ({"id": ""}, "id"),
    ],
)
def test_an_invalid_hearing_is_refused_as_an_invalid_request(client, in_court, hearing, field):
    response = post_xroad(
        client, HEARINGS_URL, hearing_body(case_number=in_court.case.number, **hearing), xroad_id=new_id()
    )
    assert response.status_code == 400, response.content
    assert response["X-Road-Error"] == "Client.InvalidRequest"
    assert field in response.content.decode()
    assert not Hearing.objects.exists()


def test_an_unknown_decision_kind_is_refused(client, in_court):
    response = post_xroad(
        client,
        DECISIONS_URL,
        decision_body(case_number=in_court.case.number, kind="pardon"),
        xroad_id=new_id(),
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_a_client_off_the_allow_list_is_refused(client, in_court):
    response = post_xroad(
        client,
        HEARINGS_URL,
        hearing_body(case_number=in_court.case.number),
        xroad_id=new_id(),
        client_id="AZ/GOV/1200000071/egov",
    )
    assert response.status_code == 403
    assert not Hearing.objects.exists()


def test_the_simulator_pushes_a_hearing_after_an_indictment(
    in_court, xroad_ecourt, captured_pushes, django_capture_on_commit_callbacks
):
    """The e-Court's own call carries the reference it gave the indictment (what eprok must find)."""
    from eprok.gateway import ecourt

    with django_capture_on_commit_callbacks(execute=True):
        delivery = ecourt.delivery_queue(
            actor=in_court.people.prosecutor, kind="indictment", case=in_court.case, title="İttiham aktı"
        )
    delivery.refresh_from_db()
    status, result = xroad_ecourt.push_hearing(
        court_reference=delivery.court_reference,
        starts_at="2030-04-01T11:00:00+04:00",
        courtroom="5",
        judge="Hakim",
    )
    assert status == 200, result
    [request] = captured_pushes.requests
    body = request.json
    assert body["court_reference"] == delivery.court_reference
    # What the e-Court sent, posted to eprok's endpoint, finds the proceeding by that reference.
    from django.test import Client

    response = post_xroad(Client(), HEARINGS_URL, body, xroad_id=request.headers["x-road-id"])
    assert response.status_code == 200, response.content
    assert Hearing.objects.get(proceeding=in_court.proceeding).courtroom == "5"
