"""The person API: search, read (audited), create with idempotency keys, update with versions, rows, merge."""

from __future__ import annotations

import pytest

from eprok.core.testing.api import bearer, make_token
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory
from eprok.persons.models import Person, PersonDocument, PersonMerge, PersonPhone
from eprok.persons.tests.factories import make_person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/persons"


@pytest.fixture
def headers(personas):
    return bearer(make_token(personas.investigator))


def test_a_search_returns_pages_of_masked_results(client, headers):
    make_person(last_name="Məmmədov", first_name="Əli", fin="5ZXK2P7")
    make_person(last_name="Mamedova", first_name="Günel")
    make_person(last_name="Əliyev", first_name="Vüqar")
    body = client.get(BASE, {"q": "Мамедов", "limit": 1, "offset": 1}, headers=headers).json()
    assert body["count"] == 2 and body["limit"] == 1
    [item] = body["items"]  # Azerbaijani order: Mamedova before Məmmədov
    assert item["display_name"] == "Məmmədov Əli Əli oğlu"
    assert item["fin_masked"] == "5Z****7" and "fin" not in item


def test_the_search_has_a_query_ceiling(client, headers, django_assert_max_num_queries):
    for i in range(40):
        make_person(last_name="Məmmədov", first_name=f"Ad{i}")
    with django_assert_max_num_queries(6):
        body = client.get(BASE, {"q": "Mammadov", "limit": 200}, headers=headers).json()
    assert body["count"] == 40


def test_an_invalid_filter_is_a_validation_error(client, headers):
    response = client.get(BASE, {"kind": "robot"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_reading_a_person_returns_everything_and_is_audited(client, headers, personas, audit_events):
    person = make_person(fin="5ZXK2P7")
    PersonPhone.objects.create(person=person, number="+994501234567")
    body = client.get(f"{BASE}/{person.public_id}", headers=headers).json()
    assert body["fin"] == "5ZXK2P7"
    assert body["phones"][0]["number"] == "+994501234567"
    assert body["version"] == 1
    [event] = audit_events("persons.person.viewed")
    assert event.purpose == "api" and event.actor_id == personas.investigator.pk


def test_creating_with_an_idempotency_key_creates_once(client, headers, audit_events):
    payload = {"kind": "natural", "last_name": "Əliyev", "first_name": "Vüqar", "fin": "0a1b2c3"}
    first = client.post(
        BASE, payload, content_type="application/json", headers={**headers, "Idempotency-Key": "k1"}
    )
    again = client.post(
        BASE, payload, content_type="application/json", headers={**headers, "Idempotency-Key": "k1"}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["public_id"] == again.json()["public_id"]
    assert first.json()["fin"] == "0A1B2C3"
    assert Person.objects.count() == 1
    assert len(audit_events("persons.person.created")) == 1
    other = {**payload, "first_name": "Vüsal"}
    reused = client.post(
        BASE, other, content_type="application/json", headers={**headers, "Idempotency-Key": "k1"}
    )
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_a_refused_creation_names_the_fields(client, headers):
    response = client.post(
        BASE, {"kind": "legal", "voen": "2914177722"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    details = response.json()["details"]
    assert set(details) == {"legal_name", "voen"}


def test_an_update_takes_the_version_from_the_body_or_if_match(client, headers):
    person = make_person(first_name="Əli")
    url = f"{BASE}/{person.public_id}"
    ok = client.patch(
        url, {"first_name": "Vəli", "version": 1}, content_type="application/json", headers=headers
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        url, {"first_name": "Rza"}, content_type="application/json", headers={**headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    fresh = client.patch(
        url, {"first_name": "Rza"}, content_type="application/json", headers={**headers, "If-Match": "2"}
    )
    assert fresh.status_code == 200 and fresh.json()["first_name"] == "Rza"


def test_rows_are_added_idempotently_and_removed(client, headers, audit_events):
    person = make_person()
    url = f"{BASE}/{person.public_id}"
    doc = {"kind": "id_card", "number": "AZE12345678"}
    keyed = {**headers, "Idempotency-Key": "d1"}
    first = client.post(f"{url}/documents", doc, content_type="application/json", headers=keyed)
    again = client.post(f"{url}/documents", doc, content_type="application/json", headers=keyed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["series"] == "AZE"
    assert PersonDocument.objects.count() == 1
    address = client.post(
        f"{url}/addresses",
        {"kind": "residence", "text": "Bakı, Nərimanov r."},
        content_type="application/json",
        headers=headers,
    )
    assert address.status_code == 201
    phone = client.post(
        f"{url}/phones", {"number": "050 123 45 67"}, content_type="application/json", headers=headers
    )
    assert phone.json()["number"] == "+994501234567"
    gone = client.delete(f"{url}/phones/{phone.json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert not PersonPhone.objects.exists()
    assert [e.action for e in audit_events()] == [
        "persons.document.added",
        "persons.address.added",
        "persons.phone.added",
        "persons.phone.removed",
    ]


def test_a_supervisor_merges_through_the_api(client, personas, audit_events):
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    headers = bearer(make_token(personas.superior))
    survivor = make_person(fin="5ZXK2P7")
    duplicate = make_person()
    dupes = client.get(f"{BASE}/{survivor.public_id}/duplicates", headers=headers).json()
    assert [d["public_id"] for d in dupes] == [str(duplicate.public_id)]
    response = client.post(
        f"{BASE}/{duplicate.public_id}/merge",
        {"survivor": str(survivor.public_id), "reason": "Eyni FİN"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["public_id"] == str(survivor.public_id)
    assert PersonMerge.objects.get().duplicate_id == duplicate.pk
    merged = client.get(BASE, {"q": str(duplicate.last_name)}, headers=headers).json()
    assert [i["public_id"] for i in merged["items"]] == [str(survivor.public_id)]


def test_a_read_only_token_cannot_write(client, personas):
    headers = bearer(make_token(personas.investigator, scopes=["read"]))
    response = client.post(
        BASE,
        {"kind": "natural", "last_name": "X", "first_name": "Y"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert not Person.objects.exists()


def test_nul_characters_are_refused(client, headers):
    response = client.post(
        BASE,
        {"kind": "natural", "last_name": "X\x00", "first_name": "Y"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
