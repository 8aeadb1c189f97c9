"""API operations of distance learning (mounted in eprok.core.api at /api/v1/learning).

The operations call the same selectors and services as the pages: the catalogue, a course with its
modules and lessons, enrolment, the caller's enrolments and their progress, marking a lesson done, and the
administrators' assignments. The quiz and certificate operations are added from their own modules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import ValidationFailed
from eprok.core.pagination import Page, PageParams, paginate
from eprok.learning import access, selectors, services
from eprok.learning.models import Course, CourseAssignment, Enrollment, EnrollmentStatus, LessonKind
from eprok.org.models import ClassRank, Position
from eprok.training.models import ThematicArea

router = Router(tags=["learning"])


# --- schemas ------------------------------------------------------------------------------------------------


class CourseOut(Schema):
    public_id: uuid.UUID
    code: str
    title: str
    description: str
    area: str = Field(..., description="The code of the thematic area.")
    hours: float
    status: str
    certificate: bool = Field(..., description="Whether completing the course earns a certificate.")


class LessonOut(Schema):
    public_id: uuid.UUID
    title: str
    kind: str = Field(..., description=f"One of: {', '.join(LessonKind.values)}.")
    minutes: int
    done: bool = Field(..., description="Whether the caller has done it in their current enrolment.")


class ModuleOut(Schema):
    title: str
    lessons: list[LessonOut]


class EnrollmentOut(Schema):
    public_id: uuid.UUID
    course: uuid.UUID
    course_title: str
    cycle: int
    status: str = Field(..., description=f"One of: {', '.join(EnrollmentStatus.values)}.")
    source: str
    progress: int = Field(..., ge=0, le=100, description="Per cent of the lessons done.")
    due_date: dt.date | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    valid_until: dt.date | None


class CourseDetailOut(CourseOut):
    modules: list[ModuleOut]
    enrollment: EnrollmentOut | None = Field(None, description="The caller's open or latest enrolment.")


class EnrollmentDetailOut(EnrollmentOut):
    learner: uuid.UUID
    lessons_done: list[uuid.UUID]
    lessons_total: int


class AssignIn(Schema):
    unit: str | None = Field(None, max_length=64, description="The code of a unit.")
    include_subunits: bool = False
    position: str | None = Field(None, max_length=64, description="The code of a position.")
    class_rank: str | None = Field(None, max_length=64, description="The code of a class rank.")
    employees: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    due_date: dt.date | None = Field(None, description="Empty: 30 days from today.")


class CourseAssignmentOut(Schema):
    public_id: uuid.UUID
    course: uuid.UUID
    due_date: dt.date
    enrolled_count: int
    created_at: dt.datetime


class CourseFilterIn(Schema):
    q: str | None = Field(None, max_length=200, description="Searches the title, description and area.")
    area: str | None = Field(None, max_length=64, description="The code of a thematic area.")


# --- helpers ------------------------------------------------------------------------------------------------


def _invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: str(message)})


def _course(course: Course) -> dict[str, Any]:
    return {
        "public_id": course.public_id,
        "code": course.code,
        "title": course.title,
        "description": course.description,
        "area": course.area.code,
        "hours": float(course.hours),
        "status": course.status,
        "certificate": course.certificate,
    }


def _enrollment(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "public_id": enrollment.public_id,
        "course": enrollment.course.public_id,
        "course_title": enrollment.course.title,
        "cycle": enrollment.cycle,
        "status": enrollment.status,
        "source": enrollment.source,
        "progress": enrollment.progress,
        "due_date": enrollment.due_date,
        "started_at": enrollment.started_at,
        "completed_at": enrollment.completed_at,
        "valid_until": enrollment.valid_until,
    }


def _assignment(assignment: CourseAssignment) -> dict[str, Any]:
    return {
        "public_id": assignment.public_id,
        "course": assignment.course.public_id,
        "due_date": assignment.due_date,
        "enrolled_count": assignment.enrolled_count,
        "created_at": assignment.created_at,
    }


def _by_code(model: Any, code: str | None, field: str, message: Any) -> Any:
    if not code:
        return None
    row = model.objects.filter(code=code).first()
    if row is None:
        raise _invalid(field, message)
    return row


# --- operations ---------------------------------------------------------------------------------------------


@router.get(
    "/courses",
    response={200: Page[CourseOut], **ERRORS},
    summary="List the published courses",
    description="The catalogue: published courses by title, searched by `q` and filtered by `area`.",
)
def course_list(request: HttpRequest, filters: Query[CourseFilterIn], page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    area = _by_code(ThematicArea, filters.area, "area", _("Choose an active thematic area."))
    result = paginate(
        selectors.catalogue(user=request.user, query=filters.q or "", area=area),
        limit=page.limit,
        offset=page.offset,
    )
    result["items"] = [_course(course) for course in result["items"]]
    return result


@router.get(
    "/courses/{public_id}",
    response={200: CourseDetailOut, **ERRORS},
    summary="Get a course",
    description="The course with its modules and lessons in order, and the caller's enrolment on it.",
)
def course_get(request: HttpRequest, public_id: str) -> Any:
    require_scope(request, Scope.READ)
    course = access.get_course_for(request.user, public_id)
    card = selectors.course_page(user=request.user, course=course)
    return {
        **_course(course),
        "modules": [
            {
                "title": module.title,
                "lessons": [
                    {
                        "public_id": lesson.public_id,
                        "title": lesson.title,
                        "kind": lesson.kind,
                        "minutes": lesson.minutes,
                        "done": lesson.pk in card.done,
                    }
                    for lesson in module.lessons.all()
                ],
            }
            for module in card.modules
        ],
        "enrollment": _enrollment(card.enrollment) if card.enrollment else None,
    }


@router.post(
    "/courses/{public_id}/enrol",
    response={200: EnrollmentOut, 201: EnrollmentOut, **WRITE_ERRORS},
    summary="Enrol in a course",
    description=(
        "Enrols the caller in a published course (201); when they already have an open enrolment on it, "
        "answers that one (200). 409 for a course that is not published."
    ),
)
def enrol(request: HttpRequest, public_id: str) -> Any:
    require_scope(request, Scope.WRITE)
    course = access.get_course_for(request.user, public_id)
    before = access.open_enrollment(request.user, course)
    enrollment = services.enrol_self(actor=request.user, course=course)
    return Status(200 if before is not None else 201, _enrollment(enrollment))


@router.get(
    "/enrollments",
    response={200: Page[EnrollmentOut], **ERRORS},
    summary="List my enrolments",
    description="The caller's enrolments: open ones first (nearest due date first), then the others.",
)
def my_enrollments(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    result = paginate(selectors.my_enrollments(user=request.user), limit=page.limit, offset=page.offset)
    result["items"] = [_enrollment(row) for row in result["items"]]
    return result


def _detail(request: HttpRequest, enrollment: Enrollment) -> dict[str, Any]:
    card = selectors.course_page(user=request.user, course=enrollment.course, enrollment=enrollment)
    lessons = [lesson for module in card.modules for lesson in module.lessons.all()]
    return {
        **_enrollment(enrollment),
        "learner": enrollment.employee.public_id,
        "lessons_done": [lesson.public_id for lesson in lessons if lesson.pk in card.done],
        "lessons_total": len(lessons),
    }


@router.get(
    "/enrollments/{public_id}",
    response={200: EnrollmentDetailOut, **ERRORS},
    summary="Get an enrolment's progress",
    description="The learner, their administrators and the head of their unit see it.",
)
def enrollment_get(request: HttpRequest, public_id: str) -> Any:
    require_scope(request, Scope.READ)
    return _detail(request, access.get_enrollment_for(request.user, public_id))


@router.post(
    "/enrollments/{public_id}/lessons/{lesson_id}/done",
    response={200: EnrollmentDetailOut, **WRITE_ERRORS},
    summary="Mark a lesson as done",
    description=(
        "The learner marks a lesson of their open enrolment as done (idempotent); the last lesson completes "
        "the course. A quiz lesson is done only by passing its quiz (409)."
    ),
)
def lesson_done(request: HttpRequest, public_id: str, lesson_id: str) -> Any:
    require_scope(request, Scope.WRITE)
    enrollment = access.get_enrollment_for(request.user, public_id, action="study")
    lesson = access.get_lesson_for(request.user, lesson_id, action="study")
    enrollment = services.lesson_complete(actor=request.user, enrollment=enrollment, lesson=lesson)
    return _detail(request, access.get_enrollment_for(request.user, public_id))


@router.get(
    "/courses/{public_id}/assignments",
    response={200: Page[CourseAssignmentOut], **ERRORS},
    summary="List a course's assignments",
    description="For administrators of training.",
)
def assignment_list(request: HttpRequest, public_id: str, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    course = access.get_course_for(request.user, public_id, action="assign")
    result = paginate(selectors.assignments_of(course), limit=page.limit, offset=page.offset)
    result["items"] = [_assignment(row) for row in result["items"]]
    return result


@router.post(
    "/courses/{public_id}/assignments",
    response={201: CourseAssignmentOut, **WRITE_ERRORS},
    summary="Assign a course",
    description=(
        "Enrols the active employees of the circle (a unit with or without sub-units, a position, a class "
        "rank — narrowing each other — and/or named employees) with a due date; those with an open "
        "enrolment keep theirs. For administrators of training; 409 for a course that is not published."
    ),
)
def assignment_create(request: HttpRequest, public_id: str, payload: AssignIn) -> Any:
    require_scope(request, Scope.WRITE)
    course = access.get_course_for(request.user, public_id, action="assign")
    employees = tuple(employee_by_public_id(key, "employees") for key in payload.employees)
    circle = services.Circle(
        unit=unit_by_code(payload.unit, "unit") if payload.unit else None,
        include_subunits=payload.include_subunits,
        position=_by_code(Position, payload.position, "position", _("There is no position with this code.")),
        class_rank=_by_code(
            ClassRank, payload.class_rank, "class_rank", _("There is no class rank with this code.")
        ),
        employees=employees,
    )
    assignment = services.assign(actor=request.user, course=course, circle=circle, due_date=payload.due_date)
    return Status(201, _assignment(assignment))


from eprok.learning import api_certificates, api_quizzes  # noqa: E402

router.add_router("", api_quizzes.router)
router.add_router("", api_certificates.router)
