""" "My work" for distance learning: the learner's open courses that have no due date.

A course with a due date (assigned or mandatory) is already on "My work" through its tracked term in the
shared deadline index (key "learning.due"), so it is not listed twice here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from eprok.core.mywork import WorkItem, register_provider
from eprok.learning import access
from eprok.learning.models import Enrollment

MODULE = _("Distance learning")
LIMIT = 20


def my_work_items(user: Any) -> list[WorkItem]:
    if not access.signed_in(user):
        return []
    rows = (
        Enrollment.objects.filter(employee_id=user.pk, status__in=access.OPEN, due_date__isnull=True)
        .select_related("course")
        .order_by("-updated_at", "-pk")[:LIMIT]
    )
    return [
        WorkItem(
            title=row.course.title,
            url=row.get_absolute_url(),
            module=MODULE,
            kind=_("Course to study"),
            detail=_("%(percent)d%% done") % {"percent": row.progress},
        )
        for row in rows
    ]


def register() -> None:
    register_provider(my_work_items, name="learning.courses")
