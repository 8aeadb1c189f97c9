"""The look-up services against the registers' simulator (`xroad_registers`, dataset SIM_DATASET of
eprok.gateway.testing): each register found and not found, refusals audited, failures kept as failed
look-ups with their message-log rows, and copying a population answer into a person record."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

import pytest

from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.gateway import access
from eprok.gateway.lookups import (
    lookup_copy,
    lookup_create_person,
    lookup_run,
    lookup_run_many,
    normalise_query,
)
from eprok.gateway.models import Lookup, LookupStatus, Message, Outcome, RegisterCopy, RemoteService
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import AddressKind, Person
from eprok.persons.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def make_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


PURPOSE = "Şübhəlinin şəxsiyyətinin müəyyən edilməsi (yoxlama)"


def run(actor, register, kind, query, **kwargs):
    return lookup_run(
        actor=actor,
        register=register,
        query_kind=kind,
        query=query,
        purpose=kwargs.pop("purpose", PURPOSE),
        **kwargs,
    )


# --- the queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("fin", " 5abc123 ", "5ABC123"),
        ("voen", "1400057421", "1400057421"),
        ("plate", "10 ab 123", "10-AB-123"),
        ("plate", "10AB123", "10-AB-123"),
        ("vin", "jtdbr32e720123456", "JTDBR32E720123456"),
    ],
)
def test_it_normalises_each_kind_of_query(kind, typed, stored):
    assert normalise_query(kind, typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        ("fin", "5ABO123"),
        ("fin", "5ABC12"),
        ("voen", "1400057431"),
        ("plate", "AB-10-123"),
        ("vin", "JTDBR32E72012345I"),
    ],
)
def test_it_refuses_a_malformed_query_with_a_clear_message(kind, typed):
    with pytest.raises(ValidationFailed) as caught:
        normalise_query(kind, typed)
    assert caught.value.details["query"]


# --- each register ------------------------------------------------------------------------------------------


def test_the_population_register_finds_a_person_and_logs_the_exchange(
    xroad_registers, personas, audit_events
):
    lookup = run(personas.investigator, "population", "fin", "5abc123")
    assert lookup.status == LookupStatus.FOUND
    assert lookup.result["last_name"] == "Məmmədov"
    assert lookup.result["family"][0]["fin"] == "7KLM456"
    assert lookup.message is not None and lookup.message.outcome == Outcome.OK
    assert lookup.message.purpose == PURPOSE
    assert lookup.message.user_id == f"AZ{personas.investigator.fin or personas.investigator.username}"
    event = audit_events("gateway.lookup.run")[-1]
    assert event.purpose == PURPOSE
    assert json.loads(event.data)["query"] == "5ABC123"


@pytest.mark.parametrize(
    ("register", "kind", "query", "status"),
    [
        ("population", "fin", "9ZZZ999", "not_found"),
        ("tax", "voen", "1400057421", "found"),
        ("tax", "voen", "1700012341", "not_found"),
        ("vehicles", "plate", "10-AB-123", "found"),
        ("vehicles", "vin", "KMHDN41BP6U123987", "found"),
        ("vehicles", "fin", "5ABC123", "found"),
        ("vehicles", "voen", "1400057421", "found"),
        ("vehicles", "plate", "99-ZZ-999", "not_found"),
        ("real_estate", "fin", "5ABC123", "found"),
        ("real_estate", "fin", "2XYZ9P8", "not_found"),
        ("records", "fin", "2XYZ9P8", "found"),
        ("records", "fin", "9ZZZ999", "not_found"),
        ("border", "fin", "5ABC123", "found"),
        ("border", "fin", "2XYZ9P8", "not_found"),
    ],
)
def test_each_register_answers_found_or_not_found(xroad_registers, personas, register, kind, query, status):
    lookup = run(personas.investigator, register, kind, query)
    assert lookup.status == status, lookup.error
    assert lookup.error == ""
    assert Lookup.objects.filter(pk=lookup.pk, message__isnull=False).exists()


def test_the_records_register_says_who_is_wanted(xroad_registers, personas):
    lookup = run(personas.investigator, "records", "fin", "2XYZ9P8")
    assert lookup.result["wanted"] is True
    assert lookup.result["convictions"][0]["articles"] == ["177.2.1"]


def test_border_crossings_are_asked_for_a_bounded_period(xroad_registers, personas):
    lookup = run(personas.investigator, "border", "fin", "5ABC123")
    assert len(lookup.result["items"]) == 4
    assert "from=" in lookup.message.path and "to=" in lookup.message.path


def test_several_registers_are_asked_at_once_skipping_those_that_cannot_take_the_query(
    xroad_registers, personas
):
    done = lookup_run_many(
        actor=personas.investigator,
        registers=["population", "tax", "vehicles", "real_estate", "records", "border"],
        query_kind="fin",
        query="5ABC123",
        purpose=PURPOSE,
    )
    assert [lookup.register for lookup in done] == [
        "population",
        "vehicles",
        "real_estate",
        "records",
        "border",
    ]


# --- refusals -----------------------------------------------------------------------------------------------


def test_a_user_without_a_role_the_register_allows_is_refused_and_audited(
    xroad_registers, personas, audit_events
):
    with pytest.raises(Forbidden):
        run(personas.colleague, "population", "fin", "5ABC123")
    refused = audit_events("gateway.lookup.refused")
    assert len(refused) == 1
    assert json.loads(refused[0].data) == {
        "register": "population",
        "query_kind": "fin",
        "query": "5ABC123",
        "reason": "role",
    }
    assert not Lookup.objects.exists()
    assert xroad_registers.stats()["calls"] == {}


def test_a_prosecutor_may_ask_the_population_register_but_not_the_tax_register(
    xroad_registers, personas, audit_events
):
    prosecutor = EmployeeFactory(username="prosecutor", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role="prosecute", unit=personas.unit)
    assert access.allowed_registers(prosecutor) == ["population", "records"]
    assert run(prosecutor, "population", "fin", "5ABC123").status == LookupStatus.FOUND
    with pytest.raises(Forbidden):
        run(prosecutor, "tax", "voen", "1400057421")
    assert json.loads(audit_events("gateway.lookup.refused")[0].data)["register"] == "tax"


def test_the_roles_of_a_register_come_from_its_service(xroad_registers, personas):
    RemoteService.objects.filter(code="border.crossings").update(roles=["supervise"])
    assert "border" not in access.allowed_registers(personas.investigator)
    with pytest.raises(Forbidden):
        run(personas.investigator, "border", "fin", "5ABC123")


@pytest.mark.parametrize("purpose", ["", "   ", "bax"])
def test_a_look_up_without_a_purpose_is_refused_and_audited(xroad_registers, personas, audit_events, purpose):
    with pytest.raises(ValidationFailed) as caught:
        run(personas.investigator, "population", "fin", "5ABC123", purpose=purpose)
    assert "purpose" in caught.value.details
    assert json.loads(audit_events("gateway.lookup.refused")[0].data)["reason"] == "no_purpose"
    assert not Lookup.objects.exists()


def test_a_register_cannot_be_asked_by_a_kind_of_query_it_does_not_take(xroad_registers, personas):
    with pytest.raises(ValidationFailed):
        run(personas.investigator, "tax", "fin", "5ABC123")


# --- failures -----------------------------------------------------------------------------------------------


def _assert_failed(lookup, outcome):
    assert lookup.status == LookupStatus.FAILED
    assert lookup.error
    assert lookup.result == {"outcome": outcome}
    assert lookup.message is not None and lookup.message.outcome == outcome


def test_a_register_that_does_not_answer_in_time_gives_a_failed_look_up(xroad_registers, personas):
    RemoteService.objects.filter(code="population.person").update(timeout=0.2, retries=0)
    xroad_registers.control(delay=1, service="person-v1")
    lookup = run(personas.investigator, "population", "fin", "5ABC123")
    _assert_failed(lookup, Outcome.TIMEOUT)


def test_a_register_failing_with_503_after_the_retries_gives_a_failed_look_up(xroad_registers, personas):
    xroad_registers.control(fail=3, status=503, service="person-v1")
    lookup = run(personas.investigator, "population", "fin", "5ABC123")
    _assert_failed(lookup, Outcome.ERROR)
    assert Message.objects.filter(xroad_id=lookup.message.xroad_id).count() == 3


def test_a_register_that_recovers_within_the_retries_gives_its_answer(xroad_registers, personas):
    xroad_registers.control(fail=1, status=503, service="person-v1")
    assert run(personas.investigator, "population", "fin", "5ABC123").status == LookupStatus.FOUND


def test_garbage_from_a_register_gives_a_failed_look_up(xroad_registers, personas):
    xroad_registers.control(garbage=1, service="person-v1")
    _assert_failed(run(personas.investigator, "population", "fin", "5ABC123"), Outcome.BAD_ANSWER)


def test_an_answer_to_another_request_is_discarded(xroad_registers, personas):
    xroad_registers.control(wrong_hash=1, service="records-v1")
    _assert_failed(run(personas.investigator, "records", "fin", "2XYZ9P8"), Outcome.HASH_MISMATCH)


def test_an_x_road_error_gives_a_failed_look_up(xroad_registers, personas):
    xroad_registers.control(
        fail=1, status=403, xroad_error="Server.ClientProxy.AccessDenied", service="taxpayer-v1"
    )
    lookup = run(personas.investigator, "tax", "voen", "1400057421")
    _assert_failed(lookup, Outcome.REFUSED)
    assert "AccessDenied" in lookup.error


# --- subjects -----------------------------------------------------------------------------------------------


@pytest.fixture
def case(personas):
    """A case of the investigator's unit, supervised by a prosecutor of the unit."""
    from eprok.cases.tests.factories import make_case

    prosecutor = EmployeeFactory(username="supervising", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role="supervise", unit=personas.unit)
    return make_case(actor=personas.investigator, unit=personas.unit, supervisor=prosecutor)


