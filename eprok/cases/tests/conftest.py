"""The cases register's personas: the shared five, plus the supervising prosecutor of the Xətai office.

superior    holds "Supervise investigations" over the Baku city office with its sub-units
prosecutor  holds "Supervise investigations" over the Xətai office and supervises the test case
investigator  holds "Investigate" in the Xətai office and leads the test case's team
"""

from __future__ import annotations

import pytest

from eprok.cases.tests.factories import make_case
from eprok.core.testing.personas import Personas, make_personas
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory


@pytest.fixture
def personas(db) -> Personas:
    people = make_personas()
    RoleAssignmentFactory(
        employee=people.superior, role=Role.SUPERVISE, unit=people.city, include_subunits=True
    )
    prosecutor = EmployeeFactory(
        username="prosecutor", unit=people.unit, last_name="Nəsibova", first_name="Ülviyyə"
    )
    RoleAssignmentFactory(employee=prosecutor, role=Role.SUPERVISE, unit=people.unit)
    people.prosecutor = prosecutor  # type: ignore[attr-defined]
    return people


@pytest.fixture
def case(personas):
    """A theft case (177.2.3, category 2) opened today in the Xətai office."""
    return make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
