"""The special reports' personas, the reports they make, and a clock the tests move by hand.

    General Prosecutor's Office (gpo)          duty: Duty prosecutor (cleared for "Secret")
    │                                           keeper: Read special reports with sub-units (the classifier)
    ├─ Investigation department                 reader: Read special reports (murder is routed here)
    ├─ Police supervision department            (murder is routed here too; nobody reads it)
    ├─ Personnel department                     other_reader: Read special reports (nothing routed here)
    └─ Baku city office                         superior: Read special reports with sub-units
         ├─ Xətai district office               reporter: Submit special reports ("For official use")
         └─ Nəsimi district office              sibling: Submit special reports (must not see Xətai's)

`outsider` works in the Xətai office with no role at all; `anonymous` is no user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.utils import timezone

from eprok.org.models import Employee, Unit, UnitKind
from eprok.org.roles import Clearance, Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory
from eprok.special import services
from eprok.special.classifiers import load_incident_types
from eprok.special.models import IncidentType, SpecialReport

# The roles are granted from this day, so a clock stopped at FROZEN finds them in force.
GRANTED = dt.date(2026, 1, 1)
FROZEN = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))  # Asia/Baku
ADDRESS = "Bakı, Xətai rayonu, Babək prospekti 10"
SUMMARY = "Yaşayış binasının həyətində kəsilmiş-deşilmiş yarası olan kişi meyiti aşkar edilib."

NAMES = ("anonymous", "outsider", "reporter", "sibling", "superior", "reader", "other_reader", "duty")


@dataclass
class People:
    gpo: Unit
    investigation: Unit
    police: Unit
    personnel: Unit
    baku: Unit
    xetai: Unit
    nesimi: Unit
    reporter: Employee
    sibling: Employee
    superior: Employee
    reader: Employee
    other_reader: Employee
    duty: Employee
    keeper: Employee
    outsider: Employee
    murder: IncidentType

    def by_name(self, name: str) -> Employee | None:
        return None if name == "anonymous" else getattr(self, name)


def _unit(code: str, kind: str, parent: Unit | None = None, **fields: Any) -> Unit:
    return cast(Unit, UnitFactory(code=code, kind=kind, parent=parent, **fields))


def _employee(username: str, unit: Unit, role: str | None = None, **fields: Any) -> Employee:
    subunits = fields.pop("include_subunits", False)
    employee = cast(Employee, EmployeeFactory(username=username, unit=unit, **fields))
    if role:
        RoleAssignmentFactory(
            employee=employee, role=role, unit=unit, include_subunits=subunits, valid_from=GRANTED
        )
    return employee


@pytest.fixture(autouse=True)
def fresh_board_cache() -> None:
    """The console's rendered boards are cached by version; each test's database starts the counter again."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(db) -> People:
    gpo = _unit("gpo", UnitKind.GENERAL_OFFICE, name_az="Baş Prokurorluq")
    investigation = _unit(
        "gpo-investigation", UnitKind.DEPARTMENT, gpo, name_az="İstintaq idarəsi", name_en="Investigation"
    )
    police = _unit(
        "gpo-police-supervision", UnitKind.DEPARTMENT, gpo, name_az="Polisdə istintaqa nəzarət idarəsi"
    )
    personnel = _unit("gpo-personnel", UnitKind.DEPARTMENT, gpo, name_az="Kadrlar idarəsi")
    baku = _unit("baku", UnitKind.CITY_OFFICE, gpo, name_az="Bakı şəhər prokurorluğu", district_code="baku")
    xetai = _unit(
        "baku-xetai",
        UnitKind.DISTRICT_OFFICE,
        baku,
        name_az="Xətai rayon prokurorluğu",
        district_code="baku-xetai",
    )
    nesimi = _unit(
        "baku-nesimi",
        UnitKind.DISTRICT_OFFICE,
        baku,
        name_az="Nəsimi rayon prokurorluğu",
        district_code="baku-nesimi",
    )
    official = {"clearance": Clearance.OFFICIAL}
    people = People(
        gpo=gpo,
        investigation=investigation,
        police=police,
        personnel=personnel,
        baku=baku,
        xetai=xetai,
        nesimi=nesimi,
        reporter=_employee(
            "reporter", xetai, Role.REPORT_SPECIAL, last_name="Quliyev", first_name="Rəşad", **official
        ),
        sibling=_employee(
            "sibling", nesimi, Role.REPORT_SPECIAL, last_name="Əliyev", first_name="Elvin", **official
        ),
        superior=_employee(
            "superior",
            baku,
            Role.READ_SPECIAL,
            include_subunits=True,
            last_name="Cəfərov",
            first_name="Kamran",
            **official,
        ),
        reader=_employee(
            "reader", investigation, Role.READ_SPECIAL, last_name="Həsənova", first_name="Günay", **official
        ),
        other_reader=_employee(
            "other_reader",
            personnel,
            Role.READ_SPECIAL,
            last_name="Nağıyeva",
            first_name="Səbinə",
            **official,
        ),
        duty=_employee(
            "duty",
            gpo,
            Role.DUTY_PROSECUTOR,
            last_name="İsmayılova",
            first_name="Aynur",
            clearance=Clearance.SECRET,
        ),
        keeper=_employee(
            "keeper",
            gpo,
            Role.READ_SPECIAL,
            include_subunits=True,
            last_name="Babayev",
            first_name="Tural",
            **official,
        ),
        outsider=_employee("outsider", xetai, None, last_name="Məmmədov", first_name="Orxan", **official),
        murder=IncidentType.objects.get(code="murder"),
    )
    # The data migration ran before these departments existed: fill the routings now, as `eprok seed` does.
    load_incident_types()
    return people


class Clock:
    """timezone.now(), stopped; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch, people) -> Clock:
    """The clock stopped at FROZEN (the roles are in force then)."""
    stopped = Clock(FROZEN)
    monkeypatch.setattr(timezone, "now", stopped)
    return stopped


def report_input(people: People, **fields: Any) -> services.ReportInput:
    """A complete report on a murder in Xətai; any field can be replaced."""
    values: dict[str, Any] = {
        "incident_type": people.murder,
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "district_code": "baku-xetai",
        "address": ADDRESS,
        "summary": SUMMARY,
        "latitude": "40.38510",
        "longitude": "49.94170",
        "dead_count": 1,
        "articles": "120.1",
        **fields,
    }
    return services.ReportInput(**values)


MakeReport = Callable[..., SpecialReport]


@pytest.fixture
def make_report(people) -> MakeReport:
    """Submit a report (by the Xətai reporter unless told) and, unless `deliver=False`, deliver it as the
    worker would."""

    def make(
        *, actor: Any = None, unit: Unit | None = None, deliver: bool = True, **fields: Any
    ) -> SpecialReport:
        report = services.report_submit(
            actor=actor or people.reporter, unit=unit or people.xetai, data=report_input(people, **fields)
        )
        if deliver:
            services.report_deliver(report_pk=report.pk)
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def report(make_report) -> SpecialReport:
    """A delivered murder report of the Xətai office."""
    return make_report()
