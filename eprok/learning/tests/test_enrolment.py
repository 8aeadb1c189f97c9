"""Enrolment: on a published course only, one open enrolment per course, progress and completion through
lessons marked done, withdrawal, assignment by circle with its due date tracked in the shared deadline
index, and who sees an enrolment (the learner, administrators, the head of the learner's unit)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.learning import access, selectors, services
from eprok.learning.models import (
    CourseAssignment,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
)
from eprok.learning.tests.conftest import lessons_of
from eprok.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _tracked(enrollment: Enrollment) -> TrackedDeadline:
    return TrackedDeadline.objects.get(
        owner_type="learning.enrollment", owner_id=enrollment.pk, key=services.DUE_KEY
    )


def test_enrolling_twice_answers_the_same_open_enrolment(people, course, audit_events):
    first = services.enrol_self(actor=people.learner, course=course)
    second = services.enrol_self(actor=people.learner, course=course)
    assert first.pk == second.pk
    assert first.source == EnrollmentSource.SELF and first.cycle == 1
    assert Enrollment.objects.filter(course=course, employee=people.learner).count() == 1
    assert len(audit_events("learning.enrollment.created")) == 1


def test_a_draft_course_cannot_be_enrolled_in(people, make_course):
    draft = make_course(publish=False)
    with pytest.raises(Conflict):
        services.enrol_self(actor=people.learner, course=draft)
    assert not Enrollment.objects.exists()


def test_lessons_marked_done_advance_the_progress_and_the_last_completes_the_course(
    people, course, clock, audit_events
):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    lessons = lessons_of(course)
    services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    assert enrollment.progress == 33
    assert enrollment.started_at == clock.now
    # Marking the same lesson again changes nothing.
    services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons[0])
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
    services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons[1])
    services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons[2])
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.progress == 100
    assert enrollment.completed_at == clock.now
    assert len(audit_events("learning.lesson.done")) == 3
    with pytest.raises(Conflict):
        services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons[0])


def test_after_completing_the_learner_may_enrol_again_in_a_new_cycle(people, course):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    for lesson in lessons_of(course):
        services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lesson)
    again = services.enrol_self(actor=people.learner, course=course)
    assert again.pk != enrollment.pk and again.cycle == 2


def test_a_quiz_lesson_is_not_marked_done_by_hand(people, make_course):
    course = make_course(quiz=True)
    enrollment = services.enrol_self(actor=people.learner, course=course)
    quiz_lesson = lessons_of(course)[-1]
    with pytest.raises(Conflict):
        services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=quiz_lesson)
    assert not LessonProgress.objects.exists()


def test_only_the_learner_marks_their_lessons(people, course):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    with pytest.raises(Forbidden):
        services.lesson_complete(actor=people.admin, enrollment=enrollment, lesson=lessons_of(course)[0])


def test_a_lesson_of_another_course_is_refused(people, course, make_course):
    other = make_course(code="other", title="Korrupsiyaya qarşı mübarizə: əsas anlayışlar")
    enrollment = services.enrol_self(actor=people.learner, course=course)
    with pytest.raises(ValidationFailed):
        services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons_of(other)[0])


def test_a_learner_withdraws_from_a_course_they_chose(people, course, audit_events):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    services.withdraw(actor=people.learner, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN
    assert audit_events("learning.enrollment.withdrawn")
    with pytest.raises(Conflict):
        services.withdraw(actor=people.learner, enrollment=enrollment)


# --- assignment --------------------------------------------------------------------------------------------


def test_assigning_to_a_unit_enrols_its_active_employees_with_a_tracked_due_date(
    people, course, clock, audit_events, django_capture_on_commit_callbacks
):
    due = dt.date(2026, 7, 31)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign(
            actor=people.admin, course=course, circle=services.Circle(unit=people.xetai), due_date=due
        )
    enrolled = set(
        Enrollment.objects.filter(assignment=assignment).values_list("employee__username", flat=True)
    )
    # The head of Xətai works there too; the retired employee is inactive; Nəsimi is another unit.
    assert enrolled == {"l_learner", "l_colleague", "l_head"}
    assert assignment.enrolled_count == 3
    enrollment = Enrollment.objects.get(assignment=assignment, employee=people.learner)
    assert enrollment.source == EnrollmentSource.ASSIGNED and enrollment.due_date == due
    row = _tracked(enrollment)
    assert row.responsible == people.learner and row.state == DeadlineState.OPEN
    assert json.loads(audit_events("learning.assignment.created")[0].data)["count"] == 3
    assert Notification.objects.filter(recipient=people.learner).exists()


def test_assigning_by_position_and_with_sub_units(people, course, clock):
    assignment = services.assign(
        actor=people.admin,
        course=course,
        circle=services.Circle(unit=people.baku, include_subunits=True, position=people.prosecutor),
    )
    enrolled = set(
        Enrollment.objects.filter(assignment=assignment).values_list("employee__username", flat=True)
    )
    assert enrolled == {"l_learner", "l_outsider"}
    # Due in 30 days by default.
    assert assignment.due_date == dt.date(2026, 7, 15)


def test_an_assignment_leaves_an_open_enrolment_as_it_is(people, course, clock):
    own = services.enrol_self(actor=people.learner, course=course)
    assignment = services.assign(
        actor=people.admin,
        course=course,
        circle=services.Circle(employees=(people.learner, people.colleague)),
    )
    assert assignment.enrolled_count == 1
    own.refresh_from_db()
    assert own.source == EnrollmentSource.SELF and own.assignment is None


def test_only_administrators_assign_and_an_empty_circle_is_refused(people, course, clock):
    with pytest.raises(Forbidden):
        services.assign(actor=people.trainer, course=course, circle=services.Circle(unit=people.xetai))
    with pytest.raises(ValidationFailed):
        services.assign(actor=people.admin, course=course, circle=services.Circle())
    with pytest.raises(ValidationFailed):
        services.assign(
            actor=people.admin,
            course=course,
            circle=services.Circle(unit=people.xetai),
            due_date=dt.date(2026, 6, 1),
        )
    assert not CourseAssignment.objects.exists() and not Enrollment.objects.exists()


def test_completing_or_withdrawing_closes_the_tracked_due_date(people, course, clock):
    assignment = services.assign(
        actor=people.admin,
        course=course,
        circle=services.Circle(employees=(people.learner, people.colleague)),
    )
    mine = Enrollment.objects.get(assignment=assignment, employee=people.learner)
    for lesson in lessons_of(course):
        services.lesson_complete(actor=people.learner, enrollment=mine, lesson=lesson)
    assert _tracked(mine).state == DeadlineState.CLOSED
    theirs = Enrollment.objects.get(assignment=assignment, employee=people.colleague)
    with pytest.raises(Forbidden):  # an assigned course is withdrawn only by an administrator
        services.withdraw(actor=people.colleague, enrollment=theirs)
    services.withdraw(actor=people.admin, enrollment=theirs)
    assert _tracked(theirs).state == DeadlineState.CLOSED


# --- who sees an enrolment ---------------------------------------------------------------------------------


def test_the_learner_the_administrator_and_the_head_of_the_learners_unit_see_the_enrolment(people, course):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    for user in (people.learner, people.admin, people.head):
        assert access.get_enrollment_for(user, enrollment.public_id) == enrollment
    for user in (people.other_head, people.colleague, people.trainer, people.outsider, None):
        with pytest.raises(NotFound):
            access.get_enrollment_for(user, enrollment.public_id)
    with pytest.raises(Forbidden):
        access.get_enrollment_for(people.head, enrollment.public_id, "study")


def test_the_unit_head_sees_what_is_due_for_the_units_employees(people, course, clock):
    services.assign(
        actor=people.admin,
        course=course,
        circle=services.Circle(employees=(people.learner, people.outsider)),
        due_date=dt.date(2026, 6, 20),
    )
    due = selectors.due_for_unit(head=people.head)
    assert [row.employee.username for row in due] == ["l_learner"]
    assert due[0].days_left == 5 and not due[0].overdue  # type: ignore[attr-defined]
    assert [row.employee.username for row in selectors.due_for_unit(head=people.other_head)] == ["l_outsider"]
    mine = selectors.due_training(user=people.learner, today=dt.date(2026, 6, 21))
    assert mine[0].overdue  # type: ignore[attr-defined]


def test_the_explainer_says_why_the_head_sees_an_enrolment(people, course):
    from eprok.core.access import explain

    enrollment = services.enrol_self(actor=people.learner, course=course)
    result = explain(people.head, "learning.enrollment", str(enrollment.public_id))
    assert result is not None
    _obj, explanation = result
    assert explanation.visible and explanation.actions == {"view": True, "study": False, "withdraw": False}
    result = explain(people.other_head, "learning.enrollment", str(enrollment.public_id))
    assert result is not None and not result[1].visible
