"""Human labels of the distance-learning audit actions of courses, enrolments, assignments and mandatory
rules (the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "learning.course.created": _("Course created"),
    "learning.enrollment.read": _("Another employee's enrolment read"),
    "learning.certificate.read": _("Another employee's certificate read"),
    "learning.unit.read": _("Learning of a unit's employees read"),
    "learning.course.updated": _("Course changed"),
    "learning.course.published": _("Course published"),
    "learning.course.archived": _("Course archived"),
    "learning.module.added": _("Module added to the course"),
    "learning.module.updated": _("Module of the course changed"),
    "learning.module.moved": _("Modules of the course reordered"),
    "learning.lesson.added": _("Lesson added"),
    "learning.lesson.updated": _("Lesson changed"),
    "learning.lesson.moved": _("Lessons reordered"),
    "learning.lesson.deleted": _("Lesson deleted"),
    "learning.lesson.done": _("Lesson marked as done"),
    "learning.enrollment.created": _("Enrolled in a course"),
    "learning.enrollment.withdrawn": _("Enrolment withdrawn"),
    "learning.assignment.created": _("Course assigned to employees"),
    "learning.rule.created": _("Mandatory-training rule created"),
    "learning.rule.updated": _("Mandatory-training rule changed"),
    "learning.rule.deactivated": _("Mandatory-training rule stopped"),
    "learning.rule.swept": _("Mandatory training: employees enrolled by the hourly check"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
