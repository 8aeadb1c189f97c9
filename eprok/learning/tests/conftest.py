"""The distance-learning personas, a published course they study, and a clock the tests move by hand.

    General Prosecutor's Office (gpo)
    ├─ Science and Training Centre (centre)   admin: Administer training; trainer: Conduct training
    └─ Baku city office (baku)
         ├─ Xətai district office             head: its head; learner: prosecutor, investigates;
         │                                    colleague: investigator, junior rank; retired: inactive
         └─ Nəsimi district office            other_head: its head; outsider: prosecutor

`anonymous` is no user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.utils import timezone

from eprok.learning import services
from eprok.learning.models import Course, Lesson, LessonKind
from eprok.org.models import ClassRank, Employee, Position, Unit, UnitKind
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory
from eprok.training.models import ThematicArea

GRANTED = dt.date(2026, 1, 1)
FROZEN = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))  # Asia/Baku


@dataclass
class People:
    gpo: Unit
    centre: Unit
    baku: Unit
    xetai: Unit
    nesimi: Unit
    prosecutor: Position
    investigator: Position
    junior_rank: ClassRank
    admin: Employee
    trainer: Employee
    head: Employee
    other_head: Employee
    learner: Employee
    colleague: Employee
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
    gpo = _unit("l-gpo", UnitKind.GENERAL_OFFICE, name_az="Baş Prokurorluq")
    centre = _unit("l-centre", UnitKind.DEPARTMENT, gpo, name_az="Elm-Tədris Mərkəzi")
    baku = _unit("l-baku", UnitKind.CITY_OFFICE, gpo, name_az="Bakı şəhər prokurorluğu")
    xetai = _unit("l-xetai", UnitKind.DISTRICT_OFFICE, baku, name_az="Xətai rayon prokurorluğu")
    nesimi = _unit("l-nesimi", UnitKind.DISTRICT_OFFICE, baku, name_az="Nəsimi rayon prokurorluğu")
    prosecutor = Position.objects.create(code="l-prosecutor", name_az="Prokuror")
    investigator = Position.objects.create(code="l-investigator", name_az="Müstəntiq")
    junior_rank = ClassRank.objects.create(code="l-junior", name_az="Kiçik ədliyyə müşaviri", seniority=911)
    head = _employee("l_head", xetai, last_name="Cəfərov", first_name="Kamran")
    other_head = _employee("l_other_head", nesimi, last_name="Rzayev", first_name="Vüqar")
    Unit.objects.filter(pk=xetai.pk).update(head=head)
    Unit.objects.filter(pk=nesimi.pk).update(head=other_head)
    return People(
        gpo=gpo,
        centre=centre,
        baku=baku,
        xetai=xetai,
        nesimi=nesimi,
        prosecutor=prosecutor,
        investigator=investigator,
        junior_rank=junior_rank,
        admin=_employee(
            "l_admin", centre, Role.ADMINISTER_TRAINING, last_name="Kərimova", first_name="Aynur"
        ),
        trainer=_employee("l_trainer", centre, Role.TEACH_TRAINING, last_name="Hüseynov", first_name="Fuad"),
        head=head,
        other_head=other_head,
        learner=_employee(
            "l_learner",
            xetai,
            Role.INVESTIGATE,
            last_name="Quliyev",
            first_name="Rəşad",
            position=prosecutor,
        ),
        colleague=_employee(
            "l_colleague",
            xetai,
            last_name="Əliyev",
            first_name="Elvin",
            position=investigator,
            class_rank=junior_rank,
        ),
        retired=_employee(
            "l_retired", xetai, last_name="Babayev", first_name="Tural", position=prosecutor, is_active=False
        ),
        outsider=_employee(
            "l_outsider", nesimi, last_name="Məmmədov", first_name="Orxan", position=prosecutor
        ),
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


def course_input(people: People, **fields: Any) -> services.CourseInput:
    values: dict[str, Any] = {
        "code": "ethics",
        "title": "Etik davranış qaydaları",
        "area": people.area,
        "hours": Decimal("4"),
        "description": "Prokurorluq işçilərinin etik davranış qaydaları.\n\nƏsas anlayışlar və nümunələr.",
        **fields,
    }
    return services.CourseInput(**values)


MakeCourse = Callable[..., Course]


@pytest.fixture
def make_course(people, clock) -> MakeCourse:
    """A course by the administrator: two modules, three lessons (two texts, one video link); published
    unless told otherwise."""

    def make(*, publish: bool = True, quiz: bool = False, **fields: Any) -> Course:
        course = services.course_create(actor=people.admin, data=course_input(people, **fields))
        first = services.module_add(actor=people.admin, course=course, title="Giriş")
        second = services.module_add(actor=people.admin, course=course, title="Qaydalar")
        services.lesson_add(
            actor=people.admin,
            module=first,
            data=services.LessonInput(
                title="Əsas anlayışlar", kind=LessonKind.TEXT, body="Birinci abzas.\n\nİkinci."
            ),
        )
        services.lesson_add(
            actor=people.admin,
            module=first,
            data=services.LessonInput(
                title="Video-mühazirə", kind=LessonKind.VIDEO_LINK, video_url="https://video.example.az/etika"
            ),
        )
        services.lesson_add(
            actor=people.admin,
            module=second,
            data=services.LessonInput(title="Maraqlar toqquşması", kind=LessonKind.TEXT, body="Mətn."),
        )
        if quiz:
            services.lesson_add(
                actor=people.admin,
                module=second,
                data=services.LessonInput(title="Yekun test", kind=LessonKind.QUIZ),
            )
        if publish:
            services.course_publish(actor=people.admin, course=course)
        course.refresh_from_db()
        return course

    return make


@pytest.fixture
def course(make_course) -> Course:
    return make_course()


def lessons_of(course: Course) -> list[Lesson]:
    return list(
        Lesson.objects.filter(module__course=course).order_by(
            "module__position", "module_id", "position", "id"
        )
    )
