""" "Why can I see this?" for special reports, registered with eprok.core.access in SpecialConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role
from eprok.special import access
from eprok.special.models import SpecialReport


def explain_report(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the report's register number."""
    report = (
        SpecialReport.objects.select_related("reporting_unit")
        .prefetch_related("deliveries__unit")
        .filter(number=(key or "").strip().upper())
        .first()
    )
    if report is None:
        return None
    if not getattr(user, "is_active", False):
        return report, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    delivered_to = [delivery.unit for delivery in report.deliveries.all()]
    for grant in active_grants(user):
        if grant.role == Role.DUTY_PROSECUTOR:
            reasons.append(
                _("The duty prosecutor receives every report: %(grant)s") % {"grant": describe_grant(grant)}
            )
        elif grant.role in (Role.REPORT_SPECIAL, Role.READ_SPECIAL) and grant.covers(report.reporting_unit):
            reasons.append(
                _("The reporting unit's reports are open through: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        elif grant.role == Role.READ_SPECIAL and any(grant.covers(unit) for unit in delivered_to):
            reasons.append(
                _("The report was delivered to the user's department: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
    if report.classification > int(getattr(user, "clearance", 0) or 0):
        reasons.append(_("The report's classification is above the user's clearance, so it is hidden."))
    visible = access.visible_to(user).filter(pk=report.pk).exists()
    if not visible and not reasons:
        reasons.append(
            _(
                "No special-reports role covers %(unit)s or the departments the report was delivered to, "
                "so it is hidden."
            )
            % {"unit": report.reporting_unit.name}
        )
    actions = {
        "view": visible,
        "follow_up": visible and access.can_follow_up(user, report),
        "acknowledge": visible and access.can_acknowledge(user, report),
        "close": visible and access.can_close(user, report),
    }
    return report, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer(access.TARGET_TYPE, gettext_lazy("Special report"), explain_report)
