"""The look-ups in the API (/api/v1/registers) against the registers' simulator."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.core.testing.queries import audited
from eprok.gateway.models import Lookup, LookupStatus, RegisterCopy
from eprok.persons.models import Person
from eprok.persons.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def make_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


URL = "/api/v1/registers/lookups"
PURPOSE = "Identifying the suspect in the check of the report"


def ask(client, user, **body):
    payload = {"register": "population", "query_kind": "fin", "query": "5ABC123", "purpose": PURPOSE, **body}
    return client.post(URL, payload, content_type="application/json", headers=bearer(make_token(user)))


def test_a_look_up_answers_with_the_registers_data(client, personas, xroad_registers, audit_events):
    response = ask(client, personas.investigator)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["register"] == "population" and body["status"] == "found"
    assert body["result"]["first_name"] == "Elçin"
    message = Lookup.objects.get().message
    assert message is not None and body["xroad_id"] == message.xroad_id
    assert audit_events("gateway.lookup.run")


def test_a_failing_register_is_a_failed_look_up_not_an_error(client, personas, xroad_registers):
    xroad_registers.control(garbage=1, service="person-v1")
    response = ask(client, personas.investigator)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed" and body["error"] and body["result"] == {"outcome": "bad_answer"}


def test_a_register_the_roles_do_not_allow_is_refused_and_audited(
    client, personas, xroad_registers, audit_events
):
    response = ask(client, personas.colleague)
    assert response.status_code == 403
    assert response.json()["code"] == "register_not_allowed"
    assert json.loads(audit_events("gateway.lookup.refused")[0].data)["reason"] == "role"


def test_a_look_up_without_a_purpose_is_refused_and_audited(client, personas, xroad_registers, audit_events):
    response = ask(client, personas.investigator, purpose="")
    assert response.status_code == 422
    assert "purpose" in response.json()["details"]
    assert audit_events("gateway.lookup.refused")


def test_a_bad_query_is_a_validation_error(client, personas, xroad_registers):
    response = ask(client, personas.investigator, query="5ABO123")
    assert response.status_code == 422
    assert "query" in response.json()["details"]


def test_a_look_up_from_a_subject_the_user_may_not_see_is_not_found(client, personas, xroad_registers):
    response = ask(client, personas.investigator, subject="case:CI-NOPE-2026-00001")
    assert response.status_code == 404
    assert not Lookup.objects.exists()


def test_the_list_and_the_detail_are_the_callers_own_and_audited(
    client, personas, xroad_registers, audit_events
):
    mine = ask(client, personas.investigator).json()["id"]
    ask(client, personas.outsider)
    token = make_token(personas.investigator)
    listed = client.get(URL, headers=bearer(token)).json()
    assert [item["id"] for item in listed["items"]] == [mine] and listed["count"] == 1
    assert audit_events("gateway.lookup.listed")
    assert client.get(f"{URL}/{mine}", headers=bearer(token)).status_code == 200
    assert audit_events("gateway.lookup.viewed")
    assert_access_matrix(
        client,
        personas,
        f"{URL}/{mine}",
        {"anonymous": 401, "outsider": 404, "colleague": 404, "investigator": 200},
    )


def test_a_population_answer_is_copied_into_a_person_record(client, personas, xroad_registers, audit_events):
    person = make_person(fin="5ABC123", last_name="Mammadov")
    lookup_id = ask(client, personas.investigator).json()["id"]
    response = client.post(
        f"{URL}/{lookup_id}/copy",
        {"person": str(person.public_id), "fields": ["last_name", "address"], "version": person.version},
        content_type="application/json",
        headers=bearer(make_token(personas.investigator)),
    )
    assert response.status_code == 201, response.content
    assert response.json()["fields"]["last_name"] == "Məmmədov"
    person.refresh_from_db()
    assert person.last_name == "Məmmədov"
    assert RegisterCopy.objects.get().person == person
    assert audit_events("gateway.lookup.copied")


def test_a_copy_with_a_stale_version_is_a_conflict(client, personas, xroad_registers):
    person = make_person(fin="5ABC123", last_name="Mammadov")
    lookup_id = ask(client, personas.investigator).json()["id"]
    response = client.post(
        f"{URL}/{lookup_id}/copy",
        {"person": str(person.public_id), "fields": ["last_name"], "version": person.version + 5},
        content_type="application/json",
        headers=bearer(make_token(personas.investigator)),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"


def test_a_read_only_token_cannot_look_up(client, personas, xroad_registers):
    response = client.post(
        URL,
        {"register": "population", "query_kind": "fin", "query": "5ABC123", "purpose": PURPOSE},
        content_type="application/json",
        headers=bearer(make_token(personas.investigator, scopes=["read"])),
    )
    assert response.status_code == 403
    assert not Lookup.objects.filter(status=LookupStatus.FOUND).exists()


def _stored(
    user: Any, subject: Any = None, *, subject_type: str = "", subject_id: int | None = None
) -> Lookup:
    """A stored look-up of `user` made from `subject` (or from the given type and id)."""
    if subject is not None:
        subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}"
        subject_id = subject.pk
    return Lookup.objects.create(
        register="population",
        query_kind="fin",
        query="5ABC123",
        purpose=PURPOSE,
        actor=user,
        subject_type=subject_type,
        subject_id=subject_id,
        status=LookupStatus.FOUND,
        result={"fin": "5ABC123"},
    )


def _hidden_material(personas: Any) -> Any:
    """A report of another unit, which the investigator cannot see."""
    from eprok.materials import access as materials_access
    from eprok.materials.tests.factories import make_material
    from eprok.org.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(employee=personas.outsider, role="register_materials", unit=personas.other_unit)
    material = make_material(actor=personas.outsider, unit=personas.other_unit)
    assert not materials_access.visible_to(personas.investigator).filter(pk=material.pk).exists()
    return material


def test_a_subject_the_caller_can_no_longer_see_is_not_named(client, personas):
    person = make_person(fin="5ABC123")
    from_person = _stored(personas.investigator, person)
    from_hidden = _stored(personas.investigator, _hidden_material(personas))
    token = make_token(personas.investigator)
    listed = {item["id"]: item["subject"] for item in client.get(URL, headers=bearer(token)).json()["items"]}
    assert listed == {
        str(from_person.public_id): f"person:{person.public_id}",
        str(from_hidden.public_id): "",
    }
    detail = client.get(f"{URL}/{from_hidden.public_id}", headers=bearer(token))
    assert detail.status_code == 200 and detail.json()["subject"] == ""
    detail = client.get(f"{URL}/{from_person.public_id}", headers=bearer(token))
    assert detail.json()["subject"] == f"person:{person.public_id}"


def test_the_list_reads_the_subjects_within_a_query_ceiling(client, personas, django_assert_max_num_queries):
    hidden = _hidden_material(personas)
    for n in range(6):
        _stored(personas.investigator, make_person(fin=f"5ABC12{n}"))
        _stored(personas.investigator, hidden)
        _stored(personas.investigator, subject_type="cases.case", subject_id=10_000 + n)
    headers = bearer(make_token(personas.investigator))
    client.get(URL, headers=headers)  # the first request reads what a process reads once
    # The token, the count, the page, the audit (4), the grants and one query per type of subject (3),
    # however many look-ups the page has.
    with django_assert_max_num_queries(audited(11)):
        response = client.get(URL, headers=headers)
    assert response.status_code == 200 and response.json()["count"] == 18


def test_the_results_page_does_not_name_a_report_the_user_can_no_longer_see(client, personas):
    from eprok.core.testing.access_matrix import login_as

    hidden = _hidden_material(personas)
    lookup = _stored(personas.investigator, hidden)
    login_as(client, personas.investigator)
    response = client.get(f"/gateway/registers/{lookup.public_id.hex}/")
    assert response.status_code == 200
    assert hidden.number not in response.content.decode()
