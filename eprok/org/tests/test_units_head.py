"""The head of a unit: named on the unit's edit page among the unit's active employees, audited, and shown
on the unit's page; someone from another unit is refused and nothing changes."""

from __future__ import annotations

import json
from typing import cast

import pytest

from eprok.core.errors import ValidationFailed
from eprok.org import services
from eprok.org.models import Employee, Unit
from eprok.org.tests.factories import EmployeeFactory


def test_an_administrator_names_the_head_of_a_unit_and_it_is_audited(personas, audit_events):
    unit = personas.unit
    head = cast(Employee, EmployeeFactory(unit=unit, last_name="Quliyev", first_name="Rəşad"))

    services.unit_update(actor=personas.admin, unit=unit, head=head)

    assert Unit.objects.get(pk=unit.pk).head_id == head.pk
    (event,) = audit_events("org.unit.updated")
    changes = json.loads(event.changes) if isinstance(event.changes, str) else event.changes
    assert changes["before"]["head"] is None and changes["after"]["head"] == head.username


def test_the_head_must_be_an_active_employee_of_the_unit(personas):
    stranger = EmployeeFactory(unit=personas.city)
    with pytest.raises(ValidationFailed) as caught:
        services.unit_update(actor=personas.admin, unit=personas.unit, head=stranger)
    assert caught.value.details == {"field": "head"}
    assert Unit.objects.get(pk=personas.unit.pk).head_id is None


def test_the_edit_page_names_the_head(client, personas):
    from eprok.core.testing.access_matrix import login_as

    head = cast(Employee, EmployeeFactory(unit=personas.unit, last_name="Quliyev", first_name="Rəşad"))
    login_as(client, personas.admin)
    page = client.get(f"/org/units/{personas.unit.code}/edit/")
    assert page.status_code == 200 and "Quliyev" in page.content.decode()
    data = {
        "kind": personas.unit.kind,
        "name_az": personas.unit.name_az,
        "name_en": personas.unit.name_en,
        "name_ru": personas.unit.name_ru,
        "sort_order": 0,
        "district_code": personas.unit.district_code,
        "parent": personas.unit.parent_id,
        "head": head.pk,
    }
    response = client.post(f"/org/units/{personas.unit.code}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=personas.unit.pk).head_id == head.pk
    assert "Quliyev Rəşad" in client.get(f"/org/units/{personas.unit.code}/").content.decode()
