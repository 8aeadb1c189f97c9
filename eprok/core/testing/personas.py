"""The shared personas every app's tests use.

    General Prosecutor's Office (root)
      └─ Baku city office            superior: holds the role with sub-units here
           ├─ Xətai district office  investigator (holds the role), colleague (no role)
           └─ Nəsimi district office outsider (holds the role, but in another unit)

`anonymous` is no user at all. `admin` administers users over the whole tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from eprok.org.models import Employee, Unit, UnitKind
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory

PASSWORD = "correct-horse-battery"  # noqa: S105


@dataclass
class Personas:
    root: Unit
    city: Unit
    unit: Unit
    other_unit: Unit
    investigator: Employee
    colleague: Employee
    outsider: Employee
    superior: Employee
    admin: Employee

    def by_name(self, name: str) -> Employee | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONA_NAMES = ("anonymous", "outsider", "colleague", "investigator", "superior")


def _unit(**kwargs: Any) -> Unit:
    return cast(Unit, UnitFactory(**kwargs))


def _employee(**kwargs: Any) -> Employee:
    return cast(Employee, EmployeeFactory(**kwargs))


def make_personas(role: str = "investigate") -> Personas:
    root = _unit(
        code="gpo",
        kind=UnitKind.GENERAL_OFFICE,
        name_az="Baş Prokurorluq",
        name_en="General Prosecutor's Office",
        name_ru="Генеральная прокуратура",
    )
    city = _unit(code="baku", kind=UnitKind.CITY_OFFICE, parent=root, name_az="Bakı şəhər prokurorluğu")
    unit = _unit(code="baku-xetai", parent=city, name_az="Xətai rayon prokurorluğu")
    other = _unit(code="baku-nesimi", parent=city, name_az="Nəsimi rayon prokurorluğu")
    investigator = _employee(username="investigator", unit=unit, last_name="Quliyev", first_name="Rəşad")
    colleague = _employee(username="colleague", unit=unit, last_name="Həsənova", first_name="Günay")
    outsider = _employee(username="outsider", unit=other, last_name="Əliyev", first_name="Elvin")
    superior = _employee(username="superior", unit=city, last_name="Cəfərov", first_name="Kamran")
    admin = _employee(username="admin", unit=root, last_name="İsmayılova", first_name="Aynur")
    RoleAssignmentFactory(employee=investigator, role=role, unit=unit)
    RoleAssignmentFactory(employee=outsider, role=role, unit=other)
    RoleAssignmentFactory(employee=superior, role=role, unit=city, include_subunits=True)
    RoleAssignmentFactory(employee=admin, role="administer_users", unit=root, include_subunits=True)
    return Personas(root, city, unit, other, investigator, colleague, outsider, superior, admin)
