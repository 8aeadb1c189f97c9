""" "Why can I see this?" for court proceedings, registered with eprok.core.access in
CourtworkConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role

from . import access
from .models import Proceeding


def explain_proceeding(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the proceeding's public id."""
    if not access._is_uuid((key or "").strip()):
        return None
    proceeding = (
        Proceeding.objects.select_related(*access.PROCEEDING_RELATED).filter(public_id=key.strip()).first()
    )
    if proceeding is None:
        return None
    if not getattr(user, "is_active", False):
        return proceeding, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    if proceeding.prosecutor_id == user.pk:
        reasons.append(_("The user is the state prosecutor of the proceeding."))
    for grant in active_grants(user):
        if grant.role == Role.PROSECUTE and grant.covers(proceeding.unit):
            reasons.append(
                _("State prosecution in the unit's courts: %(grant)s") % {"grant": describe_grant(grant)}
            )
        elif grant.role == Role.SUPERVISE and grant.covers(proceeding.unit):
            reasons.append(
                _("Supervision over the unit (read only): %(grant)s") % {"grant": describe_grant(grant)}
            )
    visible = access.can_view(user, proceeding)
    if visible and not reasons:
        reasons.append(_("The user may see the case the proceeding belongs to."))
    if not visible:
        reasons.append(
            _("No role over %(unit)s and no part in the case, so the proceeding is hidden.")
            % {"unit": proceeding.unit.name}
        )
    actions = {"view": visible, "act": visible and access.can_act(user, proceeding)}
    return proceeding, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer(access.TARGET_TYPE, gettext_lazy("Court proceeding"), explain_proceeding)
