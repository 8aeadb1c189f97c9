""" "Why can I see this?" for criminal cases, registered with eprok.core.access in CasesConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role

from . import access
from .models import Case, CaseStatus, TeamMember, TeamRole


def explain_case(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the case number."""
    case = Case.objects.select_related("unit", "supervisor").filter(number=(key or "").strip()[:40]).first()
    if case is None:
        return None
    if not getattr(user, "is_active", False):
        return case, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    member = TeamMember.objects.filter(case=case, employee_id=user.pk, removed_at__isnull=True).first()
    if member is not None:
        if member.role == TeamRole.LEAD:
            reasons.append(_("The user is the investigator in charge of the case."))
        else:
            reasons.append(_("The user is a member of the investigation team."))
    elif TeamMember.objects.filter(case=case, employee_id=user.pk).exists():
        reasons.append(_("The user was on the team earlier; that no longer opens the case."))
    if case.supervisor_id == user.pk:
        reasons.append(_("The user is the case's supervising prosecutor."))
    for grant in active_grants(user):
        if not grant.covers(case.unit):
            continue
        if grant.role == Role.SUPERVISE:
            reasons.append(_("The case is open through: %(grant)s") % {"grant": describe_grant(grant)})
        elif grant.role == Role.PROSECUTE and case.status == CaseStatus.SENT_TO_COURT:
            reasons.append(
                _("The case was sent to court and is open through: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        elif grant.role == Role.PROSECUTE:
            reasons.append(_("“State prosecution in court” opens the case only once it is sent to court."))
        elif grant.role == Role.INVESTIGATE and member is None:
            reasons.append(
                _("“Investigate” over %(unit)s opens only the cases on whose team the user is.")
                % {"unit": case.unit.name}
            )
    visible = access.visible_to(user).filter(pk=case.pk).exists()
    if not visible:
        reasons.append(
            _(
                "The user is not on the team, does not supervise the case and holds no "
                "“Supervise investigations” "
                "role over %(unit)s, so the case is hidden."
            )
            % {"unit": case.unit.name}
        )
    actions = {
        "view": visible,
        "edit": visible and access.can_edit(user, case),
        "supervise": visible and access.can_supervise(user, case),
    }
    return case, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer("cases.case", gettext_lazy("Criminal case"), explain_case)
