"""The register's API: the access matrix over every operation, filters, idempotent registration,
optimistic locking through `version` and If-Match, and query ceilings."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from eprok.audit.models import AuditEvent
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.core.testing.queries import audited
from eprok.materials import services
from eprok.materials.models import Material, MaterialStatus
from eprok.materials.tests.factories import make_material

pytestmark = pytest.mark.django_db

BASE = "/api/v1/materials"
GROUNDS = "Cinayət tərkibi yoxdur."


def body(people, **fields):
    return {
        "unit": people.unit.code,
        "source": "official_report",
        "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "summary": "Polis şöbəsinin raportu: küçədə silahlı soyğunçuluq.",
        "articles": "181.2",
        **fields,
    }


def post(client, user, path, data, **headers):
    return client.post(
        path,
        data=json.dumps(data),
        content_type="application/json",
        headers={**bearer(make_token(user)), **headers},
    )


# --- the access matrix -------------------------------------------------------------------------------

READERS = {
    "anonymous": 401,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "superior": 200,
    "clerk": 200,
}


def denied(expected: dict[str, int]) -> dict[str, int]:
    return {name: status for name, status in expected.items() if status >= 400}


def test_reads_follow_the_access_model(client, people, material):
    list_access = {
        "anonymous": 401,
        "outsider": 200,
        "colleague": 200,
        "investigator": 200,
        "superior": 200,
        "clerk": 200,
    }
    assert_access_matrix(client, people, BASE, list_access)
    assert_access_matrix(client, people, f"{BASE}/{material.number}", READERS)


def test_writes_are_refused_to_those_who_may_not_act_and_change_nothing(client, people, material, person):
    party = services.material_add_party(
        actor=people.investigator, material=material, person=person, role="victim"
    )
    worker = {"anonymous": 401, "outsider": 404, "colleague": 404, "superior": 403, "clerk": 403}
    assigner = {"anonymous": 401, "outsider": 404, "colleague": 404, "investigator": 403}
    extender = {"anonymous": 401, "outsider": 404, "colleague": 404, "investigator": 403, "clerk": 403}
    register = {"anonymous": 401, "outsider": 403, "colleague": 403, "investigator": 403, "superior": 403}
    m = f"{BASE}/{material.number}"
    cases = [
        (BASE, register, body(people)),
        (f"{m}/assign", assigner, {"assignee": str(people.colleague.public_id)}),
        (f"{m}/start", worker, {}),
        (f"{m}/actions", worker, {"kind": "explanation", "performed_on": "2026-01-02", "description": "x"}),
        (f"{m}/parties", worker, {"person": str(person.public_id), "role": "witness"}),
        (f"{m}/extensions", extender, {"step": "207.1.2-10", "reason": "x"}),
        (f"{m}/refuse", worker, {"refusal_ground": "39.1.1", "grounds": "x"}),
        (f"{m}/transfer", worker, {"grounds": "x", "to_body": "DİN"}),
        (f"{m}/join", worker, {"into": material.number, "grounds": "x"}),
    ]
    for path, expected, data in cases:
        assert_access_matrix(
            client,
            people,
            path,
            expected,
            method="post",
            data=json.dumps(data),
            content_type="application/json",
        )
    assert_access_matrix(client, people, f"{m}/parties/{party.pk}", worker, method="delete")
    material.refresh_from_db()
    assert material.status == MaterialStatus.REGISTERED and material.version == 2
    assert Material.objects.count() == 1 and material.parties.count() == 1


def test_only_a_supervisor_quashes_through_the_api(client, people, material):
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.1", grounds=GROUNDS
    )
    path = f"{BASE}/{material.number}/quash"
    expected = {"anonymous": 401, "outsider": 404, "colleague": 404, "investigator": 403, "clerk": 403}
    assert_access_matrix(
        client,
        people,
        path,
        expected,
        method="post",
        data=json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    response = post(client, people.superior, path, {"reason": "Yoxlama natamamdır."})
    assert response.status_code == 200 and response.json()["status"] == "in_check"


def test_a_token_without_the_write_scope_cannot_register(client, people):
    token = make_token(people.clerk, scopes=["read"])
    response = client.post(
        BASE, data=json.dumps(body(people)), content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


# --- the journey through the API ---------------------------------------------------------------------


def test_a_report_is_registered_checked_extended_and_refused_through_the_api(client, people, person):
    created = post(client, people.clerk, BASE, body(people, assignee=str(people.investigator.public_id)))
    assert created.status_code == 201
    report = created.json()
    number = report["number"]
    assert report["check_deadline"]["rule"] == "cpc.207.check" and report["check_deadline"]["explanation"]
    m = f"{BASE}/{number}"
    step = post(
        client,
        people.investigator,
        f"{m}/actions",
        {
            "kind": "explanation",
            "performed_on": timezone.localdate().isoformat(),
            "description": "İzahat",
            "version": 1,
        },
    )
    assert step.status_code == 201 and step.json()["status"] == "in_check" and step.json()["version"] == 2
    party = post(
        client, people.investigator, f"{m}/parties", {"person": str(person.public_id), "role": "victim"}
    )
    assert party.status_code == 201 and party.json()["parties"][0]["name"] == person.display_name
    extended = post(
        client, people.superior, f"{m}/extensions", {"step": "207.1.2-10", "reason": "Əlavə izahat"}
    )
    assert extended.status_code == 201 and extended.json()["check_deadline"]["total_days"] == 10
    refused = post(
        client,
        people.investigator,
        f"{m}/refuse",
        {"refusal_ground": "39.1.2", "grounds": GROUNDS},
        **{"If-Match": 'W/"4"'},
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert refused.json()["check_deadline"] is None


def test_an_extension_beyond_the_maximum_is_422(client, people, material):
    m = f"{BASE}/{material.number}/extensions"
    # The 30-day ground (expert opinion) may be used at once: it takes the check to 30 days.
    extended = post(client, people.superior, m, {"step": "207.1.2-30", "reason": "a"})
    assert extended.status_code == 201
    refused = post(client, people.superior, m, {"step": "207.1.2-10", "reason": "c", "length": 1})
    assert refused.status_code == 422 and refused.json()["code"] == "extension_not_allowed"


def test_a_stale_version_is_409_in_the_body_and_in_if_match(client, people, material):
    m = f"{BASE}/{material.number}"
    services.material_start_check(actor=people.investigator, material=material)
    stale = post(
        client, people.investigator, f"{m}/refuse", {"refusal_ground": "39.1.1", "grounds": "x", "version": 1}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert stale.json()["details"] == {"version": 2}
    header = post(
        client,
        people.investigator,
        f"{m}/refuse",
        {"refusal_ground": "39.1.1", "grounds": "x"},
        **{"If-Match": "1"},
    )
    assert header.status_code == 409
    bad = post(
        client,
        people.investigator,
        f"{m}/refuse",
        {"refusal_ground": "39.1.1", "grounds": "x"},
        **{"If-Match": "abc"},
    )
    assert bad.status_code == 422
    material.refresh_from_db()
    assert material.status == MaterialStatus.IN_CHECK


def test_an_anonymous_report_cannot_be_decided_into_a_case_but_can_be_refused(client, people):
    created = post(
        client,
        people.clerk,
        BASE,
        body(people, is_anonymous=True, source="hotline", assignee=str(people.investigator.public_id)),
    )
    assert created.status_code == 201 and created.json()["is_anonymous"] is True
    material = Material.objects.get(number=created.json()["number"])
    from eprok.core.errors import Conflict

    with pytest.raises(Conflict):
        services.material_mark_case_opened(
            actor=people.investigator, material=material, case_number="CI-1", grounds="x"
        )


def test_transfer_and_join_through_the_api(client, people):
    first = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    second = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    joined = post(
        client,
        people.investigator,
        f"{BASE}/{first.number}/join",
        {"into": second.number, "grounds": "Eyni hadisə"},
    )
    assert joined.status_code == 200 and joined.json()["joined_to"] == second.number
    moved = post(
        client,
        people.investigator,
        f"{BASE}/{second.number}/transfer",
        {"to_unit": "baku-nesimi", "grounds": "Aidiyyət"},
    )
    assert moved.status_code == 200 and moved.json()["transferred_to_unit"]["code"] == "baku-nesimi"
    nowhere = post(
        client, people.investigator, f"{BASE}/{first.number}/join", {"into": "CM-NONE", "grounds": "x"}
    )
    assert nowhere.status_code in (409, 422)


# --- idempotency -------------------------------------------------------------------------------------


def test_a_retried_registration_with_the_same_key_returns_the_same_report(client, people):
    token = make_token(people.clerk)
    headers = {**bearer(token), "Idempotency-Key": "reg-2026-0001"}
    data = json.dumps(body(people))
    first = client.post(BASE, data=data, content_type="application/json", headers=headers)
    again = client.post(BASE, data=data, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Material.objects.count() == 1
    assert AuditEvent.objects.filter(action="materials.material.registered").count() == 1


def test_a_registration_answers_with_the_report_as_a_retry_reads_it_within_a_query_ceiling(
    client, people, django_assert_max_num_queries
):
    post(client, people.clerk, BASE, body(people))  # the check rule is read once per process
    headers = {**bearer(make_token(people.clerk)), "Idempotency-Key": "reg-2026-0003"}
    data = json.dumps(body(people, assignee=str(people.investigator.public_id)))
    # With the assignee and their grants, and the statistical card (the report re-read, its cards, a card).
    with django_assert_max_num_queries(audited(23)):
        first = client.post(BASE, data=data, content_type="application/json", headers=headers)
    again = client.post(BASE, data=data, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["assignee"]["public_id"] == str(people.investigator.public_id)


def test_the_same_key_with_a_different_body_is_refused_with_409(client, people):
    token = make_token(people.clerk)
    headers = {**bearer(token), "Idempotency-Key": "reg-2026-0002"}
    client.post(BASE, data=json.dumps(body(people)), content_type="application/json", headers=headers)
    other = client.post(
        BASE, data=json.dumps(body(people, summary="Başqa")), content_type="application/json", headers=headers
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Material.objects.count() == 1


def test_without_a_key_every_request_registers(client, people):
    assert post(client, people.clerk, BASE, body(people)).status_code == 201
    assert post(client, people.clerk, BASE, body(people)).status_code == 201
    assert Material.objects.count() == 2


def test_a_refused_registration_is_422_with_field_details(client, people):
    response = post(client, people.clerk, BASE, body(people, summary=" ", articles="9999"))
    assert response.status_code == 422
    assert set(response.json()["details"]) >= {"summary", "articles"}
    response = post(client, people.clerk, BASE, body(people, unit="no-such-unit"))
    assert response.status_code == 422 and "unit" in response.json()["details"]


# --- lists and reads ---------------------------------------------------------------------------------


def test_the_list_filters_pages_and_has_a_query_ceiling(client, people, django_assert_max_num_queries):
    for i in range(25):
        make_material(
            actor=people.clerk,
            unit=people.unit,
            assignee=people.investigator if i < 10 else None,
            is_anonymous=i % 5 == 0,
        )
    headers = bearer(make_token(people.clerk))
    with django_assert_max_num_queries(6):
        page = client.get(BASE, {"limit": 200, "sort": "number"}, headers=headers).json()
    assert page["count"] == 25
    numbers = [item["number"] for item in page["items"]]
    assert numbers == sorted(numbers)
    assert client.get(BASE, {"assignee": "none"}, headers=headers).json()["count"] == 15
    assert client.get(BASE, {"anonymous": "true"}, headers=headers).json()["count"] == 5
    assert client.get(BASE, {"q": "qızıl"}, headers=headers).json()["count"] == 25
    assert client.get(BASE, {"due": "overdue"}, headers=headers).json()["count"] == 0
    assert client.get(BASE, {"unit": "baku", "subunits": "true"}, headers=headers).json()["count"] == 25
    assert client.get(BASE, {"unit": "baku"}, headers=headers).json()["count"] == 0
    assert client.get(BASE, {"sort": "drop table"}, headers=headers).status_code == 422


def test_a_read_through_the_api_is_audited(client, people, material):
    response = client.get(f"{BASE}/{material.number}", headers=bearer(make_token(people.superior)))
    assert (
        response.status_code == 200
        and response.json()["assignee"]["full_name"] == people.investigator.full_name
    )
    event = AuditEvent.objects.get(action="materials.material.viewed")
    assert event.actor_id == people.superior.pk and event.purpose == "api"


def test_the_operations_are_documented(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        op for path, item in schema["paths"].items() if path.startswith(BASE) for op in item.values()
    ]
    assert len(operations) == 13
    for operation in operations:
        assert operation.get("summary") and operation.get("description")
