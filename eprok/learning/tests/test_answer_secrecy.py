"""What a learner may learn about the right answers, and when: not from an earlier attempt while another is
in progress, not per question before the answers are revealed, and not by withdrawing and enrolling again
for fresh attempts. Also: deleting the one lesson left completes the open enrolments."""

from __future__ import annotations

import pytest

from eprok.core.errors import Conflict
from eprok.learning import quizzes, services
from eprok.learning.models import Enrollment, EnrollmentStatus, Lesson, LessonKind, LessonProgress
from eprok.learning.tests.quiz_fixtures import *  # noqa: F403
from eprok.learning.tests.quiz_fixtures import QuizWorld


def test_an_earlier_attempt_reveals_nothing_while_the_last_one_is_in_progress(world: QuizWorld):
    world.quiz.max_attempts = 2
    world.quiz.save()
    first, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=first)
    second, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    first.refresh_from_db()

    assert not quizzes.reveals_answers(first)

    quizzes.attempt_submit(actor=world.learner, attempt=second)
    assert quizzes.reveals_answers(first)


def test_before_the_answers_are_revealed_only_the_total_is_shown(world: QuizWorld):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    attempt.refresh_from_db()
    assert not quizzes.reveals_answers(attempt)

    shown = quizzes.attempt_questions(attempt=attempt, reveal=False)

    assert shown and all(q.correct is None and q.points_scored is None and not q.explanation for q in shown)
    assert attempt.percent is not None  # the total is known


def test_a_learner_who_took_the_quiz_cannot_withdraw_to_start_over(world: QuizWorld):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    enrollment = Enrollment.objects.get(pk=world.enrollment.pk)

    with pytest.raises(Conflict):
        services.withdraw(actor=world.learner, enrollment=enrollment)

    enrollment.refresh_from_db()
    assert enrollment.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS)


def test_deleting_the_only_lesson_left_completes_the_open_enrolment(
    world: QuizWorld, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(pk=world.enrollment.pk)
    LessonProgress.objects.create(
        enrollment=enrollment, lesson=world.lesson, completed_at=world.enrollment.created_at
    )
    spare = Lesson.objects.create(
        module=world.text_lesson.module, title="Əlavə", kind=LessonKind.TEXT, position=9
    )
    services.lesson_complete(actor=world.learner, enrollment=enrollment, lesson=world.text_lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS and enrollment.progress == 66

    services.lesson_delete(actor=world.admin, lesson=spare)

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.progress) == (EnrollmentStatus.COMPLETED, 100)
