"""The appeals register's personas: the shared ones with "Answer appeals", plus the section's people.

investigator  Answer appeals in the Xətai office (the executor)
approver      Answer appeals in the Xətai office too (the head of the section: resolves and approves)
colleague     the same office, without any role
outsider      Answer appeals in the Nəsimi office
superior      Answer appeals over the Baku city office with its sub-units
clerk         Register appeals in the Xətai office
departments   one officer answering appeals in each department escalations go to (torture: legal support,
              corruption: ACGD, prosecutors: internal investigations, police: police supervision)
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from eprok.appeals import terms
from eprok.appeals.classifiers import load_classifiers
from eprok.appeals.tests.factories import make_appeal
from eprok.core.calendar import workdays
from eprok.core.testing.personas import make_personas
from eprok.org.models import UnitKind
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory

ALL = ("anonymous", "outsider", "colleague", "investigator", "approver", "superior", "clerk")

DEPARTMENTS = {
    "gpo-legal-support": "legal_officer",
    "acgd": "acgd_officer",
    "gpo-internal-investigations": "internal_officer",
    "gpo-police-supervision": "police_officer",
}


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.invalidate()
    terms.forget_rules()
    yield
    workdays.invalidate()
    terms.forget_rules()


@pytest.fixture
def people(db):
    personas = make_personas(role=Role.ANSWER_APPEALS)
    approver = EmployeeFactory(
        username="approver", unit=personas.unit, last_name="Rzayev", first_name="Orxan"
    )
    RoleAssignmentFactory(employee=approver, role=Role.ANSWER_APPEALS, unit=personas.unit)
    clerk = EmployeeFactory(username="clerk", unit=personas.unit, last_name="Həsənova", first_name="Günay")
    RoleAssignmentFactory(employee=clerk, role=Role.REGISTER_APPEALS, unit=personas.unit)
    people = SimpleNamespace(**vars(personas))
    people.approver = approver
    people.clerk = clerk
    people.by_name = lambda name: None if name == "anonymous" else getattr(people, name)
    people.departments = {}
    for code, login in DEPARTMENTS.items():
        department = UnitFactory(code=code, kind=UnitKind.DEPARTMENT, parent=personas.root)
        officer = EmployeeFactory(username=login, unit=department)
        RoleAssignmentFactory(employee=officer, role=Role.ANSWER_APPEALS, unit=department)
        people.departments[code] = department
        setattr(people, login, officer)
    load_classifiers()  # the topics' escalation departments exist now
    return people


@pytest.fixture
def appeal(people):
    return make_appeal(actor=people.clerk, unit=people.unit)


@pytest.fixture
def outbox(settings):
    """Outbound messages to citizens written during the test (after the commit callbacks ran)."""
    from eprok.notifications.models import OutboundMessage

    def messages(template: str | None = None):
        qs = OutboundMessage.objects.order_by("pk")
        return list(qs.filter(template=template) if template else qs)

    return messages
