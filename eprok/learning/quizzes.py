"""Quizzes of distance learning: question banks and their questions, a quiz lesson's settings, and a
learner's attempts (start, save, submit, expiry). Reads and writes of quizzes live here; marking itself
is in `scoring` (pure functions).

- An attempt fixes its questions and the order of their options in `layout` when it starts; every later
  read and the marking follow the layout only, so reloading shows the same quiz and an answer to a
  question that was not drawn is ignored.
- The server is the judge of time: answers arriving after `deadline_at` + `SUBMIT_GRACE` are not stored;
  the attempt is closed as expired and marked on what was saved in time (`TimeOver` says so).
- Passing (on submission or expiry) marks the quiz lesson done in the enrolment.
- True/false questions keep two options, stored with the Azerbaijani texts "Doğrudur" (position 0) and
  "Yanlışdır" (position 1) so that the data reads well anywhere; the pages and the API show them in the
  reader's language by position (`option_label`).
- The correct answers — and which of the learner's answers were right, which gives them away — are shown
  once the learner has passed or used the last attempt allowed, never while an attempt of the quiz is in
  progress (`reveals_answers`); until then only the total.

Every write checks first, then changes rows in one transaction with the enrolment and the attempt
locked, and records an audit event; a refusal raises a translated ApplicationError and writes nothing —
except `TimeOver`, raised after the expired attempt has been closed and committed.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from eprok.audit.services import audit_record, diff
from eprok.core.access import deny
from eprok.core.collation import az_lower
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.learning import access, progress, scoring
from eprok.learning.models import (
    AttemptAnswer,
    AttemptStatus,
    Choice,
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
    QuizAttempt,
)

# Answers that arrive this long after the deadline still count: the page's clock and the network lag.
SUBMIT_GRACE = dt.timedelta(seconds=30)
MAX_POINTS = 100
MAX_QUESTION_TEXT = 4000
MAX_ANSWER_TEXT = 500
# True/false options as stored (position 0 is "true"); shown translated by `option_label`.
TRUE_TEXT = "Doğrudur"
FALSE_TEXT = "Yanlışdır"

NOT_SET_UP = _("This quiz has not been set up yet.")
BANK_OF_COURSE = _("Choose a question bank of this course.")

TARGET_ATTEMPT = "learning.quizattempt"
TARGET_LESSON = "learning.lesson"
TARGET_BANK = "learning.questionbank"
TARGET_QUESTION = "learning.question"


# --- errors -------------------------------------------------------------------------------------------------


class TimeOver(Conflict):
    """The attempt's time ran out: it has been closed as expired and marked on the answers saved in time;
    the answers sent late were not stored."""

    code = "quiz_time_over"
    default_message = _(
        "Time ran out for this attempt. It was closed and marked on the answers saved in time; "
        "the answers sent after the time limit were not recorded."
    )

    def __init__(self, attempt: QuizAttempt) -> None:
        super().__init__(details={"attempt": str(attempt.public_id)})
        self.attempt = attempt


def _fail(field_name: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field_name: str(message)})


# --- access -------------------------------------------------------------------------------------------------


def can_manage(user: Any) -> bool:
    """Whether the user manages courses, and so their banks, questions and quiz settings."""
    return access.can_manage_courses(user)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _require_manager(actor: Any) -> None:
    if not can_manage(actor):
        raise Forbidden(_("Only administrators of distance learning may do this."))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def open_enrollment(user: Any, course_id: int) -> Enrollment | None:
    """The learner's open enrolment on the course (at most one exists)."""
    if not _signed_in(user):
        return None
    return (
        Enrollment.objects.filter(course_id=course_id, employee_id=user.pk, status__in=progress.OPEN_STATUSES)
        .select_related("course")
        .first()
    )


def studied_enrollment(user: Any, course_id: int) -> Enrollment | None:
    """The learner's open enrolment on the course, else the latest completed one (its attempts stay
    readable)."""
    enrollment = open_enrollment(user, course_id)
    if enrollment is None and _signed_in(user):
        enrollment = (
            Enrollment.objects.filter(
                course_id=course_id, employee_id=user.pk, status=EnrollmentStatus.COMPLETED
            )
            .order_by("-cycle", "-id")
            .first()
        )
    return enrollment


