"""The register's personas: the shared ones plus a registrar (clerk) of the district office.

investigator  Investigate in the Xətai office; the check of `material` is assigned to them
colleague     Investigate in the same office, without the assignment
outsider      Investigate in the Nəsimi office
superior      Supervise over the Baku city office with its sub-units (the supervising prosecutor)
clerk         Register crime reports in the Xətai office
"""

from __future__ import annotations

import pytest

from eprok.core.calendar import workdays
from eprok.materials.tests.factories import make_material, make_person
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

ALL = ("anonymous", "outsider", "colleague", "investigator", "superior", "clerk")


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.invalidate()
    yield
    workdays.invalidate()


@pytest.fixture
def people(personas):
    RoleAssignmentFactory(employee=personas.colleague, role=Role.INVESTIGATE, unit=personas.unit)
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    clerk = EmployeeFactory(username="clerk", unit=personas.unit, last_name="Nağıyeva", first_name="Səbinə")
    RoleAssignmentFactory(employee=clerk, role=Role.REGISTER_MATERIALS, unit=personas.unit)
    personas.clerk = clerk
    return personas


@pytest.fixture
def material(people):
    return make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)


@pytest.fixture
def person(db):
    return make_person()