def test_a_look_up_from_a_case_sends_its_number_as_the_issue(xroad_registers, personas, case, audit_events):
    lookup = run(personas.investigator, "population", "fin", "5ABC123", subject=case, issue="ignored")
    assert lookup.issue == case.number
    assert lookup.message.issue == case.number
    assert (lookup.subject_type, lookup.subject_id) == ("cases.case", case.pk)
    assert audit_events("gateway.lookup.run")[-1].target_id == str(case.public_id)


def test_a_look_up_from_a_case_the_user_may_not_see_is_refused(xroad_registers, personas, case):
    with pytest.raises(NotFound):
        run(personas.outsider, "population", "fin", "5ABC123", subject=case)
    assert not Lookup.objects.exists()


def test_a_look_up_from_a_person_is_linked_to_the_person(xroad_registers, personas, audit_events):
    person = make_person(fin="5ABC123")
    lookup = run(personas.investigator, "population", "fin", "5ABC123", subject=person, issue="MAT-1")
    assert (lookup.subject_type, lookup.subject_id, lookup.issue) == ("persons.person", person.pk, "MAT-1")
    assert audit_events("gateway.lookup.run")[-1].target_id == str(person.public_id)


# --- copying into a person record ---------------------------------------------------------------------------


@pytest.fixture
def found(xroad_registers, personas):
    return run(personas.investigator, "population", "fin", "5ABC123")


