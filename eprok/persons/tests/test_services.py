"""Writes to the registry: each service normalises, refuses what it must (writing nothing), and is audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from eprok.core.errors import Conflict, ValidationFailed
from eprok.persons import services
from eprok.persons.models import (
    AddressKind,
    DocumentKind,
    Person,
    PersonAddress,
    PersonDocument,
    PersonKind,
    PersonPhone,
)
from eprok.persons.names import name_key
from eprok.persons.tests.factories import make_legal_entity, make_person

pytestmark = pytest.mark.django_db


def _changes(event):
    return json.loads(event.changes) if isinstance(event.changes, str) else event.changes


def test_it_registers_a_natural_person_with_normalised_identifiers_and_a_search_key(personas, audit_events):
    person = services.person_create(
        actor=personas.investigator,
        kind=PersonKind.NATURAL,
        last_name="  Məmmədov ",
        first_name="Əli",
        patronymic="Vəli oğlu",
        birth_date=dt.date(1980, 1, 2),
        fin="5zxk2p7",
        citizenship="az",
        voen="291 417 7722",
    )
    assert person.fin == "5ZXK2P7"
    assert person.citizenship == "AZ"
    assert person.voen == "2914177722"
    assert person.last_name == "Məmmədov"
    assert person.name_key == name_key("Mamedov Ali Velievich")
    assert person.version == 1
    assert person.created_by == personas.investigator
    [event] = audit_events("persons.person.created")
    assert event.actor_id == personas.investigator.pk
    assert event.target_id == str(person.public_id)
    assert _changes(event)["after"]["fin"] == "5ZXK2P7"


def test_it_registers_a_legal_entity_by_voen(personas, audit_events):
    entity = services.person_create(
        actor=personas.investigator,
        kind=PersonKind.LEGAL,
        legal_name="“Azərsu” ASC",
        voen="1401555071",
        registration_number="1234-ASC",
    )
    assert entity.display_name == "“Azərsu” ASC"
    assert entity.name_key == name_key("Azersu ASC")
    assert len(audit_events("persons.person.created")) == 1


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (PersonKind.NATURAL, {"first_name": "Əli"}, "last_name"),
        (PersonKind.NATURAL, {"last_name": "Əliyev"}, "first_name"),
        (PersonKind.NATURAL, {"last_name": "Əliyev", "first_name": "Əli", "fin": "12345"}, "fin"),
        (PersonKind.NATURAL, {"last_name": "Əliyev", "first_name": "Əli", "voen": "1401555071"}, "voen"),
        (PersonKind.NATURAL, {"last_name": "Əliyev", "first_name": "Əli", "legal_name": "X"}, "legal_name"),
        (
            PersonKind.NATURAL,
            {"last_name": "Əliyev", "first_name": "Əli", "birth_date": dt.date(2999, 1, 1)},
            "birth_date",
        ),
        (
            PersonKind.NATURAL,
            {"last_name": "Əliyev", "first_name": "Əli", "birth_date": dt.date(1850, 1, 1)},
            "birth_date",
        ),
        (PersonKind.NATURAL, {"last_name": "Əliyev", "first_name": "Əli", "sex": "x"}, "sex"),
        (
            PersonKind.NATURAL,
            {"last_name": "Əliyev", "first_name": "Əli", "citizenship": "AZE"},
            "citizenship",
        ),
        (PersonKind.NATURAL, {"last_name": "Əliyev", "first_name": "Əli", "virtual_pin": "A"}, "virtual_pin"),
        (PersonKind.LEGAL, {"voen": "1401555071"}, "legal_name"),
        (PersonKind.LEGAL, {"legal_name": "X MMC", "voen": "2914177722"}, "voen"),
        (PersonKind.LEGAL, {"legal_name": "X MMC", "fin": "5ZXK2P7"}, "fin"),
    ],
)
def test_it_refuses_invalid_fields_and_writes_nothing(personas, audit_events, kind, fields, field):
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(actor=personas.investigator, kind=kind, **fields)
    assert field in caught.value.details
    assert Person.objects.count() == 0
    assert audit_events() == []


def test_it_refuses_an_unknown_kind(personas):
    with pytest.raises(ValidationFailed):
        services.person_create(actor=personas.investigator, kind="robot", last_name="X", first_name="Y")


@pytest.mark.parametrize(
    ("kind", "field", "value", "extra"),
    [
        (PersonKind.NATURAL, "fin", "5ZXK2P7", {"last_name": "Əliyev", "first_name": "Əli"}),
        (PersonKind.LEGAL, "voen", "1401555071", {"legal_name": "Azərsu ASC"}),
    ],
)
def test_it_refuses_an_identifier_already_held_by_a_live_record(
    personas, audit_events, kind, field, value, extra
):
    first = services.person_create(actor=personas.investigator, kind=kind, **{field: value}, **extra)
    with pytest.raises(Conflict) as caught:
        services.person_create(actor=personas.investigator, kind=kind, **{field: value}, **extra)
    assert caught.value.code == f"duplicate_{field}"
    assert caught.value.details == {"field": field, "existing": str(first.public_id)}
    assert Person.objects.count() == 1
    assert len(audit_events("persons.person.created")) == 1


def test_it_corrects_a_person_bumps_the_version_and_audits_the_diff(personas, audit_events):
    person = make_person(last_name="Mamedov", first_name="Ali")
    updated = services.person_update(
        actor=personas.investigator, person=person, expected_version=1, last_name="Məmmədov", fin="0A1B2C3"
    )
    assert updated.version == 2
    assert updated.last_name == "Məmmədov"
    assert updated.name_key == person.name_key  # the same folded name
    [event] = audit_events("persons.person.updated")
    assert _changes(event) == {
        "before": {"fin": None, "last_name": "Mamedov"},
        "after": {"fin": "0A1B2C3", "last_name": "Məmmədov"},
    }


def test_an_update_changing_nothing_writes_nothing(personas, audit_events):
    person = make_person()
    services.person_update(actor=personas.investigator, person=person, first_name=person.first_name)
    assert Person.objects.get(pk=person.pk).version == 1
    assert audit_events() == []


def test_it_refuses_a_stale_version(personas, audit_events):
    person = make_person()
    services.person_update(actor=personas.investigator, person=person, expected_version=1, first_name="Rəşad")
    with pytest.raises(Conflict) as caught:
        services.person_update(
            actor=personas.colleague, person=person, expected_version=1, first_name="Rashad"
        )
    assert caught.value.code == "stale_version"
    assert Person.objects.get(pk=person.pk).first_name == "Rəşad"
    assert len(audit_events("persons.person.updated")) == 1


def test_it_refuses_to_give_a_person_a_fin_taken_by_another(personas, audit_events):
    make_person(fin="5ZXK2P7")
    person = make_person()
    with pytest.raises(Conflict):
        services.person_update(actor=personas.investigator, person=person, fin="5zxk2p7")
    assert Person.objects.get(pk=person.pk).fin is None
    assert audit_events() == []


def test_a_merged_duplicate_cannot_be_changed(personas, audit_events):
    survivor, duplicate = make_person(), make_person()
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    with pytest.raises(Conflict) as caught:
        services.person_update(actor=personas.investigator, person=duplicate, first_name="X")
    assert caught.value.code == "merged"
    with pytest.raises(Conflict):
        services.person_add_phone(actor=personas.investigator, person=duplicate, number="0501234567")
    assert audit_events() == []


# --- documents, addresses, phones ------------------------------------------------------------------


def test_it_adds_and_removes_an_identity_document(personas, audit_events):
    person = make_person()
    document = services.person_add_document(
        actor=personas.investigator,
        person=person,
        kind=DocumentKind.ID_CARD,
        number="aze 1234 5678",
        issued_on=dt.date(2015, 3, 1),
        valid_until=dt.date(2025, 3, 1),
        issued_by="DİN",
    )
    assert (document.series, document.number, document.issuing_country) == ("AZE", "12345678", "AZ")
    [added] = audit_events("persons.document.added")
    assert added.target_id == str(person.public_id)
    assert _changes(added)["after"]["number"] == "12345678"
    services.person_remove_document(actor=personas.investigator, document=document)
    assert not PersonDocument.objects.exists()
    [removed] = audit_events("persons.document.removed")
    assert _changes(removed)["before"]["series"] == "AZE"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": DocumentKind.ID_CARD, "number": "AZE123"}, ValidationFailed),
        ({"kind": "diploma", "number": "1"}, ValidationFailed),
        ({"kind": DocumentKind.FOREIGN_PASSPORT, "number": "U123456"}, ValidationFailed),
        (
            {
                "kind": DocumentKind.PASSPORT,
                "number": "C01234567",
                "issued_on": dt.date(2020, 1, 1),
                "valid_until": dt.date(2019, 1, 1),
            },
            ValidationFailed,
        ),
        (
            {
                "kind": DocumentKind.PASSPORT,
                "number": "C01234567",
                "issued_on": timezone.localdate() + dt.timedelta(1),
            },
            ValidationFailed,
        ),
    ],
)
def test_it_refuses_a_malformed_document_and_writes_nothing(personas, audit_events, fields, error):
    person = make_person()
    with pytest.raises(error):
        services.person_add_document(actor=personas.investigator, person=person, **fields)
    assert not PersonDocument.objects.exists()
    assert audit_events() == []


def test_it_refuses_the_same_document_twice_and_documents_of_a_legal_entity(personas, audit_events):
    person = make_person()
    services.person_add_document(
        actor=personas.investigator, person=person, kind=DocumentKind.PASSPORT, number="C01234567"
    )
    with pytest.raises(Conflict):
        services.person_add_document(
            actor=personas.investigator, person=person, kind=DocumentKind.PASSPORT, number="C 0123 4567"
        )
    entity = make_legal_entity()
    with pytest.raises(Conflict):
        services.person_add_document(
            actor=personas.investigator, person=entity, kind=DocumentKind.PASSPORT, number="C01234568"
        )
    assert PersonDocument.objects.count() == 1
    assert len(audit_events()) == 1


def test_it_adds_and_removes_an_address_with_a_normalised_postal_code(personas, audit_events):
    person = make_person()
    address = services.person_add_address(
        actor=personas.investigator,
        person=person,
        kind=AddressKind.REGISTRATION,
        text="Nizami küç. 10, mənzil 5",
        district="Bakı, Səbail",
        postal_code="az 1001",
    )
    assert address.postal_code == "AZ1001"
    assert len(audit_events("persons.address.added")) == 1
    services.person_remove_address(actor=personas.investigator, address=address)
    assert not PersonAddress.objects.exists()
    assert len(audit_events("persons.address.removed")) == 1


def test_it_refuses_an_address_kind_that_does_not_fit_the_person(personas, audit_events):
    with pytest.raises(ValidationFailed) as caught:
        services.person_add_address(
            actor=personas.investigator, person=make_person(), kind=AddressKind.LEGAL, text="Bakı"
        )
    assert caught.value.details == {"field": "kind"}
    with pytest.raises(ValidationFailed):
        services.person_add_address(
            actor=personas.investigator,
            person=make_person(),
            kind=AddressKind.WORK,
            text="",
            postal_code="AZ1000",
        )
    assert audit_events() == []


def test_it_adds_a_phone_in_e164_and_refuses_the_same_number_twice(personas, audit_events):
    person = make_person()
    phone = services.person_add_phone(
        actor=personas.investigator, person=person, number="050 123 45 67", note="mob"
    )
    assert phone.number == "+994501234567"
    with pytest.raises(Conflict):
        services.person_add_phone(actor=personas.investigator, person=person, number="+994501234567")
    with pytest.raises(ValidationFailed):
        services.person_add_phone(actor=personas.investigator, person=person, number="1658")
    assert PersonPhone.objects.count() == 1
    [event] = audit_events()
    assert event.action == "persons.phone.added"
    services.person_remove_phone(actor=personas.investigator, phone=phone)
    assert len(audit_events("persons.phone.removed")) == 1


def test_reading_a_card_is_audited(personas, audit_events):
    person = make_person()
    services.person_record_view(actor=personas.investigator, person=person, purpose="api")
    [event] = audit_events("persons.person.viewed")
    assert event.target_id == str(person.public_id)
    assert event.purpose == "api"
