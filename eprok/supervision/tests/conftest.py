"""The supervision personas and a supervised theft case of the Xətai office.

    General Prosecutor's Office (gpo)
      └─ Baku city office (baku)            superior: "Supervise investigations" with sub-units
           ├─ Xətai district office         prosecutor: "Supervise" (the case's named supervisor)
           │                                deputy: "Supervise" (not named on the case)
           │                                court: "State prosecution in court"
           │                                colleague: works here, no role
           └─ Nəsimi district office        outsider: "Supervise" in another district

`anonymous` is no user at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.utils import timezone

from eprok.core.testing.personas import make_personas
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.supervision import services
from eprok.supervision.models import InvestigatingBody, SupervisedCase

NAMES = ("anonymous", "colleague", "outsider", "court", "deputy", "prosecutor", "superior")


@dataclass
class People:
    gpo: Unit
    baku: Unit
    xetai: Unit
    nesimi: Unit
    prosecutor: Employee
    deputy: Employee
    court: Employee
    colleague: Employee
    outsider: Employee
    superior: Employee
    police: InvestigatingBody
    other_police: InvestigatingBody

    def by_name(self, name: str) -> Employee | None:
        return None if name == "anonymous" else getattr(self, name)


def _employee(username: str, unit: Unit, role: str, **fields: Any) -> Employee:
    employee = cast(Employee, EmployeeFactory(username=username, unit=unit, **fields))
    RoleAssignmentFactory(employee=employee, role=role, unit=unit)
    return employee


@pytest.fixture
def people(db) -> People:
    base = make_personas(role=Role.SUPERVISE)
    base.unit.district_code = "baku-xetai"
    base.unit.save(update_fields=["district_code"])
    return People(
        gpo=base.root,
        baku=base.city,
        xetai=base.unit,
        nesimi=base.other_unit,
        prosecutor=base.investigator,
        deputy=_employee("deputy", base.unit, Role.SUPERVISE, last_name="Məmmədli", first_name="Orxan"),
        court=_employee("court", base.unit, Role.PROSECUTE, last_name="Rüstəmova", first_name="Lalə"),
        colleague=base.colleague,
        outsider=base.outsider,
        superior=base.superior,
        police=InvestigatingBody.objects.get(code="police-baku-xetai"),
        other_police=InvestigatingBody.objects.get(code="police-baku-nesimi"),
    )


def details(**changes: Any) -> services.CaseDetails:
    fields: dict[str, Any] = {
        "number": "261100123",
        "investigator_name": "Polis kapitanı Əliyev Vüsal",
        "investigator_contact": "+994 12 000 00 00",
        "opened_on": timezone.localdate() - dt.timedelta(days=10),
        "summary": "Mənzildən mənzil oğurluğu: televizor və zinət əşyaları.",
        "articles": "177.2.3",
        "accused": "Həsənov Elvin",
    }
    fields.update(changes)
    return services.CaseDetails(**fields)


@pytest.fixture
def make_case(people) -> Callable[..., SupervisedCase]:
    counter = iter(range(1, 1000))

    def make(
        *,
        actor: Any = None,
        unit: Unit | None = None,
        body: Any = None,
        supervisor: Any = "named",
        **changes: Any,
    ):
        changes.setdefault("number", f"2611{next(counter):05d}")
        return services.supervised_create(
            actor=actor or people.prosecutor,
            unit=unit or people.xetai,
            body=body or people.police,
            details=details(**changes),
            supervisor=people.prosecutor if supervisor == "named" else supervisor,
        )

    return make


@pytest.fixture
def case(make_case) -> SupervisedCase:
    """A theft case (177.2.3, category 2) opened ten days ago, supervised by `prosecutor`."""
    return make_case()
