""" "Why can I see this?" for appeals, registered with eprok.core.access in AppealsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.appeals import access
from eprok.appeals.models import Appeal
from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role


def explain_appeal(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the appeal's register number."""
    appeal = (
        Appeal.objects.select_related(
            "unit", "executor_unit", "escalated_to", "forwarded_to_unit", "executor"
        )
        .filter(number=(key or "").strip().upper())
        .first()
    )
    if appeal is None:
        return None
    if not getattr(user, "is_active", False):
        return appeal, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    for grant in active_grants(user):
        if grant.role not in access.READER_ROLES:
            continue
        if grant.covers(appeal.unit):
            reasons.append(
                _("The unit's register of appeals is open through: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        if grant.role == Role.ANSWER_APPEALS and appeal.executor_unit and grant.covers(appeal.executor_unit):
            reasons.append(
                _("The appeal was sent to a unit the user answers for: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        if grant.role == Role.ANSWER_APPEALS and appeal.escalated_to and grant.covers(appeal.escalated_to):
            reasons.append(
                _("The appeal was escalated to the user's department: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        if appeal.forwarded_to_unit and grant.covers(appeal.forwarded_to_unit):
            reasons.append(
                _("The appeal was forwarded to the user's unit: %(grant)s") % {"grant": describe_grant(grant)}
            )
    if appeal.executor_id == user.pk:
        reasons.append(_("The user is the appeal's executor."))
    visible = access.visible_to(user).filter(pk=appeal.pk).exists()
    if not visible:
        reasons.append(
            _(
                "No “Register appeals” or “Answer appeals” role covers %(unit)s or the units it was sent, "
                "escalated or forwarded to, and the user is not its executor, so it is hidden."
            )
            % {"unit": appeal.unit.name}
        )
    actions = {
        "view": visible,
        "route": visible and access.can_route(user, appeal),
        "forward": visible and access.can_forward(user, appeal),
        "answer": visible and access.can_answer(user, appeal),
        "extend": visible and access.can_extend(user, appeal),
    }
    return appeal, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer("appeals.appeal", gettext_lazy("Appeal"), explain_appeal)
