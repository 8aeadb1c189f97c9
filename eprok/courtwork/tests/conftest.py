"""Court work's personas and a case of the service sent to court.

    General Prosecutor's Office
      └─ Baku city office        superior: "State prosecution in court" with sub-units
           ├─ Xətai office       investigator: "State prosecution in court" here (the state prosecutor)
           │                     colleague: no role; detective: "Investigate" (leads the case);
           │                     supervisor: "Supervise investigations" (the case's supervising prosecutor)
           └─ Nəsimi office      outsider: "State prosecution in court" there

`anonymous` is no user. The persona named `investigator` is, here, the state prosecutor of the Xətai office.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from eprok.cases import services as case_services
from eprok.cases.tests.factories import make_case, make_party
from eprok.core.testing.personas import Personas, make_personas
from eprok.courtwork import services
from eprok.courtwork.models import Court, Proceeding
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole

# The cases are opened (and the roles granted) before this day; the clock stops at FROZEN.
OPENED = timezone.make_aware(dt.datetime(2025, 12, 1, 10, 0))
FROZEN = timezone.make_aware(dt.datetime(2026, 2, 10, 12, 0))  # a Tuesday, Asia/Baku
SENT_ON = dt.date(2026, 1, 12)


@pytest.fixture
def personas(db) -> Personas:
    people = make_personas(role=Role.PROSECUTE)
    for persona in (people.investigator, people.outsider, people.superior):
        persona.role_assignments.update(valid_from=dt.date(2025, 1, 1))
    detective = EmployeeFactory(username="detective", unit=people.unit, last_name="Rzayev", first_name="Anar")
    RoleAssignmentFactory(
        employee=detective, role=Role.INVESTIGATE, unit=people.unit, valid_from=dt.date(2025, 1, 1)
    )
    supervisor = EmployeeFactory(
        username="supervisor", unit=people.unit, last_name="Nəsibova", first_name="Ülviyyə"
    )
    RoleAssignmentFactory(
        employee=supervisor, role=Role.SUPERVISE, unit=people.unit, valid_from=dt.date(2025, 1, 1)
    )
    people.detective = detective  # type: ignore[attr-defined]
    people.supervisor = supervisor  # type: ignore[attr-defined]
    return people


class Clock:
    """A clock the tests move by hand: timezone.now (and so localdate) answers `moment`."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, day: dt.date, hour: int = 12) -> None:
        self.moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def frozen(monkeypatch) -> Clock:
    """Stop the clock at FROZEN."""
    clock = Clock(FROZEN)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def send_to_court(personas: Any, **fields: Any) -> Any:
    """A theft case with one accused, its indictment approved: the case is sent to court."""
    case = make_case(
        actor=personas.detective,
        unit=personas.unit,
        supervisor=personas.supervisor,
        opened_at=OPENED,
        **fields,
    )
    make_party(
        case, actor=personas.detective, role=PartyRole.ACCUSED, last_name="Babayev", first_name="Vüsal"
    )
    case_services.case_submit_indictment(actor=personas.detective, case=case, body="İttiham aktının mətni.")
    case.refresh_from_db()
    case_services.case_approve_indictment(actor=personas.supervisor, case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def case(personas, frozen):
    return send_to_court(personas)


@pytest.fixture
def court(db) -> Court:
    return Court.objects.get(code="baku-xetai-district")


@pytest.fixture
def proceeding(personas, case, court) -> Proceeding:
    return services.proceeding_open(
        actor=personas.investigator,
        case=case,
        court=court,
        sent_on=SENT_ON,
        judge="Əliyev Rauf",
        court_number="1(001)-417/2026",
    )
