"""Who may see and act on distance learning.

- Administrators of training (holders of "Administer training") manage everything: courses, modules,
  lessons, question banks, assignments and mandatory-training rules, and see every enrolment.
- Trainers (holders of "Conduct training") author courses too: they create, edit and publish them.
- Any employee sees the catalogue of published courses, enrols, studies the lessons of a course they are
  enrolled in and sees their own enrolments.
- The head of a unit (org.Unit.head) sees the enrolments of the employees of the unit and its sub-units.

Everything else answers 404, and the refusal is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.learning.models import Course, CourseStatus, Enrollment, EnrollmentStatus, Lesson
from eprok.org.grants import has_role
from eprok.org.models import Unit
from eprok.org.roles import Role

COURSE = "learning.course"  # the audit labels of the models (app.model)
LESSON = "learning.lesson"
ENROLLMENT = "learning.enrollment"
OPEN = (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS)
# Enrolments whose lessons the learner may still open (a completed course can be re-read).
READING = (*OPEN, EnrollmentStatus.COMPLETED)


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_administrator(user: Any) -> bool:
    """Holds "Administer training": assignments, mandatory rules and everyone's enrolments."""
    return signed_in(user) and has_role(user, Role.ADMINISTER_TRAINING)


def can_manage_courses(user: Any) -> bool:
    """Create, edit, publish and archive courses, their modules, lessons and question banks."""
    return is_administrator(user) or (signed_in(user) and has_role(user, Role.TEACH_TRAINING))


def can_assign(user: Any) -> bool:
    """Assign courses to employees and keep the mandatory-training rules."""
    return is_administrator(user)


def headed_units(user: Any) -> QuerySet[Unit]:
    """The active units the user heads."""
    if not signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(head_id=user.pk, is_active=True)


def is_unit_head(user: Any) -> bool:
    return headed_units(user).exists()


def unit_head_scope(user: Any, employee_field: str = "employee") -> Q:
    """Rows whose employee works in a unit the user heads or in one of its sub-units."""
    condition = Q(pk__in=[])
    for path in headed_units(user).values_list("path", flat=True):
        condition |= Q(**{f"{employee_field}__unit__path__startswith": path})
    return condition


# --- courses ---------------------------------------------------------------------------------------------


def courses_visible_to(user: Any) -> QuerySet[Course]:
    """Managers see every course; an employee the published ones and those they have been enrolled in."""
    if not signed_in(user):
        return Course.objects.none()
    if can_manage_courses(user):
        return Course.objects.all()
    mine = Enrollment.objects.filter(employee_id=user.pk).values("course_id")
    return Course.objects.filter(Q(status=CourseStatus.PUBLISHED) | Q(pk__in=mine))


def get_course_for(user: Any, key: Any, action: str = "view") -> Course:
    """The course by public id if the user may see it (404 otherwise); "manage" needs a course manager
    (403 otherwise)."""
    text = str(key or "").strip()
    course = None
    if _is_uuid(text):
        course = courses_visible_to(user).select_related("area", "created_by").filter(public_id=text).first()
    if course is None:
        deny(user, action=action, target_type=COURSE, target_key=text[:64], visible=False)
    if action == "manage" and not can_manage_courses(user):
        deny(user, action=action, target_type=COURSE, target_key=str(course.public_id), visible=True)
    if action == "assign" and not can_assign(user):
        deny(user, action=action, target_type=COURSE, target_key=str(course.public_id), visible=True)
    return course


# --- lessons ---------------------------------------------------------------------------------------------


def lessons_visible_to(user: Any) -> QuerySet[Lesson]:
    """Managers see every lesson; a learner those of the courses they are enrolled in (or completed)."""
    if not signed_in(user):
        return Lesson.objects.none()
    if can_manage_courses(user):
        return Lesson.objects.all()
    courses = Enrollment.objects.filter(employee_id=user.pk, status__in=READING).values("course_id")
    return Lesson.objects.filter(module__course_id__in=courses)


def open_enrollment(user: Any, course: Course) -> Enrollment | None:
    """The user's open enrolment on the course, if any."""
    if not signed_in(user):
        return None
    return Enrollment.objects.filter(course=course, employee_id=user.pk, status__in=OPEN).first()


def get_lesson_for(user: Any, key: Any, action: str = "view") -> Lesson:
    """The lesson by public id if the user may open it (404 otherwise).

    "view": managers, and learners enrolled in the course (also after completing it);
    "study" (mark as done, attempt the quiz): the learner's enrolment must be open (403 otherwise);
    "manage": a course manager (403 otherwise)."""
    text = str(key or "").strip()
    lesson = None
    if _is_uuid(text):
        lesson = (
            lessons_visible_to(user)
            .select_related("module", "module__course", "module__course__area")
            .filter(public_id=text)
            .first()
        )
    if lesson is None:
        deny(user, action=action, target_type=LESSON, target_key=text[:64], visible=False)
    if action == "manage" and not can_manage_courses(user):
        deny(user, action=action, target_type=LESSON, target_key=str(lesson.public_id), visible=True)
    if action == "study" and open_enrollment(user, lesson.module.course) is None:
        deny(user, action=action, target_type=LESSON, target_key=str(lesson.public_id), visible=True)
    return lesson


# --- enrolments ------------------------------------------------------------------------------------------


def enrollments_visible_to(user: Any) -> QuerySet[Enrollment]:
    """Administrators see every enrolment; a learner their own; a unit head those of their units' staff."""
    if not signed_in(user):
        return Enrollment.objects.none()
    if is_administrator(user):
        return Enrollment.objects.all()
    return Enrollment.objects.filter(Q(employee_id=user.pk) | unit_head_scope(user))


def can_study(user: Any, enrollment: Enrollment) -> bool:
    """Only the learner studies, and only while the enrolment is open."""
    return signed_in(user) and enrollment.employee_id == user.pk and enrollment.status in OPEN


def can_withdraw(user: Any, enrollment: Enrollment) -> bool:
    """The learner withdraws from a course they enrolled in themselves; administrators from any."""
    if enrollment.status not in OPEN:
        return False
    if is_administrator(user):
        return True
    from eprok.learning.models import EnrollmentSource

    return (
        signed_in(user) and enrollment.employee_id == user.pk and enrollment.source == EnrollmentSource.SELF
    )


def get_enrollment_for(user: Any, key: Any, action: str = "view") -> Enrollment:
    """The enrolment by public id if the user may see it (404 otherwise).

    "study": the learner's own open enrolment; "withdraw": see can_withdraw; "manage": an administrator
    (403 otherwise)."""
    text = str(key or "").strip()
    enrollment = None
    if _is_uuid(text):
        enrollment = (
            enrollments_visible_to(user)
            .select_related("course", "course__area", "employee", "employee__unit", "rule", "assignment")
            .filter(public_id=text)
            .first()
        )
    if enrollment is None:
        deny(user, action=action, target_type=ENROLLMENT, target_key=text[:64], visible=False)
    allowed = {
        "view": True,
        "study": can_study(user, enrollment),
        "withdraw": can_withdraw(user, enrollment),
        "manage": is_administrator(user),
    }.get(action, False)
    if not allowed:
        deny(user, action=action, target_type=ENROLLMENT, target_key=str(enrollment.public_id), visible=True)
    if action == "view" and enrollment.employee_id != getattr(user, "pk", None):
        # Another employee's learning (a unit head's or the Centre's look): a read of personal data.
        from eprok.audit.services import audit_record

        audit_record(
            actor=user,
            action="learning.enrollment.read",
            target=enrollment,
            purpose="another employee's learning record",
        )
    return enrollment


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