def get_bank_for(user: Any, key: Any) -> QuestionBank:
    """A bank by id for a manager; 404 for everyone else."""
    text = str(key or "").strip()
    bank = None
    if can_manage(user) and text.isdigit():
        bank = QuestionBank.objects.select_related("course").filter(pk=int(text)).first()
    if bank is None:
        deny(user, action="learning.bank.open", target_type=TARGET_BANK, target_key=text[:64], visible=False)
    return bank


def get_question_for(user: Any, key: Any) -> Question:
    text = str(key or "").strip()
    question = None
    if can_manage(user) and text.isdigit():
        question = (
            Question.objects.select_related("bank__course")
            .prefetch_related("choices")
            .filter(pk=int(text))
            .first()
        )
    if question is None:
        deny(
            user,
            action="learning.question.open",
            target_type=TARGET_QUESTION,
            target_key=text[:64],
            visible=False,
        )
    return question


def get_quiz_lesson_for(user: Any, key: Any, action: str = "study") -> Lesson:
    """A quiz lesson by public id, as the course module's access rules allow (`study`: the learner's
    enrolment is open; `manage`: a course manager); 404 for a lesson of another kind."""
    lesson = access.get_lesson_for(user, key, action=action)
    if lesson.kind != LessonKind.QUIZ:
        deny(
            user,
            action=f"learning.quiz.{action}",
            target_type=TARGET_LESSON,
            target_key=str(key)[:64],
            visible=False,
        )
    return lesson


def get_attempt_for(user: Any, key: Any) -> QuizAttempt:
    """An attempt by public id, only to the learner who made it; 404 for anyone else."""
    text = str(key or "").strip()
    attempt = None
    if _is_uuid(text) and _signed_in(user):
        attempt = (
            QuizAttempt.objects.filter(public_id=text, enrollment__employee_id=user.pk)
            .select_related("quiz__lesson__module__course", "quiz__bank", "enrollment")
            .first()
        )
    if attempt is None:
        deny(
            user,
            action="learning.attempt.open",
            target_type=TARGET_ATTEMPT,
            target_key=text[:64],
            visible=False,
        )
    return attempt


# --- selectors ----------------------------------------------------------------------------------------------


def bank_list(*, user: Any, course: Course | None = None) -> QuerySet[QuestionBank]:
    if not can_manage(user):
        return QuestionBank.objects.none()
    banks = QuestionBank.objects.select_related("course").annotate(
        question_total=Count("questions", distinct=True),
        active_total=Count("questions", filter=Q(questions__is_active=True), distinct=True),
    )
    if course is not None:
        banks = banks.filter(course=course)
    return banks.order_by("course__title", "title", "id")


def bank_questions(*, bank: QuestionBank, active_only: bool = False) -> QuerySet[Question]:
    questions = Question.objects.filter(bank=bank).prefetch_related("choices").order_by("id")
    if active_only:
        questions = questions.filter(is_active=True)
    return questions


def drawable_questions(bank: QuestionBank) -> list[Question]:
    """The bank's active questions that can be asked (see scoring.is_drawable), in bank order."""
    return [question for question in bank_questions(bank=bank, active_only=True) if question_ready(question)]


def question_ready(question: Question) -> bool:
    options = list(question.choices.all())
    return scoring.is_drawable(
        kind=question.kind,
        correct_count=sum(1 for option in options if option.is_correct),
        option_count=len(options),
        accepted=question.accepted_answers or [],
    )


def option_label(question: Question, option: Choice) -> str:
    """The text of an option as shown: a true/false option in the reader's language."""
    if question.kind == QuestionKind.TRUE_FALSE:
        return pgettext("quiz option", "True") if option.position == 0 else pgettext("quiz option", "False")
    return option.text


def question_key(question: Question, option_ids: Iterable[int]) -> scoring.QuestionKey:
    existing = {option.id: option for option in question.choices.all()}
    shown = tuple(option_id for option_id in option_ids if option_id in existing)
    return scoring.QuestionKey(
        kind=question.kind,
        points=question.points,
        options=shown,
        correct=frozenset(option_id for option_id in shown if existing[option_id].is_correct),
        accepted=tuple(str(item) for item in question.accepted_answers or []),
    )


