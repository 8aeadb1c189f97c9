"""Every write of distance learning: courses with their modules and lessons, enrolment, assignment by
circle, withdrawal, lessons marked done, and the mandatory-training rules with their hourly sweep.

Each write checks first, then changes in one transaction and records an audit event; a refusal raises a
translated ApplicationError and writes nothing. An enrolment's due date is tracked in the shared deadline
index (key "learning.due"), so it shows on "My work" and in the alerts; completion or withdrawal closes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, Step, add_months
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.models import DeadlineUnit
from eprok.learning import access, progress
from eprok.learning.models import (
    COURSE_TRANSITIONS,
    Course,
    CourseAssignment,
    CourseModule,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    LessonProgress,
    MandatoryRule,
)
from eprok.org.models import Employee, Position, RoleAssignment
from eprok.org.roles import Role
from eprok.training.models import ThematicArea
from eprok.training.services import Circle

__all__ = [
    "Circle",
    "CourseInput",
    "LessonInput",
    "MandatoryRuleInput",
    "assign",
    "course_archive",
    "course_create",
    "course_publish",
    "course_update",
    "enrol_self",
    "lesson_add",
    "lesson_complete",
    "lesson_delete",
    "lesson_move",
    "lesson_update",
    "mandatory_rule_deactivate",
    "mandatory_rule_save",
    "mandatory_sweep",
    "module_add",
    "module_move",
    "module_update",
    "withdraw",
]

DUE_KEY = "learning.due"  # the enrolment's term in the shared deadline index
DUE_LABEL = _("Course to complete")
DEFAULT_DUE_DAYS = 30
MAX_DUE_DAYS = 730
MAX_HOURS = Decimal("500")
LESSON_OWNER = "learning.lesson"  # the documents' owner type of a lesson's PDF or video file
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
VIDEO_MAGIC = (b"\x1a\x45\xdf\xa3", b"OggS")  # WebM/Matroska, Ogg; MP4 is recognised by its "ftyp" box


def _fail(field_name: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field_name: str(message)})


def _require_manager(actor: Any) -> None:
    if not access.can_manage_courses(actor):
        raise Forbidden(_("Only administrators of training and trainers may change courses."))


def _require_assigner(actor: Any) -> None:
    if not access.can_assign(actor):
        raise Forbidden(_("Only administrators of training may assign courses and keep mandatory rules."))


# --- courses ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseInput:
    """What a course says; the form and the API fill it in, the service checks it."""

    code: str
    title: str
    area: ThematicArea | None
    hours: Any
    description: str = ""
    certificate: bool = True


def _course_snapshot(course: Course) -> dict[str, Any]:
    return {
        "code": course.code,
        "title": course.title,
        "description": course.description,
        "area_id": course.area_id,
        "hours": str(course.hours),
        "status": course.status,
        "certificate": course.certificate,
    }


def _clean_course(data: CourseInput, course: Course | None = None) -> dict[str, Any]:
    code = (data.code or "").strip().lower()
    if not CODE_RE.match(code):
        raise _fail(
            "code", _("The code is 2 to 64 small Latin letters, digits and hyphens, e.g. ethics-2026.")
        )
    clash = Course.objects.filter(code=code)
    if course is not None:
        clash = clash.exclude(pk=course.pk)
    if clash.exists():
        raise _fail("code", _("Another course already has this code."))
    title = (data.title or "").strip()
    if not title:
        raise _fail("title", _("Enter the title of the course."))
    if len(title) > 255:
        raise _fail("title", _("At most %(limit)d characters.") % {"limit": 255})
    if data.area is None or not data.area.is_active:
        raise _fail("area", _("Choose an active thematic area."))
    try:
        hours = Decimal(str(data.hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise _fail("hours", _("Enter the academic hours as a number, e.g. 4 or 1.5.")) from None
    if not Decimal("0") < hours <= MAX_HOURS:
        raise _fail("hours", _("Enter from 0.5 to %(max)s academic hours.") % {"max": MAX_HOURS})
    return {
        "code": code,
        "title": title,
        "description": (data.description or "").strip()[:20000],
        "area": data.area,
        "hours": hours,
        "certificate": bool(data.certificate),
    }


@transaction.atomic
def course_create(*, actor: Any, data: CourseInput) -> Course:
    _require_manager(actor)
    values = _clean_course(data)
    course = Course.objects.create(created_by=actor, **values)
    audit_record(
        actor=actor,
        action="learning.course.created",
        target=course,
        changes=diff({}, _course_snapshot(course)),
    )
    return course


@transaction.atomic
def course_update(*, actor: Any, course: Course, data: CourseInput) -> Course:
    _require_manager(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    values = _clean_course(data, course)
    before = _course_snapshot(course)
    for name, value in values.items():
        setattr(course, name, value)
    course.save()
    changes = diff(before, _course_snapshot(course))
    if changes:
        audit_record(actor=actor, action="learning.course.updated", target=course, changes=changes)
    return course


def _move_course(actor: Any, course: Course, status: str, action: str) -> Course:
    _require_manager(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if status not in COURSE_TRANSITIONS[course.status]:
        raise Conflict(
            _("A course in the status “%(current)s” cannot become “%(status)s”.")
            % {"current": course.get_status_display(), "status": CourseStatus(status).label}
        )
    if status == CourseStatus.PUBLISHED and not Lesson.objects.filter(module__course=course).exists():
        raise Conflict(_("A course is published once it has at least one lesson."))
    before = _course_snapshot(course)
    course.status = status
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, target=course, changes=diff(before, _course_snapshot(course)))
    return course


@transaction.atomic
def course_publish(*, actor: Any, course: Course) -> Course:
    """Open the course to learners; it needs at least one lesson."""
    return _move_course(actor, course, CourseStatus.PUBLISHED, "learning.course.published")


@transaction.atomic
def course_archive(*, actor: Any, course: Course) -> Course:
    """Close the catalogue entry; learners already enrolled finish their course."""
    return _move_course(actor, course, CourseStatus.ARCHIVED, "learning.course.archived")


# --- modules ---------------------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise _fail("title", _("Enter the title."))
    if len(title) > 255:
        raise _fail("title", _("At most %(limit)d characters.") % {"limit": 255})
    return title


@transaction.atomic
def module_add(*, actor: Any, course: Course, title: str) -> CourseModule:
    _require_manager(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    title = _clean_title(title)
    last = CourseModule.objects.filter(course=course).aggregate(last=Max("position"))["last"]
    module = CourseModule.objects.create(course=course, title=title, position=(last or 0) + 1)
    audit_record(
        actor=actor, action="learning.module.added", target=course, data={"module": module.pk, "title": title}
    )
    return module


@transaction.atomic
def module_update(*, actor: Any, module: CourseModule, title: str) -> CourseModule:
    _require_manager(actor)
    module = CourseModule.objects.select_for_update().select_related("course").get(pk=module.pk)
    title = _clean_title(title)
    before = {"title": module.title}
    module.title = title
    module.save(update_fields=["title", "updated_at"])
    changes = diff(before, {"title": module.title})
    if changes:
        audit_record(
            actor=actor,
            action="learning.module.updated",
            target=module.course,
            changes=changes,
            data={"module": module.pk},
        )
    return module


def _swap(rows: list[Any], index: int, step: int) -> tuple[Any, Any] | None:
    """Renumber rows 1..n, then swap the one at `index` with its neighbour `step` away (-1 up, +1 down)."""
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(rows):
        return None
    for number, row in enumerate(rows, start=1):
        row.position = number
    rows[index].position, rows[other].position = rows[other].position, rows[index].position
    return rows[index], rows[other]


@transaction.atomic
def module_move(*, actor: Any, module: CourseModule, step: int) -> CourseModule:
    """Move a module one place up (step -1) or down (+1); at either end nothing changes."""
    _require_manager(actor)
    course = Course.objects.select_for_update().get(pk=module.course_id)
    rows = list(CourseModule.objects.filter(course=course).order_by("position", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == module.pk)
    if _swap(rows, index, step) is None:
        return rows[index]
    CourseModule.objects.bulk_update(rows, ["position"])
    audit_record(
        actor=actor,
        action="learning.module.moved",
        target=course,
        data={"module": module.pk, "order": [row.pk for row in sorted(rows, key=lambda r: r.position)]},
    )
    return rows[index]


# --- lessons ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonInput:
    """What a lesson says; a PDF or video file comes separately (`file`)."""

    title: str
    kind: str
    body: str = ""
    video_url: str = ""
    minutes: int | None = 10


def _lesson_snapshot(lesson: Lesson) -> dict[str, Any]:
    return {
        "title": lesson.title,
        "kind": lesson.kind,
        "body_length": len(lesson.body or ""),
        "video_url": lesson.video_url,
        "minutes": lesson.minutes,
        "module_id": lesson.module_id,
    }


def _clean_lesson(data: LessonInput, *, has_file: bool, had_file: bool) -> dict[str, Any]:
    title = _clean_title(data.title)
    if data.kind not in LessonKind.values:
        raise _fail("kind", _("Choose the kind of lesson."))
    body = (data.body or "").strip()
    video_url = (data.video_url or "").strip()
    minutes = data.minutes if data.minutes is not None else 10
    if not 1 <= int(minutes) <= 600:
        raise _fail("minutes", _("Enter from 1 to 600 minutes."))
    if data.kind == LessonKind.TEXT and not body:
        raise _fail("body", _("A text lesson needs its text."))
    if data.kind == LessonKind.VIDEO_LINK:
        if not video_url:
            raise _fail("video_url", _("Enter the address of the video."))
        if not video_url.lower().startswith("https://") or len(video_url) > 500 or " " in video_url:
            raise _fail("video_url", _("The video link must be an https:// address."))
    else:
        video_url = ""
    if data.kind in (LessonKind.PDF, LessonKind.VIDEO_FILE) and not (has_file or had_file):
        raise _fail("file", _("Attach the file of the lesson."))
    if has_file and data.kind not in (LessonKind.PDF, LessonKind.VIDEO_FILE):
        raise _fail("file", _("Only a PDF or video lesson takes a file."))
    return {
        "title": title,
        "kind": data.kind,
        "body": body[:100000],
        "video_url": video_url,
        "minutes": minutes,
    }


def _head(file: Any) -> bytes:
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    return head if isinstance(head, bytes) else bytes(head)


def _check_file_kind(kind: str, file: Any) -> None:
    """A PDF lesson takes a PDF and a video lesson a video (MP4, WebM or Ogg), judged by the content."""
    head = _head(file)
    if kind == LessonKind.PDF and not head.startswith(b"%PDF-"):
        raise _fail("file", _("The file is not a PDF document."))
    if kind == LessonKind.VIDEO_FILE and not (head[4:8] == b"ftyp" or head.startswith(VIDEO_MAGIC)):
        raise _fail("file", _("The file is not a video (MP4, WebM or Ogg)."))


def _attach(actor: Any, lesson: Lesson, file: Any) -> None:
    from eprok.core import uploads
    from eprok.documents.services import document_upload

    allowed = uploads.VIDEO_TYPES if lesson.kind == LessonKind.VIDEO_FILE else frozenset({"pdf"})
    document_upload(
        actor=actor, owner_type=LESSON_OWNER, owner=lesson, file=file, title=lesson.title, allowed=allowed
    )


def lesson_documents(lesson: Lesson) -> QuerySet[Any]:
    """The lesson's files (eprok.documents), newest first; withdrawn ones left out."""
    from eprok.documents.models import Document, DocumentStatus

    return (
        Document.objects.filter(owner_type=LESSON_OWNER, owner_id=lesson.pk)
        .exclude(status=DocumentStatus.WITHDRAWN)
        .select_related("current_version")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def lesson_add(*, actor: Any, module: CourseModule, data: LessonInput, file: Any = None) -> Lesson:
    """Add a lesson at the end of the module; a PDF or video lesson's file becomes a document of the
    lesson (a quiz lesson gets its quiz from the quiz pages)."""
    _require_manager(actor)
    module = CourseModule.objects.select_for_update().select_related("course").get(pk=module.pk)
    values = _clean_lesson(data, has_file=file is not None, had_file=False)
    if file is not None:
        _check_file_kind(values["kind"], file)
    last = Lesson.objects.filter(module=module).aggregate(last=Max("position"))["last"]
    lesson = Lesson.objects.create(module=module, position=(last or 0) + 1, **values)
    if file is not None:
        _attach(actor, lesson, file)
    _recompute_open(module.course_id)
    audit_record(
        actor=actor,
        action="learning.lesson.added",
        target=lesson,
        changes=diff({}, _lesson_snapshot(lesson)),
        data={"course": str(module.course.public_id)},
    )
    return lesson


@transaction.atomic
def lesson_update(*, actor: Any, lesson: Lesson, data: LessonInput, file: Any = None) -> Lesson:
    _require_manager(actor)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    had_file = lesson_documents(lesson).exists()
    values = _clean_lesson(data, has_file=file is not None, had_file=had_file and data.kind == lesson.kind)
    if lesson.kind == LessonKind.QUIZ and values["kind"] != LessonKind.QUIZ and hasattr(lesson, "quiz"):
        raise _fail("kind", _("A lesson with a quiz stays a quiz lesson; delete it instead."))
    if file is not None:
        _check_file_kind(values["kind"], file)
    before = _lesson_snapshot(lesson)
    for name, value in values.items():
        setattr(lesson, name, value)
    lesson.save()
    if file is not None:
        _attach(actor, lesson, file)
    changes = diff(before, _lesson_snapshot(lesson))
    if changes or file is not None:
        audit_record(
            actor=actor,
            action="learning.lesson.updated",
            target=lesson,
            changes=changes,
            data={"file": file is not None},
        )
    return lesson


@transaction.atomic
def lesson_move(*, actor: Any, lesson: Lesson, step: int) -> Lesson:
    """Move a lesson one place up (step -1) or down (+1) within its module."""
    _require_manager(actor)
    module = CourseModule.objects.select_for_update().get(pk=lesson.module_id)
    rows = list(Lesson.objects.filter(module=module).order_by("position", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == lesson.pk)
    if _swap(rows, index, step) is None:
        return rows[index]
    Lesson.objects.bulk_update(rows, ["position"])
    audit_record(
        actor=actor,
        action="learning.lesson.moved",
        target=rows[index],
        data={"order": [row.pk for row in sorted(rows, key=lambda r: r.position)]},
    )
    return rows[index]


@transaction.atomic
def lesson_delete(*, actor: Any, lesson: Lesson) -> None:
    """Remove a lesson nobody has studied yet (a lesson learners have done stays, for their record)."""
    _require_manager(actor)
    lesson = Lesson.objects.select_for_update().select_related("module__course").get(pk=lesson.pk)
    if LessonProgress.objects.filter(lesson=lesson).exists():
        raise Conflict(_("Learners have already done this lesson, so it cannot be deleted."))
    from eprok.learning.models import QuizAttempt

    if QuizAttempt.objects.filter(quiz__lesson=lesson).exists():
        raise Conflict(_("Learners have already attempted this quiz, so it cannot be deleted."))
    course = lesson.module.course
    snapshot = _lesson_snapshot(lesson)
    public_id = str(lesson.public_id)
    lesson.delete()
    # The open enrolments' percentages change; one whose remaining lessons were all done completes now.
    _recompute_open(course.pk)
    audit_record(
        actor=actor,
        action="learning.lesson.deleted",
        target=course,
        changes=diff(snapshot, {}),
        data={"lesson": public_id},
    )


def _recompute_open(course_id: int) -> None:
    """Bring the open enrolments of a course in line with its lessons after one was added or deleted."""
    from eprok.learning import progress

    for enrollment in (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("rule")
        .filter(course_id=course_id, status__in=access.OPEN)
        .order_by("pk")
    ):
        progress.recompute(enrollment)


# --- enrolments ------------------------------------------------------------------------------------------


def due_deadline(start: dt.date, due: dt.date) -> Deadline:
    """An enrolment's due date as a term of the shared engine: set by the assignment, not by a statute."""
    length = max((due - start).days, 0)
    steps = (
        Step("start", {"event": "", "start": start, "length": length, "unit": DeadlineUnit.CALENDAR_DAYS}),
        Step("due", {"due": due}),
    )
    return Deadline(
        rule_code=DUE_KEY,
        unit=DeadlineUnit.CALENDAR_DAYS,
        start=start,
        due=due,
        total_length=length,
        steps=steps,
    )


def track_due(enrollment: Enrollment, *, new: bool = False) -> None:
    """Put the enrolment's due date in the shared deadline index (My work, alerts), or take it out."""
    if enrollment.due_date is None or enrollment.status not in access.OPEN:
        tracking.deadline_close(owner=enrollment, key=DUE_KEY)
        return
    employee = enrollment.employee
    if employee.unit_id is None:
        return  # the index needs a unit; an employee without one keeps the due date on their enrolment
    start = timezone.localdate(enrollment.created_at) if enrollment.created_at else timezone.localdate()
    tracking.deadline_track(
        owner=enrollment,
        key=DUE_KEY,
        deadline=due_deadline(min(start, enrollment.due_date), enrollment.due_date),
        unit=employee.unit,
        responsible=employee,
        title=enrollment.course.title,
        label=DUE_LABEL,
        url=enrollment.get_absolute_url(),
        new=new,
    )


def close_due(enrollment: Enrollment) -> None:
    tracking.deadline_close(owner=enrollment, key=DUE_KEY)


def _next_cycle(course: Course, employee_id: int) -> int:
    last = Enrollment.objects.filter(course=course, employee_id=employee_id).aggregate(last=Max("cycle"))
    return (last["last"] or 0) + 1


def _open_of(course: Course, employee_id: int) -> Enrollment | None:
    return Enrollment.objects.filter(course=course, employee_id=employee_id, status__in=access.OPEN).first()


def _new_enrollment(
    *,
    course: Course,
    employee: Employee,
    source: str,
    due_date: dt.date | None = None,
    assignment: CourseAssignment | None = None,
    rule: MandatoryRule | None = None,
) -> Enrollment | None:
    """Create an open enrolment (next cycle) and track its due date; None when one is open already
    (also when a concurrent request created it first: the constraint answers, in a savepoint)."""
    if _open_of(course, employee.pk) is not None:
        return None
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                course=course,
                employee=employee,
                cycle=_next_cycle(course, employee.pk),
                source=source,
                due_date=due_date,
                assignment=assignment,
                rule=rule,
            )
    except IntegrityError:
        return None
    track_due(enrollment, new=True)
    return enrollment


@transaction.atomic
def enrol_self(*, actor: Any, course: Course) -> Enrollment:
    """Enrol the actor on a published course; when they already have an open enrolment, that one."""
    if not access.signed_in(actor):
        raise Forbidden()
    course = Course.objects.get(pk=course.pk)
    if course.status != CourseStatus.PUBLISHED:
        raise Conflict(_("Only a published course can be enrolled in."))
    existing = _open_of(course, actor.pk)
    if existing is not None:
        return existing
    enrollment = _new_enrollment(course=course, employee=actor, source=EnrollmentSource.SELF)
    if enrollment is None:  # created meanwhile by a concurrent request
        existing = _open_of(course, actor.pk)
        assert existing is not None
        return existing
    audit_record(
        actor=actor,
        action="learning.enrollment.created",
        target=enrollment,
        data={"course": str(course.public_id), "source": EnrollmentSource.SELF, "cycle": enrollment.cycle},
    )
    return enrollment


def _notify(employees: list[Employee], course: Course, due: dt.date | None, *, mandatory: bool) -> None:
    """Tell the learners after commit (in the service's language: notifications are stored text)."""
    if not employees:
        return
    recipients = list(employees)

    def send() -> None:
        from eprok.notifications.services import notification_send_many

        with translation.override(settings.LANGUAGE_CODE):
            if mandatory:
                title = gettext("Mandatory training: %(course)s") % {"course": course.title}
            else:
                title = gettext("A course is assigned to you: %(course)s") % {"course": course.title}
            body = (
                gettext("Complete it by %(date)s.") % {"date": due.strftime("%d.%m.%Y")}
                if due
                else gettext("Open “My learning” to start.")
            )
        notification_send_many(
            messages=[(employee, title) for employee in recipients],
            body=body,
            url=reverse("learning:my"),
            actor=None,
        )

    transaction.on_commit(send)


@transaction.atomic
def assign(
    *,
    actor: Any,
    course: Course,
    circle: Circle,
    due_date: dt.date | None = None,
    due_days: int | None = None,
) -> CourseAssignment:
    """Enrol the active employees of the circle on a published course, due on `due_date` (or in
    `due_days` days, 30 by default); those with an open enrolment on it keep theirs."""
    _require_assigner(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != CourseStatus.PUBLISHED:
        raise Conflict(_("Only a published course can be assigned."))
    if not circle.has_criteria and not circle.employees:
        raise _fail("unit", _("Choose a unit, a position, a class rank or name the employees."))
    today = timezone.localdate()
    if due_date is None:
        days = DEFAULT_DUE_DAYS if due_days is None else due_days
        if not 1 <= days <= MAX_DUE_DAYS:
            raise _fail("due_days", _("Enter from 1 to %(max)d days.") % {"max": MAX_DUE_DAYS})
        due_date = today + dt.timedelta(days=days)
    if due_date <= today:
        raise _fail("due_date", _("The due date must be in the future."))
    assignment = CourseAssignment.objects.create(
        course=course,
        unit=circle.unit,
        include_subunits=circle.include_subunits,
        position=circle.position,
        class_rank=circle.class_rank,
        due_date=due_date,
        assigned_by=actor,
    )
    enrolled: list[Employee] = []
    for employee in circle.members().select_related("unit").order_by("pk"):
        enrollment = _new_enrollment(
            course=course,
            employee=employee,
            source=EnrollmentSource.ASSIGNED,
            due_date=due_date,
            assignment=assignment,
        )
        if enrollment is not None:
            enrolled.append(employee)
    assignment.enrolled_count = len(enrolled)
    assignment.save(update_fields=["enrolled_count", "updated_at"])
    audit_record(
        actor=actor,
        action="learning.assignment.created",
        target=assignment,
        data={
            "course": str(course.public_id),
            "due_date": due_date.isoformat(),
            "count": len(enrolled),
            "unit": circle.unit.code if circle.unit else "",
            "include_subunits": circle.include_subunits,
            "position": circle.position.code if circle.position else "",
            "class_rank": circle.class_rank.code if circle.class_rank else "",
            "named": len(circle.employees),
        },
    )
    _notify(enrolled, course, due_date, mandatory=False)
    return assignment


@transaction.atomic
def withdraw(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """End an open enrolment without completing it (the learner's own choice, or an administrator's)."""
    enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    if enrollment.status not in access.OPEN:
        raise Conflict(_("Only an open enrolment can be withdrawn."))
    if not access.can_withdraw(actor, enrollment):
        raise Forbidden(
            _("An assigned or mandatory course can be withdrawn only by an administrator of training.")
        )
    # A learner who has taken the quiz may not start over with fresh attempts (having seen the answers).
    if (
        enrollment.employee_id == getattr(actor, "pk", None)
        and not access.is_administrator(actor)
        and enrollment.attempts.exists()
    ):
        raise Conflict(
            _(
                "You have taken this course's quiz, so you cannot withdraw; "
                "ask the Science and Training Centre."
            )
        )
    before = {"status": enrollment.status}
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.save(update_fields=["status", "updated_at"])
    close_due(enrollment)
    audit_record(
        actor=actor,
        action="learning.enrollment.withdrawn",
        target=enrollment,
        changes=diff(before, {"status": enrollment.status}),
    )
    return enrollment


@transaction.atomic
def lesson_complete(*, actor: Any, enrollment: Enrollment, lesson: Lesson) -> Enrollment:
    """The learner marks a lesson (not a quiz: that is done by passing it) as done; the last one
    completes the enrolment."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("rule").get(pk=enrollment.pk)
    )
    if enrollment.employee_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the learner marks their lessons as done."))
    if enrollment.status not in access.OPEN:
        raise Conflict(_("The enrolment is no longer open."))
    lesson = Lesson.objects.select_related("module").get(pk=lesson.pk)
    if lesson.module.course_id != enrollment.course_id:
        raise _fail("lesson", _("The lesson is not part of this course."))
    if lesson.kind == LessonKind.QUIZ:
        raise Conflict(_("A quiz lesson is done by passing its quiz."))
    before = {"progress": enrollment.progress, "status": enrollment.status}
    created = progress.lesson_done(enrollment=enrollment, lesson=lesson)
    if created:
        if enrollment.status == EnrollmentStatus.COMPLETED:
            close_due(enrollment)
        audit_record(
            actor=actor,
            action="learning.lesson.done",
            target=enrollment,
            changes=diff(before, {"progress": enrollment.progress, "status": enrollment.status}),
            data={"lesson": str(lesson.public_id)},
        )
    return enrollment


def on_completed(enrollment: Enrollment) -> None:
    """Completion hook (after commit, whichever way the course was completed): stop tracking its term."""
    close_due(enrollment)


# --- mandatory training ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MandatoryRuleInput:
    course: Course | None
    role: str = ""
    position: Position | None = None
    renew_months: int | None = None
    due_days: int = DEFAULT_DUE_DAYS


def _rule_snapshot(rule: MandatoryRule) -> dict[str, Any]:
    return {
        "course_id": rule.course_id,
        "role": rule.role,
        "position_id": rule.position_id,
        "renew_months": rule.renew_months,
        "due_days": rule.due_days,
        "is_active": rule.is_active,
    }


def _clean_rule(data: MandatoryRuleInput) -> dict[str, Any]:
    if data.course is None or data.course.status != CourseStatus.PUBLISHED:
        raise _fail("course", _("Choose a published course."))
    role = (data.role or "").strip()
    if role and role not in Role.values:
        raise _fail("role", _("Choose a role from the list."))
    if bool(role) == (data.position is not None):
        raise _fail("role", _("Choose either a role or a position."))
    if data.renew_months is not None and not 1 <= data.renew_months <= 120:
        raise _fail("renew_months", _("Renew every 1 to 120 months, or leave it empty."))
    if not 1 <= int(data.due_days or 0) <= MAX_DUE_DAYS:
        raise _fail("due_days", _("Enter from 1 to %(max)d days.") % {"max": MAX_DUE_DAYS})
    return {
        "course": data.course,
        "role": role,
        "position": data.position,
        "renew_months": data.renew_months,
        "due_days": int(data.due_days),
    }


@transaction.atomic
def mandatory_rule_save(
    *, actor: Any, data: MandatoryRuleInput, rule: MandatoryRule | None = None
) -> MandatoryRule:
    """Create a mandatory-training rule, or change one (the next sweep applies it)."""
    _require_assigner(actor)
    values = _clean_rule(data)
    if rule is None:
        rule = MandatoryRule.objects.create(created_by=actor, **values)
        audit_record(
            actor=actor, action="learning.rule.created", target=rule, changes=diff({}, _rule_snapshot(rule))
        )
        return rule
    rule = MandatoryRule.objects.select_for_update().get(pk=rule.pk)
    before = _rule_snapshot(rule)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.is_active = True
    rule.save()
    changes = diff(before, _rule_snapshot(rule))
    if changes:
        audit_record(actor=actor, action="learning.rule.updated", target=rule, changes=changes)
    return rule


@transaction.atomic
def mandatory_rule_deactivate(*, actor: Any, rule: MandatoryRule) -> MandatoryRule:
    """Stop the rule: no new enrolments; those already made stay."""
    _require_assigner(actor)
    rule = MandatoryRule.objects.select_for_update().get(pk=rule.pk)
    if not rule.is_active:
        return rule
    rule.is_active = False
    rule.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor, action="learning.rule.deactivated", target=rule, changes={"is_active": [True, False]}
    )
    return rule


def rule_holders(rule: MandatoryRule, *, today: dt.date) -> QuerySet[Employee]:
    """The active employees the rule applies to today: holders of its role (anywhere) or its position."""
    employees = Employee.objects.filter(is_active=True)
    if rule.position_id:
        return employees.filter(position_id=rule.position_id)
    holding = RoleAssignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        role=rule.role,
        valid_from__lte=today,
        ended_at__isnull=True,
        unit__is_active=True,
    ).values("employee_id")
    return employees.filter(pk__in=holding)


def completion_valid_until(enrollment: Enrollment, renew_months: int | None) -> dt.date | None:
    """Until when a completed enrolment satisfies a rule renewing every `renew_months` (None: for good)."""
    if enrollment.valid_until is not None:
        return enrollment.valid_until
    if not renew_months or enrollment.completed_at is None:
        return None
    return add_months(timezone.localdate(enrollment.completed_at), renew_months)[0]


def _satisfied(rule: MandatoryRule, employee_id: int, rows: list[Enrollment], today: dt.date) -> bool:
    for row in rows:
        if row.employee_id != employee_id:
            continue
        if row.status in access.OPEN:
            return True
        if row.status == EnrollmentStatus.COMPLETED:
            until = completion_valid_until(row, rule.renew_months)
            if until is None or today < until:
                return True
    return False


@dataclass
class SweepReport:
    rules: int = 0
    enrolled: int = 0
    renewed: int = 0


def mandatory_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Enrol everyone an active rule applies to who has neither an open enrolment nor a completion still
    valid; a completion past its validity starts the next cycle (a renewal). Rerunnable: a second run
    finds the enrolments of the first and adds nothing. The cron runs it hourly (`learning_sweep`)."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    report = SweepReport()
    rules = MandatoryRule.objects.filter(
        is_active=True, course__status=CourseStatus.PUBLISHED
    ).select_related("course")
    for rule in rules.order_by("pk"):
        report.rules += 1
        with transaction.atomic():
            _sweep_rule(rule, today, report)
    return report


def _sweep_rule(rule: MandatoryRule, today: dt.date, report: SweepReport) -> None:
    course = rule.course
    holders = list(rule_holders(rule, today=today).select_related("unit").order_by("pk"))
    rows = list(
        Enrollment.objects.filter(course=course, employee_id__in=[e.pk for e in holders]).exclude(
            status=EnrollmentStatus.WITHDRAWN
        )
    )
    had_completion = {row.employee_id for row in rows if row.status == EnrollmentStatus.COMPLETED}
    due = today + dt.timedelta(days=rule.due_days)
    enrolled: list[Employee] = []
    renewed = 0
    for employee in holders:
        if _satisfied(rule, employee.pk, rows, today):
            continue
        enrollment = _new_enrollment(
            course=course, employee=employee, source=EnrollmentSource.MANDATORY, due_date=due, rule=rule
        )
        if enrollment is None:
            continue
        enrolled.append(employee)
        renewed += employee.pk in had_completion
    if not enrolled:
        return
    report.enrolled += len(enrolled)
    report.renewed += renewed
    audit_record(
        actor=None,
        action="learning.rule.swept",
        target=rule,
        data={
            "course": str(course.public_id),
            "enrolled": len(enrolled),
            "renewed": renewed,
            "due_date": due.isoformat(),
        },
    )
    _notify(enrolled, course, due, mandatory=True)


def recompute_due() -> int:
    """Re-track every open enrolment with a due date (the recomputer of "learning.enrollment")."""
    count = 0
    rows = Enrollment.objects.filter(status__in=access.OPEN, due_date__isnull=False).select_related(
        "course", "employee", "employee__unit"
    )
    for enrollment in rows.iterator(chunk_size=500):
        with transaction.atomic():
            track_due(enrollment)
        count += 1
    return count
