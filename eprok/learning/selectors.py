"""Every read of distance learning: the catalogue, a course with its modules and the learner's progress,
a lesson's neighbours, "My learning", what is due for a learner and for the employees under a unit head,
and the administration lists. Each starts from the visible_to functions of `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from eprok.learning import access
from eprok.learning.models import (
    Certificate,
    Course,
    CourseAssignment,
    CourseModule,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    MandatoryRule,
)
from eprok.learning.progress import course_lessons
from eprok.training.models import ThematicArea


def catalogue(*, user: Any, query: str = "", area: ThematicArea | None = None) -> QuerySet[Course]:
    """The published courses, by title; `query` searches the title and the thematic area's name."""
    courses = access.courses_visible_to(user).filter(status=CourseStatus.PUBLISHED)
    text = (query or "").strip()
    if text:
        courses = courses.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(area__name_az__icontains=text)
            | Q(area__name_en__icontains=text)
            | Q(area__name_ru__icontains=text)
        )
    if area is not None:
        courses = courses.filter(area=area)
    return (
        courses.select_related("area")
        .annotate(lesson_count=Count("modules__lessons", distinct=True))
        .order_by("title", "id")
    )


def course_list(*, user: Any, status: str = "") -> QuerySet[Course]:
    """Every course a manager may change, with its lessons and open enrolments counted."""
    courses = access.courses_visible_to(user) if access.can_manage_courses(user) else Course.objects.none()
    if status:
        courses = courses.filter(status=status)
    return (
        courses.select_related("area")
        .annotate(
            lesson_count=Count("modules__lessons", distinct=True),
            open_count=Count("enrollments", filter=Q(enrollments__status__in=access.OPEN), distinct=True),
        )
        .order_by("status", "title", "id")
    )


def course_modules(course: Course) -> list[CourseModule]:
    """The course's modules in order, each with its lessons in order (two queries)."""
    return list(
        CourseModule.objects.filter(course=course)
        .prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def latest_enrollment(user: Any, course: Course) -> Enrollment | None:
    """The user's open enrolment on the course, else their latest one."""
    if not access.signed_in(user):
        return None
    rows = Enrollment.objects.filter(course=course, employee_id=user.pk)
    return rows.filter(status__in=access.OPEN).first() or rows.order_by("-cycle").first()


def lessons_done(enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))


@dataclass
class CoursePage:
    course: Course
    modules: list[CourseModule]
    enrollment: Enrollment | None
    done: set[int] = field(default_factory=set)
    first_lesson: Lesson | None = None
    next_lesson: Lesson | None = None  # the first lesson not yet done

    @property
    def lesson_count(self) -> int:
        return sum(len(module.lessons.all()) for module in self.modules)


def course_page(*, user: Any, course: Course, enrollment: Enrollment | None = None) -> CoursePage:
    """The course's modules and lessons, with the learner's enrolment and the lessons they have done."""
    modules = course_modules(course)
    enrollment = enrollment if enrollment is not None else latest_enrollment(user, course)
    done = lessons_done(enrollment)
    ordered = [lesson for module in modules for lesson in module.lessons.all()]
    return CoursePage(
        course=course,
        modules=modules,
        enrollment=enrollment,
        done=done,
        first_lesson=ordered[0] if ordered else None,
        next_lesson=next((lesson for lesson in ordered if lesson.pk not in done), None),
    )


