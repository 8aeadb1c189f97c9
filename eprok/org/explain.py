""" "Why can I see this?" for units and employees, registered with eprok.core.access in OrgConfig.ready."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org import access
from eprok.org.grants import Grant, active_grants
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role


def describe_grant(grant: Grant) -> str:
    """One sentence naming the role, the unit, whether sub-units count, and the validity."""
    params = {
        "role": Role(grant.role).label,
        "unit": grant.unit_name,
        "start": date_format(grant.valid_from, "SHORT_DATE_FORMAT"),
    }
    scope = _("with its sub-units") if grant.include_subunits else _("without its sub-units")
    if grant.valid_to:
        params["end"] = date_format(grant.valid_to, "SHORT_DATE_FORMAT")
        period = _("valid from %(start)s to %(end)s") % params
    else:
        period = _("valid from %(start)s with no end date") % params
    return _("The role “%(role)s” in %(unit)s, %(scope)s, %(period)s.") % {
        **params,
        "scope": scope,
        "period": period,
    }


def _manage_grant(user: Any, unit: Unit | None) -> Grant | None:
    for grant in active_grants(user):
        if grant.role == access.MANAGE_ROLE and unit is not None and grant.covers(unit):
            return grant
    return None


def _base_reasons(user: Any) -> list[str]:
    if not getattr(user, "is_active", False):
        return [_("The account is inactive, so it can see nothing.")]
    return []


def explain_employee(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the employee's login or public identifier."""
    key = (key or "").strip()
    employee = Employee.objects.select_related("unit").filter(username=key).first()
    if employee is None:
        try:
            employee = Employee.objects.select_related("unit").filter(public_id=uuid.UUID(key)).first()
        except ValueError:
            employee = None
    if employee is None:
        return None
    reasons = _base_reasons(user)
    manages = access.can_manage_employee(user, employee)
    visible = access.visible_to(user).filter(pk=employee.pk).exists()
    if user.is_active:
        if employee.is_active:
            reasons.append(
                _(
                    "Every signed-in employee sees the directory entry (name, unit, position) of an "
                    "active employee."
                )
            )
        elif visible:
            reasons.append(
                _("The employee is inactive; only those who administer their unit see the record.")
            )
        else:
            reasons.append(
                _(
                    "The employee is inactive and this user does not administer their unit, so the "
                    "record is hidden."
                )
            )
        grant = _manage_grant(user, employee.unit)
        if grant is not None:
            reasons.append(
                _("Personal fields and management are open through: %(grant)s")
                % {"grant": describe_grant(grant)}
            )
        elif user.pk == employee.pk:
            reasons.append(
                _("It is the user's own record, so they see their personal fields but cannot manage it.")
            )
        else:
            reasons.append(
                _(
                    "No active “Administer users” role covers %(unit)s, so personal fields (FIN, e-mail, "
                    "phone, clearance) are hidden and the record cannot be changed."
                )
                % {"unit": employee.unit.name if employee.unit else _("(no unit)")}
            )
    return employee, Explanation(
        visible=visible,
        reasons=reasons,
        actions={
            "view": visible,
            "view_personal": visible and access.can_see_personal_fields(user, employee),
            "manage": manages,
        },
    )


def explain_unit(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the unit's code."""
    unit = Unit.objects.filter(code=(key or "").strip()).first()
    if unit is None:
        return None
    reasons = _base_reasons(user)
    visible = access.units_visible_to(user).filter(pk=unit.pk).exists()
    manages = access.can_manage_unit(user, unit)
    if user.is_active:
        if unit.is_active:
            reasons.append(_("Every signed-in employee sees the unit tree and the units in it."))
        elif visible:
            reasons.append(_("The unit is inactive; only those who administer it see it."))
        else:
            reasons.append(_("The unit is inactive and this user does not administer it, so it is hidden."))
        grant = _manage_grant(user, unit)
        if grant is not None:
            reasons.append(_("The unit can be changed through: %(grant)s") % {"grant": describe_grant(grant)})
        else:
            reasons.append(_("No active “Administer users” role covers this unit, so it cannot be changed."))
        held = [
            describe_grant(g) for g in active_grants(user) if g.covers(unit) and g.role != access.MANAGE_ROLE
        ]
        if held:
            reasons.append(_("Roles that cover this unit: %(grants)s") % {"grants": " ".join(held)})
    return unit, Explanation(visible=visible, reasons=reasons, actions={"view": visible, "manage": manages})


def register() -> None:
    register_explainer("org.employee", gettext_lazy("Employee"), explain_employee)
    register_explainer("org.unit", gettext_lazy("Unit"), explain_unit)
