"""Human labels of the special reports' audit actions (the report's history and the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "special.report.submitted": _("Special report submitted"),
    "special.report.delivered": _("Special report delivered to the duty prosecutor and departments"),
    "special.report.viewed": _("Special report read"),
    "special.report.listed": _("Special reports listed"),
    "special.report.acknowledged": _("Special report acknowledged"),
    "special.report.followed_up": _("Follow-up report added"),
    "special.report.follow_up_overdue": _("Follow-up report overdue"),
    "special.report.closed": _("Special report closed"),
    "special.report.person_linked": _("Person linked to the special report"),
    "special.report.digest_printed": _("Daily digest of special reports printed"),
    "special.incident_type.created": _("Incident type added"),
    "special.incident_type.updated": _("Incident type changed"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
