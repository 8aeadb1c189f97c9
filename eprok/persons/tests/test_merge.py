"""Merging duplicates: refusals write nothing; every reference moves; clashing roles are dropped and kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from eprok.cases.models import Case, CaseParty
from eprok.core.errors import Conflict, ValidationFailed
from eprok.materials.models import Material, MaterialParty
from eprok.persons import selectors, services
from eprok.persons.models import DocumentKind, PartyRole, Person, PersonMerge, PersonPhone
from eprok.persons.tests.factories import make_legal_entity, make_person

pytestmark = pytest.mark.django_db


def material(personas, number: str) -> Material:
    now = timezone.now()
    return Material.objects.create(
        number=number,
        unit=personas.unit,
        source="applicant_statement",
        received_at=now,
        registered_at=now,
        registered_by=personas.investigator,
        summary="Oğurluq haqqında ərizə",
    )


def case(personas, number: str) -> Case:
    return Case.objects.create(
        number=number,
        unit=personas.unit,
        opened_at=timezone.now(),
        opened_by=personas.investigator,
        opening_grounds="Ərizə",
        summary="Oğurluq",
    )


@pytest.fixture
def pair(personas):
    survivor = make_person(last_name="Məmmədov", first_name="Əli", fin="5ZXK2P7")
    duplicate = make_person(last_name="Mamedov", first_name="Ali", fin=None, sex="male")
    return duplicate, survivor


def test_it_moves_every_reference_to_the_survivor_and_keeps_the_duplicate_as_history(
    personas, audit_events, pair
):
    duplicate, survivor = pair
    m1, m2 = material(personas, "M-1"), material(personas, "M-2")
    c1 = case(personas, "C-1")
    MaterialParty.objects.create(material=m1, person=duplicate, role=PartyRole.VICTIM)
    MaterialParty.objects.create(material=m2, person=duplicate, role=PartyRole.WITNESS)
    CaseParty.objects.create(case=c1, person=duplicate, role=PartyRole.SUSPECT, since=dt.date(2025, 1, 1))
    services.person_add_document(
        actor=personas.investigator, person=duplicate, kind=DocumentKind.PASSPORT, number="C01234567"
    )
    services.person_add_phone(actor=personas.investigator, person=duplicate, number="0501234567")

    result = services.person_merge(
        actor=personas.superior, duplicate=duplicate, survivor=survivor, reason="Eyni FİN, ad başqa yazılıb"
    )

    assert result.pk == survivor.pk
    assert MaterialParty.objects.filter(person=survivor).count() == 2
    assert CaseParty.objects.filter(person=survivor).count() == 1
    assert survivor.documents.count() == 1 and survivor.phones.count() == 1
    assert not MaterialParty.objects.filter(person=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert duplicate.version == 2
    assert result.version == 2
    assert result.sex == "male"  # taken from the duplicate, which had it
    merge = PersonMerge.objects.get()
    assert merge.merged_by == personas.superior
    assert merge.snapshot["last_name"] == "Mamedov"
    assert merge.snapshot["documents"][0]["number"] == "01234567"
    assert merge.moved["moved"] == {
        "materials.materialparty": 2,
        "cases.caseparty": 1,
        "persons.persondocument": 1,
        "persons.personphone": 1,
    }
    assert merge.moved["filled"] == ["sex"]
    [event] = audit_events("persons.person.merged")
    assert event.target_id == str(survivor.public_id)
    assert event.related_id == str(duplicate.public_id)
    data = json.loads(event.data)
    assert data["moved"]["materials.materialparty"] == 2
    assert data["reason"] == "Eyni FİN, ad başqa yazılıb"


def test_a_role_the_survivor_already_holds_is_dropped_and_recorded(personas, pair):
    duplicate, survivor = pair
    m1 = material(personas, "M-1")
    c1 = case(personas, "C-1")
    MaterialParty.objects.create(material=m1, person=survivor, role=PartyRole.VICTIM)
    clash = MaterialParty.objects.create(material=m1, person=duplicate, role=PartyRole.VICTIM)
    kept = MaterialParty.objects.create(material=m1, person=duplicate, role=PartyRole.APPLICANT)
    CaseParty.objects.create(case=c1, person=survivor, role=PartyRole.WITNESS, since=dt.date(2025, 1, 1))
    # An ended status is outside the conditional unique constraint, so it moves.
    CaseParty.objects.create(
        case=c1,
        person=duplicate,
        role=PartyRole.WITNESS,
        since=dt.date(2024, 1, 1),
        until=dt.date(2024, 6, 1),
    )
    case_clash = CaseParty.objects.create(
        case=c1, person=duplicate, role=PartyRole.WITNESS, since=dt.date(2025, 2, 1)
    )
    PersonPhone.objects.create(person=survivor, number="+994501234567")
    PersonPhone.objects.create(person=duplicate, number="+994501234567")

    services.person_merge(actor=personas.admin, duplicate=duplicate, survivor=survivor, reason="Eyni şəxs")

    assert list(
        MaterialParty.objects.filter(person=survivor).values_list("role", flat=True).order_by("role")
    ) == [
        PartyRole.APPLICANT,
        PartyRole.VICTIM,
    ]
    assert MaterialParty.objects.filter(pk=kept.pk, person=survivor).exists()
    assert not MaterialParty.objects.filter(pk=clash.pk).exists()
    assert CaseParty.objects.filter(person=survivor).count() == 2
    assert not CaseParty.objects.filter(pk=case_clash.pk).exists()
    dropped = PersonMerge.objects.get().moved["dropped"]
    assert {(d["table"], d["id"]) for d in dropped} == {
        ("materials.materialparty", clash.pk),
        ("cases.caseparty", case_clash.pk),
    }
    assert all(d["row"] for d in dropped)


def test_the_survivor_takes_the_duplicates_fin_when_it_has_none(personas):
    survivor = make_person(fin=None)
    duplicate = make_person(fin="0A1B2C3")
    services.person_merge(actor=personas.admin, duplicate=duplicate, survivor=survivor, reason="Eyni şəxs")
    assert Person.objects.get(pk=survivor.pk).fin == "0A1B2C3"


def test_duplicates_merged_earlier_follow_to_the_new_survivor(personas):
    a, b, c = make_person(), make_person(), make_person()
    services.person_merge(actor=personas.admin, duplicate=a, survivor=b, reason="1")
    services.person_merge(actor=personas.admin, duplicate=b, survivor=c, reason="2")
    assert Person.objects.get(pk=a.pk).merged_into_id == c.pk
    assert PersonMerge.objects.count() == 2


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: (p := make_person(), p), "same_person"),
        (lambda: (make_person(), make_legal_entity()), "different_kinds"),
        (lambda: (make_person(fin="5ZXK2P7"), make_person(fin="0A1B2C3")), "different_fin"),
        (
            lambda: (make_legal_entity(voen="1401555071"), make_legal_entity(voen="4391500081")),
            "different_voen",
        ),
    ],
)
def test_it_refuses_what_cannot_be_the_same_person_and_writes_nothing(personas, audit_events, make, code):
    duplicate, survivor = make()
    with pytest.raises(Conflict) as caught:
        services.person_merge(actor=personas.admin, duplicate=duplicate, survivor=survivor, reason="?")
    assert caught.value.code == code
    assert not PersonMerge.objects.exists()
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    assert audit_events() == []


def test_it_refuses_a_record_already_merged(personas, audit_events):
    a, b, c = make_person(), make_person(), make_person()
    services.person_merge(actor=personas.admin, duplicate=a, survivor=b, reason="1")
    before = len(audit_events())
    for duplicate, survivor in ((a, c), (c, a)):
        with pytest.raises(Conflict) as caught:
            services.person_merge(actor=personas.admin, duplicate=duplicate, survivor=survivor, reason="2")
        assert caught.value.code == "already_merged"
    assert PersonMerge.objects.count() == 1
    assert len(audit_events()) == before


def test_it_needs_a_reason(personas, audit_events):
    duplicate, survivor = make_person(), make_person()
    with pytest.raises(ValidationFailed) as caught:
        services.person_merge(actor=personas.admin, duplicate=duplicate, survivor=survivor, reason="  ")
    assert caught.value.details == {"field": "reason"}
    assert audit_events() == []


def test_after_a_merge_the_survivor_has_the_roles_and_the_duplicate_no_candidates(personas, pair):
    duplicate, survivor = pair
    assert duplicate in selectors.duplicate_candidates(person=survivor)
    services.person_merge(actor=personas.admin, duplicate=duplicate, survivor=survivor, reason="Eyni şəxs")
    duplicate.refresh_from_db()
    assert selectors.duplicate_candidates(person=survivor) == []
    assert selectors.duplicate_candidates(person=duplicate) == []
    assert [m.survivor_id for m in selectors.merge_history(person=duplicate)] == [survivor.pk]
