""" "Why can I see this?" for crime reports, registered with eprok.core.access in MaterialsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.materials import access, terms
from eprok.materials.models import Material
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants


def explain_material(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the report's register number."""
    material = (
        Material.objects.select_related("unit", "transferred_to_unit", "assignee")
        .filter(number=(key or "").strip())
        .first()
    )
    if material is None:
        return None
    if not getattr(user, "is_active", False):
        return material, Explanation(
            visible=False, reasons=[_("The account is inactive, so it can see nothing.")]
        )
    reasons: list[str] = []
    units = [u for u in (material.unit, material.transferred_to_unit) if u is not None]
    for grant in active_grants(user):
        if grant.role in access.READER_ROLES and any(grant.covers(u) for u in units):
            reasons.append(_("The register is open through: %(grant)s") % {"grant": describe_grant(grant)})
    if material.assignee_id == user.pk:
        reasons.append(_("The check of this report is assigned to this user."))
    visible = access.visible_to(user).filter(pk=material.pk).exists()
    if not visible:
        reasons.append(
            _(
                "No “Register crime reports” or “Supervise investigations” role covers %(unit)s and the "
                "report is not assigned to this user, so it is hidden."
            )
            % {"unit": material.unit.name}
        )
    actions = {
        "view": visible,
        "assign": visible and access.can_assign(user, material),
        "work": visible and access.can_work(user, material),
        "extend": visible and access.can_extend(user, material, terms.check_rule()),
        "quash": visible and access.can_quash(user, material),
    }
    return material, Explanation(visible=visible, reasons=reasons, actions=actions)


def register() -> None:
    register_explainer("materials.material", gettext_lazy("Crime report"), explain_material)
