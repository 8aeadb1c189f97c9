"""The appeals API: the access matrix, idempotent registration, the rules refused with their codes,
optimistic locking, query ceilings, and the e-Government inbound endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eprok.appeals import services
from eprok.appeals.models import Appeal, AppealAttachment, AppealStatus, Channel
from eprok.appeals.tests.factories import answer, make_appeal, topic
from eprok.audit.models import AuditEvent
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.core.testing.queries import audited

pytestmark = pytest.mark.django_db

BASE = "/api/v1/appeals"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, user, path, data, **headers):
    return client.post(
        path,
        data=json.dumps(data),
        content_type="application/json",
        headers={**bearer(make_token(user)), **headers},
    )


def get(client, user, path, **params):
    return client.get(path, params, headers=bearer(make_token(user)))


def body(people, **fields):
    return {
        "unit": people.unit.code,
        "channel": "letter",
        "kind": "complaint",
        "text": "Xətai rayonunda polis əməkdaşı ərizəmi qəbul etmədi.",
        "applicant": {"last_name": "Əliyev", "first_name": "Kamran", "phone": "050 111 22 33"},
        "topic": "police-misconduct",
        **fields,
    }


# --- the access matrix -------------------------------------------------------------------------------

READERS = {
    "anonymous": 401,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "approver": 200,
    "superior": 200,
    "clerk": 200,
}


def tokens(people):
    return {name: make_token(people.by_name(name) or people.clerk) for name in READERS if name != "anonymous"}


def matrix(client, people, path, expected, *, method="get", data=None):
    failures = []
    for name, want in expected.items():
        user = getattr(people, name, None) if name != "anonymous" else None
        headers = bearer(make_token(user)) if user is not None else {}
        kwargs: dict[str, Any] = {"headers": headers}
        if data is not None:
            kwargs.update(data=json.dumps(data), content_type="application/json")
        response = getattr(client, method)(path, **kwargs)
        if response.status_code != want:
            failures.append(f"{name}: {response.status_code} != {want} ({response.content[:200]!r})")
    assert not failures, "\n".join(failures)


def test_who_reads_an_appeal(client, people, appeal):
    matrix(client, people, f"{BASE}/{appeal.number}", READERS)


def test_who_writes_a_resolution(client, people, appeal):
    data = {"executor_unit": people.unit.code, "instruction": "Baxılsın."}
    matrix(
        client,
        people,
        f"{BASE}/{appeal.number}/route",
        {"anonymous": 401, "outsider": 404, "colleague": 404, "clerk": 403},
        method="post",
        data=data,
    )
    assert post(client, people.approver, f"{BASE}/{appeal.number}/route", data).status_code == 201


def test_the_session_access_matrix_helper_agrees(client, people, appeal):
    personas = cast(Any, people)  # the shared personas plus the register's own
    assert_access_matrix(
        client, personas, f"{BASE}/{appeal.number}", {"anonymous": 401, "outsider": 404, "clerk": 200}
    )


def test_a_read_is_audited(client, people, appeal):
    response = get(client, people.clerk, f"{BASE}/{appeal.number}")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == appeal.number and data["answer_deadline"]["rule"] == "appeals.10.answer"
    assert data["applicant"]["fin"] == "5ZJ7K2P"
    assert AuditEvent.objects.filter(action="appeals.appeal.viewed", purpose="api").count() == 1


def test_the_list_shows_only_visible_appeals_in_a_bounded_number_of_queries(client, people):
    for _ in range(5):
        make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    make_appeal(actor=people.outsider, unit=people.other_unit)  # registered in Nəsimi: not the clerk's
    token = make_token(people.clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BASE, {"limit": 50}, headers=bearer(token))
    assert response.status_code == 200 and response.json()["count"] == 5
    # token, grants, count, page (with its joins); the token's last-use update.
    assert len(queries) <= 7, [q["sql"] for q in queries]
    item = response.json()["items"][0]
    assert item["topic"]["code"] == "housing" and item["unit"]["code"] == people.unit.code


def test_the_list_filters_like_the_page(client, people):
    first = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    make_appeal(actor=people.clerk, unit=people.unit, topic=topic("labour"))
    response = get(client, people.clerk, BASE, topic="housing")
    assert [i["number"] for i in response.json()["items"]] == [first.number]
    response = get(client, people.clerk, BASE, q="Mamedov Vuqar")
    assert response.json()["count"] == 2
    response = get(client, people.clerk, BASE, q=first.number[-5:])
    assert first.number in [i["number"] for i in response.json()["items"]]
    assert get(client, people.clerk, BASE, due="soon").status_code == 422


# --- registration ----------------------------------------------------------------------------------------


def test_registration_is_idempotent_with_a_key(client, people, audit_events):
    first = post(client, people.clerk, BASE, body(people), **{"Idempotency-Key": "letter-17"})
    again = post(client, people.clerk, BASE, body(people), **{"Idempotency-Key": "letter-17"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Appeal.objects.count() == 1
    # The topic escalates: the police supervision department is told and sees it.
    assert first.json()["escalated_to"]["code"] == "gpo-police-supervision"


def test_registration_needs_the_role_in_the_unit(client, people):
    response = post(client, people.outsider, BASE, body(people))
    assert response.status_code == 403 and not Appeal.objects.exists()


def test_registration_refuses_bad_fields_with_their_names(client, people):
    response = post(client, people.clerk, BASE, body(people, text="", topic="no-such"))
    assert response.status_code == 422 and not Appeal.objects.exists()
    response = post(client, people.clerk, BASE, body(people, applicant={"fin": "12"}))
    assert response.status_code == 422 and "fin" in response.json()["details"]


def test_an_anonymous_letter_is_registered_and_left_unconsidered(client, people):
    response = post(client, people.clerk, BASE, body(people, applicant=None))
    assert response.status_code == 201
    assert (
        response.json()["status"] == "left_unconsidered" and response.json()["unconsidered_ground"] == "6.4"
    )


# --- the rules, refused with their codes -------------------------------------------------------------------


def test_the_api_refuses_to_route_to_the_body_complained_about(client, people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, complained_unit=people.other_unit)
    response = post(
        client,
        people.approver,
        f"{BASE}/{appeal.number}/route",
        {"executor_unit": people.other_unit.code, "instruction": "Baxılsın."},
    )
    assert response.status_code == 422 and response.json()["code"] == "complained_body"
    options = get(client, people.approver, f"{BASE}/{appeal.number}/routing-options", unit=people.unit.code)
    codes = [u["code"] for u in options.json()["units"]]
    assert people.other_unit.code not in codes and people.unit.code in codes
    assert {e["full_name"] for e in options.json()["executors"]} >= {people.investigator.full_name}


def test_the_api_refuses_to_forward_to_the_body_complained_about(client, people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, complained_unit=people.other_unit)
    response = post(
        client,
        people.approver,
        f"{BASE}/{appeal.number}/forward",
        {"to_unit": people.other_unit.code, "covering_letter": "Göndərilir."},
    )
    assert response.status_code == 422 and response.json()["code"] == "complained_body"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED


def test_a_stale_version_is_refused_with_409(client, people, appeal):
    path = f"{BASE}/{appeal.number}/route"
    data = {"executor_unit": people.unit.code, "instruction": "x"}
    response = post(client, people.approver, path, data, **{"If-Match": f'"{appeal.version + 3}"'})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"


def test_the_extension_is_granted_once(client, people, appeal):
    path = f"{BASE}/{appeal.number}/extensions"
    first = post(client, people.approver, path, {"reason": "Məlumat sorğusu göndərilib."})
    assert first.status_code == 201 and first.json()["extensions"][0]["length"] == 30
    again = post(client, people.approver, path, {"reason": "Yenə."})
    assert again.status_code == 422 and again.json()["code"] == "extension_not_allowed"


def test_closing_a_repeat_needs_three_merit_answers(client, people):
    earlier = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    answer(earlier, drafter=people.investigator, approver=people.approver)
    repeat = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    response = post(client, people.approver, f"{BASE}/{repeat.number}/close-as-repeat", {})
    assert response.status_code == 409 and response.json()["code"] == "repeat_rule_not_met"
    assert response.json()["details"]["merit_answers"] == 1


def test_the_answer_workflow_through_the_api(client, people, appeal):
    path = f"{BASE}/{appeal.number}"
    drafted = post(
        client, people.investigator, f"{path}/answer", {"text": "İzah edildi.", "outcome": "explained"}
    )
    assert drafted.status_code == 200 and drafted.json()["answer"]["status"] == "drafted"
    same = post(client, people.investigator, f"{path}/answer/approve", {})
    assert same.status_code == 403 and same.json()["code"] == "same_official"
    assert post(client, people.approver, f"{path}/answer/approve", {}).status_code == 200
    sent = post(client, people.investigator, f"{path}/answer/send", {"delivery_channel": "email"})
    assert (
        sent.status_code == 200
        and sent.json()["status"] == "answered"
        and sent.json()["outcome"] == "explained"
    )
    delivered = post(client, people.clerk, f"{path}/answer/deliver", {})
    assert delivered.json()["answer"]["status"] == "delivered"


def test_the_classifiers(client, people):
    data = get(client, people.clerk, f"{BASE}/classifiers").json()
    torture = next(t for t in data["topics"] if t["code"] == "torture")
    assert torture["escalation"] == "torture" and torture["escalate_to"] == "gpo-legal-support"
    assert len(data["topics"]) >= 25 and len(data["sectors"]) >= 15


def test_the_reception_log(client, people, audit_events):
    data = {
        "unit": people.unit.code,
        "received_at": timezone.now().isoformat(),
        "official": str(people.approver.public_id),
        "visitor_name": "Hüseynova Səbinə",
        "subject": "Oğlunun cinayət işi barədə",
    }
    assert post(client, people.outsider, f"{BASE}/reception", data).status_code == 403
    created = post(client, people.clerk, f"{BASE}/reception", data)
    assert created.status_code == 201 and created.json()["official"]["full_name"] == people.approver.full_name
    listed = get(client, people.clerk, f"{BASE}/reception")
    assert listed.json()["count"] == 1
    assert get(client, people.outsider, f"{BASE}/reception").json()["count"] == 0
    assert audit_events("appeals.reception_entry.listed")


# --- the e-Government inbound endpoint -----------------------------------------------------------------

MEMBER = "AZ/GOV/1234567/egov-portal"
SECRET = "egov-shared-secret-for-tests-0123456789"


@pytest.fixture
def egov(settings, people, tmp_path):
    settings.EPROK_EGOV_CLIENTS = {MEMBER: hashlib.sha256(SECRET.encode()).hexdigest()}
    settings.EPROK_EGOV_APPEALS_UNIT = people.unit.code
    settings.MEDIA_ROOT = tmp_path
    return people


def inbound(client, data, *, member=MEMBER, secret=SECRET, **headers):
    return client.post(
        f"{BASE}/egov/inbound",
        data=json.dumps(data),
        content_type="application/json",
        headers={"X-Road-Client": member, "Authorization": f"Bearer {secret}", **headers},
    )


def message(**fields):
    return {
        "message_id": "egov-2026-000123",
        "kind": "complaint",
        "text": "Rayon polis şöbəsi müraciətimə cavab vermir.",
        "applicant": {"last_name": "Quliyeva", "first_name": "Nərmin", "email": "nermin@example.az"},
        "received_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        **fields,
    }


def test_the_same_egov_message_twice_gives_one_appeal(client, egov):
    first = inbound(client, message())
    again = inbound(client, message())
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    (appeal,) = Appeal.objects.all()
    assert (
        appeal.channel == Channel.EGOV
        and appeal.registered_by is None
        and appeal.external_id == "egov-2026-000123"
    )


def test_the_message_id_may_come_in_the_x_road_header(client, egov):
    first = inbound(client, message(message_id=""), **{"X-Road-Id": "xr-1"})
    again = inbound(client, message(message_id=""), **{"X-Road-Id": "xr-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    missing = inbound(client, message(message_id=""))
    assert missing.status_code == 422 and Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("member", "secret"),
    [(MEMBER, "wrong-secret"), ("AZ/GOV/999/other", SECRET), ("", ""), (MEMBER, "")],
)
def test_an_unknown_client_or_a_wrong_secret_is_refused_and_audited(client, egov, member, secret):
    response = inbound(client, message(), member=member, secret=secret)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert not Appeal.objects.exists()
    event = AuditEvent.objects.get(action="appeals.appeal.egov_refused")
    assert SECRET not in (event.data or "") and "wrong-secret" not in (event.data or "")


def test_attachments_are_stored_and_a_bad_one_writes_nothing(client, egov, tmp_path):
    good = {"filename": "ərizə.pdf", "content_base64": base64.b64encode(PDF).decode()}
    response = inbound(client, message(attachments=[good]))
    assert response.status_code == 201
    (attachment,) = AppealAttachment.objects.all()
    assert attachment.original_name == "ərizə.pdf" and attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / attachment.storage_name).exists()
    program = {"filename": "scan.pdf", "content_base64": base64.b64encode(b"MZ\x90\x00rest").decode()}
    refused = inbound(client, message(message_id="egov-2", attachments=[good, program]))
    assert refused.status_code == 422
    not_base64 = inbound(
        client, message(message_id="egov-3", attachments=[{"filename": "a.pdf", "content_base64": "@@"}])
    )
    assert not_base64.status_code == 422
    assert Appeal.objects.count() == 1 and AppealAttachment.objects.count() == 1
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert AuditEvent.objects.filter(action="appeals.appeal.egov_refused").count() == 2


def test_an_egov_appeal_answers_in_the_api_list_for_its_unit(client, egov):
    inbound(client, message())
    response = get(client, egov.clerk, BASE, channel="egov")
    assert response.json()["count"] == 1


def test_the_list_query_count_does_not_grow_with_the_rows(client, people):
    token = make_token(people.clerk)
    make_appeal(actor=people.clerk, unit=people.unit)
    client.get(BASE, headers=bearer(token))  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        client.get(BASE, headers=bearer(token))
    for _ in range(6):
        appeal = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
        services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            executor=people.investigator,
            instruction="x",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(BASE, headers=bearer(token))
    assert len(many) == len(one)


def test_a_card_read_is_bounded(client, people, appeal):
    token = make_token(people.clerk)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{BASE}/{appeal.number}", headers=bearer(token)).status_code == 200
    assert len(queries) <= audited(16), [q["sql"][:120] for q in queries]
