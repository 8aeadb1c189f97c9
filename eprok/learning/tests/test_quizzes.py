"""Services and selectors of quizzes: banks, questions, quiz settings, and a learner's attempts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.learning import quizzes
from eprok.learning.models import (
    AttemptAnswer,
    AttemptStatus,
    Choice,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    Question,
    QuestionKind,
    QuizAttempt,
)
from eprok.learning.quizzes import AnswerInput, ChoiceInput, QuestionInput, QuizInput, TimeOver
from eprok.learning.tests.quiz_fixtures import *  # noqa: F403
from eprok.learning.tests.quiz_fixtures import QuizWorld, add_question

# The pages and messages in English: the tests read the source strings (the catalogs are tested elsewhere).
pytestmark = pytest.mark.usefixtures("english")


def answers_of(world: QuizWorld) -> dict[int, AnswerInput]:
    return {
        qid: AnswerInput(choices=tuple(a["choices"]), text=a["text"])
        for qid, a in world.right_answers().items()
    }


def _settings(world: QuizWorld, **fields) -> QuizInput:
    values = {
        "bank": world.bank,
        "question_count": None,
        "shuffle_questions": True,
        "shuffle_choices": True,
        "time_limit_minutes": 20,
        "max_attempts": 3,
        "pass_mark": 60,
        **fields,
    }
    return QuizInput(**values)


# --- settings, banks, questions -----------------------------------------------------------------------------


def test_an_administrator_sets_the_quiz_of_a_quiz_lesson(world, audit_events):
    quiz = quizzes.quiz_save(
        actor=world.admin,
        lesson=world.lesson,
        data=_settings(world, question_count=2, pass_mark=80, max_attempts=None),
    )
    quiz.refresh_from_db()
    assert (quiz.question_count, quiz.pass_mark, quiz.max_attempts) == (2, 80, None)
    [event] = audit_events("learning.quiz.saved")
    changes = json.loads(event.changes)
    assert changes["before"]["pass_mark"] == 60 and changes["after"]["pass_mark"] == 80


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"pass_mark": 0}, "pass_mark"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"time_limit_minutes": 0}, "time_limit_minutes"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"question_count": 5}, "question_count"),  # the bank has four
        ({"question_count": 0}, "question_count"),
        ({"bank": None}, "bank"),
    ],
)
def test_quiz_settings_are_checked(world, audit_events, fields, field):
    with pytest.raises(ValidationFailed) as caught:
        quizzes.quiz_save(actor=world.admin, lesson=world.lesson, data=_settings(world, **fields))
    assert field in caught.value.details
    assert audit_events("learning.quiz.saved") == []


def test_the_quiz_must_draw_from_a_bank_of_its_own_course(world):
    from eprok.learning.models import Course, QuestionBank

    other_course = Course.objects.create(
        code="other", title="Başqa", area=world.course.area, hours=1, created_by=world.admin
    )
    foreign = QuestionBank.objects.create(course=other_course, title="Yad")
    with pytest.raises(ValidationFailed):
        quizzes.quiz_save(actor=world.admin, lesson=world.lesson, data=_settings(world, bank=foreign))


def test_a_text_lesson_has_no_quiz(world):
    with pytest.raises(Conflict):
        quizzes.quiz_save(actor=world.admin, lesson=world.text_lesson, data=_settings(world))


def test_a_learner_cannot_change_quiz_settings_or_questions(world):
    with pytest.raises(Forbidden):
        quizzes.quiz_save(actor=world.learner, lesson=world.lesson, data=_settings(world))
    with pytest.raises(Forbidden):
        quizzes.bank_create(actor=world.learner, course=world.course, title="X")
    with pytest.raises(Forbidden):
        quizzes.question_deactivate(actor=world.learner, question=world.single)


def test_banks_are_created_and_renamed(world, audit_events):
    bank = quizzes.bank_create(actor=world.admin, course=world.course, title="  Əlavə   suallar ")
    assert bank.title == "Əlavə suallar"
    quizzes.bank_rename(actor=world.admin, bank=bank, title="Yekun suallar")
    bank.refresh_from_db()
    assert bank.title == "Yekun suallar"
    assert len(audit_events("learning.bank.created")) == 1
    assert len(audit_events("learning.bank.renamed")) == 1
    with pytest.raises(ValidationFailed):
        quizzes.bank_rename(actor=world.admin, bank=bank, title="  ")


def test_a_true_false_question_gets_its_two_options(world, audit_events):
    question = quizzes.question_save(
        actor=world.admin,
        bank=world.bank,
        data=QuestionInput(kind=QuestionKind.TRUE_FALSE, text="Prokuror müstəqildir.", true_is_correct=True),
    )
    options = list(question.choices.order_by("position"))
    assert [(o.text, o.is_correct) for o in options] == [("Doğrudur", True), ("Yanlışdır", False)]
    quizzes.question_save(
        actor=world.admin,
        bank=world.bank,
        question=question,
        data=QuestionInput(kind=QuestionKind.TRUE_FALSE, text="Prokuror müstəqildir.", true_is_correct=False),
    )
    after = list(question.choices.order_by("position"))
    assert [o.id for o in after] == [o.id for o in options]  # ids kept: layouts keep pointing at them
    assert [o.is_correct for o in after] == [False, True]
    assert len(audit_events("learning.question.created")) == 1
    assert len(audit_events("learning.question.changed")) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            QuestionInput(kind="single", text="S", choices=(ChoiceInput("a", True), ChoiceInput("b", True))),
            "choices",
        ),
        (QuestionInput(kind="single", text="S", choices=(ChoiceInput("a"), ChoiceInput("b"))), "choices"),
        (QuestionInput(kind="single", text="S", choices=(ChoiceInput("a", True),)), "choices"),
        (QuestionInput(kind="multiple", text="S", choices=(ChoiceInput("a"), ChoiceInput("b"))), "choices"),
        (
            QuestionInput(
                kind="multiple", text="S", choices=(ChoiceInput("Həbs", True), ChoiceInput(" HƏBS ", False))
            ),
            "choices",
        ),
        (QuestionInput(kind="true_false", text="S"), "true_is_correct"),
        (QuestionInput(kind="short", text="S", accepted_answers=(" ", ".")), "accepted_answers"),
        (QuestionInput(kind="short", text=" ", accepted_answers=("a",)), "text"),
        (QuestionInput(kind="short", text="S", points=0, accepted_answers=("a",)), "points"),
        (QuestionInput(kind="essay", text="S"), "kind"),
    ],
)
def test_questions_are_checked(world, audit_events, data, field):
    before = Choice.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        quizzes.question_save(actor=world.admin, bank=world.bank, data=data)
    assert field in caught.value.details
    assert Choice.objects.count() == before
    assert audit_events() == []


def test_changing_a_question_keeps_the_option_ids_it_is_given(world):
    options = list(world.single.choices.all())
    quizzes.question_save(
        actor=world.admin,
        bank=world.bank,
        question=world.single,
        data=QuestionInput(
            kind="single",
            text=world.single.text,
            choices=(
                ChoiceInput("Prokuror", False, id=options[0].id),
                ChoiceInput("Müstəntiq", True, id=options[1].id),
                ChoiceInput("Hakim", False),
            ),
        ),
    )
    after = {o.id: o for o in world.single.choices.all()}
    assert options[0].id in after and options[1].id in after and options[2].id not in after
    assert after[options[1].id].is_correct and after[options[1].id].text == "Müstəntiq"
    assert len(after) == 3


def test_a_short_answer_question_keeps_distinct_accepted_answers(world):
    question = quizzes.question_save(
        actor=world.admin,
        bank=world.bank,
        data=QuestionInput(kind="short", text="?", accepted_answers=("Bakı", "baki", " BAKI. ", "Gəncə")),
    )
    assert question.accepted_answers == ["Bakı", "Gəncə"]


def test_a_deactivated_question_is_no_longer_drawn(world, audit_events):
    quizzes.question_deactivate(actor=world.admin, question=world.short)
    assert world.short.id not in {q.id for q in quizzes.drawable_questions(world.bank)}
    assert len(audit_events("learning.question.deactivated")) == 1
    with pytest.raises(Conflict):
        quizzes.question_deactivate(actor=world.admin, question=world.short)


# --- starting -----------------------------------------------------------------------------------------------


def test_a_learner_starts_an_attempt_with_a_fixed_layout_and_deadline(world, clock, audit_events):
    attempt, created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert created and attempt.number == 1 and attempt.status == AttemptStatus.IN_PROGRESS
    assert attempt.deadline_at == clock.now + dt.timedelta(minutes=20)
    drawn = [entry["question"] for entry in attempt.layout]
    assert sorted(drawn) == sorted([world.single.id, world.multiple.id, world.true_false.id, world.short.id])
    assert attempt.max_score == 5
    [event] = audit_events("learning.attempt.started")
    assert json.loads(event.data)["number"] == 1


def test_starting_again_returns_the_attempt_in_progress_with_the_same_layout(world):
    first, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    again, created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert not created
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.layout == first.layout
    shown = [q.id for q in quizzes.attempt_questions(attempt=again)]
    assert shown == [entry["question"] for entry in first.layout]
    assert QuizAttempt.objects.count() == 1


def test_it_draws_the_question_count_at_random_without_repeats(world):
    for number in range(6):
        add_question(world.bank, "single", f"Əlavə {number}", [("a", True), ("b", False)])
    world.quiz.question_count = 4
    world.quiz.max_attempts = None
    world.quiz.save()
    seen: set[tuple[int, ...]] = set()
    for _round in range(8):
        attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
        drawn = [entry["question"] for entry in attempt.layout]
        assert len(drawn) == 4 and len(set(drawn)) == 4
        seen.add(tuple(drawn))
        quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    assert len(seen) > 1  # 8 draws of 4 from 10 questions in order all alike: about 1 in 10^24


def test_without_shuffling_the_questions_and_options_keep_the_bank_order(world):
    world.quiz.shuffle_questions = False
    world.quiz.shuffle_choices = False
    world.quiz.save()
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert [e["question"] for e in attempt.layout] == sorted(e["question"] for e in attempt.layout)
    single = next(e for e in attempt.layout if e["question"] == world.single.id)
    assert single["choices"] == [c.id for c in world.single.choices.order_by("position")]


def test_a_question_without_a_correct_option_is_never_drawn(world):
    broken = add_question(world.bank, "single", "Səhv sual", [("a", False), ("b", False)])
    world.quiz.max_attempts = None
    world.quiz.save()
    for _round in range(3):
        attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
        assert broken.id not in [e["question"] for e in attempt.layout]
        quizzes.attempt_submit(actor=world.learner, attempt=attempt)


def test_a_quiz_with_no_question_to_ask_cannot_start(world, audit_events):
    for question in (world.single, world.multiple, world.true_false, world.short):
        question.is_active = False
        question.save()
    with pytest.raises(Conflict) as caught:
        quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert caught.value.code == "quiz_empty"
    assert "cannot start" in str(caught.value.message)
    assert QuizAttempt.objects.count() == 0
    assert audit_events("learning.attempt.started") == []


def test_it_refuses_an_attempt_beyond_the_limit(world):
    world.quiz.max_attempts = 2
    world.quiz.save()
    for _round in range(2):
        attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
        quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    with pytest.raises(Conflict) as caught:
        quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert caught.value.code == "no_attempts_left"
    assert QuizAttempt.objects.count() == 2


def test_an_employee_not_enrolled_cannot_start(world):
    with pytest.raises(NotFound):
        quizzes.attempt_start(actor=world.outsider, quiz=world.quiz)
    world.enrollment.status = EnrollmentStatus.WITHDRAWN
    world.enrollment.save()
    with pytest.raises(NotFound):
        quizzes.attempt_start(actor=world.learner, quiz=world.quiz)


# --- answering and submitting -------------------------------------------------------------------------------


def test_passing_completes_the_quiz_lesson(world, audit_events, django_capture_on_commit_callbacks):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    with django_capture_on_commit_callbacks(execute=True):
        quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers_of(world))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
        Decimal("5.00"),
        5,
        Decimal("100.00"),
        True,
    )
    assert LessonProgress.objects.filter(enrollment=world.enrollment, lesson=world.lesson).exists()
    world.enrollment.refresh_from_db()
    assert world.enrollment.progress == 50 and world.enrollment.status == EnrollmentStatus.IN_PROGRESS
    [event] = audit_events("learning.attempt.submitted")
    data = json.loads(event.data)
    assert data["passed"] is True and data["lesson_done"] is True


def test_failing_does_not_complete_the_lesson(world):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    answers = answers_of(world)
    answers[world.multiple.id] = AnswerInput(choices=tuple(c.id for c in world.multiple.choices.all()))
    answers[world.short.id] = AnswerInput(text="Mülki Məcəllə")
    quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.percent, attempt.passed) == (Decimal("2.00"), Decimal("40.00"), False)
    assert not LessonProgress.objects.filter(enrollment=world.enrollment).exists()


def test_exactly_the_pass_mark_passes_and_just_below_fails(world):
    # 3 of 5 points = 60 %, the pass mark.
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    answers = answers_of(world)
    answers[world.multiple.id] = AnswerInput(choices=())
    quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert (attempt.percent, attempt.passed) == (Decimal("60.00"), True)
    world.quiz.pass_mark = 61
    world.quiz.save()
    second, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=second, answers=answers)
    second.refresh_from_db()
    assert (second.percent, second.passed) == (Decimal("60.00"), False)


def test_answers_to_questions_not_drawn_are_ignored(world):
    stranger = add_question(world.bank, "single", "Kənar", [("a", True), ("b", False)])
    Question.objects.exclude(pk=world.single.pk).update(is_active=False)
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert [entry["question"] for entry in attempt.layout] == [world.single.id]
    answers = answers_of(world)  # right answers to questions that were not drawn...
    answers[stranger.id] = AnswerInput(choices=(stranger.choices.all()[0].id,))
    answers[world.single.id] = AnswerInput(choices=())  # ...and none to the one that was
    quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert list(attempt.answers.values_list("question_id", flat=True)) == [world.single.id]
    assert (attempt.score, attempt.max_score, attempt.passed) == (0, 1, False)


def test_saved_answers_are_kept_and_marked_at_submission(world, audit_events):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_save_answers(actor=world.learner, attempt=attempt, answers=answers_of(world))
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 4
    assert len(audit_events("learning.attempt.saved")) == 1
    quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == Decimal("100.00")


def test_it_refuses_a_second_submission(world, audit_events):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    with pytest.raises(Conflict) as caught:
        quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers_of(world))
    assert caught.value.code == "attempt_closed"
    assert len(audit_events("learning.attempt.submitted")) == 1
    with pytest.raises(Conflict):
        quizzes.attempt_save_answers(actor=world.learner, attempt=attempt, answers=answers_of(world))
    assert not AttemptAnswer.objects.filter(attempt=attempt, correct=True).exists()


def test_another_learner_cannot_touch_my_attempt(world):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    with pytest.raises(NotFound):
        quizzes.get_attempt_for(world.other, attempt.public_id)
    with pytest.raises(NotFound):
        quizzes.attempt_submit(actor=world.other, attempt=attempt, answers=answers_of(world))
    with pytest.raises(NotFound):
        quizzes.attempt_save_answers(actor=world.other, attempt=attempt, answers=answers_of(world))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()


# --- time ---------------------------------------------------------------------------------------------------


def test_a_submission_within_the_grace_counts(world, clock):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    clock.advance(minutes=20, seconds=30)
    quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers_of(world))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.passed


def test_a_late_submission_expires_the_attempt_and_stores_nothing_of_the_late_answers(
    world, clock, audit_events
):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    right = answers_of(world)
    quizzes.attempt_save_answers(
        actor=world.learner, attempt=attempt, answers={world.single.id: right[world.single.id]}
    )
    clock.advance(minutes=20, seconds=31)
    with pytest.raises(TimeOver) as caught:
        quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=right)
    assert "Time ran out" in str(caught.value.message)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.score == Decimal("1.00")  # only the answer saved in time
    stored = {a.question_id: a for a in attempt.answers.all()}
    assert stored[world.single.id].correct
    assert stored[world.short.id].text == "" and stored[world.multiple.id].choices == []
    assert not attempt.passed
    assert len(audit_events("learning.attempt.expired")) == 1
    assert audit_events("learning.attempt.submitted") == []


def test_late_saving_stores_nothing_and_expires_the_attempt(world, clock):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    clock.advance(minutes=21)
    with pytest.raises(TimeOver):
        quizzes.attempt_save_answers(actor=world.learner, attempt=attempt, answers=answers_of(world))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert not AttemptAnswer.objects.filter(attempt=attempt).exclude(text="", choices=[]).exists()


def test_starting_after_an_overdue_attempt_expires_it_and_counts_it(world, clock):
    world.quiz.max_attempts = 1
    world.quiz.save()
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    clock.advance(hours=1)
    with pytest.raises(Conflict) as caught:
        quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert caught.value.code == "no_attempts_left"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED


def test_the_sweep_expires_overdue_attempts_only(world, clock):
    late, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_save_answers(actor=world.learner, attempt=late, answers=answers_of(world))
    clock.advance(minutes=15)
    fresh, _created = quizzes.attempt_start(actor=world.other, quiz=world.quiz)
    clock.advance(minutes=6)
    assert quizzes.expire_overdue_attempts() == 1
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.status == AttemptStatus.EXPIRED and late.passed  # marked on what was saved in time
    assert fresh.status == AttemptStatus.IN_PROGRESS
    assert LessonProgress.objects.filter(enrollment=world.enrollment, lesson=world.lesson).exists()
    assert quizzes.expire_overdue_attempts() == 0


def test_an_attempt_without_a_time_limit_never_expires(world, clock):
    world.quiz.time_limit_minutes = None
    world.quiz.save()
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert attempt.deadline_at is None
    clock.advance(days=3)
    assert quizzes.expire_overdue_attempts() == 0
    quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers_of(world))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED


# --- what is revealed ---------------------------------------------------------------------------------------


def test_correct_answers_are_revealed_only_after_a_pass_or_the_last_attempt(world):
    world.quiz.max_attempts = 2
    world.quiz.save()
    first, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    assert all(
        o.correct is None for q in quizzes.attempt_questions(attempt=first, reveal=True) for o in q.options
    )
    quizzes.attempt_submit(actor=world.learner, attempt=first)
    first.refresh_from_db()
    assert not quizzes.reveals_answers(first)
    second, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=second)
    second.refresh_from_db()
    assert quizzes.reveals_answers(second)
    shown = quizzes.attempt_questions(attempt=second, reveal=True)
    assert any(o.correct for q in shown for o in q.options)


def test_the_summary_counts_attempts_and_the_best_result(world):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    quizzes.attempt_submit(actor=world.learner, attempt=attempt, answers=answers_of(world))
    summary = quizzes.quiz_summary(quiz=world.quiz, enrollment=Enrollment.objects.get(pk=world.enrollment.pk))
    assert (summary.used, summary.allowed, summary.remaining, summary.best, summary.passed) == (
        1,
        3,
        2,
        Decimal("100.00"),
        True,
    )
    assert summary.question_total == 4 and summary.can_start
