"""Every person page and API operation, for every persona: the registry is open to casework roles,
changes to casework roles, merges to supervisors and user administrators; nothing leaks to others."""

from __future__ import annotations

import uuid

import pytest

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory
from eprok.persons import access
from eprok.persons.models import PersonAddress, PersonDocument, PersonPhone
from eprok.persons.tests.factories import make_person

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 302,
    "colleague": 403,
    "investigator": 200,
    "outsider": 200,
    "superior": 200,
    "admin": 200,
}
CARD = {**READ, "colleague": 404}
CHANGE = {**CARD, "admin": 403}
CREATE = {**READ, "admin": 403}
MERGE = {**CARD, "investigator": 403, "outsider": 403}
MISSING = {
    "anonymous": 302,
    "colleague": 404,
    "investigator": 404,
    "outsider": 404,
    "superior": 404,
    "admin": 404,
}


def api(expected: dict[str, int], allowed: int | None = None) -> dict[str, int]:
    """The same matrix for the API: anonymous is 401, and allowed personas answer `allowed`."""
    result = {name: (allowed if code == 200 and allowed else code) for name, code in expected.items()}
    result["anonymous"] = 401
    return result


def refused_forms(expected: dict[str, int]) -> dict[str, int]:
    """For POSTs of invalid input: allowed personas get the form back with 422."""
    return {name: (422 if code == 200 else code) for name, code in expected.items()}


@pytest.fixture
def roles(personas):
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    return personas


@pytest.fixture
def person(db):
    return make_person(last_name="Məmmədov", first_name="Əli")


@pytest.mark.parametrize(
    "url",
    ["/persons/", "/persons/?q=Mamedov", "/persons/?q=5ZXK2P7&sort=-birth_date", "/persons/pick/?q=Mamedov"],
)
def test_casework_roles_search_the_registry(client, roles, person, url):
    assert_access_matrix(client, roles, url, READ)


@pytest.mark.parametrize("url", ["/persons/export/csv/?q=Mamedov", "/persons/export/xlsx/?q=Mamedov"])
def test_casework_roles_export_search_results(client, roles, person, url):
    assert_access_matrix(client, roles, url, READ)


@pytest.mark.parametrize("url", ["/persons/new/", "/persons/new/?kind=natural", "/persons/new/?kind=legal"])
def test_casework_roles_register_persons(client, roles, url):
    assert_access_matrix(client, roles, url, CREATE)
    expected = refused_forms(CREATE) if "kind" in url else CREATE
    assert_access_matrix(client, roles, url, expected, method="post", data={"note": "x"})


def test_the_card_is_open_to_registry_users_only(client, roles, person):
    assert_access_matrix(client, roles, f"/persons/{person.public_id}/", CARD)
    assert_access_matrix(client, roles, f"/persons/{uuid.uuid4()}/", MISSING)


@pytest.mark.parametrize("suffix", ["edit/", "documents/add/", "addresses/add/", "phones/add/"])
def test_only_casework_roles_change_a_record(client, roles, person, suffix):
    url = f"/persons/{person.public_id}/{suffix}"
    assert_access_matrix(client, roles, url, CHANGE)
    assert_access_matrix(client, roles, url, refused_forms(CHANGE), method="post", data={"number": "x"})


@pytest.mark.parametrize(
    ("table", "model", "fields"),
    [
        ("documents", PersonDocument, {"kind": "passport", "series": "C", "number": "01234567"}),
        ("addresses", PersonAddress, {"kind": "residence", "text": "Bakı"}),
        ("phones", PersonPhone, {"number": "+994501234567"}),
    ],
)
def test_only_casework_roles_remove_rows(client, roles, person, table, model, fields):
    for name, want in {**CHANGE, "anonymous": 302}.items():
        row = model.objects.create(person=person, **fields)
        client.logout()
        user = roles.by_name(name)
        if user is not None:
            login_as(client, user)
        response = client.post(f"/persons/{person.public_id}/{table}/{row.pk}/remove/")
        assert response.status_code == (302 if want == 200 else want), name
        assert model.objects.filter(pk=row.pk).exists() == (want != 200), name
        model.objects.filter(pk=row.pk).delete()


