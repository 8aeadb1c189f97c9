"""The training app's personas, an event they run, and a clock the tests move by hand.

    General Prosecutor's Office (gpo)
    ├─ Science and Training Centre (training-centre)   admin: Administer training
    └─ Baku city office (baku)                         head_listener: senior prosecutor, senior counsellor
         ├─ Xətai district office                      listener: prosecutor, junior counsellor
         │                                             colleague: investigator, junior counsellor
         │                                             retired: prosecutor (inactive account)
         └─ Nəsimi district office                     outsider: prosecutor (never invited)

`trainer` (Centre, holds "Conduct training") teaches the event; `anonymous` is no user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.utils import timezone

from eprok.org.models import ClassRank, Employee, Position, Unit, UnitKind
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory
from eprok.training import services
from eprok.training.models import EventFormat, EventKind, ThematicArea, TrainingEvent

GRANTED = dt.date(2026, 1, 1)
FROZEN = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))  # Asia/Baku
STARTS = timezone.make_aware(dt.datetime(2026, 6, 20, 10, 0))

NAMES = ("anonymous", "outsider", "listener", "trainer", "admin")


@dataclass
class People:
    gpo: Unit
    centre: Unit
    baku: Unit
    xetai: Unit
    nesimi: Unit
    prosecutor: Position
    senior: Position
    investigator: Position
    junior_rank: ClassRank
    senior_rank: ClassRank
    admin: Employee
    trainer: Employee
    other_trainer: Employee
    listener: Employee
    colleague: Employee
    head_listener: Employee
    retired: Employee
    outsider: Employee
    area: ThematicArea

    def by_name(self, name: str) -> Employee | None:
        return None if name == "anonymous" else getattr(self, name)


def _unit(code: str, kind: str, parent: Unit | None = None, **fields: Any) -> Unit:
    return cast(Unit, UnitFactory(code=code, kind=kind, parent=parent, **fields))


def _employee(username: str, unit: Unit, role: str | None = None, **fields: Any) -> Employee:
    employee = cast(Employee, EmployeeFactory(username=username, unit=unit, **fields))
    if role:
        RoleAssignmentFactory(employee=employee, role=role, unit=unit, valid_from=GRANTED)
    return employee


@pytest.fixture
def people(db) -> People:
    gpo = _unit("gpo", UnitKind.GENERAL_OFFICE, name_az="Baş Prokurorluq")
    centre = _unit("training-centre", UnitKind.DEPARTMENT, gpo, name_az="Elm-Tədris Mərkəzi")
    baku = _unit("baku", UnitKind.CITY_OFFICE, gpo, name_az="Bakı şəhər prokurorluğu")
    xetai = _unit("baku-xetai", UnitKind.DISTRICT_OFFICE, baku, name_az="Xətai rayon prokurorluğu")
    nesimi = _unit("baku-nesimi", UnitKind.DISTRICT_OFFICE, baku, name_az="Nəsimi rayon prokurorluğu")
    prosecutor = Position.objects.create(code="t-prosecutor", name_az="Prokuror")
    senior = Position.objects.create(code="t-senior", name_az="Böyük prokuror")
    investigator = Position.objects.create(code="t-investigator", name_az="Müstəntiq")
    junior_rank = ClassRank.objects.create(code="t-junior", name_az="Kiçik ədliyyə müşaviri", seniority=901)
    senior_rank = ClassRank.objects.create(code="t-senior", name_az="Böyük ədliyyə müşaviri", seniority=903)
    return People(
        gpo=gpo,
        centre=centre,
        baku=baku,
        xetai=xetai,
        nesimi=nesimi,
        prosecutor=prosecutor,
        senior=senior,
        investigator=investigator,
        junior_rank=junior_rank,
        senior_rank=senior_rank,
        admin=_employee("admin", centre, Role.ADMINISTER_TRAINING, last_name="Kərimova", first_name="Aynur"),
        trainer=_employee("trainer", centre, Role.TEACH_TRAINING, last_name="Hüseynov", first_name="Fuad"),
        other_trainer=_employee(
            "other_trainer", centre, Role.TEACH_TRAINING, last_name="Qasımova", first_name="Leyla"
        ),
        listener=_employee(
            "listener",
            xetai,
            last_name="Quliyev",
            first_name="Rəşad",
            position=prosecutor,
            class_rank=junior_rank,
        ),
        colleague=_employee(
            "colleague",
            xetai,
            last_name="Əliyev",
            first_name="Elvin",
            position=investigator,
            class_rank=junior_rank,
        ),
        head_listener=_employee(
            "head_listener",
            baku,
            last_name="Cəfərov",
            first_name="Kamran",
            position=senior,
            class_rank=senior_rank,
        ),
        retired=_employee(
            "retired", xetai, last_name="Babayev", first_name="Tural", position=prosecutor, is_active=False
        ),
        outsider=_employee("outsider", nesimi, last_name="Məmmədov", first_name="Orxan", position=prosecutor),
        area=ThematicArea.objects.get(code="criminal-procedure"),
    )


class Clock:
    """timezone.now(), stopped; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return moment

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch, people) -> Clock:
    """The clock stopped at FROZEN (the roles are in force then)."""
    stopped = Clock(FROZEN)
    monkeypatch.setattr(timezone, "now", stopped)
    return stopped


def event_input(people: People, **fields: Any) -> services.EventInput:
    """An in-person seminar on criminal procedure at the Centre,
    20 June 10:00-14:00; any field may be replaced."""
    values: dict[str, Any] = {
        "title": "Cinayət prosessual qanunvericiliyində son dəyişikliklər",
        "kind": EventKind.SEMINAR,
        "area": people.area,
        "topic": "Məhkəməyədək icraatda sübutların toplanması",
        "organiser": people.centre,
        "starts_at": STARTS,
        "ends_at": STARTS + dt.timedelta(hours=4),
        "format": EventFormat.IN_PERSON,
        "venue": "Elm-Tədris Mərkəzi, 2-ci mərtəbə, akt zalı",
        "hours": Decimal("4"),
        **fields,
    }
    return services.EventInput(**values)


MakeEvent = Callable[..., TrainingEvent]


@pytest.fixture
def make_event(people, clock) -> MakeEvent:
    """Enter an event (by the administrator); unless told otherwise publish it, with `trainer` teaching it and
    `listener` invited."""

    def make(*, publish: bool = True, staffed: bool = True, **fields: Any) -> TrainingEvent:
        event = services.event_create(actor=people.admin, data=event_input(people, **fields))
        if staffed:
            services.trainer_add(actor=people.admin, event=event, employee=people.trainer)
            services.invite(
                actor=people.admin, event=event, circle=services.Circle(employees=(people.listener,))
            )
        if publish:
            services.event_publish(actor=people.admin, event=event)
        event.refresh_from_db()
        return event

    return make


@pytest.fixture
def event(make_event) -> TrainingEvent:
    """A published seminar taught by `trainer`, `listener` invited."""
    return make_event()