def lesson_neighbours(lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The previous and the next lesson of the course in study order."""
    ids = course_lessons(lesson.module.course_id)
    index = ids.index(lesson.pk)
    previous_id = ids[index - 1] if index > 0 else None
    next_id = ids[index + 1] if index + 1 < len(ids) else None
    found = {row.pk: row for row in Lesson.objects.filter(pk__in=[pk for pk in (previous_id, next_id) if pk])}
    return found.get(previous_id or 0), found.get(next_id or 0)


# --- My learning ------------------------------------------------------------------------------------------


def my_enrollments(*, user: Any) -> list[Enrollment]:
    """The learner's enrolments: open ones first (nearest due date first), then the rest, newest first."""
    if not access.signed_in(user):
        return []
    rows = list(
        Enrollment.objects.filter(employee_id=user.pk)
        .select_related("course", "course__area", "rule")
        .order_by("-created_at", "-pk")
    )
    far = dt.date.max
    open_rows = sorted(
        (row for row in rows if row.status in access.OPEN), key=lambda row: (row.due_date or far, row.pk)
    )
    return open_rows + [row for row in rows if row.status not in access.OPEN]


def my_certificates(*, user: Any) -> list[Certificate]:
    if not access.signed_in(user):
        return []
    return list(
        Certificate.objects.filter(employee_id=user.pk).select_related("course").order_by("-issued_at")
    )


def _annotate_due(rows: list[Enrollment], today: dt.date) -> list[Enrollment]:
    for row in rows:
        row.overdue = row.due_date is not None and row.due_date < today  # type: ignore[attr-defined]
        row.days_left = (row.due_date - today).days if row.due_date else None  # type: ignore[attr-defined]
    return rows


def due_training(*, user: Any, today: dt.date | None = None) -> list[Enrollment]:
    """What the learner has to complete: open enrolments with a due date, the nearest (or overdue) first."""
    if not access.signed_in(user):
        return []
    today = today or timezone.localdate()
    rows = list(
        Enrollment.objects.filter(employee_id=user.pk, status__in=access.OPEN, due_date__isnull=False)
        .select_related("course", "rule")
        .order_by("due_date", "pk")
    )
    return _annotate_due(rows, today)


def unit_learning_read(*, head: Any, overdue_only: bool, page: int) -> None:
    """Record that a unit head read a page of their employees' learning (personal data of others)."""
    from eprok.audit.services import audit_record

    audit_record(
        actor=head,
        action="learning.unit.read",
        target_type="learning.enrollment",
        purpose="the learning of the unit's employees",
        data={"overdue_only": overdue_only, "page": page},
    )


def unit_enrollments(*, head: Any, status: str = "", overdue_only: bool = False) -> QuerySet[Enrollment]:
    """The enrolments of the employees of the units `head` heads (and their sub-units)."""
    if not access.signed_in(head):
        return Enrollment.objects.none()
    rows = Enrollment.objects.filter(access.unit_head_scope(head)).exclude(employee_id=head.pk)
    if status:
        rows = rows.filter(status=status)
    if overdue_only:
        rows = rows.filter(status__in=access.OPEN, due_date__lt=timezone.localdate())
    return rows.select_related("course", "employee", "employee__unit", "rule").order_by(
        "employee__unit__path", "employee__last_name", "employee__first_name", "course__title", "-cycle"
    )


def due_for_unit(*, head: Any, today: dt.date | None = None) -> list[Enrollment]:
    """What is due or overdue for the employees under the unit head: their open enrolments with a due
    date, nearest first."""
    today = today or timezone.localdate()
    rows = list(
        unit_enrollments(head=head)
        .filter(status__in=access.OPEN, due_date__isnull=False)
        .order_by("due_date", "employee__last_name", "pk")
    )
    return _annotate_due(rows, today)


# --- administration ----------------------------------------------------------------------------------------


def assignments_of(course: Course) -> QuerySet[CourseAssignment]:
    return (
        CourseAssignment.objects.filter(course=course)
        .select_related("unit", "position", "class_rank", "assigned_by")
        .order_by("-created_at", "-pk")
    )


def course_enrollments(course: Course) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(course=course)
        .select_related("employee", "employee__unit")
        .order_by("employee__last_name", "employee__first_name", "-cycle")
    )


def rule_list() -> QuerySet[MandatoryRule]:
    return (
        MandatoryRule.objects.select_related("course", "position")
        .annotate(
            open_count=Count("enrollments", filter=Q(enrollments__status__in=access.OPEN), distinct=True),
            completed_count=Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.COMPLETED), distinct=True
            ),
        )
        .order_by("-is_active", "course__title", "pk")
    )
