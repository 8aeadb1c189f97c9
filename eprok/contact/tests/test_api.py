"""The API: calls, callbacks, copy requests, hotline reports and analytics, with tokens and scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.audit.models import AuditEvent
from eprok.contact import services
from eprok.contact.models import Call, CallStatus, HotlineStatus
from eprok.contact.tests.factories import NUMBER, hotline_report, open_call, registered_call
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token

pytestmark = pytest.mark.django_db

API = "/api/v1/contact"


@pytest.fixture
def token(people):
    return make_token(people.investigator)


def test_the_call_list_shows_the_visible_calls_in_bounded_queries(
    client, people, token, django_assert_max_num_queries
):
    for _ in range(6):
        registered_call(actor=people.investigator, unit=people.unit)
    open_call(actor=people.outsider, unit=people.other_unit)
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/calls", {"status": "registered"}, headers=bearer(token))
    body = response.json()
    assert response.status_code == 200 and body["count"] == 6
    assert body["items"][0]["unit"]["code"] == people.unit.code and body["items"][0]["operator"]["full_name"]


def test_a_call_is_404_outside_the_centre(client, people):
    call = open_call(actor=people.investigator, unit=people.unit)
    assert_access_matrix(
        client,
        people,
        f"{API}/calls/{call.public_id}",
        {
            "anonymous": 401,
            "outsider": 404,
            "colleague": 404,
            "custodian": 404,
            "investigator": 200,
            "superior": 200,
        },
    )


def test_opening_a_call_is_idempotent(client, people, token):
    payload = {"unit": people.unit.code, "centre": "961", "caller_number": "050 123 45 67"}
    headers = {**bearer(token), "Idempotency-Key": "call-1"}
    first = client.post(f"{API}/calls", payload, content_type="application/json", headers=headers)
    again = client.post(f"{API}/calls", payload, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["public_id"] == again.json()["public_id"] and Call.objects.count() == 1
    assert first.json()["caller_number"] == NUMBER


def test_opening_a_call_in_another_unit_is_refused(client, people, token):
    payload = {"unit": people.other_unit.code, "centre": "961"}
    response = client.post(f"{API}/calls", payload, content_type="application/json", headers=bearer(token))
    assert response.status_code == 403


def test_registering_with_a_stale_version_is_409(client, people, token):
    call = open_call(actor=people.investigator, unit=people.unit)
    body = {"outcome": "information", "summary": "İzah edildi."}
    stale = client.post(
        f"{API}/calls/{call.public_id}/register",
        body,
        content_type="application/json",
        headers={**bearer(token), "If-Match": str(call.version + 1)},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    done = client.post(
        f"{API}/calls/{call.public_id}/register",
        {**body, "version": call.version, "caller_fin": "5zx9k2a"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert done.status_code == 200 and done.json()["status"] == CallStatus.REGISTERED
    assert done.json()["caller_fin"] == "5ZX9K2A"


def test_an_appeal_and_a_crime_report_from_calls(client, people, token):
    call = open_call(actor=people.investigator, unit=people.unit)
    appeal = client.post(
        f"{API}/calls/{call.public_id}/appeal",
        {
            "kind": "application",
            "text": "Cinayət işinin gedişi barədə məlumat istəyir.",
            "applicant": {"last_name": "Əliyev"},
        },
        content_type="application/json",
        headers=bearer(token),
    )
    assert appeal.status_code == 200 and appeal.json()["appeal_number"].startswith("AP-")
    other = open_call(actor=people.investigator, unit=people.unit)
    referred = client.post(
        f"{API}/calls/{other.public_id}/crime-report",
        {"unit": people.unit.code, "summary": "Küçədə dava baş verib."},
        content_type="application/json",
        headers=bearer(token),
    )
    assert referred.status_code == 200 and referred.json()["material_number"].startswith("CM-")


def test_the_history_and_the_recording(client, people, token):
    earlier = registered_call(actor=people.investigator, unit=people.unit)
    call = open_call(actor=people.investigator, unit=people.unit)
    history = client.get(f"{API}/calls/{call.public_id}/history", headers=bearer(token)).json()
    assert [c["public_id"] for c in history["calls"]] == [str(earlier.public_id)]
    assert client.get(f"{API}/calls/{call.public_id}/recording", headers=bearer(token)).status_code == 404
    Call.objects.filter(pk=call.pk).update(recording_url="https://pbx.example.az/r/1.wav")
    detail = client.get(f"{API}/calls/{call.public_id}", headers=bearer(token)).json()
    assert detail["has_recording"] and "recording_url" not in detail
    recording = client.get(f"{API}/calls/{call.public_id}/recording", headers=bearer(token))
    assert recording.json()["url"] == "https://pbx.example.az/r/1.wav"
    assert AuditEvent.objects.filter(action="contact.call.recording_opened").count() == 1


def test_a_read_only_token_cannot_write(client, people):
    token = make_token(people.investigator, scopes=["read"])
    call = open_call(actor=people.investigator, unit=people.unit)
    response = client.post(
        f"{API}/calls/{call.public_id}/take", {}, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


def test_callbacks_and_copy_requests(client, people, token, django_assert_max_num_queries):
    call = registered_call(actor=people.investigator, unit=people.unit)
    due = (timezone.now() + dt.timedelta(hours=4)).isoformat()
    created = client.post(
        f"{API}/calls/{call.public_id}/callbacks",
        {"due_at": due},
        content_type="application/json",
        headers=bearer(token),
    )
    assert created.status_code == 201
    with django_assert_max_num_queries(8):
        listed = client.get(f"{API}/callbacks", {"mine": True}, headers=bearer(token)).json()
    assert listed["count"] == 1
    done = client.post(
        f"{API}/callbacks/{created.json()['id']}/complete",
        {"result": "Zəng edildi."},
        content_type="application/json",
        headers=bearer(token),
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    copy = client.post(
        f"{API}/calls/{call.public_id}/copy-requests",
        {"requester": "Məmmədov Elçin"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert copy.status_code == 201 and copy.json()["status"] == "refused"  # the call has no recording
    with django_assert_max_num_queries(8):
        everything = client.get(f"{API}/recording-requests", {"status": ""}, headers=bearer(token)).json()
    assert everything["count"] == 1


def test_hotline_reports_never_show_an_identity(client, people, token, django_assert_max_num_queries):
    report = hotline_report(
        actor=people.peer, unit=people.unit, identity={"name": "Gizli Şəxs", "fin": "6RD3PW1"}
    )
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    with django_assert_max_num_queries(8):
        listed = client.get(f"{API}/hotline", headers=bearer(token))
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["identity_held"] is True
    detail = client.get(f"{API}/hotline/{report.number}", headers=bearer(token))
    assert (
        detail.status_code == 200
        and "Gizli" not in detail.content.decode()
        and "6RD3PW1" not in detail.content.decode()
    )
    triaged = client.post(
        f"{API}/hotline/{report.number}/triage",
        {"outcome": "forwarded", "agency": "Səhiyyə Nazirliyi", "covering_note": "Aidiyyəti üzrə."},
        content_type="application/json",
        headers=bearer(token),
    )
    assert triaged.status_code == 200 and triaged.json()["status"] == HotlineStatus.FORWARDED
    again = client.post(
        f"{API}/hotline/{report.number}/triage",
        {"outcome": "explained", "explanation": "x"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert again.status_code == 409


def test_registering_a_letter_and_replying_through_the_api(client, people, token):
    created = client.post(
        f"{API}/hotline",
        {
            "unit": people.unit.code,
            "channel": "letter",
            "text": "Vergi müfəttişi pul tələb edir.",
            "sector": "tax",
        },
        content_type="application/json",
        headers=bearer(token),
    )
    assert created.status_code == 201 and created.json()["channel"] == "letter"
    web, _code = services.hotline_report_submit_public(text="Gömrükdə rüşvət.")
    services.hotline_report_assign(actor=people.peer, report=web, assignee=people.investigator)
    reply = client.post(
        f"{API}/hotline/{web.number}/messages",
        {"text": "Hansı gömrük postu?"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert reply.status_code == 201 and reply.json()["messages"][-1]["side"] == "staff"
    peer_token = make_token(people.peer)
    refused = client.post(
        f"{API}/hotline/{web.number}/messages",
        {"text": "x"},
        content_type="application/json",
        headers=bearer(peer_token),
    )
    assert refused.status_code == 403


def test_the_analytics(client, people, token):
    hotline_report(actor=people.peer, unit=people.unit, sector="health")
    hotline_report(actor=people.peer, unit=people.unit, sector="police", corruption_type="abuse_of_office")
    body = client.get(f"{API}/hotline/analytics", {"date_from": "2000-01-01"}, headers=bearer(token)).json()
    assert body["total"] == 2
    assert {bar["key"]: bar["count"] for bar in body["by_sector"]} == {"health": 1, "police": 1}


def test_pbx_events_need_no_token_but_a_signature(client, pbx):
    response = client.post(
        f"{API}/pbx/{pbx.code}/events",
        {"type": "call.offered", "call_id": "x", "time": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_a_list_is_not_an_audited_read_but_a_card_is(client, people, token):
    call = open_call(actor=people.investigator, unit=people.unit)
    before = AuditEvent.objects.count()
    client.get(f"{API}/calls", headers=bearer(token))
    assert AuditEvent.objects.count() == before
    client.get(f"{API}/calls/{call.public_id}", headers=bearer(token))
    assert AuditEvent.objects.filter(action="contact.call.viewed", purpose="api").count() == 1
