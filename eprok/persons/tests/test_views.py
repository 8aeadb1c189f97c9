"""The registry pages: search with htmx, exports, the card, registering with `next`, sub-rows, merging."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from eprok.core.testing.queries import audited
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory
from eprok.persons.models import Person, PersonKind, PersonMerge, PersonPhone
from eprok.persons.tests.factories import make_legal_entity, make_person

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def investigator(signed_in, personas):
    client = signed_in(personas.investigator)
    client.cookies["eprok_language"] = "en"
    return client


def test_the_search_page_finds_a_person_in_another_spelling(investigator):
    make_person(last_name="Məmmədov", first_name="Əli", fin="5ZXK2P7")
    body = investigator.get("/persons/", {"q": "Мамедов"}).content.decode()
    assert "Məmmədov Əli" in body
    assert "5Z****7" in body and "5ZXK2P7" not in body
    assert 'aria-sort="ascending"' in body


def test_htmx_gets_only_the_results(investigator):
    make_person(last_name="Məmmədov", first_name="Əli")
    body = investigator.get("/persons/", {"q": "Mamedov"}, headers=HTMX).content.decode()
    assert "Məmmədov Əli" in body
    assert "<html" not in body


def test_the_search_page_has_a_query_ceiling(investigator, django_assert_max_num_queries):
    for i in range(30):
        make_person(last_name="Məmmədov", first_name=f"Ad{i}")
    investigator.get("/")
    with django_assert_max_num_queries(7):
        response = investigator.get("/persons/", {"q": "Mammadov"})
    assert response.status_code == 200
    assert response.content.decode().count("/persons/") > 30


def test_an_empty_search_lists_nobody(investigator):
    make_person()
    body = investigator.get("/persons/").content.decode()
    assert "Type a surname or a number" in body


def test_the_csv_export_is_audited_and_guarded_against_formulas(investigator, audit_events):
    make_person(last_name="Məmmədov", first_name="=cmd()", fin="5ZXK2P7")
    response = investigator.get("/persons/export/csv/", {"q": "Mamedov"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Identifier"
    assert rows[1][4] == "5ZXK2P7"
    assert "'=cmd()" in rows[1][2] or rows[1][2].startswith("Məmmədov")
    [event] = audit_events("persons.person.exported")
    assert json.loads(event.data)["filters"] == {"q": "Mamedov", "sort": "name"}


def test_the_xlsx_export_holds_the_results(investigator, audit_events):
    make_person(last_name="Məmmədov", first_name="Əli")
    response = investigator.get("/persons/export/xlsx/", {"q": "Mamedov"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][2] == "Məmmədov Əli Əli oğlu"
    assert json.loads(audit_events("persons.person.exported")[0].data)["format"] == "xlsx"


def test_the_card_shows_the_record_and_audits_the_read(investigator, personas, audit_events):
    person = make_person(fin="5ZXK2P7")
    PersonPhone.objects.create(person=person, number="+994501234567")
    body = investigator.get(f"/persons/{person.public_id}/").content.decode()
    assert "5ZXK2P7" in body and "+994501234567" in body
    assert "Merge with a duplicate" not in body  # investigators do not merge
    [event] = audit_events("persons.person.viewed")
    assert event.actor_id == personas.investigator.pk
    assert event.target_id == str(person.public_id)


def test_the_card_has_a_query_ceiling(investigator, django_assert_max_num_queries):
    person = make_person()
    for i in range(5):
        PersonPhone.objects.create(person=person, number=f"+99450123456{i}")
    investigator.get("/")
    # +2: the data confirmed by state registers, and the registers' roles (cached) for the look-up link.
    with django_assert_max_num_queries(audited(18)):
        assert investigator.get(f"/persons/{person.public_id}/").status_code == 200


def test_a_merged_record_points_to_the_survivor(investigator, personas):
    survivor, duplicate = make_person(), make_person()
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    body = investigator.get(f"/persons/{duplicate.public_id}/").content.decode()
    assert f"/persons/{survivor.public_id}/" in body
    assert "Correct the record" not in body


def test_registration_starts_by_choosing_the_kind(investigator):
    body = investigator.get("/persons/new/", {"next": "/materials/M-1/parties/add/"}).content.decode()
    assert "kind=natural" in body and "kind=legal" in body
    assert "next=%2Fmaterials%2FM-1%2Fparties%2Fadd%2F" in body


def test_registering_a_person_returns_to_next_with_the_new_person(investigator, audit_events):
    response = investigator.post(
        "/persons/new/?kind=natural&next=/materials/M-1/parties/add/%3Frole%3Dvictim",
        {"last_name": "Əliyev", "first_name": "Vüqar", "fin": "0a1b2c3", "birth_date": "1990-05-06"},
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/materials/M-1/parties/add/?role=victim&person={person.public_id}"
    assert person.fin == "0A1B2C3"
    assert len(audit_events("persons.person.created")) == 1


@pytest.mark.parametrize(
    "bad", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "materials/"]
)
def test_next_outside_the_site_is_ignored(investigator, bad):
    response = investigator.post(
        "/persons/new/?kind=legal", {"legal_name": "Azərsu ASC", "next": bad, "voen": "1401555071"}
    )
    entity = Person.objects.get()
    assert response["Location"] == f"/persons/{entity.public_id}/"
    assert entity.kind == PersonKind.LEGAL


def test_a_possible_duplicate_must_be_confirmed_before_registering(investigator):
    existing = make_person(last_name="Məmmədov", first_name="Əli", birth_date="1985-04-12")
    data = {"last_name": "Mamedov", "first_name": "Ali", "birth_date": "1985-04-12"}
    response = investigator.post("/persons/new/?kind=natural", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert f"/persons/{existing.public_id}/" in body
    assert 'name="confirm_new"' in body
    assert Person.objects.count() == 1
    response = investigator.post("/persons/new/?kind=natural", {**data, "confirm_new": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_a_refused_registration_shows_the_error_on_the_field(investigator):
    make_person(fin="5ZXK2P7")
    response = investigator.post(
        "/persons/new/?kind=natural", {"last_name": "X", "first_name": "Y", "fin": "5ZXK2P7"}
    )
    assert response.status_code == 422
    assert "A person with this FIN is already registered." in response.content.decode()


def test_editing_with_a_stale_version_is_refused(investigator):
    person = make_person(first_name="Əli")
    Person.objects.filter(pk=person.pk).update(version=2)
    response = investigator.post(
        f"/persons/{person.public_id}/edit/", {"last_name": "Məmmədov", "first_name": "Vəli", "version": "1"}
    )
    assert response.status_code == 422
    assert "changed by someone else" in response.content.decode()
    assert Person.objects.get(pk=person.pk).first_name == "Əli"


def test_editing_saves_and_returns_to_the_card(investigator):
    entity = make_legal_entity()
    response = investigator.post(
        f"/persons/{entity.public_id}/edit/",
        {"legal_name": "“Azərsu” ASC", "voen": "1401555071", "version": "1"},
    )
    assert response["Location"] == f"/persons/{entity.public_id}/"
    assert Person.objects.get(pk=entity.pk).voen == "1401555071"


def test_a_phone_is_added_through_the_form_and_removed_with_htmx(investigator, audit_events):
    person = make_person()
    fragment = investigator.get(f"/persons/{person.public_id}/phones/add/", headers=HTMX).content.decode()
    assert "<html" not in fragment and 'name="number"' in fragment
    refused = investigator.post(f"/persons/{person.public_id}/phones/add/", {"number": "1658"})
    assert refused.status_code == 422
    added = investigator.post(f"/persons/{person.public_id}/phones/add/", {"number": "050 123 45 67"})
    assert added["Location"] == f"/persons/{person.public_id}/#phones"
    phone = PersonPhone.objects.get()
    removed = investigator.post(f"/persons/{person.public_id}/phones/{phone.pk}/remove/", headers=HTMX)
    assert 'id="phones-block"' in removed.content.decode()
    assert not PersonPhone.objects.exists()
    assert [e.action for e in audit_events()][-2:] == ["persons.phone.added", "persons.phone.removed"]


def test_documents_and_addresses_are_added_through_their_forms(investigator):
    person = make_person()
    investigator.post(
        f"/persons/{person.public_id}/documents/add/", {"kind": "id_card", "number": "AA1234567"}
    )
    investigator.post(
        f"/persons/{person.public_id}/addresses/add/",
        {"kind": "registration", "text": "Nizami küç. 10", "postal_code": "AZ 1000"},
    )
    body = investigator.get(f"/persons/{person.public_id}/").content.decode()
    assert "AA1234567" in body and "Nizami küç. 10" in body and "AZ1000" in body


def test_a_row_of_another_person_cannot_be_removed(investigator):
    person, other = make_person(), make_person()
    phone = PersonPhone.objects.create(person=other, number="+994501234567")
    response = investigator.post(f"/persons/{person.public_id}/phones/{phone.pk}/remove/")
    assert response.status_code == 404
    assert PersonPhone.objects.exists()


def test_the_picker_offers_radio_inputs_named_person(investigator):
    person = make_person(last_name="Məmmədov", first_name="Əli", fin="5ZXK2P7")
    body = investigator.get(
        "/persons/pick/", {"q": "Mammadov", "next": "/materials/M-1/parties/add/"}, headers=HTMX
    ).content.decode()
    assert f'<input class="usa-radio__input" type="radio" name="person" value="{person.public_id}"' in body
    assert "5Z****7" in body and "12.04.1985" in body
    assert "/persons/new/?next=%2Fmaterials%2FM-1%2Fparties%2Fadd%2F" in body


def test_the_picker_has_a_query_ceiling(investigator, django_assert_max_num_queries):
    for i in range(25):
        make_person(last_name="Məmmədov", first_name=f"Ad{i}")
    investigator.get("/")  # the first page after sign-in stamps the session; measure the ones after it
    with django_assert_max_num_queries(4):
        investigator.get("/persons/pick/", {"q": "Mammadov"}, headers=HTMX)


def test_a_supervisor_compares_and_merges_two_records(client, signed_in, personas, audit_events):
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    client = signed_in(personas.superior)
    client.cookies["eprok_language"] = "en"
    survivor = make_person(last_name="Məmmədov", first_name="Əli", fin="5ZXK2P7")
    duplicate = make_person(last_name="Mamedov", first_name="Ali", birth_date="1986-01-01")
    choose = client.get(f"/persons/{survivor.public_id}/merge/").content.decode()
    assert "Possible duplicates" in choose
    found = client.get(f"/persons/{survivor.public_id}/merge/", {"q": "Mamedov"}).content.decode()
    assert f"?other={duplicate.public_id}" in found
    compare = client.get(f"/persons/{survivor.public_id}/merge/", {"other": duplicate.public_id})
    body = compare.content.decode()
    assert "Mamedov" in body and "5ZXK2P7" in body
    assert "eprok-compare__differs" in body  # the birth dates differ
    assert len(audit_events("persons.person.viewed")) == 2
    response = client.post(
        f"/persons/{survivor.public_id}/merge/",
        {"other": str(duplicate.public_id), "keep": str(survivor.public_id), "reason": "Eyni FİN"},
    )
    assert response["Location"] == f"/persons/{survivor.public_id}/"
    assert PersonMerge.objects.get().duplicate_id == duplicate.pk
    card = client.get(f"/persons/{survivor.public_id}/").content.decode()
    assert "Eyni FİN" in card


def test_a_refused_merge_comes_back_with_the_reason(client, signed_in, personas):
    client = signed_in(personas.admin)
    client.cookies["eprok_language"] = "en"
    a, b = make_person(fin="5ZXK2P7"), make_person(fin="0A1B2C3")
    response = client.post(
        f"/persons/{a.public_id}/merge/", {"other": str(b.public_id), "keep": str(a.public_id), "reason": "?"}
    )
    assert response.status_code == 422
    assert "different FINs" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_the_navigation_shows_persons_to_casework_roles_only(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    assert "/persons/" in signed_in(personas.investigator).get("/").content.decode()
    client.logout()
    assert 'href="/persons/"' not in signed_in(personas.colleague).get("/").content.decode()
