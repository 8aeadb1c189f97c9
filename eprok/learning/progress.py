"""A learner's progress through an enrolment: lessons done, the percentage, starting and completion.

The services of lessons and quizzes call `lesson_done` inside their own transaction; completion of the
last lesson completes the enrolment (and, with a renewing mandatory rule, sets how long it stays valid)
and, after commit, hands the enrolment to `completion_hooks` (the certificate is issued there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from eprok.core.calendar.deadlines import add_months
from eprok.learning.models import Enrollment, EnrollmentStatus, Lesson, LessonProgress

OPEN_STATUSES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS)

# Called after commit with the enrolment that has just been completed.
CompletionHook = Callable[[Enrollment], None]
_completion_hooks: list[CompletionHook] = []


def register_completion_hook(hook: CompletionHook) -> None:
    if hook not in _completion_hooks:
        _completion_hooks.append(hook)


def completion_hooks() -> list[CompletionHook]:
    return list(_completion_hooks)


def course_lessons(course_id: int) -> list[int]:
    """The ids of a course's lessons in study order (module order, then lesson order)."""
    return list(
        Lesson.objects.filter(module__course_id=course_id)
        .order_by("module__position", "module_id", "position", "id")
        .values_list("id", flat=True)
    )


def percent_done(done: int, total: int) -> int:
    """Whole per cent, rounded down so that 100 means every lesson is done."""
    if total <= 0:
        return 0
    return min(100, (done * 100) // total)


def recompute(enrollment: Enrollment, *, now: dt.datetime | None = None) -> Enrollment:
    """Bring `progress`, `status`, `started_at`, `completed_at` and `valid_until` in line with the lessons
    done. Must run inside a transaction holding the enrolment row (select_for_update)."""
    if enrollment.status not in OPEN_STATUSES:
        return enrollment
    moment = now or timezone.now()
    lessons = course_lessons(enrollment.course_id)
    done = LessonProgress.objects.filter(enrollment=enrollment, lesson_id__in=lessons).count()
    enrollment.progress = percent_done(done, len(lessons))
    if done and enrollment.started_at is None:
        enrollment.started_at = moment
    if lessons and done >= len(lessons):
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = moment
        renew = enrollment.rule.renew_months if enrollment.rule_id and enrollment.rule else None
        if renew:
            enrollment.valid_until = add_months(timezone.localdate(moment), renew)[0]
        enrollment.save(
            update_fields=["progress", "status", "started_at", "completed_at", "valid_until", "updated_at"]
        )
        completed = enrollment
        transaction.on_commit(lambda: _completed(completed))
        return enrollment
    if done:
        enrollment.status = EnrollmentStatus.IN_PROGRESS
    enrollment.save(update_fields=["progress", "status", "started_at", "updated_at"])
    return enrollment


def lesson_done(*, enrollment: Enrollment, lesson: Lesson, now: dt.datetime | None = None) -> bool:
    """Record `lesson` as done in `enrollment` (once) and recompute; True when newly recorded.

    The caller has checked that the learner may study the lesson and holds the enrolment row locked."""
    moment = now or timezone.now()
    _row, created = LessonProgress.objects.get_or_create(
        enrollment=enrollment, lesson=lesson, defaults={"completed_at": moment}
    )
    if created:
        recompute(enrollment, now=moment)
    return created


def _completed(enrollment: Enrollment) -> None:
    for hook in completion_hooks():
        hook(enrollment)
