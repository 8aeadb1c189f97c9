"""The distance-learning pages and API: who opens what (the access matrix), the catalogue's search, a course
created through its form (a refusal is 422 and writes nothing), a lesson's text rendered safely, marking
lessons done, the unit head's page, pages in Azerbaijani, query ceilings, and the API's happy and bad
paths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.api import bearer, make_token
from eprok.learning import services
from eprok.learning.models import Course, CourseModule, Enrollment, EnrollmentStatus, LessonKind
from eprok.learning.tests.conftest import lessons_of

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("learning:catalogue")
MY = reverse("learning:my")
UNIT = reverse("learning:unit")
MANAGE = reverse("learning:manage")
NEW = reverse("learning:course_new")
RULES = reverse("learning:rules")
API = "/api/v1/learning"


def _url(name: str, obj: Any) -> str:
    return reverse(f"learning:{name}", args=[obj.public_id])


# --- the access matrix ----------------------------------------------------------------------------------


def test_the_pages_everyone_has_and_the_administrators_pages(client, people, course):
    everyone = {"anonymous": 302, "outsider": 200, "learner": 200, "trainer": 200, "admin": 200}
    assert_access_matrix(client, people, CATALOGUE, everyone)
    assert_access_matrix(client, people, MY, everyone)
    assert_access_matrix(client, people, _url("course", course), everyone)
    assert_access_matrix(
        client, people, MANAGE, {"anonymous": 302, "learner": 404, "trainer": 200, "admin": 200}
    )
    assert_access_matrix(
        client, people, NEW, {"anonymous": 302, "learner": 404, "trainer": 200, "admin": 200}
    )
    assert_access_matrix(
        client, people, RULES, {"anonymous": 302, "learner": 404, "trainer": 404, "admin": 200}
    )
    assert_access_matrix(
        client,
        people,
        _url("assign", course),
        {"anonymous": 302, "learner": 403, "trainer": 403, "admin": 200},
    )
    assert_access_matrix(
        client,
        people,
        _url("course_edit", course),
        {"anonymous": 302, "learner": 403, "trainer": 200, "admin": 200},
    )
    assert_access_matrix(
        client, people, UNIT, {"anonymous": 302, "learner": 404, "head": 200, "other_head": 200, "admin": 404}
    )


def test_a_draft_course_is_a_404_for_learners(client, people, make_course):
    draft = make_course(publish=False)
    assert_access_matrix(
        client,
        people,
        _url("course", draft),
        {"anonymous": 302, "learner": 404, "trainer": 200, "admin": 200},
    )


def test_a_lesson_opens_for_the_enrolled_learner_only(client, people, course):
    services.enrol_self(actor=people.learner, course=course)
    lesson = lessons_of(course)[0]
    assert_access_matrix(
        client,
        people,
        _url("lesson", lesson),
        {"anonymous": 302, "outsider": 404, "colleague": 404, "learner": 200, "trainer": 200, "admin": 200},
    )


def test_an_enrolment_opens_for_the_learner_the_administrator_and_the_head_of_their_unit(
    client, people, course
):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    assert_access_matrix(
        client,
        people,
        _url("enrollment", enrollment),
        {
            "anonymous": 302,
            "learner": 200,
            "admin": 200,
            "head": 200,
            "other_head": 404,
            "colleague": 404,
            "trainer": 404,
        },
    )


# --- pages ------------------------------------------------------------------------------------------------


def test_the_catalogue_searches_by_title_and_renders_in_azerbaijani(client, people, course, make_course):
    make_course(code="corruption", title="Korrupsiyaya qarşı mübarizə: əsas anlayışlar")
    login_as(client, people.learner)
    page = client.get(CATALOGUE, {"q": "korrupsiya"}, headers={"accept-language": "az"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'lang="az"' in text
    assert "Korrupsiyaya qarşı mübarizə: əsas anlayışlar" in text
    assert "Etik davranış qaydaları" not in text


def test_a_course_is_created_through_its_form_and_a_refusal_writes_nothing(client, people, clock):
    login_as(client, people.admin)
    data = {
        "code": "Bad code",
        "title": "Etik davranış",
        "area": people.area.pk,
        "hours": "4",
        "certificate": "on",
    }
    refused = client.post(NEW, data)
    assert refused.status_code == 422
    assert not Course.objects.exists()
    created = client.post(NEW, {**data, "code": "etika"})
    course = Course.objects.get(code="etika")
    assert created.status_code == 302 and created["Location"] == course.get_absolute_url()


def test_a_lesson_is_added_through_its_form(client, people, course):
    login_as(client, people.trainer)
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    response = client.post(
        reverse("learning:lesson_new", args=[module.pk]),
        {"title": "Yeni dərs", "kind": LessonKind.TEXT, "body": "Mətn", "minutes": "15"},
    )
    assert response.status_code == 302
    assert module.lessons.filter(title="Yeni dərs", minutes=15).exists()


def test_a_lessons_text_is_shown_as_paragraphs_and_never_as_html(client, people, course):
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    lesson = services.lesson_add(
        actor=people.admin,
        module=module,
        data=services.LessonInput(
            title="Təhlükəsiz", kind=LessonKind.TEXT, body="Birinci <script>x()</script>\n\nİkinci"
        ),
    )
    services.enrol_self(actor=people.learner, course=course)
    login_as(client, people.learner)
    text = client.get(_url("lesson", lesson)).content.decode()
    assert "<script>x()</script>" not in text
    assert "&lt;script&gt;" in text
    assert "<p>İkinci</p>" in text


def test_marking_lessons_done_through_the_pages_completes_the_course(client, people, course):
    services.enrol_self(actor=people.learner, course=course)
    login_as(client, people.learner)
    lessons = lessons_of(course)
    first = client.post(_url("lesson_done", lessons[0]))
    assert first.status_code == 302 and first["Location"] == _url("lesson", lessons[1])
    for lesson in lessons[1:]:
        client.post(_url("lesson_done", lesson))
    enrollment = Enrollment.objects.get(course=course, employee=people.learner)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    # Another employee cannot mark a lesson of a course they are not enrolled in.
    login_as(client, people.colleague)
    assert client.post(_url("lesson_done", lessons[0])).status_code == 404


def test_enrolling_through_the_page_twice_keeps_one_enrolment(client, people, course):
    login_as(client, people.learner)
    client.post(_url("enrol", course))
    client.post(_url("enrol", course))
    assert Enrollment.objects.filter(course=course, employee=people.learner).count() == 1


def test_my_learning_and_the_unit_page_list_the_courses(
    client, people, course, clock, django_assert_max_num_queries
):
    services.assign(actor=people.admin, course=course, circle=services.Circle(employees=(people.learner,)))
    login_as(client, people.learner)
    with django_assert_max_num_queries(30):
        page = client.get(MY)
    assert "Etik davranış qaydaları" in page.content.decode()
    login_as(client, people.head)
    with django_assert_max_num_queries(30):
        page = client.get(UNIT)
    assert "Quliyev" in page.content.decode()
    login_as(client, people.other_head)
    assert "Quliyev" not in client.get(UNIT).content.decode()


def test_the_catalogue_has_a_query_ceiling(
    client, people, course, make_course, django_assert_max_num_queries
):
    for index in range(5):
        make_course(code=f"course-{index}", title=f"Kurs {index}")
    login_as(client, people.learner)
    with django_assert_max_num_queries(20):
        assert client.get(CATALOGUE).status_code == 200


# --- the API ----------------------------------------------------------------------------------------------


def _get(client: Any, user: Any, path: str, **params: Any) -> Any:
    return client.get(f"{API}{path}", params, headers=bearer(make_token(user)))


def _post(client: Any, user: Any, path: str, body: Any = None, scopes: Any = None) -> Any:
    token = make_token(user) if scopes is None else make_token(user, scopes=scopes)
    return client.post(
        f"{API}{path}", data=json.dumps(body or {}), content_type="application/json", headers=bearer(token)
    )


def test_the_api_lists_and_gets_courses(client, people, course, make_course):
    make_course(publish=False, code="draft")
    listing = _get(client, people.learner, "/courses")
    assert listing.status_code == 200
    assert [item["code"] for item in listing.json()["items"]] == ["ethics"]
    card = _get(client, people.learner, f"/courses/{course.public_id}").json()
    assert [module["title"] for module in card["modules"]] == ["Giriş", "Qaydalar"]
    assert card["enrollment"] is None
    draft = Course.objects.get(code="draft")
    assert _get(client, people.learner, f"/courses/{draft.public_id}").status_code == 404
    assert _get(client, people.learner, "/courses/not-a-uuid").status_code == 404
    assert client.get(f"{API}/courses").status_code == 401


def test_the_api_enrols_once_and_marks_lessons_done(client, people, course):
    first = _post(client, people.learner, f"/courses/{course.public_id}/enrol")
    assert first.status_code == 201
    again = _post(client, people.learner, f"/courses/{course.public_id}/enrol")
    assert again.status_code == 200 and again.json()["public_id"] == first.json()["public_id"]
    enrollment = first.json()["public_id"]
    lesson = lessons_of(course)[0]
    done = _post(client, people.learner, f"/enrollments/{enrollment}/lessons/{lesson.public_id}/done")
    assert done.status_code == 200
    assert done.json()["progress"] == 33 and done.json()["lessons_done"] == [str(lesson.public_id)]
    mine = _get(client, people.learner, "/enrollments").json()
    assert mine["count"] == 1 and mine["items"][0]["status"] == "in_progress"
    # Someone else's enrolment is a 404; a read-only token cannot enrol.
    assert _get(client, people.outsider, f"/enrollments/{enrollment}").status_code == 404
    assert _get(client, people.head, f"/enrollments/{enrollment}").status_code == 200
    refused = _post(client, people.outsider, f"/courses/{course.public_id}/enrol", scopes=["read"])
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"


def test_the_api_refuses_to_mark_a_quiz_lesson_done(client, people, make_course):
    course = make_course(quiz=True)
    enrollment = services.enrol_self(actor=people.learner, course=course)
    quiz = lessons_of(course)[-1]
    response = _post(
        client, people.learner, f"/enrollments/{enrollment.public_id}/lessons/{quiz.public_id}/done"
    )
    assert response.status_code == 409


def test_the_api_assigns_for_administrators_only(client, people, course, clock):
    body = {"unit": people.xetai.code, "due_date": "2026-07-31"}
    assert _post(client, people.learner, f"/courses/{course.public_id}/assignments", body).status_code == 403
    assert _get(client, people.trainer, f"/courses/{course.public_id}/assignments").status_code == 403
    created = _post(client, people.admin, f"/courses/{course.public_id}/assignments", body)
    assert created.status_code == 201 and created.json()["enrolled_count"] == 3
    listed = _get(client, people.admin, f"/courses/{course.public_id}/assignments").json()
    assert listed["count"] == 1
    bad = _post(client, people.admin, f"/courses/{course.public_id}/assignments", {"unit": "no-such-unit"})
    assert bad.status_code == 422
    empty = _post(client, people.admin, f"/courses/{course.public_id}/assignments", {})
    assert empty.status_code == 422


def test_the_administration_forms_render_and_save(client, people, course, clock):
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    lesson = lessons_of(course)[0]
    login_as(client, people.admin)
    for url in (
        _url("module_new", course),
        reverse("learning:module_edit", args=[module.pk]),
        reverse("learning:lesson_new", args=[module.pk]),
        _url("lesson_edit", lesson),
    ):
        assert client.get(url).status_code == 200, url
    saved = client.post(
        RULES, {"course": course.pk, "role": "investigate", "renew_months": "12", "due_days": "30"}
    )
    assert saved.status_code == 302
    from eprok.learning.models import MandatoryRule

    rule = MandatoryRule.objects.get()
    assert client.get(reverse("learning:rule_edit", args=[rule.pk])).status_code == 200
    assert client.get(RULES).status_code == 200
    client.post(reverse("learning:rule_deactivate", args=[rule.pk]))
    rule.refresh_from_db()
    assert not rule.is_active
    client.post(_url("course_archive", course))
    course.refresh_from_db()
    assert course.status == "archived"


def test_a_heads_look_at_the_learning_of_others_is_audited_and_the_learners_own_is_not(
    client, people, course, audit_events
):
    enrollment = services.enrol_self(actor=people.learner, course=course)
    login_as(client, people.learner)
    assert client.get(enrollment.get_absolute_url()).status_code == 200
    assert audit_events("learning.enrollment.read") == []

    login_as(client, people.head)
    assert client.get(enrollment.get_absolute_url()).status_code == 200
    assert client.get(reverse("learning:unit")).status_code == 200

    (read,) = audit_events("learning.enrollment.read")
    assert read.actor_id == people.head.pk and read.target_id == str(enrollment.public_id)
    (unit_read,) = audit_events("learning.unit.read")
    assert unit_read.actor_id == people.head.pk
