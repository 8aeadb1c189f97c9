"""The read-only organisation API: pagination, filters, personal fields, scopes and query ceilings."""

from __future__ import annotations

from typing import Any

import pytest

from eprok.accounts.models import ApiToken
from eprok.accounts.tokens import hash_secret, new_token_material
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.org.tests.factories import EmployeeFactory, UnitFactory

pytestmark = pytest.mark.django_db


def bearer(user, scopes=("read",)) -> dict[str, str]:
    prefix, secret, raw = new_token_material()
    ApiToken.objects.create(
        owner=user, name="test", prefix=prefix, key_hash=hash_secret(secret), scopes=list(scopes)
    )
    return {"Authorization": f"Bearer {raw}"}


def test_units_are_listed_in_pages(client, personas):
    headers = bearer(personas.outsider)
    body = client.get("/api/v1/org/units", {"limit": 2, "offset": 1}, headers=headers).json()
    assert body["count"] == 4 and body["limit"] == 2 and body["offset"] == 1
    assert [item["code"] for item in body["items"]] == ["baku", "baku-xetai"]
    assert body["items"][0]["parent"] == "gpo"


def test_a_page_larger_than_the_maximum_is_refused(client, personas):
    response = client.get("/api/v1/org/units", {"limit": 201}, headers=bearer(personas.outsider))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_the_unit_list_has_a_query_ceiling(client, personas, django_assert_max_num_queries):
    for _ in range(40):
        UnitFactory(parent=personas.city)
    headers = bearer(personas.outsider)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/org/units", {"limit": 200}, headers=headers).json()
    assert body["count"] == 44


def test_a_unit_is_read_by_code_and_a_missing_one_is_not_found(client, personas):
    headers = bearer(personas.outsider)
    assert (
        client.get("/api/v1/org/units/baku-xetai", headers=headers).json()["name_az"]
        == "Xətai rayon prokurorluğu"
    )
    missing = client.get("/api/v1/org/units/nowhere", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_employees_are_searched_and_filtered(client, personas):
    headers = bearer(personas.outsider)
    body = client.get("/api/v1/org/employees", {"q": "QULIYEV"}, headers=headers).json()
    assert body["count"] == 1 and body["items"][0]["unit"]["code"] == "baku-xetai"
    body = client.get("/api/v1/org/employees", {"unit": "baku-xetai"}, headers=headers).json()
    assert {item["last_name"] for item in body["items"]} == {"Quliyev", "Həsənova"}
    assert "fin" not in body["items"][0]


def test_the_employee_list_has_a_query_ceiling(client, personas, django_assert_max_num_queries):
    for _ in range(60):
        EmployeeFactory(unit=personas.unit)
    headers = bearer(personas.outsider)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/org/employees", {"limit": 100}, headers=headers).json()
    assert body["count"] == 65 and len(body["items"]) == 65


def test_personal_fields_are_returned_only_to_managers(client, personas):
    url = f"/api/v1/org/employees/{personas.colleague.public_id}"
    seen_by_outsider = client.get(url, headers=bearer(personas.outsider)).json()
    assert seen_by_outsider["fin"] is None and seen_by_outsider["email"] is None
    seen_by_admin = client.get(url, headers=bearer(personas.admin)).json()
    assert seen_by_admin["fin"] == personas.colleague.fin
    roles = client.get(
        f"/api/v1/org/employees/{personas.investigator.public_id}", headers=bearer(personas.admin)
    )
    assert roles.json()["roles"][0]["role"] == "investigate"


def test_an_inactive_employee_is_not_found_by_others(client, personas):
    gone: Any = EmployeeFactory(unit=personas.unit, is_active=False)
    url = f"/api/v1/org/employees/{gone.public_id}"
    assert client.get(url, headers=bearer(personas.outsider)).status_code == 404
    assert client.get(url, headers=bearer(personas.admin)).status_code == 200
    assert client.get("/api/v1/org/employees/not-a-uuid", headers=bearer(personas.admin)).status_code == 404


def test_a_token_without_the_read_scope_is_refused(client, personas):
    response = client.get("/api/v1/org/units", headers=bearer(personas.outsider, scopes=("audit:read",)))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


@pytest.mark.parametrize("path", ["/api/v1/org/units", "/api/v1/org/units/baku", "/api/v1/org/employees"])
def test_every_operation_requires_authentication_and_serves_every_employee(client, personas, path):
    assert_access_matrix(
        client,
        personas,
        path,
        {
            "anonymous": 401,
            "outsider": 200,
            "colleague": 200,
            "investigator": 200,
            "superior": 200,
            "admin": 200,
        },
    )
