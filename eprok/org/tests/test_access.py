"""Every organisation page, for every persona: who sees what, who may change what (no leaks)."""

from __future__ import annotations

from typing import Any

import pytest

from eprok.audit.models import AuditEvent
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.org import access
from eprok.org.models import RoleAssignment
from eprok.org.tests.factories import EmployeeFactory, UnitFactory

pytestmark = pytest.mark.django_db

EVERYONE = {
    "anonymous": 302,
    "outsider": 200,
    "colleague": 200,
    "investigator": 200,
    "superior": 200,
    "admin": 200,
}
ADMIN_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "colleague": 403,
    "investigator": 403,
    "superior": 403,
    "admin": 200,
}
MISSING = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 404,
    "superior": 404,
    "admin": 404,
}
MANAGERS_SEE = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 404,
    "superior": 404,
    "admin": 200,
}


@pytest.mark.parametrize(
    "url",
    [
        "/org/units/",
        "/org/units/baku-xetai/",
        "/org/employees/",
        "/org/roles/",
        "/org/employees/?q=quliyev",
        "/org/employees/?unit=baku",
    ],
)
def test_every_signed_in_employee_sees_the_tree_and_the_directory(client, personas, url):
    assert_access_matrix(client, personas, url, EVERYONE)


def test_every_signed_in_employee_sees_a_directory_entry(client, personas):
    assert_access_matrix(client, personas, f"/org/employees/{personas.colleague.public_id}/", EVERYONE)


@pytest.mark.parametrize("suffix", ["edit/", "clearance/", "deactivate/", "roles/add/"])
def test_only_administrators_manage_an_employee(client, personas, suffix):
    assert_access_matrix(
        client, personas, f"/org/employees/{personas.colleague.public_id}/{suffix}", ADMIN_ONLY
    )


@pytest.mark.parametrize(
    "url",
    [
        "/org/units/new/",
        "/org/units/baku-xetai/edit/",
        "/org/units/baku-xetai/deactivate/",
        "/org/employees/new/",
        "/org/why/",
    ],
)
def test_only_administrators_open_the_admin_pages(client, personas, url):
    assert_access_matrix(client, personas, url, ADMIN_ONLY)


def test_only_administrators_end_a_role(client, personas):
    assignment = RoleAssignment.objects.get(employee=personas.investigator)
    url = f"/org/employees/{personas.investigator.public_id}/roles/{assignment.pk}/end/"
    expected = {**ADMIN_ONLY, "admin": 302}
    expected.pop("admin")
    assert_access_matrix(client, personas, url, expected, method="post")
    assert_access_matrix(client, personas, url, {"admin": 302}, method="post")
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "/org/units/no-such-unit/",
        "/org/employees/00000000-0000-0000-0000-000000000000/",
        "/org/units/no-such-unit/edit/",
    ],
)
def test_what_does_not_exist_is_not_found(client, personas, url):
    assert_access_matrix(client, personas, url, MISSING)


def test_an_inactive_employee_is_hidden_from_all_but_their_administrators(client, personas):
    gone: Any = EmployeeFactory(unit=personas.unit, is_active=False)
    assert_access_matrix(client, personas, f"/org/employees/{gone.public_id}/", MANAGERS_SEE)


def test_an_inactive_unit_is_hidden_from_all_but_its_administrators(client, personas):
    UnitFactory(code="closed", parent=personas.city, is_active=False)
    assert_access_matrix(client, personas, "/org/units/closed/", MANAGERS_SEE)


def test_an_administrator_of_one_district_cannot_manage_another(client, personas):
    local_admin: Any = EmployeeFactory(username="local-admin", unit=personas.unit)
    RoleAssignment.objects.create(employee=local_admin, role="administer_users", unit=personas.unit)
    assert access.can_manage_employee(local_admin, personas.colleague)
    assert not access.can_manage_employee(local_admin, personas.outsider)
    assert not access.can_manage_unit(local_admin, personas.city)
    from eprok.core.testing.access_matrix import login_as

    login_as(client, local_admin)
    assert client.get(f"/org/employees/{personas.colleague.public_id}/edit/").status_code == 200
    assert client.get(f"/org/employees/{personas.outsider.public_id}/edit/").status_code == 403
    response = client.post(
        f"/org/employees/{personas.colleague.public_id}/roles/add/",
        {"role": "supervise", "unit": personas.city.pk},
    )
    assert response.status_code == 422  # the city is not offered to an administrator of a district
    assert not RoleAssignment.objects.filter(employee=personas.colleague).exists()


def test_a_refused_attempt_is_audited(client, personas):
    from eprok.core.testing.access_matrix import login_as

    login_as(client, personas.outsider)
    client.get(f"/org/employees/{personas.colleague.public_id}/edit/")
    event = AuditEvent.objects.filter(action="access.denied").latest("id")
    assert event.actor_id == personas.outsider.pk
    assert event.target_id == str(personas.colleague.public_id)


def test_personal_fields_are_shown_only_to_managers_and_the_employee(client, personas):
    from eprok.core.testing.access_matrix import login_as

    url = f"/org/employees/{personas.colleague.public_id}/"
    for user, shown in (
        (personas.outsider, False),
        (personas.superior, False),
        (personas.admin, True),
        (personas.colleague, True),
    ):
        login_as(client, user)
        body = client.get(url).content.decode()
        assert (personas.colleague.fin in body) is shown, user.username
        assert (personas.colleague.email in body) is shown, user.username
