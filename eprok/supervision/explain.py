""" "Why can I see this?" for supervised cases (registered in SupervisionConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role

from . import access
from .models import SupervisedCase, SupervisedStatus


def _find(key: str) -> SupervisedCase | None:
    """Key: the case's public id, or its number (the first case of that number)."""
    text = (key or "").strip()
    cases = SupervisedCase.objects.select_related("unit", "body", "supervisor")
    if access._is_uuid(text):
        return cases.filter(public_id=text).first()
    return cases.filter(number=text).order_by("pk").first()


def explain_case(user: Any, key: str) -> tuple[Any, Explanation] | None:
    case = _find(key)
    if case is None:
        return None
    if not getattr(user, "is_active", False):
        return case, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    if case.supervisor_id == user.pk:
        reasons.append(_("The user is the supervising prosecutor named on the case."))
    for grant in active_grants(user):
        if grant.role == Role.SUPERVISE and grant.covers(case.unit):
            reasons.append(
                _("The supervising unit's cases are open through: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        elif grant.role == Role.PROSECUTE and grant.covers(case.unit):
            if case.status == SupervisedStatus.SENT_TO_COURT:
                reasons.append(
                    _("The case is sent to court, so the state prosecutor reads it through: %(grant)s")
                    % {"grant": describe_grant(grant)}
                )
            else:
                reasons.append(
                    _("State prosecutors read a supervised case only once it is sent to court: %(grant)s")
                    % {"grant": describe_grant(grant)}
                )
    visible = access.can_view(user, case)
    if not visible and not reasons:
        reasons.append(
            _("No role “Supervise investigations” covers %(unit)s, so the case is hidden.")
            % {"unit": case.unit.name}
        )
    actions = {
        "view": visible,
        "act": visible and access.can_act(user, case),
        "decide": visible and access.can_decide_indictment(user, case),
    }
    return case, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer(access.TARGET_TYPE, gettext_lazy("Supervised case"), explain_case)
