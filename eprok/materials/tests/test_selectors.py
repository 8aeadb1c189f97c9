"""Reads of the register: the unit filter's choices and the list filtered to a unit."""

from __future__ import annotations

import pytest

from eprok.materials import access, selectors
from eprok.materials.selectors import MaterialFilter
from eprok.materials.tests.factories import make_material
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(people):
    nesimi_clerk = EmployeeFactory(username="nesimi-clerk", unit=people.other_unit)
    RoleAssignmentFactory(employee=nesimi_clerk, role=Role.REGISTER_MATERIALS, unit=people.other_unit)
    return [
        make_material(actor=people.clerk, unit=people.unit),
        make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator),
        make_material(actor=nesimi_clerk, unit=people.other_unit),
        make_material(actor=nesimi_clerk, unit=people.other_unit, assignee=people.outsider),
    ]


def test_the_unit_filter_offers_the_units_whose_register_the_user_reads_in_tree_order(people):
    expected = [unit.code for unit in selectors.dashboard_units(user=people.superior)]
    assert [unit.code for unit in selectors.register_units(user=people.superior)] == expected
    assert expected[:1] == ["baku"] and set(expected) >= {"baku-xetai", "baku-nesimi"}
    assert [unit.code for unit in selectors.register_units(user=people.clerk)] == ["baku-xetai"]
    assert selectors.register_units(user=people.investigator) == []


@pytest.mark.parametrize(
    "filters",
    [
        MaterialFilter(unit="baku-xetai"),
        MaterialFilter(unit="baku-nesimi"),
        MaterialFilter(unit="baku"),
        MaterialFilter(unit="baku", subunits=True),
        MaterialFilter(unit="baku-xetai", subunits=True, status="registered"),
    ],
)
def test_a_list_filtered_to_a_unit_shows_what_the_visibility_filter_allows(reports, people, filters):
    for name in ("superior", "clerk", "investigator", "colleague", "outsider"):
        user = getattr(people, name)
        units = selectors.register_units(user=user)
        expected = [
            m.number
            for m in selectors.filtered(access.visible_to(user), filters, user=user).order_by(
                "-registered_at", "-pk"
            )
        ]
        listed = [m.number for m in selectors.material_list(user=user, filters=filters, units=units)]
        assert listed == expected, (name, filters)
    assert (
        len(selectors.material_list(user=people.superior, filters=MaterialFilter(unit="baku", subunits=True)))
        == 4
    )