def test_only_supervisors_and_user_administrators_merge(client, roles, person):
    other = make_person(last_name="Mamedov", first_name="Ali")
    assert_access_matrix(client, roles, f"/persons/{person.public_id}/merge/", MERGE)
    assert_access_matrix(client, roles, f"/persons/{person.public_id}/merge/?other={other.public_id}", MERGE)
    assert_access_matrix(
        client,
        roles,
        f"/persons/{person.public_id}/merge/",
        refused_forms(MERGE),
        method="post",
        data={"other": str(other.public_id), "keep": str(person.public_id), "reason": ""},
    )


def test_the_api_follows_the_same_rules(client, roles, person):
    base = "/api/v1/persons"
    one = f"{base}/{person.public_id}"
    json = "application/json"
    assert_access_matrix(client, roles, f"{base}?q=Mamedov", api(READ))
    assert_access_matrix(client, roles, one, api(CARD))
    assert_access_matrix(client, roles, f"{one}/duplicates", api(CARD))
    assert_access_matrix(client, roles, f"{base}/{uuid.uuid4()}", api(MISSING))
    assert_access_matrix(
        client,
        roles,
        base,
        api(CREATE, 201),
        method="post",
        data={"kind": "natural", "last_name": "Əliyev", "first_name": "Vüqar"},
        content_type=json,
    )
    assert_access_matrix(
        client, roles, one, api(CHANGE), method="patch", data={"note": "x"}, content_type=json
    )
    for suffix, body in (
        ("documents", {"kind": "id_card", "number": "AZE1"}),
        ("addresses", {"kind": "legal", "text": "Bakı"}),
        ("phones", {"number": "1658"}),
    ):
        assert_access_matrix(
            client, roles, f"{one}/{suffix}", api(CHANGE, 422), method="post", data=body, content_type=json
        )
    assert_access_matrix(
        client,
        roles,
        f"{one}/merge",
        {**api(MERGE, 409)},
        method="post",
        data={"survivor": str(person.public_id), "reason": "Eyni şəxs"},
        content_type=json,
    )


@pytest.mark.parametrize(
    ("table", "model", "fields"),
    [
        ("documents", PersonDocument, {"kind": "passport", "series": "C", "number": "01234567"}),
        ("addresses", PersonAddress, {"kind": "residence", "text": "Bakı"}),
        ("phones", PersonPhone, {"number": "+994501234567"}),
    ],
)
def test_the_api_removes_rows_only_for_casework_roles(client, roles, person, table, model, fields):
    for name, want in api(CHANGE, 204).items():
        row = model.objects.create(person=person, **fields)
        client.logout()
        user = roles.by_name(name)
        if user is not None:
            login_as(client, user)
        response = client.delete(f"/api/v1/persons/{person.public_id}/{table}/{row.pk}")
        assert response.status_code == want, name
        model.objects.filter(pk=row.pk).delete()


def test_a_refusal_is_audited(client, roles, person, audit_events):
    login_as(client, roles.colleague)
    client.get(f"/persons/{person.public_id}/")
    [event] = audit_events("access.denied")
    assert event.target_id == str(person.public_id)


def test_access_helpers_agree_with_the_roles(roles):
    assert access.can_use_registry(roles.admin) and not access.can_edit_registry(roles.admin)
    assert access.can_merge(roles.superior) and not access.can_merge(roles.investigator)
    assert not access.can_use_registry(roles.colleague)
    assert not access.can_use_registry(None)


def test_an_administrator_can_ask_why_someone_sees_a_person(roles, person):
    from eprok.core.access import explain

    answer = explain(roles.investigator, "persons.person", str(person.public_id))
    assert answer is not None
    found, seen = answer
    assert found == person
    assert seen.visible and seen.actions == {"view": True, "change": True, "merge": False}
    refused = explain(roles.colleague, "persons.person", str(person.public_id))
    assert refused is not None
    unseen = refused[1]
    assert not unseen.visible and unseen.actions["view"] is False
    assert explain(roles.admin, "persons.person", "no-such-person") is None
