"""Fixtures of the quiz tests: a course with a text lesson and a quiz lesson, a bank of questions, the
Centre's administrator, a learner enrolled on the course, another learner (also enrolled) and an
outsider (not enrolled); and a clock the tests move by hand.

Import the fixtures into a test module with `from eprok.learning.tests.quiz_fixtures import *`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.utils import timezone

from eprok.learning.models import (
    Choice,
    Course,
    CourseModule,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
)
from eprok.org.models import Employee, Unit, UnitKind
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory
from eprok.training.models import ThematicArea

__all__ = ["FROZEN", "Clock", "QuizWorld", "add_question", "clock", "world"]

GRANTED = dt.date(2026, 1, 1)
FROZEN = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))


class Clock:
    """timezone.now(), stopped; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@dataclass
class QuizWorld:
    admin: Employee
    learner: Employee
    other: Employee
    outsider: Employee
    course: Course
    text_lesson: Lesson
    lesson: Lesson
    bank: QuestionBank
    quiz: Quiz
    enrollment: Enrollment
    other_enrollment: Enrollment
    single: Question
    multiple: Question
    true_false: Question
    short: Question

    def right_answers(self) -> dict[int, dict[str, Any]]:
        """The right answer to each of the four questions, by question id."""
        return {
            self.single.id: {
                "choices": [c.id for c in self.single.choices.all() if c.is_correct],
                "text": "",
            },
            self.multiple.id: {
                "choices": [c.id for c in self.multiple.choices.all() if c.is_correct],
                "text": "",
            },
            self.true_false.id: {
                "choices": [c.id for c in self.true_false.choices.all() if c.is_correct],
                "text": "",
            },
            self.short.id: {"choices": [], "text": "  CİNAYƏT-prosessual   Məcəlləsi. "},
        }


def add_question(
    bank: QuestionBank,
    kind: str,
    text: str,
    options: list[tuple[str, bool]] | None = None,
    accepted: list[str] | None = None,
    points: int = 1,
    explanation: str = "",
) -> Question:
    question = Question.objects.create(
        bank=bank,
        kind=kind,
        text=text,
        points=points,
        accepted_answers=accepted or [],
        explanation=explanation,
    )
    for position, (label, correct) in enumerate(options or []):
        Choice.objects.create(question=question, text=label, is_correct=correct, position=position)
    return question


def _employee(username: str, unit: Unit, role: str | None = None, **fields: Any) -> Employee:
    employee = cast(Employee, EmployeeFactory(username=username, unit=unit, **fields))
    if role:
        RoleAssignmentFactory(employee=employee, role=role, unit=unit, valid_from=GRANTED)
    return employee


@pytest.fixture
def clock(monkeypatch) -> Clock:
    stopped = Clock(FROZEN)
    monkeypatch.setattr(timezone, "now", stopped)
    return stopped


@pytest.fixture
def world(db, clock) -> QuizWorld:
    gpo = cast(Unit, UnitFactory(code="q-gpo", kind=UnitKind.GENERAL_OFFICE, parent=None))
    centre = cast(Unit, UnitFactory(code="q-centre", kind=UnitKind.DEPARTMENT, parent=gpo))
    xetai = cast(Unit, UnitFactory(code="q-xetai", kind=UnitKind.DISTRICT_OFFICE, parent=gpo))
    admin = _employee("q_admin", centre, Role.ADMINISTER_TRAINING, first_name="Aynur", last_name="Kərimova")
    learner = _employee("q_learner", xetai, first_name="Rəşad", last_name="Quliyev")
    other = _employee("q_other", xetai, first_name="Elvin", last_name="Əliyev")
    outsider = _employee("q_outsider", xetai, first_name="Orxan", last_name="Məmmədov")
    course = Course.objects.create(
        code="cpm-basics",
        title="Cinayət prosesinin əsasları",
        area=ThematicArea.objects.get(code="criminal-procedure"),
        hours=Decimal("2"),
        status=CourseStatus.PUBLISHED,
        created_by=admin,
    )
    module = CourseModule.objects.create(course=course, title="Giriş", position=0)
    text_lesson = Lesson.objects.create(
        module=module, title="Oxu", kind=LessonKind.TEXT, position=0, body="..."
    )
    lesson = Lesson.objects.create(module=module, title="Yoxlama testi", kind=LessonKind.QUIZ, position=1)
    bank = QuestionBank.objects.create(course=course, title="Əsas suallar")
    single = add_question(
        bank,
        QuestionKind.SINGLE,
        "Cinayət işi kim tərəfindən başlanır?",
        [("Prokuror", True), ("Vəkil", False), ("Şahid", False)],
        explanation="CPM 46.",
    )
    multiple = add_question(
        bank,
        QuestionKind.MULTIPLE,
        "Hansılar prosessual məcburiyyət tədbiridir?",
        [("Həbs", True), ("Ev dustaqlığı", True), ("Mükafat", False), ("Tərif", False)],
        points=2,
    )
    true_false = add_question(
        bank,
        QuestionKind.TRUE_FALSE,
        "Şahid ifadə verməkdən imtina edə bilər.",
        [("Doğrudur", False), ("Yanlışdır", True)],
    )
    short = add_question(
        bank,
        QuestionKind.SHORT,
        "Cinayət prosesini tənzimləyən əsas qanunun adı?",
        accepted=["Cinayət-Prosessual Məcəlləsi", "CPM"],
    )
    quiz = Quiz.objects.create(lesson=lesson, bank=bank, pass_mark=60, max_attempts=3, time_limit_minutes=20)
    enrollment = Enrollment.objects.create(course=course, employee=learner, source=EnrollmentSource.SELF)
    other_enrollment = Enrollment.objects.create(course=course, employee=other, source=EnrollmentSource.SELF)
    return QuizWorld(
        admin=admin,
        learner=learner,
        other=other,
        outsider=outsider,
        course=course,
        text_lesson=text_lesson,
        lesson=lesson,
        bank=bank,
        quiz=quiz,
        enrollment=enrollment,
        other_enrollment=other_enrollment,
        single=single,
        multiple=multiple,
        true_false=true_false,
        short=short,
    )
