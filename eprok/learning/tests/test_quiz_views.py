"""The quiz pages and API operations: who may open what, the attempt page and API never carry the correct
answers, saving and submitting through the page, the time limit, and the administrators' pages."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from eprok.core.testing.api import bearer, make_token
from eprok.learning import quizzes
from eprok.learning.models import (
    AttemptAnswer,
    AttemptStatus,
    LessonProgress,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
)
from eprok.learning.tests.quiz_fixtures import *  # noqa: F403
from eprok.learning.tests.quiz_fixtures import QuizWorld

# The pages and messages in English: the tests read the source strings (the catalogs are tested elsewhere).
pytestmark = pytest.mark.usefixtures("english")


SECRETS = ("Cinayət-Prosessual", "CPM", "usa-tag", "is_correct")


def _form_answers(world: QuizWorld, attempt: QuizAttempt) -> dict[str, object]:
    data: dict[str, object] = {}
    for qid, answer in world.right_answers().items():
        data[f"q{qid}-shown"] = "1"
        if answer["choices"]:
            data[f"q{qid}"] = [str(c) for c in answer["choices"]]
        if answer["text"]:
            data[f"q{qid}-text"] = answer["text"]
    return data


def _question_order(html: str) -> list[str]:
    return re.findall(r'name="q(\d+)-shown"', html)


# --- the learner's pages ------------------------------------------------------------------------------------


def test_the_intro_page_shows_the_rules_and_starts_an_attempt(world, signed_in):
    client = signed_in(world.learner)
    page = client.get(reverse("learning:quiz", args=[world.lesson.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "60%" in body and "0 of 3" in body
    response = client.post(reverse("learning:quiz_start", args=[world.lesson.public_id]))
    attempt = QuizAttempt.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "learning:quiz_attempt", args=[attempt.public_id]
    )


def test_the_attempt_page_never_shows_the_correct_answers_and_keeps_its_order(world, signed_in):
    client = signed_in(world.learner)
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    url = reverse("learning:quiz_attempt", args=[attempt.public_id])
    first = client.get(url)
    assert first.status_code == 200
    html = first.content.decode()
    for secret in SECRETS:
        assert secret not in html
    assert "Prokuror" in html  # the options themselves are there
    assert _question_order(html) == [str(e["question"]) for e in attempt.layout]
    assert _question_order(client.get(url).content.decode()) == _question_order(html)
    assert 'data-seconds-left="1200"' in html
    assert "learning/quiz_timer.js" in html and "<script>" not in html


def test_saving_then_submitting_through_the_page_passes_and_completes_the_lesson(world, signed_in):
    client = signed_in(world.learner)
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    url = reverse("learning:quiz_attempt", args=[attempt.public_id])
    saved = client.post(url, {**_form_answers(world, attempt), "save": "1"})
    assert saved.status_code == 302 and saved["Location"] == url
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 4
    html = client.get(url).content.decode()
    assert "checked" in html and "CİNAYƏT-prosessual" in html  # the saved answers are shown again
    submitted = client.post(url, {"submit": "1"})
    result_url = reverse("learning:quiz_result", args=[attempt.public_id])
    assert submitted["Location"] == result_url
    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == Decimal("100.00")
    assert LessonProgress.objects.filter(enrollment=world.enrollment, lesson=world.lesson).exists()
    result = client.get(result_url).content.decode()
    assert re.search(r"5[.,]00", result) and "CPM 46." in result  # explanation
    assert "Cinayət-Prosessual Məcəlləsi" in result  # passed: the correct answers are revealed
    assert client.get(url)["Location"] == result_url  # a submitted attempt opens its result


def test_a_failed_result_hides_the_correct_answers_while_attempts_remain(world, signed_in):
    client = signed_in(world.learner)
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    client.post(reverse("learning:quiz_attempt", args=[attempt.public_id]), {"submit": "1"})
    result = client.get(reverse("learning:quiz_result", args=[attempt.public_id])).content.decode()
    assert "Cinayət-Prosessual Məcəlləsi" not in result and "bg-green" not in result


def test_a_late_submission_through_the_page_records_nothing_of_it(world, signed_in, clock):
    client = signed_in(world.learner)
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    clock.advance(minutes=25)
    response = client.post(
        reverse("learning:quiz_attempt", args=[attempt.public_id]),
        {**_form_answers(world, attempt), "submit": "1"},
    )
    assert response["Location"] == reverse("learning:quiz_result", args=[attempt.public_id])
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and attempt.score == 0
    assert not AttemptAnswer.objects.filter(attempt=attempt, correct=True).exists()
    assert not AttemptAnswer.objects.filter(attempt=attempt).exclude(text="").exists()
    followed = client.get(response["Location"]).content.decode()
    assert "Time ran out" in followed


def test_another_learner_cannot_open_my_attempt(world, signed_in):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    client = signed_in(world.other)
    assert client.get(reverse("learning:quiz_attempt", args=[attempt.public_id])).status_code == 404
    assert client.get(reverse("learning:quiz_result", args=[attempt.public_id])).status_code == 404
    assert (
        client.post(reverse("learning:quiz_attempt", args=[attempt.public_id]), {"submit": "1"}).status_code
        == 404
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_an_employee_not_on_the_course_cannot_see_the_quiz(world, signed_in):
    client = signed_in(world.outsider)
    assert client.get(reverse("learning:quiz", args=[world.lesson.public_id])).status_code == 404
    assert client.post(reverse("learning:quiz_start", args=[world.lesson.public_id])).status_code in (
        403,
        404,
    )
    assert QuizAttempt.objects.count() == 0


def test_the_quiz_pages_require_sign_in(world, client):
    response = client.get(reverse("learning:quiz", args=[world.lesson.public_id]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the administrators' pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["learner", "outsider"])
def test_only_course_managers_open_the_banks(world, signed_in, name):
    client = signed_in(getattr(world, name))
    assert client.get(reverse("learning:quiz_banks")).status_code == 404
    assert client.get(reverse("learning:quiz_bank", args=[world.bank.pk])).status_code == 404
    assert client.get(reverse("learning:quiz_question_edit", args=[world.single.pk])).status_code == 404
    assert client.get(reverse("learning:quiz_settings", args=[world.lesson.public_id])).status_code in (
        403,
        404,
    )


def test_the_bank_pages_list_the_questions(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.admin)
    with django_assert_max_num_queries(25):
        listing = client.get(reverse("learning:quiz_banks"))
    assert listing.status_code == 200 and world.bank.title in listing.content.decode()
    with django_assert_max_num_queries(30):
        page = client.get(reverse("learning:quiz_bank", args=[world.bank.pk]))
    assert page.status_code == 200 and world.multiple.text in page.content.decode()


def test_an_administrator_creates_a_bank_and_adds_questions(world, signed_in):
    client = signed_in(world.admin)
    created = client.post(reverse("learning:quiz_banks"), {"course": world.course.pk, "title": "Yeni bank"})
    assert created.status_code == 302
    bank = world.course.banks.get(title="Yeni bank")
    new_url = reverse("learning:quiz_question_new", args=[bank.pk])
    assert client.get(new_url).status_code == 200
    form = {
        "kind": QuestionKind.SINGLE,
        "text": "Hansı?",
        "points": "2",
        "option-TOTAL_FORMS": "4",
        "option-INITIAL_FORMS": "0",
        "option-0-text": "Bu",
        "option-0-is_correct": "on",
        "option-1-text": "O",
        "option-2-text": "",
        "option-3-text": "",
    }
    assert client.post(new_url, form).status_code == 302
    question = bank.questions.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [("Bu", True), ("O", False)]
    refused = client.post(new_url, {**form, "option-0-is_correct": ""})
    assert refused.status_code == 422
    assert bank.questions.count() == 1
    tf = client.post(
        new_url,
        {
            "kind": QuestionKind.TRUE_FALSE,
            "text": "Doğrudur?",
            "points": "1",
            "true_is_correct": "false",
            "option-TOTAL_FORMS": "4",
            "option-INITIAL_FORMS": "0",
        },
    )
    assert tf.status_code == 302
    statement = bank.questions.get(kind=QuestionKind.TRUE_FALSE)
    assert [c.is_correct for c in statement.choices.all()] == [False, True]


def test_an_administrator_sets_the_quiz_and_deactivates_a_question(world, signed_in):
    client = signed_in(world.admin)
    url = reverse("learning:quiz_settings", args=[world.lesson.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "bank": world.bank.pk,
            "question_count": "2",
            "time_limit_minutes": "",
            "max_attempts": "",
            "pass_mark": "75",
            "shuffle_questions": "on",
        },
    )
    assert response.status_code == 302
    quiz = Quiz.objects.get(pk=world.quiz.pk)
    assert (quiz.question_count, quiz.time_limit_minutes, quiz.max_attempts, quiz.pass_mark) == (
        2,
        None,
        None,
        75,
    )
    assert not quiz.shuffle_choices
    too_many = client.post(url, {"bank": world.bank.pk, "question_count": "9", "pass_mark": "75"})
    assert too_many.status_code == 422
    client.post(reverse("learning:quiz_question_deactivate", args=[world.short.pk]))
    assert not Question.objects.get(pk=world.short.pk).is_active


# --- the API ------------------------------------------------------------------------------------------------


def _api(world_user) -> dict[str, str]:
    return bearer(make_token(world_user))


def test_the_api_runs_an_attempt_without_leaking_the_answers(world, client):
    headers = _api(world.learner)
    started = client.post(f"/api/v1/learning/quizzes/{world.lesson.public_id}/attempts", headers=headers)
    assert started.status_code == 201, started.content
    body = started.json()
    raw = json.dumps(body, ensure_ascii=False)
    for secret in ("Cinayət-Prosessual", "CPM", "is_correct"):
        assert secret not in raw
    assert all(o["correct"] is None for q in body["questions"] for o in q["options"])
    assert all(q["accepted_answers"] == [] for q in body["questions"])
    again = client.post(f"/api/v1/learning/quizzes/{world.lesson.public_id}/attempts", headers=headers)
    assert again.status_code == 200 and again.json()["public_id"] == body["public_id"]
    assert [q["id"] for q in again.json()["questions"]] == [q["id"] for q in body["questions"]]

    answers = [{"question": qid, **a} for qid, a in world.right_answers().items()]
    url = f"/api/v1/learning/quiz-attempts/{body['public_id']}"
    saved = client.put(
        f"{url}/answers", {"answers": answers[:2]}, content_type="application/json", headers=headers
    )
    assert saved.status_code == 200
    assert "CPM" not in json.dumps(saved.json(), ensure_ascii=False)
    submitted = client.post(
        f"{url}/submit", {"answers": answers[2:]}, content_type="application/json", headers=headers
    )
    assert submitted.status_code == 200, submitted.content
    result = submitted.json()
    assert result["passed"] and result["status"] == "submitted" and result["answers_revealed"]
    twice = client.post(f"{url}/submit", {"answers": []}, content_type="application/json", headers=headers)
    assert twice.status_code == 409 and twice.json()["code"] == "attempt_closed"
    mine = client.get("/api/v1/learning/quiz-attempts", headers=headers).json()
    assert mine["count"] == 1 and mine["items"][0]["public_id"] == body["public_id"]
    quiz = client.get(f"/api/v1/learning/quizzes/{world.lesson.public_id}", headers=headers).json()
    assert quiz["passed"] and quiz["attempts_used"] == 1


def test_the_api_refuses_late_answers(world, client, clock):
    headers = _api(world.learner)
    body = client.post(f"/api/v1/learning/quizzes/{world.lesson.public_id}/attempts", headers=headers).json()
    clock.advance(minutes=21)
    answers = [{"question": qid, **a} for qid, a in world.right_answers().items()]
    late = client.post(
        f"/api/v1/learning/quiz-attempts/{body['public_id']}/submit",
        {"answers": answers},
        content_type="application/json",
        headers=headers,
    )
    assert late.status_code == 409 and late.json()["code"] == "quiz_time_over"
    attempt = QuizAttempt.objects.get(public_id=body["public_id"])
    assert attempt.status == AttemptStatus.EXPIRED and attempt.score == 0


def test_the_api_hides_my_attempt_from_another_learner(world, client):
    attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
    headers = _api(world.other)
    url = f"/api/v1/learning/quiz-attempts/{attempt.public_id}"
    assert client.get(url, headers=headers).status_code == 404
    assert (
        client.post(
            f"{url}/submit", {"answers": []}, content_type="application/json", headers=headers
        ).status_code
        == 404
    )
    assert client.get("/api/v1/learning/quiz-attempts", headers=headers).json()["count"] == 0


def test_the_api_keeps_banks_and_questions_for_managers(world, client):
    headers = _api(world.admin)
    banks = client.get("/api/v1/learning/quiz-banks", headers=headers)
    assert banks.status_code == 200 and banks.json()["items"][0]["active_question_count"] == 4
    created = client.post(
        "/api/v1/learning/quiz-banks",
        {"course": str(world.course.public_id), "title": "API bankı"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    bank_id = created.json()["id"]
    renamed = client.patch(
        f"/api/v1/learning/quiz-banks/{bank_id}",
        {"title": "Bank"},
        content_type="application/json",
        headers=headers,
    )
    assert renamed.json()["title"] == "Bank"
    question = client.post(
        f"/api/v1/learning/quiz-banks/{bank_id}/questions",
        {
            "kind": "multiple",
            "text": "Hansılar?",
            "choices": [{"text": "a", "is_correct": True}, {"text": "b"}],
        },
        content_type="application/json",
        headers=headers,
    )
    assert question.status_code == 201 and question.json()["ready"]
    qid = question.json()["id"]
    invalid = client.put(
        f"/api/v1/learning/quiz-questions/{qid}",
        {"kind": "multiple", "text": "Hansılar?", "choices": [{"text": "a"}, {"text": "b"}]},
        content_type="application/json",
        headers=headers,
    )
    assert invalid.status_code == 422 and "choices" in invalid.json()["details"]
    listed = client.get(f"/api/v1/learning/quiz-banks/{bank_id}/questions", headers=headers).json()
    assert listed["count"] == 1 and listed["items"][0]["choices"][0]["is_correct"]
    gone = client.post(f"/api/v1/learning/quiz-questions/{qid}/deactivate", headers=headers)
    assert gone.status_code == 200 and not gone.json()["is_active"]
    settings = client.put(
        f"/api/v1/learning/quizzes/{world.lesson.public_id}/settings",
        {"bank": world.bank.pk, "pass_mark": 90, "max_attempts": 1},
        content_type="application/json",
        headers=headers,
    )
    assert settings.status_code == 200, settings.content
    assert Quiz.objects.get(pk=world.quiz.pk).pass_mark == 90


def test_the_api_hides_banks_from_learners(world, client):
    headers = _api(world.learner)
    assert client.get("/api/v1/learning/quiz-banks", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/learning/quiz-questions/{world.single.pk}", headers=headers).status_code == 404
    )
    assert (
        client.get(f"/api/v1/learning/quiz-banks/{world.bank.pk}/questions", headers=headers).status_code
        == 404
    )


def test_the_question_form_shows_a_true_false_answer_and_the_options_error(world, signed_in):
    client = signed_in(world.admin)
    page = client.get(reverse("learning:quiz_question_edit", args=[world.true_false.pk])).content.decode()
    assert re.search(r'value="false"[^>]*checked', page)
    assert "learning/quiz_question.js" in page and "<script>" not in page
    refused = client.post(
        reverse("learning:quiz_question_edit", args=[world.single.pk]),
        {
            "kind": QuestionKind.SINGLE,
            "text": world.single.text,
            "points": "1",
            "option-TOTAL_FORMS": "2",
            "option-INITIAL_FORMS": "0",
            "option-0-text": "Bir",
            "option-1-text": "İki",
        },
    )
    assert refused.status_code == 422
    assert "Mark exactly one answer option as correct." in refused.content.decode()
    assert world.single.choices.filter(text="Prokuror", is_correct=True).exists()


def test_a_manager_sees_the_quiz_settings_link_but_takes_no_quiz(world, signed_in):
    page = signed_in(world.admin).get(reverse("learning:quiz", args=[world.lesson.public_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("learning:quiz_settings", args=[world.lesson.public_id]) in body
    assert reverse("learning:quiz_start", args=[world.lesson.public_id]) not in body


def test_the_list_of_my_attempts_has_a_query_ceiling(world, client, django_assert_max_num_queries):
    for _round in range(3):
        attempt, _created = quizzes.attempt_start(actor=world.learner, quiz=world.quiz)
        quizzes.attempt_submit(actor=world.learner, attempt=attempt)
    headers = _api(world.learner)
    with django_assert_max_num_queries(12):
        listed = client.get("/api/v1/learning/quiz-attempts", headers=headers)
    assert listed.json()["count"] == 3
