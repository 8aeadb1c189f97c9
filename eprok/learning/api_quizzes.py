"""API operations of quizzes (added to the learning router, so under /api/v1/learning).

A learner starts an attempt, reads it (the questions in their fixed order, never the correct answers
while it is in progress), saves answers, submits, and lists their attempts. Course managers keep the
question banks and their questions and set a quiz lesson's settings. The same services as the pages;
an answer sent after the time limit is refused with 409 `quiz_time_over` and not recorded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.pagination import Page, PageParams, paginate
from eprok.learning import access, quizzes
from eprok.learning.models import AttemptStatus, Question, QuestionBank, QuestionKind, Quiz, QuizAttempt

router = Router(tags=["learning"])


# --- schemas ------------------------------------------------------------------------------------------------


class AttemptOptionOut(Schema):
    id: int
    text: str
    chosen: bool
    correct: bool | None = Field(None, description="Only on a result whose correct answers are revealed.")


class AttemptQuestionOut(Schema):
    number: int
    id: int
    kind: str = Field(..., description=f"One of: {', '.join(QuestionKind.values)}.")
    text: str
    points: int
    options: list[AttemptOptionOut] = Field(..., description="In the order fixed when the attempt started.")
    answer_text: str = Field(..., description="The saved short answer.")
    correct: bool | None = Field(None, description="After submission: whether the answer was right.")
    points_scored: Decimal | None = None
    explanation: str = Field("", description="After submission.")
    accepted_answers: list[str] = Field(
        default_factory=list, description="Only on a result whose correct answers are revealed."
    )


class AttemptSummaryOut(Schema):
    public_id: uuid.UUID
    quiz: uuid.UUID = Field(..., description="The public id of the quiz lesson.")
    quiz_title: str
    number: int
    status: str = Field(..., description=f"One of: {', '.join(AttemptStatus.values)}.")
    started_at: dt.datetime
    deadline_at: dt.datetime | None = Field(None, description="Empty for a quiz without a time limit.")
    submitted_at: dt.datetime | None
    score: Decimal | None
    max_score: int
    percent: Decimal | None
    passed: bool


class AttemptOut(AttemptSummaryOut):
    seconds_left: int | None = Field(None, description="While in progress with a time limit.")
    answers_revealed: bool = Field(
        ..., description="Correct answers are revealed once the learner passed or used the last attempt."
    )
    questions: list[AttemptQuestionOut]


class QuizAnswerIn(Schema):
    question: int = Field(..., description="The id of a question of the attempt; others are ignored.")
    choices: list[int] = Field(default_factory=list, max_length=50)
    text: str = Field("", max_length=500)


class AnswersIn(Schema):
    answers: list[QuizAnswerIn] = Field(default_factory=list, max_length=500)


class QuizOut(Schema):
    lesson: uuid.UUID
    title: str
    question_count: int = Field(..., description="How many questions an attempt asks.")
    time_limit_minutes: int | None
    max_attempts: int | None
    pass_mark: int
    attempts_used: int
    best_percent: Decimal | None
    passed: bool
    can_start: bool
    current_attempt: uuid.UUID | None


class QuizSettingsIn(Schema):
    bank: int = Field(..., description="The id of a question bank of the lesson's course.")
    question_count: int | None = Field(None, ge=1, le=500, description="Empty: every active question.")
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    time_limit_minutes: int | None = Field(None, ge=1, le=600)
    max_attempts: int | None = Field(None, ge=1, le=100)
    pass_mark: int = Field(70, ge=1, le=100)


class QuizSettingsOut(QuizSettingsIn):
    lesson: uuid.UUID


class BankOut(Schema):
    id: int
    course: uuid.UUID
    course_title: str
    title: str
    question_count: int
    active_question_count: int


class BankIn(Schema):
    course: uuid.UUID
    title: str = Field(..., min_length=1, max_length=255)


class BankRenameIn(Schema):
    title: str = Field(..., min_length=1, max_length=255)


class ChoiceOut(Schema):
    id: int
    text: str
    is_correct: bool
    position: int


class ChoiceIn(Schema):
    id: int | None = Field(None, description="An existing option's id, to keep it (its id stays stable).")
    text: str = Field(..., max_length=500)
    is_correct: bool = False


class QuestionOut(Schema):
    id: int
    bank: int
    kind: str
    text: str
    points: int
    explanation: str
    accepted_answers: list[str]
    is_active: bool
    ready: bool = Field(..., description="Whether it can be drawn (its correct answers are complete).")
    choices: list[ChoiceOut]


class QuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=4000)
    points: int = Field(1, ge=1, le=100)
    explanation: str = Field("", max_length=4000)
    choices: list[ChoiceIn] = Field(
        default_factory=list, max_length=30, description="For single and multiple choice."
    )
    accepted_answers: list[str] = Field(
        default_factory=list, max_length=50, description="For a short answer."
    )
    true_is_correct: bool | None = Field(
        None, description="For true or false: whether the statement is true."
    )

    def to_input(self) -> quizzes.QuestionInput:
        return quizzes.QuestionInput(
            kind=self.kind.value,
            text=self.text,
            points=self.points,
            explanation=self.explanation,
            choices=tuple(
                quizzes.ChoiceInput(text=c.text, is_correct=c.is_correct, id=c.id) for c in self.choices
            ),
            accepted_answers=tuple(self.accepted_answers),
            true_is_correct=self.true_is_correct,
        )


# --- helpers ------------------------------------------------------------------------------------------------


def _summary(attempt: QuizAttempt) -> dict[str, Any]:
    return {
        "public_id": attempt.public_id,
        "quiz": attempt.quiz.lesson.public_id,
        "quiz_title": attempt.quiz.lesson.title,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed,
    }


def _attempt(request: HttpRequest, public_id: Any) -> dict[str, Any]:
    attempt = quizzes.get_attempt_for(request.user, public_id)
    reveal = quizzes.reveals_answers(attempt)
    return {
        **_summary(attempt),
        "seconds_left": quizzes.seconds_left(attempt),
        "answers_revealed": reveal,
        "questions": [
            {
                "number": q.number,
                "id": q.id,
                "kind": q.kind,
                "text": q.text,
                "points": q.points,
                "options": [
                    {"id": o.id, "text": o.text, "chosen": o.chosen, "correct": o.correct} for o in q.options
                ],
                "answer_text": q.text_answer,
                "correct": q.correct,
                "points_scored": q.points_scored,
                "explanation": q.explanation,
                "accepted_answers": q.accepted,
            }
            for q in quizzes.attempt_questions(attempt=attempt, reveal=reveal)
        ],
    }


def _answers(payload: AnswersIn) -> dict[int, quizzes.AnswerInput]:
    return {
        item.question: quizzes.AnswerInput(choices=tuple(item.choices), text=item.text)
        for item in payload.answers
    }


def _quiz_of(lesson: Any) -> Quiz:
    quiz = Quiz.objects.filter(lesson=lesson).select_related("lesson__module", "bank").first()
    if quiz is None:
        raise Conflict(quizzes.NOT_SET_UP, code="quiz_not_set_up")
    return quiz


def _bank(bank: QuestionBank) -> dict[str, Any]:
    questions = list(bank.questions.all())
    return {
        "id": bank.pk,
        "course": bank.course.public_id,
        "course_title": bank.course.title,
        "title": bank.title,
        "question_count": len(questions),
        "active_question_count": sum(1 for q in questions if q.is_active),
    }


def _question(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "bank": question.bank_id,
        "kind": question.kind,
        "text": question.text,
        "points": question.points,
        "explanation": question.explanation,
        "accepted_answers": list(question.accepted_answers or []),
        "is_active": question.is_active,
        "ready": question.is_active and quizzes.question_ready(question),
        "choices": [
            {"id": c.id, "text": c.text, "is_correct": c.is_correct, "position": c.position}
            for c in question.choices.all()
        ],
    }


def _require_manager(request: HttpRequest, action: str) -> None:
    if not quizzes.can_manage(request.user):
        deny(request.user, action=action, target_type="learning.questionbank", target_key="", visible=False)


def _bank_in_course(request: HttpRequest, bank_id: int, course_id: int) -> QuestionBank:
    bank = QuestionBank.objects.filter(pk=bank_id, course_id=course_id).first()
    if bank is None:
        message = quizzes.BANK_OF_COURSE
        raise ValidationFailed(message, details={"bank": str(message)})
    return bank


# --- the learner --------------------------------------------------------------------------------------------


@router.get(
    "/quizzes/{lesson_id}",
    response={200: QuizOut, **ERRORS},
    summary="Get a quiz",
    description="A quiz lesson's settings and the caller's attempts at it (for a learner on the course).",
)
def quiz_get(request: HttpRequest, lesson_id: str) -> Any:
    require_scope(request, Scope.READ)
    lesson = quizzes.get_quiz_lesson_for(request.user, lesson_id, action="view")
    quiz = _quiz_of(lesson)
    enrollment = quizzes.studied_enrollment(request.user, lesson.module.course_id)
    if enrollment is None:
        deny(
            request.user,
            action="learning.quiz.study",
            target_type="learning.lesson",
            target_key=lesson_id,
            visible=False,
        )
    summary = quizzes.quiz_summary(quiz=quiz, enrollment=enrollment)
    return {
        "lesson": lesson.public_id,
        "title": lesson.title,
        "question_count": summary.question_total,
        "time_limit_minutes": quiz.time_limit_minutes,
        "max_attempts": quiz.max_attempts,
        "pass_mark": quiz.pass_mark,
        "attempts_used": summary.used,
        "best_percent": summary.best,
        "passed": summary.passed,
        "can_start": summary.can_start,
        "current_attempt": summary.current.public_id if summary.current else None,
    }


@router.post(
    "/quizzes/{lesson_id}/attempts",
    response={200: AttemptOut, 201: AttemptOut, **WRITE_ERRORS},
    summary="Start an attempt",
    description=(
        "Draws the questions and starts the clock (201); while an attempt is in progress, returns it instead "
        "(200). 409 `no_attempts_left` beyond the attempts allowed, `quiz_empty` when the bank has no "
        "question ready to be asked."
    ),
)
def attempt_start(request: HttpRequest, lesson_id: str) -> Any:
    require_scope(request, Scope.WRITE)
    lesson = quizzes.get_quiz_lesson_for(request.user, lesson_id, action="study")
    attempt, created = quizzes.attempt_start(actor=request.user, quiz=_quiz_of(lesson))
    return Status(201 if created else 200, _attempt(request, attempt.public_id))


@router.get(
    "/quiz-attempts",
    response={200: Page[AttemptSummaryOut], **ERRORS},
    summary="List my quiz attempts",
    description="The caller's own attempts at every quiz, newest first.",
)
def attempt_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    result = paginate(quizzes.my_attempts(user=request.user), limit=page.limit, offset=page.offset)
    result["items"] = [_summary(attempt) for attempt in result["items"]]
    return result


@router.get(
    "/quiz-attempts/{public_id}",
    response={200: AttemptOut, **ERRORS},
    summary="Get an attempt",
    description=(
        "The attempt's questions in their fixed order with the saved answers — never the correct answers "
        "while in progress. Only the learner who made it sees it."
    ),
)
def attempt_get(request: HttpRequest, public_id: str) -> Any:
    require_scope(request, Scope.READ)
    return _attempt(request, public_id)


@router.put(
    "/quiz-attempts/{public_id}/answers",
    response={200: AttemptOut, **WRITE_ERRORS},
    summary="Save answers",
    description=(
        "Saves the answers given (others keep their saved value) while the attempt is in progress. After "
        "the time limit: 409 `quiz_time_over`, nothing of these answers is recorded and the attempt is "
        "closed on what was saved in time."
    ),
)
def attempt_save(request: HttpRequest, public_id: str, payload: AnswersIn) -> Any:
    require_scope(request, Scope.WRITE)
    attempt = quizzes.get_attempt_for(request.user, public_id)
    quizzes.attempt_save_answers(actor=request.user, attempt=attempt, answers=_answers(payload))
    return _attempt(request, public_id)


@router.post(
    "/quiz-attempts/{public_id}/submit",
    response={200: AttemptOut, **WRITE_ERRORS},
    summary="Submit an attempt",
    description=(
        "Saves the answers sent with it, marks the attempt and closes it; passing marks the quiz lesson "
        "done. "
        "409 `attempt_closed` for an attempt already submitted; 409 `quiz_time_over` after the time limit "
        "(the answers sent are not recorded)."
    ),
)
def attempt_submit(request: HttpRequest, public_id: str, payload: AnswersIn) -> Any:
    require_scope(request, Scope.WRITE)
    attempt = quizzes.get_attempt_for(request.user, public_id)
    quizzes.attempt_submit(actor=request.user, attempt=attempt, answers=_answers(payload))
    return _attempt(request, public_id)


# --- course managers ----------------------------------------------------------------------------------------


@router.put(
    "/quizzes/{lesson_id}/settings",
    response={200: QuizSettingsOut, **WRITE_ERRORS},
    summary="Set a quiz lesson's quiz",
    description="Its bank, questions per attempt, order, time limit, attempts allowed and pass mark.",
)
def quiz_settings(request: HttpRequest, lesson_id: str, payload: QuizSettingsIn) -> Any:
    require_scope(request, Scope.WRITE)
    lesson = quizzes.get_quiz_lesson_for(request.user, lesson_id, action="manage")
    data = payload.model_dump()
    data["bank"] = _bank_in_course(request, payload.bank, lesson.module.course_id)
    quiz = quizzes.quiz_save(actor=request.user, lesson=lesson, data=quizzes.QuizInput(**data))
    return {**payload.model_dump(), "lesson": lesson.public_id, "bank": quiz.bank_id}


@router.get(
    "/quiz-banks",
    response={200: Page[BankOut], **ERRORS},
    summary="List question banks",
    description="Every question bank, by course and title. For course managers.",
)
def bank_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    _require_manager(request, "learning.bank.list")
    banks = quizzes.bank_list(user=request.user).prefetch_related("questions")
    result = paginate(banks, limit=page.limit, offset=page.offset)
    result["items"] = [_bank(bank) for bank in result["items"]]
    return result


@router.post(
    "/quiz-banks",
    response={201: BankOut, **WRITE_ERRORS},
    summary="Create a question bank",
    description="A bank of a course.",
)
def bank_create(request: HttpRequest, payload: BankIn) -> Any:
    require_scope(request, Scope.WRITE)
    course = access.get_course_for(request.user, payload.course, action="manage")
    bank = quizzes.bank_create(actor=request.user, course=course, title=payload.title)
    return Status(201, _bank(bank))


@router.patch(
    "/quiz-banks/{bank_id}",
    response={200: BankOut, **WRITE_ERRORS},
    summary="Rename a question bank",
)
def bank_rename(request: HttpRequest, bank_id: int, payload: BankRenameIn) -> Any:
    require_scope(request, Scope.WRITE)
    bank = quizzes.get_bank_for(request.user, bank_id)
    return _bank(quizzes.bank_rename(actor=request.user, bank=bank, title=payload.title))


@router.get(
    "/quiz-banks/{bank_id}/questions",
    response={200: Page[QuestionOut], **ERRORS},
    summary="List a bank's questions",
    description="With their options and correct answers; inactive ones included. For course managers.",
)
def question_list(request: HttpRequest, bank_id: int, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    bank = quizzes.get_bank_for(request.user, bank_id)
    result = paginate(quizzes.bank_questions(bank=bank), limit=page.limit, offset=page.offset)
    result["items"] = [_question(question) for question in result["items"]]
    return result


@router.post(
    "/quiz-banks/{bank_id}/questions",
    response={201: QuestionOut, **WRITE_ERRORS},
    summary="Add a question",
    description=(
        "Single choice needs exactly one correct option, multiple choice at least one, a short answer at "
        "least one accepted answer; a true-or-false question gets its two options by itself."
    ),
)
def question_create(request: HttpRequest, bank_id: int, payload: QuestionIn) -> Any:
    require_scope(request, Scope.WRITE)
    bank = quizzes.get_bank_for(request.user, bank_id)
    question = quizzes.question_save(actor=request.user, bank=bank, data=payload.to_input())
    return Status(201, _question(quizzes.get_question_for(request.user, question.pk)))


@router.get(
    "/quiz-questions/{question_id}",
    response={200: QuestionOut, **ERRORS},
    summary="Get a question",
)
def question_get(request: HttpRequest, question_id: int) -> Any:
    require_scope(request, Scope.READ)
    return _question(quizzes.get_question_for(request.user, question_id))


@router.put(
    "/quiz-questions/{question_id}",
    response={200: QuestionOut, **WRITE_ERRORS},
    summary="Change a question",
    description="Options sent with their id keep it; options not sent are removed.",
)
def question_update(request: HttpRequest, question_id: int, payload: QuestionIn) -> Any:
    require_scope(request, Scope.WRITE)
    question = quizzes.get_question_for(request.user, question_id)
    quizzes.question_save(actor=request.user, bank=question.bank, question=question, data=payload.to_input())
    return _question(quizzes.get_question_for(request.user, question_id))


@router.post(
    "/quiz-questions/{question_id}/deactivate",
    response={200: QuestionOut, **WRITE_ERRORS},
    summary="Stop drawing a question",
    description="Attempts that drew it still show and mark it. 409 when already inactive.",
)
def question_deactivate(request: HttpRequest, question_id: int) -> Any:
    require_scope(request, Scope.WRITE)
    question = quizzes.get_question_for(request.user, question_id)
    quizzes.question_deactivate(actor=request.user, question=question)
    return _question(quizzes.get_question_for(request.user, question_id))