@dataclass
class ShownOption:
    id: int
    text: str
    chosen: bool
    correct: bool | None  # None: not revealed


@dataclass
class ShownQuestion:
    """One question of an attempt as shown, in layout order, with the learner's saved answer."""

    number: int
    id: int
    kind: str
    text: str
    points: int
    options: list[ShownOption]
    text_answer: str
    # After submission only:
    correct: bool | None = None
    points_scored: Decimal | None = None
    explanation: str = ""
    accepted: list[str] = field(default_factory=list)


def attempt_questions(*, attempt: QuizAttempt, reveal: bool = False) -> list[ShownQuestion]:
    """The attempt's questions in layout order with the saved answers; with `reveal`, the correct options
    and accepted answers too. Never reveals anything while the attempt is in progress."""
    reveal = reveal and attempt.status != AttemptStatus.IN_PROGRESS
    closed = attempt.status != AttemptStatus.IN_PROGRESS
    ids = [entry["question"] for entry in attempt.layout]
    questions = {q.id: q for q in Question.objects.filter(id__in=ids).prefetch_related("choices")}
    answers = {answer.question_id: answer for answer in AttemptAnswer.objects.filter(attempt=attempt)}
    shown: list[ShownQuestion] = []
    for entry in attempt.layout:
        question = questions.get(entry["question"])
        if question is None:
            continue
        options = {option.id: option for option in question.choices.all()}
        answer = answers.get(question.id)
        chosen = {int(item) for item in (answer.choices if answer else [])}
        shown.append(
            ShownQuestion(
                number=len(shown) + 1,
                id=question.id,
                kind=question.kind,
                text=question.text,
                points=question.points,
                options=[
                    ShownOption(
                        id=option_id,
                        text=option_label(question, options[option_id]),
                        chosen=option_id in chosen,
                        correct=options[option_id].is_correct if reveal else None,
                    )
                    for option_id in entry["choices"]
                    if option_id in options
                ],
                text_answer=answer.text if answer else "",
                # Which answers were right gives the answers away: shown only with them (the total always).
                correct=(answer.correct if answer else False) if closed and reveal else None,
                points_scored=answer.points if closed and reveal and answer else None,
                explanation=question.explanation if closed and reveal else "",
                accepted=list(question.accepted_answers or []) if reveal else [],
            )
        )
    return shown


def attempts_of(*, enrollment: Enrollment, quiz: Quiz) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("number")


def my_attempts(*, user: Any) -> QuerySet[QuizAttempt]:
    if not _signed_in(user):
        return QuizAttempt.objects.none()
    return (
        QuizAttempt.objects.filter(enrollment__employee_id=user.pk)
        .select_related("quiz__lesson__module__course")
        .order_by("-started_at", "-id")
    )


@dataclass
class QuizSummary:
    """What the quiz's intro page tells the learner."""

    quiz: Quiz
    enrollment: Enrollment
    attempts: list[QuizAttempt]
    used: int
    allowed: int | None
    remaining: int | None
    best: Decimal | None
    passed: bool
    current: QuizAttempt | None
    question_total: int
    can_start: bool


def quiz_summary(*, quiz: Quiz, enrollment: Enrollment) -> QuizSummary:
    attempts = list(attempts_of(enrollment=enrollment, quiz=quiz))
    used = len(attempts)
    current = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    scored = [a.percent for a in attempts if a.percent is not None]
    remaining = None if quiz.max_attempts is None else max(0, quiz.max_attempts - used)
    available = len(drawable_questions(quiz.bank))
    total = min(quiz.question_count or available, available)
    return QuizSummary(
        quiz=quiz,
        enrollment=enrollment,
        attempts=attempts,
        used=used,
        allowed=quiz.max_attempts,
        remaining=remaining,
        best=max(scored) if scored else None,
        passed=any(a.passed for a in attempts),
        current=current,
        question_total=total,
        can_start=enrollment.status in progress.OPEN_STATUSES
        and (current is not None or ((remaining is None or remaining > 0) and total > 0)),
    )