def test_copying_changes_the_chosen_fields_and_records_the_source(found, personas, audit_events):
    person = make_person(
        fin="5ABC123", last_name="Mammadov", first_name="Elcin", birth_date=dt.date(1985, 4, 2)
    )
    copy = lookup_copy(
        actor=personas.investigator,
        lookup=found,
        person=person,
        fields=["last_name", "birth_date", "address"],
        expected_version=person.version,
    )
    person.refresh_from_db()
    assert person.last_name == "Məmmədov"
    assert person.first_name == "Elcin"  # not chosen
    assert person.birth_date == dt.date(1985, 4, 12)
    address = person.addresses.get(kind=AddressKind.REGISTRATION)
    assert address.text == "Babək prospekti, ev 12, mənzil 34"
    assert copy.fields["last_name"] == "Məmmədov" and copy.copied_by == personas.investigator
    event = audit_events("gateway.lookup.copied")[0]
    data = json.loads(event.data)
    assert data["register"] == "population" and data["service"] == "population.person"
    assert data["answered_at"] and data["fields"] == ["address", "birth_date", "last_name"]
    assert event.target_id == str(person.public_id)
    assert audit_events("persons.person.updated") and audit_events("persons.address.added")


def test_copying_with_a_stale_version_changes_nothing(found, personas):
    person = make_person(fin="5ABC123", last_name="Mammadov")
    with pytest.raises(Conflict) as caught:
        lookup_copy(
            actor=personas.investigator,
            lookup=found,
            person=person,
            fields=["last_name"],
            expected_version=person.version - 1 if person.version > 1 else person.version + 1,
        )
    assert caught.value.code == "stale_version"
    person.refresh_from_db()
    assert person.last_name == "Mammadov"
    assert not RegisterCopy.objects.exists()


def test_copying_into_a_record_with_another_fin_is_refused(found, personas):
    person = make_person(fin="2XYZ9P8")
    with pytest.raises(Conflict):
        lookup_copy(actor=personas.investigator, lookup=found, person=person, fields=["last_name"])


def test_only_a_found_population_answer_is_copied(xroad_registers, personas):
    records = run(personas.investigator, "records", "fin", "5ABC123")
    with pytest.raises(Conflict):
        lookup_copy(actor=personas.investigator, lookup=records, person=make_person(), fields=["last_name"])


def test_someone_elses_look_up_cannot_be_copied(found, personas):
    with pytest.raises(NotFound):
        lookup_copy(
            actor=personas.outsider, lookup=found, person=make_person(fin="5ABC123"), fields=["last_name"]
        )


def test_a_person_record_is_created_from_the_register(found, personas, audit_events):
    copy = lookup_create_person(actor=personas.investigator, lookup=found)
    person = Person.objects.get(fin="5ABC123")
    assert copy.person == person
    assert (person.last_name, person.first_name, person.patronymic) == ("Məmmədov", "Elçin", "Əli oğlu")
    assert person.birth_date == dt.date(1985, 4, 12) and person.sex == "male"
    assert person.addresses.filter(kind=AddressKind.REGISTRATION).exists()
    assert json.loads(audit_events("gateway.lookup.copied")[0].data)["created"] is True


def test_a_person_record_is_not_created_twice(found, personas):
    make_person(fin="5ABC123")
    with pytest.raises(Conflict):
        lookup_create_person(actor=personas.investigator, lookup=found)
