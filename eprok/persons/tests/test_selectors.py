"""Search in any spelling and by identifiers, duplicate candidates, roles shown only where visible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.cases.models import Case, CaseParty
from eprok.materials.models import Material, MaterialParty
from eprok.persons import selectors, services
from eprok.persons.models import DocumentKind, PartyRole, Person
from eprok.persons.selectors import PersonFilters
from eprok.persons.tests.factories import make_legal_entity, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "mammadov": make_person(
            last_name="Məmmədov", first_name="Əli", patronymic="Vəli oğlu", fin="5ZXK2P7"
        ),
        "mammadova": make_person(last_name="Məmmədova", first_name="Günel", patronymic="Rəşad qızı"),
        "huseynov": make_person(last_name="Hüseynov", first_name="Rəşad", birth_date=dt.date(1990, 1, 1)),
        "hasanov": make_person(last_name="Həsənov", first_name="Elçin"),
        "azersu": make_legal_entity(legal_name="“Azərsu” ASC", voen="1401555071"),
    }


def names(found):
    return sorted(p.display_name for p in found)


@pytest.mark.parametrize("q", ["Məmmədov", "Mammadov", "Mamedov", "Мамедов", "MAMMADOV", "Mehmedov", "Məmmə"])
def test_a_surname_in_any_spelling_finds_the_same_people(personas, people, q):
    found = selectors.person_search(user=personas.investigator, q=q)
    assert names(found) == ["Məmmədov Əli Vəli oğlu", "Məmmədova Günel Rəşad qızı"]


@pytest.mark.parametrize("q", ["Mamedov Ali", "Ali Mamedov", "Мамедов Али Велиевич", "mammadov ali veli"])
def test_every_word_of_the_query_must_match(personas, people, q):
    assert names(selectors.person_search(user=personas.investigator, q=q)) == ["Məmmədov Əli Vəli oğlu"]


def test_the_search_does_not_confuse_hasanov_and_huseynov(personas, people):
    assert names(selectors.person_search(user=personas.investigator, q="Guseynov")) == [
        "Hüseynov Rəşad Əli oğlu"
    ]
    assert names(selectors.person_search(user=personas.investigator, q="Gasanov")) == [
        "Həsənov Elçin Əli oğlu"
    ]


@pytest.mark.parametrize("q", ["5zxk2p7", "5ZXK 2P7"])
def test_a_fin_finds_its_person(personas, people, q):
    assert selectors.person_search(user=personas.investigator, q=q) == [people["mammadov"]]


def test_a_voen_document_or_phone_number_finds_its_person(personas, people):
    user = personas.investigator
    person = people["huseynov"]
    services.person_add_document(actor=user, person=person, kind=DocumentKind.ID_CARD, number="AA1234567")
    services.person_add_phone(actor=user, person=person, number="+994 55 765 43 21")
    assert selectors.person_search(user=user, q="1401555071") == [people["azersu"]]
    assert selectors.person_search(user=user, q="140 155 5071") == [people["azersu"]]
    assert selectors.person_search(user=user, q="aa 1234567") == [person]
    assert selectors.person_search(user=user, q="055 765 43 21") == [person]
    assert selectors.person_search(user=user, q="0557654322") == []


def test_a_legal_entity_is_found_by_the_first_word_of_its_name(personas, people):
    assert selectors.person_search(user=personas.investigator, q="Azersu") == [people["azersu"]]
    assert selectors.person_search(user=personas.investigator, q="Azərsu", kind="natural") == []


def test_the_birth_date_narrows_the_search(personas, people):
    found = selectors.person_search(user=personas.investigator, q="Hüseynov", birth_date=dt.date(1990, 1, 1))
    assert found == [people["huseynov"]]
    assert (
        selectors.person_search(user=personas.investigator, q="Hüseynov", birth_date=dt.date(1991, 1, 1))
        == []
    )


def test_merged_duplicates_are_left_out_of_the_search(personas, people):
    duplicate = make_person(last_name="Mamedov", first_name="Ali", patronymic="")
    services.person_merge(
        actor=personas.admin, duplicate=duplicate, survivor=people["mammadov"], reason="Eyni"
    )
    assert duplicate not in selectors.person_search(user=personas.investigator, q="Mamedov")


def test_nothing_is_listed_without_a_query_or_for_someone_without_a_casework_role(personas, people):
    assert list(selectors.person_list(user=personas.investigator, filters=PersonFilters())) == []
    assert selectors.person_search(user=personas.colleague, q="Məmmədov") == []
    assert selectors.person_search(user=personas.investigator, q="M") == []


def test_the_list_sorts_by_name_and_birth_date(personas, db):
    make_person(last_name="Əliyev", first_name="Zaur", birth_date=dt.date(1970, 1, 1))
    make_person(last_name="Əliyeva", first_name="Aynur", birth_date=dt.date(1990, 1, 1))
    make_person(last_name="Aliyev", first_name="Cavid", birth_date=dt.date(1980, 1, 1))
    user = personas.investigator
    by_name = selectors.person_list(user=user, filters=PersonFilters(q="Aliyev"))
    assert [p.last_name for p in by_name] == ["Aliyev", "Əliyev", "Əliyeva"]
    by_age = selectors.person_list(user=user, filters=PersonFilters(q="Aliyev", sort="-birth_date"))
    assert [p.birth_date for p in by_age] == [dt.date(1990, 1, 1), dt.date(1980, 1, 1), dt.date(1970, 1, 1)]


def test_duplicate_candidates_share_a_fin_or_the_folded_name_and_birth_date(personas, people):
    same_name = make_person(last_name="Mamedov", first_name="Ali", patronymic="")
    other_birthday = make_person(last_name="Mamedov", first_name="Ali", birth_date=dt.date(1999, 9, 9))
    Person.objects.filter(pk=people["mammadov"].pk).update(virtual_pin="VP1234")
    same_pin = make_person(last_name="Başqa", first_name="Ad", virtual_pin="VP1234")
    people["mammadov"].refresh_from_db()
    candidates = selectors.duplicate_candidates(person=people["mammadov"])
    assert same_name in candidates
    assert same_pin in candidates
    assert other_birthday not in candidates
    assert people["mammadova"] not in candidates  # another first name
    assert selectors.duplicate_candidates(person=people["mammadov"], user=personas.colleague) == []


def test_legal_entities_are_candidates_by_folded_name(personas, people):
    other = make_legal_entity(legal_name="Azersu ASC")
    assert selectors.duplicate_candidates(person=people["azersu"]) == [other]


def _material(personas, number, unit):
    now = timezone.now()
    return Material.objects.create(
        number=number,
        unit=unit,
        source="applicant_statement",
        received_at=now,
        registered_at=now,
        registered_by=personas.investigator,
        summary="Ərizə",
    )


def test_roles_are_shown_only_in_materials_and_cases_the_reader_may_open(personas, people):
    from eprok.org.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(employee=personas.colleague, role="register_materials", unit=personas.unit)
    RoleAssignmentFactory(employee=personas.outsider, role="register_materials", unit=personas.other_unit)
    person = people["mammadov"]
    here = _material(personas, "M-1", personas.unit)
    there = _material(personas, "M-2", personas.other_unit)
    MaterialParty.objects.create(material=here, person=person, role=PartyRole.VICTIM)
    MaterialParty.objects.create(material=there, person=person, role=PartyRole.WITNESS)
    case = Case.objects.create(
        number="C-1",
        unit=personas.unit,
        opened_at=timezone.now(),
        opened_by=personas.investigator,
        opening_grounds="Ərizə",
        summary="Oğurluq",
    )
    CaseParty.objects.create(case=case, person=person, role=PartyRole.SUSPECT, since=dt.date(2025, 1, 1))

    colleague = selectors.person_roles(user=personas.colleague, person=person)
    assert colleague.materials_available and colleague.cases_available
    assert [r.material.number for r in colleague.materials] == ["M-1"]
    assert colleague.cases == []  # not on the case's team
    outsider = selectors.person_roles(user=personas.outsider, person=person)
    assert [r.material.number for r in outsider.materials] == ["M-2"]


def test_roles_stay_hidden_when_an_app_gives_no_access_rules(personas, people, monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name in ("eprok.materials.access", "eprok.cases.access"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(selectors.importlib, "import_module", fake)
    roles = selectors.person_roles(user=personas.superior, person=people["mammadov"])
    assert (roles.materials_available, roles.cases_available) == (False, False)
    assert roles.materials == [] and roles.cases == []
