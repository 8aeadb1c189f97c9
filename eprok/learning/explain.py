""" "Why can I see this?" for enrolments, registered with eprok.core.access in LearningConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.learning import access
from eprok.learning.models import Enrollment


def explain_enrollment(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the enrolment's public id."""
    text = (key or "").strip()
    if not access._is_uuid(text):
        return None
    enrollment = (
        Enrollment.objects.select_related("employee", "employee__unit").filter(public_id=text).first()
    )
    if enrollment is None:
        return None
    if not getattr(user, "is_active", False):
        return enrollment, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    if enrollment.employee_id == user.pk:
        reasons.append(_("It is the user's own enrolment."))
    if access.is_administrator(user):
        reasons.append(_("Administrators of training see every enrolment."))
    unit = enrollment.employee.unit
    if unit is not None:
        for headed in access.headed_units(user):
            if unit.path.startswith(headed.path):
                reasons.append(_("The user heads %(unit)s, where the learner works.") % {"unit": headed.name})
    visible = access.enrollments_visible_to(user).filter(pk=enrollment.pk).exists()
    if not visible and not reasons:
        reasons.append(
            _(
                "The user is not the learner, does not administer training "
                "and does not head the learner's unit."
            )
        )
    actions = {
        "view": visible,
        "study": visible and access.can_study(user, enrollment),
        "withdraw": visible and access.can_withdraw(user, enrollment),
    }
    return enrollment, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer(access.ENROLLMENT, gettext_lazy("Enrolment in a course"), explain_enrollment)
