""" "Why can I see this?" for training events, registered with eprok.core.access in TrainingConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role
from eprok.training import access
from eprok.training.models import EventStatus, Invitation, ThematicPlan, TrainingEvent


def explain_event(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the event's register number."""
    event = TrainingEvent.objects.filter(number=(key or "").strip().upper()).first()
    if event is None:
        return None
    if not getattr(user, "is_active", False):
        return event, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    for grant in active_grants(user):
        if grant.role == Role.ADMINISTER_TRAINING:
            reasons.append(
                _("Administrators of training see every event: %(grant)s") % {"grant": describe_grant(grant)}
            )
    if access.is_trainer(user, event):
        reasons.append(_("The user is a trainer of the event."))
    if Invitation.objects.filter(event=event, employee_id=user.pk).exists():
        if event.status == EventStatus.DRAFT:
            reasons.append(_("The user is invited, but the event is still a draft, so it is hidden."))
        else:
            reasons.append(_("The user is invited to the event."))
    visible = access.visible_to(user).filter(pk=event.pk).exists()
    if not visible and not reasons:
        reasons.append(_("The user neither administers training, nor teaches nor is invited to the event."))
    actions = {
        "view": visible,
        "manage": visible and access.can_manage(user, event),
        "run": visible and access.can_run(user, event),
        "protocol": visible and access.can_write_protocol(user, event),
    }
    return event, Explanation(visible=visible, reasons=reasons, actions=actions)


def explain_plan(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the plan's public identifier."""
    plan = None
    if access._is_uuid((key or "").strip()):
        plan = ThematicPlan.objects.select_related("unit").filter(public_id=key.strip()).first()
    if plan is None:
        return None
    if not getattr(user, "is_active", False):
        return plan, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    if access.is_administrator(user):
        reasons.append(_("Administrators of training see and decide on every thematic plan."))
    if access.can_draw_up(user, plan.unit):
        reasons.append(
            _("The user trains in %(unit)s or heads it, so draws up its plans.") % {"unit": plan.unit.name}
        )
    visible = access.plans_visible_to(user).filter(pk=plan.pk).exists()
    if not visible:
        reasons.append(_("The user neither administers training nor draws up the plans of this office."))
    actions = {
        "view": visible,
        "edit": visible and access.can_edit_plan(user, plan),
        "decide": visible and access.can_decide_plan(user, plan),
    }
    return plan, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer(access.TARGET_TYPE, gettext_lazy("Training event"), explain_event)
    register_explainer(access.PLAN_TARGET, gettext_lazy("Thematic plan"), explain_plan)
