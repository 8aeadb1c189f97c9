"""The quiz pages: question banks and their questions and a quiz lesson's settings (course managers); the
quiz's intro page, the attempt and its result (the learner)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error
from eprok.learning import quizzes
from eprok.learning.forms_quizzes import (
    BankForm,
    BankRenameForm,
    QuestionForm,
    QuizSettingsForm,
    answers_from_post,
    option_formset,
    question_initial,
    question_input,
)
from eprok.learning.models import AttemptStatus, Course, Quiz, QuizAttempt
from eprok.learning.views import _page, _posted, _require


def _attempt_url(attempt: QuizAttempt) -> str:
    return reverse("learning:quiz_attempt", args=[attempt.public_id])


def _result_url(attempt: QuizAttempt) -> str:
    return reverse("learning:quiz_result", args=[attempt.public_id])


# --- banks and questions (course managers) -----------------------------------------------------------------


@staff_view
def bank_list(request: HttpRequest) -> HttpResponse:
    _require(request, quizzes.can_manage(request.user), "learning.bank.list")
    courses = Course.objects.order_by("title", "id")
    form = BankForm(_posted(request), courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            bank = quizzes.bank_create(
                actor=request.user, course=form.cleaned_data["course"], title=form.cleaned_data["title"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Question bank “%(title)s” created.") % {"title": bank.title})
            return redirect("learning:quiz_bank", pk=bank.pk)
    return _page(
        request,
        "learning/quiz_banks.html",
        {"banks": quizzes.bank_list(user=request.user), "form": form},
        status=422 if form.errors else 200,
    )


@staff_view
def bank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bank = quizzes.get_bank_for(request.user, pk)
    form = BankRenameForm(_posted(request), initial={"title": bank.title})
    if request.method == "POST" and form.is_valid():
        try:
            quizzes.bank_rename(actor=request.user, bank=bank, title=form.cleaned_data["title"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The question bank was renamed."))
            return redirect("learning:quiz_bank", pk=bank.pk)
    questions = list(quizzes.bank_questions(bank=bank))
    ready = {question.id for question in quizzes.drawable_questions(bank)}
    return _page(
        request,
        "learning/quiz_bank.html",
        {
            "bank": bank,
            "form": form,
            "questions": [
                {
                    "question": question,
                    "ready": question.id in ready,
                    "options": [
                        (quizzes.option_label(question, option), option.is_correct)
                        for option in question.choices.all()
                    ],
                }
                for question in questions
            ],
            "quizzes": Quiz.objects.filter(bank=bank).select_related("lesson"),
        },
        status=422 if form.errors else 200,
    )


def _question_page(request: HttpRequest, bank: Any, question: Any) -> HttpResponse:
    initial = question_initial(question) if question is not None else {}
    form = QuestionForm(_posted(request), initial=initial)
    formset = option_formset(_posted(request), question)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = quizzes.question_save(
                actor=request.user, bank=bank, question=question, data=question_input(form, formset)
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The question was saved."))
            if "add_another" in request.POST:
                return redirect("learning:quiz_question_new", pk=bank.pk)
            return redirect(reverse("learning:quiz_bank", args=[bank.pk]) + f"#question-{saved.pk}")
    failed = bool(form.errors) or (formset.is_bound and not formset.is_valid())
    return _page(
        request,
        "learning/quiz_question_form.html",
        {"bank": bank, "question": question, "form": form, "formset": formset},
        status=422 if failed else 200,
    )


@staff_view
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_page(request, quizzes.get_bank_for(request.user, pk), None)


@staff_view
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = quizzes.get_question_for(request.user, pk)
    return _question_page(request, question.bank, question)


@require_POST
@staff_view
def question_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    question = quizzes.get_question_for(request.user, pk)
    try:
        quizzes.question_deactivate(actor=request.user, question=question)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The question will no longer be drawn."))
    return redirect(reverse("learning:quiz_bank", args=[question.bank_id]) + f"#question-{question.pk}")


@staff_view
def quiz_settings(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = quizzes.get_quiz_lesson_for(request.user, public_id, action="manage")
    quiz = Quiz.objects.filter(lesson=lesson).first()
    initial: dict[str, Any] = {}
    if quiz is not None:
        initial = {name: getattr(quiz, name) for name in quizzes.QUIZ_TRACKED if name != "bank_id"}
        initial["bank"] = quiz.bank
    form = QuizSettingsForm(
        _posted(request),
        initial=initial,
        banks=quizzes.bank_list(user=request.user, course=lesson.module.course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            quizzes.quiz_save(actor=request.user, lesson=lesson, data=form.to_input())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The quiz settings were saved."))
            return redirect("learning:lesson", public_id=lesson.public_id)
    return _page(
        request,
        "learning/quiz_settings.html",
        {"lesson": lesson, "course": lesson.module.course, "quiz": quiz, "form": form},
        status=422 if form.errors else 200,
    )


# --- the learner --------------------------------------------------------------------------------------------


@staff_view
def quiz_intro(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = quizzes.get_quiz_lesson_for(request.user, public_id, action="view")
    quiz = Quiz.objects.filter(lesson=lesson).select_related("bank").first()
    enrollment = quizzes.studied_enrollment(request.user, lesson.module.course_id)
    summary = quizzes.quiz_summary(quiz=quiz, enrollment=enrollment) if quiz and enrollment else None
    return _page(
        request,
        "learning/quiz_intro.html",
        {
            "lesson": lesson,
            "course": lesson.module.course,
            "quiz": quiz,
            "summary": summary,
            "can_manage": quizzes.can_manage(request.user),
        },
    )


@require_POST
@staff_view
def quiz_start(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = quizzes.get_quiz_lesson_for(request.user, public_id, action="study")
    quiz = Quiz.objects.filter(lesson=lesson).select_related("lesson__module").first()
    if quiz is None:
        messages.error(request, str(quizzes.NOT_SET_UP))
        return redirect("learning:quiz", public_id=lesson.public_id)
    try:
        attempt, _created = quizzes.attempt_start(actor=request.user, quiz=quiz)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("learning:quiz", public_id=lesson.public_id)
    return redirect(_attempt_url(attempt))


@staff_view
def attempt_page(request: HttpRequest, public_id: Any) -> HttpResponse:
    attempt = quizzes.get_attempt_for(request.user, public_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(_result_url(attempt))
    if request.method == "POST":
        answers = answers_from_post(request.POST, attempt)
        submit = "submit" in request.POST
        try:
            if submit:
                quizzes.attempt_submit(actor=request.user, attempt=attempt, answers=answers)
            else:
                quizzes.attempt_save_answers(actor=request.user, attempt=attempt, answers=answers)
        except quizzes.TimeOver as exc:
            messages.error(request, str(exc.message))
            return redirect(_result_url(attempt))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect(_result_url(attempt) if exc.code == "attempt_closed" else _attempt_url(attempt))
        if submit:
            messages.success(request, _("Your answers were submitted."))
            return redirect(_result_url(attempt))
        messages.success(request, _("Your answers were saved; you can continue."))
        return redirect(_attempt_url(attempt))
    lesson = attempt.quiz.lesson
    return _page(
        request,
        "learning/quiz_attempt.html",
        {
            "attempt": attempt,
            "lesson": lesson,
            "course": lesson.module.course,
            "questions": quizzes.attempt_questions(attempt=attempt),
            "seconds_left": quizzes.seconds_left(attempt),
        },
    )


@staff_view
def attempt_result(request: HttpRequest, public_id: Any) -> HttpResponse:
    attempt = quizzes.get_attempt_for(request.user, public_id)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect(_attempt_url(attempt))
    reveal = quizzes.reveals_answers(attempt)
    lesson = attempt.quiz.lesson
    return _page(
        request,
        "learning/quiz_result.html",
        {
            "attempt": attempt,
            "lesson": lesson,
            "course": lesson.module.course,
            "questions": quizzes.attempt_questions(attempt=attempt, reveal=reveal),
            "reveal": reveal,
        },
    )
