"""A lesson owns its PDF or video file as a document (eprok.documents, owner type "learning.lesson"):
whoever may open the lesson reads the file, course managers add and replace it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from eprok.org.roles import Clearance


def _unit_of(lesson: Any) -> Any:
    """The unit that holds a lesson's documents: the unit of the course's author (the Centre)."""
    from eprok.org.models import Unit

    unit = lesson.module.course.created_by.unit
    return unit or Unit.objects.filter(parent__isnull=True).order_by("pk").first()


def register() -> None:
    from eprok.documents.owners import OwnerType, register_owner
    from eprok.learning import access
    from eprok.learning.models import Lesson

    register_owner(
        OwnerType(
            label="learning.lesson",
            verbose_name=Lesson._meta.verbose_name,
            model=Lesson,
            key_field="public_id",
            get_for=lambda user, key, action: access.get_lesson_for(user, key, "view"),
            can_attach=lambda user, lesson: access.can_manage_courses(user),
            visible_to=access.lessons_visible_to,
            unit_of=_unit_of,
            url_of=lambda lesson: reverse("learning:lesson", args=[lesson.public_id]),
            # Course material is not classified: every learner may read it.
            classification_of=lambda lesson: int(Clearance.PUBLIC),
        )
    )