def reveals_answers(attempt: QuizAttempt) -> bool:
    """Correct answers (and which answers were right) are shown once the learner passed, or has no attempt
    left — never while an attempt of the quiz is in progress (it draws from the same bank)."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return False
    attempts = QuizAttempt.objects.filter(enrollment_id=attempt.enrollment_id, quiz_id=attempt.quiz_id)
    if attempts.filter(status=AttemptStatus.IN_PROGRESS).exists():
        return False
    if attempts.filter(passed=True).exists():
        return True
    allowed = attempt.quiz.max_attempts
    return allowed is not None and attempts.count() >= allowed


def seconds_left(attempt: QuizAttempt, now: dt.datetime | None = None) -> int | None:
    if attempt.deadline_at is None or attempt.status != AttemptStatus.IN_PROGRESS:
        return None
    return max(0, int((attempt.deadline_at - (now or timezone.now())).total_seconds()))


# --- banks and questions ------------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    value = " ".join((title or "").split())
    if not value:
        raise _fail("title", _("Enter the title of the question bank."))
    if len(value) > 255:
        raise _fail("title", _("At most %(limit)d characters.") % {"limit": 255})
    return value


@transaction.atomic
def bank_create(*, actor: Any, course: Course, title: str) -> QuestionBank:
    _require_manager(actor)
    value = _clean_title(title)
    bank = QuestionBank.objects.create(course=course, title=value)
    audit_record(
        actor=actor,
        action="learning.bank.created",
        target=bank,
        related=course,
        changes=diff({}, {"title": value, "course": course.code}),
    )
    return bank


@transaction.atomic
def bank_rename(*, actor: Any, bank: QuestionBank, title: str) -> QuestionBank:
    _require_manager(actor)
    value = _clean_title(title)
    bank = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    before = bank.title
    if before != value:
        bank.title = value
        bank.save(update_fields=["title", "updated_at"])
        audit_record(
            actor=actor,
            action="learning.bank.renamed",
            target=bank,
            changes=diff({"title": before}, {"title": value}),
        )
    return bank


@dataclass(frozen=True)
class ChoiceInput:
    text: str
    is_correct: bool = False
    id: int | None = None


@dataclass(frozen=True)
class QuestionInput:
    """What a question says; the form and the API fill it in, the service checks it. `true_is_correct`
    is the answer of a true/false question; `choices` those of single and multiple choice;
    `accepted_answers` those of a short-answer question."""

    kind: str
    text: str
    points: int = 1
    explanation: str = ""
    choices: tuple[ChoiceInput, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    true_is_correct: bool | None = None


def _clean_question(data: QuestionInput) -> dict[str, Any]:
    if data.kind not in QuestionKind.values:
        raise _fail("kind", _("Choose the kind of question."))
    text = (data.text or "").strip()
    if not text:
        raise _fail("text", _("Enter the question."))
    if len(text) > MAX_QUESTION_TEXT:
        raise _fail("text", _("At most %(limit)d characters.") % {"limit": MAX_QUESTION_TEXT})
    if data.points is None or not 1 <= int(data.points) <= MAX_POINTS:
        raise _fail("points", _("A question is worth from 1 to %(max)d points.") % {"max": MAX_POINTS})
    choices: list[ChoiceInput] = []
    accepted: list[str] = []
    if data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for choice in data.choices:
            option = (choice.text or "").strip()
            if len(option) > 500:
                raise _fail(
                    "choices", _("An answer option has at most %(limit)d characters.") % {"limit": 500}
                )
            if option:
                choices.append(ChoiceInput(text=option, is_correct=bool(choice.is_correct), id=choice.id))
        correct_count = sum(1 for choice in choices if choice.is_correct)
        if len(choices) < 2:
            raise _fail("choices", _("Give at least two answer options."))
        # Options differing only in case or spacing are the same option (letters are not folded here:
        # "Ölü" and "Olu" are different words).
        if len({" ".join(az_lower(choice.text).split()) for choice in choices}) < len(choices):
            raise _fail("choices", _("Two answer options say the same thing."))
        if data.kind == QuestionKind.SINGLE and correct_count != 1:
            raise _fail("choices", _("Mark exactly one answer option as correct."))
        if data.kind == QuestionKind.MULTIPLE and correct_count < 1:
            raise _fail("choices", _("Mark at least one answer option as correct."))
    elif data.kind == QuestionKind.TRUE_FALSE:
        if data.true_is_correct is None:
            raise _fail("true_is_correct", _("Say whether the statement is true or false."))
        choices = [
            ChoiceInput(text=TRUE_TEXT, is_correct=bool(data.true_is_correct)),
            ChoiceInput(text=FALSE_TEXT, is_correct=not data.true_is_correct),
        ]
    else:
        seen: set[str] = set()
        for answer in data.accepted_answers:
            value = " ".join((answer or "").split())
            folded = scoring.normalise_answer(value)
            if len(value) > MAX_ANSWER_TEXT:
                raise _fail(
                    "accepted_answers",
                    _("An accepted answer has at most %(limit)d characters.") % {"limit": MAX_ANSWER_TEXT},
                )
            if folded and folded not in seen:
                seen.add(folded)
                accepted.append(value)
        if not accepted:
            raise _fail("accepted_answers", _("Give at least one accepted answer."))
    return {
        "kind": data.kind,
        "text": text,
        "points": int(data.points),
        "explanation": (data.explanation or "").strip(),
        "choices": choices,
        "accepted_answers": accepted,
    }


def _question_snapshot(question: Question) -> dict[str, Any]:
    return {
        "kind": question.kind,
        "text": question.text,
        "points": question.points,
        "explanation": question.explanation,
        "accepted_answers": list(question.accepted_answers or []),
        "choices": [
            f"{'+' if c.is_correct else '-'} {c.text}" for c in question.choices.order_by("position", "id")
        ],
        "is_active": question.is_active,
    }


def _store_choices(question: Question, choices: list[ChoiceInput], *, by_position: bool) -> None:
    """Update the options in place (their ids stay stable, so attempts' layouts keep pointing at them),
    add the new ones and remove the ones no longer given."""
    existing = list(question.choices.order_by("position", "id"))
    by_id = {option.id: option for option in existing}
    kept: set[int] = set()
    for position, choice in enumerate(choices):
        option = None
        if by_position and position < len(existing):
            option = existing[position]
        elif choice.id is not None:
            option = by_id.get(choice.id)
        if option is None or option.id in kept:
            option = Choice(question=question)
        option.text, option.is_correct, option.position = choice.text, choice.is_correct, position
        option.save()
        kept.add(option.id)
    Choice.objects.filter(question=question).exclude(id__in=kept).delete()


@transaction.atomic
def question_save(
    *, actor: Any, bank: QuestionBank, data: QuestionInput, question: Question | None = None
) -> Question:
    """Add a question to the bank, or change one of its questions."""
    _require_manager(actor)
    values = _clean_question(data)
    choices = values.pop("choices")
    if question is None:
        question = Question.objects.create(bank=bank, **values)
        before: dict[str, Any] = {}
        action = "learning.question.created"
    else:
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.bank_id != bank.pk:
            raise Conflict(_("The question belongs to another bank."))
        if question.kind != values["kind"] and AttemptAnswer.objects.filter(question=question).exists():
            raise _fail("kind", _("Learners have answered this question; its kind can no longer change."))
        before = _question_snapshot(question)
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
        action = "learning.question.changed"
    _store_choices(question, choices, by_position=values["kind"] == QuestionKind.TRUE_FALSE)
    changes = diff(before, _question_snapshot(question))
    if changes or not before:
        audit_record(actor=actor, action=action, target=question, related=bank, changes=changes)
    return question


@transaction.atomic
def question_deactivate(*, actor: Any, question: Question) -> Question:
    """Take a question out of future draws; attempts that drew it still show and mark it."""
    _require_manager(actor)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.is_active:
        raise Conflict(_("The question is already inactive."))
    question.is_active = False
    question.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="learning.question.deactivated",
        target=question,
        changes=diff({"is_active": True}, {"is_active": False}),
    )
    return question


# --- quiz settings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizInput:
    bank: QuestionBank | None
    question_count: int | None = None
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    time_limit_minutes: int | None = None
    max_attempts: int | None = None
    pass_mark: int = 70


QUIZ_TRACKED = (
    "bank_id",
    "question_count",
    "shuffle_questions",
    "shuffle_choices",
    "time_limit_minutes",
    "max_attempts",
    "pass_mark",
)


def _quiz_snapshot(quiz: Quiz | None) -> dict[str, Any]:
    return {} if quiz is None else {name: getattr(quiz, name) for name in QUIZ_TRACKED}


@transaction.atomic
def quiz_save(*, actor: Any, lesson: Lesson, data: QuizInput) -> Quiz:
    """Set the quiz of a quiz lesson: its bank, how many questions, order, time, attempts, pass mark."""
    _require_manager(actor)
    if lesson.kind != LessonKind.QUIZ:
        raise Conflict(_("Only a lesson of the kind “quiz” has a quiz."))
    course_id = lesson.module.course_id
    if data.bank is None or data.bank.course_id != course_id:
        raise _fail("bank", BANK_OF_COURSE)
    if not 1 <= int(data.pass_mark) <= 100:
        raise _fail("pass_mark", _("The pass mark is from 1 to 100 per cent."))
    if data.time_limit_minutes is not None and data.time_limit_minutes < 1:
        raise _fail("time_limit_minutes", _("The time limit is at least one minute, or leave it empty."))
    if data.max_attempts is not None and data.max_attempts < 1:
        raise _fail("max_attempts", _("Allow at least one attempt, or leave it empty for no limit."))
    available = len(drawable_questions(data.bank))
    if data.question_count is not None:
        if data.question_count < 1:
            raise _fail("question_count", _("Draw at least one question, or leave it empty for all."))
        if data.question_count > available:
            raise _fail(
                "question_count",
                _("The bank has only %(count)d active questions ready to be asked.") % {"count": available},
            )
    values = {
        "bank": data.bank,
        "question_count": data.question_count,
        "shuffle_questions": bool(data.shuffle_questions),
        "shuffle_choices": bool(data.shuffle_choices),
        "time_limit_minutes": data.time_limit_minutes,
        "max_attempts": data.max_attempts,
        "pass_mark": int(data.pass_mark),
    }
    quiz = Quiz.objects.select_for_update().filter(lesson=lesson).first()
    before = _quiz_snapshot(quiz)
    if quiz is None:
        quiz = Quiz.objects.create(lesson=lesson, **values)
    else:
        for name, value in values.items():
            setattr(quiz, name, value)
        quiz.save()
    changes = diff(before, _quiz_snapshot(quiz))
    if changes:
        audit_record(
            actor=actor, action="learning.quiz.saved", target=lesson, related=quiz.bank, changes=changes
        )
    return quiz


# --- attempts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    choices: tuple[Any, ...] = ()
    text: str = ""


def _overdue(attempt: QuizAttempt, now: dt.datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + SUBMIT_GRACE


def _lock(actor: Any, attempt: QuizAttempt) -> tuple[Enrollment, QuizAttempt]:
    """The enrolment, then the attempt, locked (always in this order); only the attempt's own learner."""
    enrollment = Enrollment.objects.select_for_update().get(pk=attempt.enrollment_id)
    if actor is not None and enrollment.employee_id != getattr(actor, "pk", None):
        deny(
            actor,
            action="learning.attempt.open",
            target_type=TARGET_ATTEMPT,
            target_key=str(attempt.public_id),
            visible=False,
        )
    locked = (
        QuizAttempt.objects.select_for_update(of=("self",)).select_related("quiz__lesson").get(pk=attempt.pk)
    )
    return enrollment, locked


def _store_answers(attempt: QuizAttempt, answers: Mapping[int, AnswerInput]) -> int:
    """Save the answers to the questions of the layout (others are ignored); how many were given."""
    layout = {int(entry["question"]): list(entry["choices"]) for entry in attempt.layout}
    saved = {answer.question_id: answer for answer in AttemptAnswer.objects.filter(attempt=attempt)}
    stored = 0
    for raw_id, given in answers.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            continue
        if question_id not in layout:
            continue
        choices = list(scoring.clean_choices(given.choices, layout[question_id]))
        text = (given.text or "").strip()[:MAX_ANSWER_TEXT]
        answer = saved.get(question_id)
        if answer is None:
            AttemptAnswer.objects.create(attempt=attempt, question_id=question_id, choices=choices, text=text)
        elif answer.choices != choices or answer.text != text:
            answer.choices, answer.text = choices, text
            answer.save(update_fields=["choices", "text"])
        stored += 1
    return stored


def _close(
    *, actor: Any, enrollment: Enrollment, attempt: QuizAttempt, now: dt.datetime, status: str
) -> QuizAttempt:
    """Mark the attempt against its layout, close it and, when passed, mark the quiz lesson done."""
    ids = [int(entry["question"]) for entry in attempt.layout]
    questions = {q.id: q for q in Question.objects.filter(id__in=ids).prefetch_related("choices")}
    saved = {answer.question_id: answer for answer in AttemptAnswer.objects.filter(attempt=attempt)}
    score = Decimal(0)
    max_score = 0
    changed: list[AttemptAnswer] = []
    new: list[AttemptAnswer] = []
    for entry in attempt.layout:
        question = questions.get(int(entry["question"]))
        if question is None:
            continue
        answer = saved.get(question.id)
        result = scoring.mark(
            question_key(question, entry["choices"]),
            choices=answer.choices if answer else (),
            text=answer.text if answer else "",
        )
        max_score += question.points
        score += result.points
        if answer is None:
            new.append(
                AttemptAnswer(
                    attempt=attempt, question=question, points=result.points, correct=result.correct
                )
            )
        else:
            answer.points, answer.correct = result.points, result.correct
            changed.append(answer)
    AttemptAnswer.objects.bulk_update(changed, ["points", "correct"])
    AttemptAnswer.objects.bulk_create(new)
    attempt.score = score
    attempt.max_score = max_score
    attempt.percent = scoring.percent(score, max_score)
    attempt.passed = scoring.passed(attempt.percent, attempt.quiz.pass_mark)
    attempt.status = status
    attempt.submitted_at = now
    attempt.save(
        update_fields=["score", "max_score", "percent", "passed", "status", "submitted_at", "updated_at"]
    )
    lesson_done = False
    if attempt.passed and enrollment.status in progress.OPEN_STATUSES:
        lesson_done = progress.lesson_done(enrollment=enrollment, lesson=attempt.quiz.lesson, now=now)
    audit_record(
        actor=actor,
        action="learning.attempt.expired"
        if status == AttemptStatus.EXPIRED
        else "learning.attempt.submitted",
        target=attempt,
        related=enrollment,
        data={
            "quiz": str(attempt.quiz.lesson.public_id),
            "number": attempt.number,
            "score": str(score),
            "max_score": max_score,
            "percent": str(attempt.percent),
            "passed": attempt.passed,
            "lesson_done": lesson_done,
        },
    )
    return attempt


def _expire_if_overdue(actor: Any, attempt: QuizAttempt, now: dt.datetime) -> QuizAttempt | None:
    """Close an overdue attempt as expired in its own transaction; the attempt, or None if not closed."""
    with transaction.atomic():
        enrollment, locked = _lock(actor, attempt)
        if locked.status != AttemptStatus.IN_PROGRESS or not _overdue(locked, now):
            return None
        return _close(
            actor=actor, enrollment=enrollment, attempt=locked, now=now, status=AttemptStatus.EXPIRED
        )


def attempt_start(*, actor: Any, quiz: Quiz) -> tuple[QuizAttempt, bool]:
    """Start an attempt for the learner, or return the one in progress (created False). Draws the
    questions at random, fixes their order and their options' order, and sets the deadline."""
    now = timezone.now()
    lesson = quiz.lesson
    enrollment = open_enrollment(actor, lesson.module.course_id)
    if enrollment is None:
        deny(
            actor,
            action="learning.quiz.study",
            target_type=TARGET_LESSON,
            target_key=str(lesson.public_id),
            visible=False,
        )
    current = QuizAttempt.objects.filter(
        quiz=quiz, enrollment=enrollment, status=AttemptStatus.IN_PROGRESS
    ).first()
    if current is not None:
        _expire_if_overdue(actor, current, now)
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status not in progress.OPEN_STATUSES:
            raise Conflict(_("Your enrolment on this course is closed."), code="enrollment_closed")
        quiz = Quiz.objects.select_related("lesson", "bank").get(pk=quiz.pk)
        # The enrolment's lock serialises the starts of its attempts (no FOR UPDATE with the counts below).
        attempts = QuizAttempt.objects.filter(quiz=quiz, enrollment=enrollment)
        current = attempts.filter(status=AttemptStatus.IN_PROGRESS).first()
        if current is not None:
            return current, False
        used = attempts.count()
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            raise Conflict(
                _("You have used all %(count)d attempts allowed for this quiz.")
                % {"count": quiz.max_attempts},
                code="no_attempts_left",
            )
        questions = drawable_questions(quiz.bank)
        if not questions:
            raise Conflict(
                _("This quiz cannot start: its question bank has no questions ready to be asked yet."),
                code="quiz_empty",
            )
        rng = random.SystemRandom()
        count = min(quiz.question_count or len(questions), len(questions))
        drawn = rng.sample(questions, count)
        if not quiz.shuffle_questions:
            drawn.sort(key=lambda question: question.id)
        layout = []
        for question in drawn:
            option_ids = [option.id for option in question.choices.all()]
            # True comes before false always; other options follow the quiz's setting.
            if quiz.shuffle_choices and question.kind != QuestionKind.TRUE_FALSE:
                rng.shuffle(option_ids)
            layout.append({"question": question.id, "choices": option_ids})
        number = (attempts.aggregate(last=Max("number"))["last"] or 0) + 1
        attempt = QuizAttempt.objects.create(
            quiz=quiz,
            enrollment=enrollment,
            number=number,
            layout=layout,
            started_at=now,
            deadline_at=now + dt.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None,
            max_score=sum(question.points for question in drawn),
        )
        audit_record(
            actor=actor,
            action="learning.attempt.started",
            target=attempt,
            related=enrollment,
            data={
                "quiz": str(lesson.public_id),
                "number": number,
                "questions": [entry["question"] for entry in layout],
                "deadline_at": attempt.deadline_at.isoformat() if attempt.deadline_at else None,
            },
        )
    return attempt, True


def _require_open(enrollment: Enrollment, attempt: QuizAttempt) -> None:
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(_("This attempt has already been submitted."), code="attempt_closed")
    if enrollment.status not in progress.OPEN_STATUSES:
        raise Conflict(_("Your enrolment on this course is closed."), code="enrollment_closed")


def attempt_save_answers(
    *, actor: Any, attempt: QuizAttempt, answers: Mapping[int, AnswerInput]
) -> QuizAttempt:
    """Save answers while the attempt is in progress and in time; late answers expire the attempt."""
    now = timezone.now()
    with transaction.atomic():
        enrollment, attempt = _lock(actor, attempt)
        _require_open(enrollment, attempt)
        late = _overdue(attempt, now)
        if late:
            _close(actor=actor, enrollment=enrollment, attempt=attempt, now=now, status=AttemptStatus.EXPIRED)
        else:
            stored = _store_answers(attempt, answers)
            attempt.save(update_fields=["updated_at"])
            audit_record(
                actor=actor,
                action="learning.attempt.saved",
                target=attempt,
                related=enrollment,
                data={"answers": stored},
            )
    if late:
        raise TimeOver(attempt)
    return attempt


def attempt_submit(
    *, actor: Any, attempt: QuizAttempt, answers: Mapping[int, AnswerInput] | None = None
) -> QuizAttempt:
    """Store the last answers (when in time), mark the attempt and close it; passing marks the quiz lesson
    done. After the deadline and its grace the attempt is closed as expired on the answers saved in time,
    and TimeOver is raised."""
    now = timezone.now()
    with transaction.atomic():
        enrollment, attempt = _lock(actor, attempt)
        _require_open(enrollment, attempt)
        late = _overdue(attempt, now)
        if not late and answers:
            _store_answers(attempt, answers)
        _close(
            actor=actor,
            enrollment=enrollment,
            attempt=attempt,
            now=now,
            status=AttemptStatus.EXPIRED if late else AttemptStatus.SUBMITTED,
        )
    if late:
        raise TimeOver(attempt)
    return attempt


def expire_overdue_attempts(now: dt.datetime | None = None) -> int:
    """Close every attempt in progress past its deadline and grace, marked on what was saved (for the
    periodic sweep); how many were closed. Each attempt is closed in its own transaction."""
    moment = now or timezone.now()
    overdue = QuizAttempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline_at__lt=moment - SUBMIT_GRACE
    ).order_by("id")
    closed = 0
    for attempt in overdue:
        if _expire_if_overdue(None, attempt, moment) is not None:
            closed += 1
    return closed
