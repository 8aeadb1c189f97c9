"""Human labels of the crime-report register's audit actions (the report's history and the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "materials.material.registered": _("Crime report registered"),
    "materials.material.viewed": _("Crime report read"),
    "materials.material.exported": _("Register of crime reports exported"),
    "materials.material.assigned": _("Crime report assigned"),
    "materials.material.check_started": _("Check started"),
    "materials.material.action_added": _("Step of the check recorded"),
    "materials.material.party_added": _("Person added to the report"),
    "materials.material.party_removed": _("Person removed from the report"),
    "materials.material.check_extended": _("Check term extended"),
    "materials.material.refused": _("Opening of a criminal case refused"),
    "materials.material.refusal_quashed": _("Refusal quashed; check resumed"),
    "materials.material.transferred": _("Crime report transferred by jurisdiction"),
    "materials.material.joined": _("Crime report joined to another report"),
    "materials.material.report_joined": _("Another report joined to this report"),
    "materials.material.case_opened": _("Criminal case opened on the report"),
    "materials.saved_filter.created": _("Saved filter created"),
    "materials.saved_filter.updated": _("Saved filter changed"),
    "materials.saved_filter.deleted": _("Saved filter deleted"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
