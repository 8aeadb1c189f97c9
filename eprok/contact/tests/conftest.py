"""The call centre's personas: the shared ones, with the roles of the 961 and 161 lines.

investigator  Operate the call centre and Investigate in the Xətai office (operator and hotline investigator)
peer          Operate the call centre in the Xətai office (another operator)
colleague     the same office, without any role
outsider      Operate the call centre in the Nəsimi office
superior      Operate and Supervise the call centre over the Baku city office with its sub-units
custodian     Keep the identities of hotline reporters in the Xətai office

Both centres run in the Xətai office here (settings.EPROK_CONTACT_UNITS), and one PBX of each centre
reports calls there with the demo secret of the test run.
"""

from __future__ import annotations

import pytest

from eprok.contact import pbx as signing
from eprok.contact import terms
from eprok.contact.models import Centre, Pbx
from eprok.core.calendar import workdays
from eprok.core.testing.personas import make_personas
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

ALL = ("anonymous", "outsider", "colleague", "investigator", "peer", "superior", "custodian")


@pytest.fixture(autouse=True)
def fresh_rules(settings):
    settings.EPROK_CONTACT_UNITS = {"961": "baku-xetai", "161": "baku-xetai"}
    settings.EPROK_PBX_SECRETS = {}
    workdays.invalidate()
    terms.forget_rules()
    yield
    workdays.invalidate()
    terms.forget_rules()


@pytest.fixture
def people(db):
    personas = make_personas(role=Role.OPERATE_CALLS)
    RoleAssignmentFactory(employee=personas.investigator, role=Role.INVESTIGATE, unit=personas.unit)
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE_CALLS, unit=personas.city, include_subunits=True
    )
    peer = EmployeeFactory(username="peer", unit=personas.unit, last_name="Nağıyev", first_name="Samir")
    RoleAssignmentFactory(employee=peer, role=Role.OPERATE_CALLS, unit=personas.unit)
    custodian = EmployeeFactory(
        username="custodian", unit=personas.unit, last_name="Paşayeva", first_name="Lalə"
    )
    RoleAssignmentFactory(employee=custodian, role=Role.HOTLINE_CUSTODIAN, unit=personas.unit)
    personas.peer = peer  # type: ignore[attr-defined]
    personas.custodian = custodian  # type: ignore[attr-defined]
    return personas


@pytest.fixture
def pbx(people):
    return Pbx.objects.create(
        code="961-test",
        name="961 test",
        centre=Centre.CALL_CENTRE,
        unit=people.unit,
        secret_hash=signing.secret_hash(signing.demo_secret()),
    )


@pytest.fixture
def hotline_pbx(people):
    return Pbx.objects.create(
        code="161-test",
        name="161 test",
        centre=Centre.HOTLINE,
        unit=people.unit,
        secret_hash=signing.secret_hash(signing.demo_secret()),
    )
