"""The telephony endpoint: signed events from a PBX mapped onto calls, driven by the bundled simulator
(through the Django test client: the same bytes and headers it sends over HTTP)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from eprok.audit.models import AuditEvent
from eprok.contact import pbx as signing
from eprok.contact.models import Call, CallStatus, PbxOperator
from eprok.core.testing.queries import audited
from simulators.pbx import PbxSimulator, Response, scripts

pytestmark = pytest.mark.django_db


def client_transport(client):
    def post(path: str, body: bytes, headers: dict[str, str]) -> Response:
        answer = client.generic("POST", path, body, content_type="application/json", headers=headers)
        return Response(answer.status_code, answer.json())

    return post


@pytest.fixture
def simulator(client, pbx):
    return PbxSimulator(pbx_code=pbx.code, secret=signing.demo_secret(), transport=client_transport(client))


def refusals(reason: str | None = None) -> list[AuditEvent]:
    events = list(AuditEvent.objects.filter(action="contact.pbx.event_refused"))
    return [e for e in events if reason is None or f'"reason":"{reason}"' in e.data]


def test_a_call_is_offered_answered_and_ended(simulator, people, audit_events):
    PbxOperator.objects.create(
        pbx_id=simulator_pbx(simulator), extension="1001", employee=people.investigator
    )
    responses = simulator.call(
        caller_number="050 123 45 67", operator="1001", ring_seconds=10, talk_seconds=120
    )
    assert [r.status for r in responses] == [201, 200, 200]
    call = Call.objects.get()
    assert call.caller_number == "+994501234567" and call.called_number == "+994129610000"
    assert call.operator == people.investigator and call.status == CallStatus.ENDED
    assert 100 <= (call.handling_seconds or 0) <= 130
    assert call.recording_url.endswith(".wav") and call.caller_notified and call.recording_retain_until
    assert [e.action for e in audit_events() if e.action.startswith("contact.call")] == [
        "contact.call.offered",
        "contact.call.answered",
        "contact.call.ended",
    ]


def simulator_pbx(simulator):
    from eprok.contact.models import Pbx

    return Pbx.objects.get(code=simulator.pbx_code).pk


def test_an_operator_is_found_by_login_when_no_extension_is_mapped(simulator, people):
    simulator.call(caller_number="+994551112233", operator=people.peer.username, hang_up=False)
    call = Call.objects.get()
    assert call.operator == people.peer and call.status == CallStatus.ANSWERED


def test_an_unknown_or_unauthorised_operator_leaves_the_call_untaken(simulator, people):
    simulator.call(caller_number="+994551112233", operator=people.outsider.username, hang_up=False)
    call = Call.objects.get()
    assert call.operator is None and call.status == CallStatus.ANSWERED


def test_an_unanswered_call_is_missed(simulator):
    simulator.call(caller_number="+994551112233", operator=None)
    call = Call.objects.get()
    assert call.status == CallStatus.MISSED and call.recording_url == ""


def test_the_same_event_twice_changes_nothing(simulator, people):
    first = simulator.offer("abc-1", caller_number="+994551112233")
    again = simulator.offer("abc-1", caller_number="+994709998877")
    assert (first.status, again.status) == (201, 200) and again.body["changed"] is False
    simulator.answer("abc-1", operator=people.peer.username)
    version = Call.objects.get().version
    repeated = simulator.answer("abc-1", operator=people.investigator.username)
    assert repeated.status == 200 and repeated.body["changed"] is False
    simulator.end("abc-1")
    assert simulator.end("abc-1").body["changed"] is False
    call = Call.objects.get()
    assert (
        call.caller_number == "+994551112233" and call.operator == people.peer and call.version == version + 1
    )


def test_answered_or_ended_for_an_unknown_call_is_404_and_audited(simulator):
    response = simulator.answer("never-offered", operator="1001")
    assert response.status == 404 and response.body["code"] == "unknown_call"
    assert simulator.end("never-offered").status == 404
    assert len(refusals("unknown_call")) == 2 and not Call.objects.exists()


def test_a_bad_secret_is_401_and_audited(simulator):
    event = {"type": "call.offered", "call_id": "x", "time": timezone.now().isoformat(), "caller_number": ""}
    response = simulator.send(event, secret="not-the-secret-at-all")
    assert response.status == 401 and response.body["code"] == "unauthenticated"
    assert refusals("bad_signature") and not Call.objects.exists()


def test_a_replayed_event_older_than_five_minutes_is_refused(simulator):
    event = {"type": "call.offered", "call_id": "x", "time": timezone.now().isoformat(), "caller_number": ""}
    stale = int(time.time()) - signing.MAX_AGE_SECONDS - 5
    assert simulator.send(event, timestamp=stale).status == 401
    assert refusals("stale_timestamp") and not Call.objects.exists()


def test_an_unknown_or_inactive_pbx_is_refused(client, pbx):
    unknown = PbxSimulator(
        pbx_code="no-such-pbx", secret=signing.demo_secret(), transport=client_transport(client)
    )
    assert unknown.offer("x", caller_number="").status == 401
    pbx.is_active = False
    pbx.save()
    known = PbxSimulator(pbx_code=pbx.code, secret=signing.demo_secret(), transport=client_transport(client))
    assert known.offer("x", caller_number="").status == 401
    assert len(refusals("unknown_pbx")) == 2


def test_a_secret_other_than_the_registered_one_is_refused(client, pbx, settings):
    settings.EPROK_PBX_SECRETS = {pbx.code: "a-different-secret-in-the-environment"}
    simulator = PbxSimulator(
        pbx_code=pbx.code, secret="a-different-secret-in-the-environment", transport=client_transport(client)
    )
    assert simulator.offer("x", caller_number="").status == 401
    assert refusals("secret_mismatch")


def test_a_missing_signature_is_refused(client, pbx):
    body = json.dumps({"type": "call.offered", "call_id": "x", "time": timezone.now().isoformat()})
    response = client.post(f"/api/v1/contact/pbx/{pbx.code}/events", body, content_type="application/json")
    assert response.status_code == 401 and refusals()


def test_malformed_events_are_refused_with_the_field_named(simulator):
    bad_type = simulator.send(
        {"type": "call.transferred", "call_id": "x", "time": timezone.now().isoformat()}
    )
    assert bad_type.status == 422
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    in_future = simulator.send({"type": "call.offered", "call_id": "x", "time": future})
    assert in_future.status == 422 and "time" in in_future.body["details"]
    simulator.offer("y", caller_number="")
    ftp = simulator.send(
        {
            "type": "call.ended",
            "call_id": "y",
            "time": timezone.now().isoformat(),
            "recording_url": "ftp://x/y",
        }
    )
    assert ftp.status == 422 and "recording_url" in ftp.body["details"]
    assert Call.objects.get().ended_at is None


def test_a_withheld_number_is_a_call_without_a_number(simulator):
    assert simulator.offer("w", caller_number="anonymous").status == 201
    assert Call.objects.get().caller_number == ""


def test_the_hotline_pbx_keeps_no_callers_number(client, hotline_pbx):
    simulator = PbxSimulator(
        pbx_code=hotline_pbx.code,
        secret=signing.demo_secret(),
        transport=client_transport(client),
        centre="161",
    )
    simulator.offer("h1", caller_number="+994551112233")
    call = Call.objects.get()
    assert call.centre == "161" and call.caller_number == ""
    assert "+994551112233" not in "".join(AuditEvent.objects.values_list("data", flat=True))


def test_a_burst_of_simulated_calls_is_recorded_in_bounded_queries(
    simulator, people, django_assert_max_num_queries
):
    PbxOperator.objects.create(
        pbx_id=simulator_pbx(simulator), extension="1001", employee=people.investigator
    )
    plan = list(scripts(6, operators=["1001"], seed=7))
    for script in plan:
        simulator.call(caller_number=script.caller_number, operator=script.operator)
    assert Call.objects.count() == 6
    assert Call.objects.filter(status=CallStatus.MISSED).count() == sum(1 for s in plan if s.operator is None)
    with django_assert_max_num_queries(audited(14)):
        simulator.offer("one-more", caller_number="+994501112233")
