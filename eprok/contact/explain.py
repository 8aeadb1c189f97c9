""" "Why can I see this?" for calls and hotline reports, registered in ContactConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.contact import access
from eprok.contact.models import Call, HotlineReport
from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants


def _inactive(obj: Any) -> tuple[Any, Explanation]:
    return obj, Explanation(visible=False, reasons=[_("The account is inactive, so it can see nothing.")])


def explain_call(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the call's public id."""
    if not access._is_uuid(key):
        return None
    call = Call.objects.select_related("unit", "operator").filter(public_id=key).first()
    if call is None:
        return None
    if not getattr(user, "is_active", False):
        return _inactive(call)
    reasons = [
        _("The call centre is open through: %(grant)s") % {"grant": describe_grant(grant)}
        for grant in active_grants(user)
        if grant.role in access.CALL_ROLES and grant.covers(call.unit)
    ]
    visible = access.calls_visible_to(user).filter(pk=call.pk).exists()
    if not visible:
        reasons.append(
            _(
                "No “Operate the call centre” or “Supervise the call centre” role covers %(unit)s, "
                "so it is hidden."
            )
            % {"unit": call.unit.name}
        )
    actions = {
        "view": visible,
        "register": visible and access.can_register_call(user, call),
        "recording": visible and access.can_hear_recording(user, call),
    }
    return call, Explanation(visible=visible, reasons=reasons, actions=actions)


def explain_report(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the hotline report's register number."""
    report = (
        HotlineReport.objects.select_related("unit", "assignee").filter(number=(key or "").strip()).first()
    )
    if report is None:
        return None
    if not getattr(user, "is_active", False):
        return _inactive(report)
    reasons = [
        _("The hotline's register is open through: %(grant)s") % {"grant": describe_grant(grant)}
        for grant in active_grants(user)
        if grant.role in access.HOTLINE_READER_ROLES and grant.covers(report.unit)
    ]
    if report.assignee_id == user.pk:
        reasons.append(_("The report is assigned to this user."))
    visible = access.hotline_visible_to(user).filter(pk=report.pk).exists()
    if not visible:
        reasons.append(
            _(
                "No role of the hotline covers %(unit)s and the report is not assigned to this user, "
                "so it is hidden."
            )
            % {"unit": report.unit.name}
        )
    actions = {
        "view": visible,
        "assign": visible and access.can_assign_hotline(user, report),
        "triage": visible and access.can_triage(user, report),
        "reply": visible and access.can_reply(user, report),
        "reveal_identity": access.can_reveal_identity(user, report),
    }
    return report, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer("contact.call", gettext_lazy("Call"), explain_call)
    register_explainer("contact.hotlinereport", gettext_lazy("Hotline report"), explain_report)
