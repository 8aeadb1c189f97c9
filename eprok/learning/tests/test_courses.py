"""Courses, modules and lessons: who may author them, publication needs a lesson, ordering, the kinds of
lessons (https video links, PDF files stored as documents of the lesson), deletion, and the access
rules of courses and lessons."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eprok.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from eprok.learning import access, services
from eprok.learning.models import Course, CourseModule, CourseStatus, Lesson, LessonKind
from eprok.learning.tests.conftest import GRANTED, course_input, lessons_of

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_an_administrator_creates_a_course_and_it_is_audited(people, clock, audit_events):
    course = services.course_create(actor=people.admin, data=course_input(people))
    assert course.status == CourseStatus.DRAFT
    assert course.created_by == people.admin
    assert audit_events("learning.course.created")[0].target_id


def test_a_trainer_may_author_a_course_but_a_learner_may_not(people, clock):
    services.course_create(actor=people.trainer, data=course_input(people, code="by-trainer"))
    with pytest.raises(Forbidden):
        services.course_create(actor=people.learner, data=course_input(people, code="by-learner"))
    assert not Course.objects.filter(code="by-learner").exists()


def test_it_refuses_a_bad_code_or_a_duplicate_and_writes_nothing(people, clock, course):
    with pytest.raises(ValidationFailed) as caught:
        services.course_create(actor=people.admin, data=course_input(people, code="Bad code!"))
    assert "code" in caught.value.details
    with pytest.raises(ValidationFailed):
        services.course_create(actor=people.admin, data=course_input(people, code=course.code))
    assert Course.objects.count() == 1


def test_publishing_needs_a_lesson(people, clock, audit_events):
    course = services.course_create(actor=people.admin, data=course_input(people))
    services.module_add(actor=people.admin, course=course, title="Boş modul")
    with pytest.raises(Conflict):
        services.course_publish(actor=people.admin, course=course)
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT
    assert not audit_events("learning.course.published")


def test_a_course_is_published_archived_and_published_again(people, make_course, audit_events):
    course = make_course()
    assert course.status == CourseStatus.PUBLISHED
    services.course_archive(actor=people.admin, course=course)
    course.refresh_from_db()
    assert course.status == CourseStatus.ARCHIVED
    services.course_publish(actor=people.admin, course=course)
    with pytest.raises(Conflict):
        services.course_publish(actor=people.admin, course=course)
    assert len(audit_events("learning.course.published")) == 2
    assert audit_events("learning.course.archived")


def test_modules_and_lessons_keep_their_order_and_move(people, course, audit_events):
    modules = list(CourseModule.objects.filter(course=course).order_by("position"))
    assert [m.title for m in modules] == ["Giriş", "Qaydalar"]
    services.module_move(actor=people.admin, module=modules[1], step=-1)
    assert [m.title for m in CourseModule.objects.filter(course=course).order_by("position")] == [
        "Qaydalar",
        "Giriş",
    ]
    first = Lesson.objects.filter(module=modules[0]).order_by("position")
    assert [lesson.title for lesson in first] == ["Əsas anlayışlar", "Video-mühazirə"]
    services.lesson_move(actor=people.admin, lesson=first[1], step=-1)
    assert [row.title for row in Lesson.objects.filter(module=modules[0]).order_by("position")] == [
        "Video-mühazirə",
        "Əsas anlayışlar",
    ]
    # At the top nothing moves.
    services.lesson_move(actor=people.admin, lesson=Lesson.objects.get(title="Video-mühazirə"), step=-1)
    assert audit_events("learning.module.moved") and len(audit_events("learning.lesson.moved")) == 1


def test_a_video_link_must_be_https(people, course):
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    with pytest.raises(ValidationFailed) as caught:
        services.lesson_add(
            actor=people.admin,
            module=module,
            data=services.LessonInput(
                title="Video", kind=LessonKind.VIDEO_LINK, video_url="http://video.az/x"
            ),
        )
    assert "video_url" in caught.value.details
    assert not Lesson.objects.filter(title="Video").exists()


def test_a_pdf_lesson_stores_its_file_as_a_document_of_the_lesson(people, course, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    file = SimpleUploadedFile("etika.pdf", _pdf(), content_type="application/pdf")
    lesson = services.lesson_add(
        actor=people.admin,
        module=module,
        data=services.LessonInput(title="Qaydalar (PDF)", kind=LessonKind.PDF),
        file=file,
    )
    documents = list(services.lesson_documents(lesson))
    assert len(documents) == 1
    assert documents[0].owner_type == "learning.lesson"


# The first bytes of an MP4 file: the "ftyp" box naming its brand.
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def test_a_video_lesson_stores_an_mp4_as_a_document_of_the_lesson(people, course, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    file = SimpleUploadedFile("giris.mp4", MP4_HEAD, content_type="video/mp4")
    lesson = services.lesson_add(
        actor=people.admin,
        module=module,
        data=services.LessonInput(title="Giriş videosu", kind=LessonKind.VIDEO_FILE),
        file=file,
    )
    documents = list(services.lesson_documents(lesson))
    assert [d.current_version.content_type for d in documents] == ["video/mp4"]


def test_a_video_is_refused_where_documents_are_uploaded_by_default():
    from eprok.core import uploads

    assert "mp4" not in uploads.DEFAULT_TYPES
    with pytest.raises(ValidationFailed):
        uploads.validate_upload(SimpleUploadedFile("giris.mp4", MP4_HEAD, content_type="video/mp4"))


def test_a_pdf_lesson_refuses_a_file_that_is_not_a_pdf_and_writes_nothing(people, course):
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    file = SimpleUploadedFile("etika.pdf", b"just some text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as caught:
        services.lesson_add(
            actor=people.admin,
            module=module,
            data=services.LessonInput(title="PDF", kind=LessonKind.PDF),
            file=file,
        )
    assert "file" in caught.value.details
    assert not Lesson.objects.filter(title="PDF").exists()


def test_a_pdf_lesson_needs_its_file(people, course):
    module = CourseModule.objects.filter(course=course).order_by("position")[0]
    with pytest.raises(ValidationFailed):
        services.lesson_add(
            actor=people.admin, module=module, data=services.LessonInput(title="PDF", kind=LessonKind.PDF)
        )


def test_a_lesson_someone_has_done_cannot_be_deleted(people, course, audit_events):
    lessons = lessons_of(course)
    enrollment = services.enrol_self(actor=people.learner, course=course)
    services.lesson_complete(actor=people.learner, enrollment=enrollment, lesson=lessons[0])
    with pytest.raises(Conflict):
        services.lesson_delete(actor=people.admin, lesson=lessons[0])
    services.lesson_delete(actor=people.admin, lesson=lessons[1])
    assert not Lesson.objects.filter(pk=lessons[1].pk).exists()
    assert audit_events("learning.lesson.deleted")


# --- access ----------------------------------------------------------------------------------------------


def test_a_draft_course_is_invisible_to_learners(people, make_course):
    draft = make_course(publish=False)
    assert access.get_course_for(people.admin, draft.public_id, "manage") == draft
    assert access.get_course_for(people.trainer, draft.public_id, "manage") == draft
    with pytest.raises(NotFound):
        access.get_course_for(people.learner, draft.public_id)
    with pytest.raises(NotFound):
        access.get_course_for(None, draft.public_id)


def test_a_learner_sees_a_published_course_but_may_not_manage_it(people, course):
    assert access.get_course_for(people.learner, course.public_id) == course
    with pytest.raises(Forbidden):
        access.get_course_for(people.learner, course.public_id, "manage")
    with pytest.raises(Forbidden):
        access.get_course_for(people.trainer, course.public_id, "assign")


def test_a_learner_opens_lessons_only_once_enrolled(people, course):
    lesson = lessons_of(course)[0]
    with pytest.raises(NotFound):
        access.get_lesson_for(people.learner, lesson.public_id)
    services.enrol_self(actor=people.learner, course=course)
    assert access.get_lesson_for(people.learner, lesson.public_id, "study") == lesson
    with pytest.raises(NotFound):
        access.get_lesson_for(people.outsider, lesson.public_id)
    with pytest.raises(ApplicationError):
        access.get_lesson_for(people.learner, "not-a-uuid")


# --- the demo ------------------------------------------------------------------------------------------


def test_the_demo_seeds_three_courses_with_quizzes_once(people, clock):
    from eprok.learning.models import Enrollment, MandatoryRule, Question, Quiz
    from eprok.learning.seeding import seed_learning
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    admin = EmployeeFactory(username="telim", unit=people.centre)
    RoleAssignmentFactory(employee=admin, role="administer_training", unit=people.centre, valid_from=GRANTED)
    EmployeeFactory(username="prokuror", unit=people.xetai)
    first = seed_learning()
    assert first.courses == 3 and first.questions >= 18
    assert Course.objects.filter(status=CourseStatus.PUBLISHED).count() == 3
    quiz = Quiz.objects.get(lesson__module__course__code="ethics-rules")
    assert (quiz.pass_mark, quiz.time_limit_minutes, quiz.max_attempts, quiz.question_count) == (70, 20, 3, 5)
    assert set(Question.objects.values_list("kind", flat=True)) == {
        "single",
        "multiple",
        "true_false",
        "short",
    }
    assert MandatoryRule.objects.get().renew_months == 12
    assert Enrollment.objects.filter(employee__username="prokuror", status="completed").exists()
    assert Enrollment.objects.filter(employee=people.learner, source="mandatory").exists()  # investigates
    again = seed_learning()
    assert again.courses == 0 and again.enrolments == 0 and again.mandatory == 0
