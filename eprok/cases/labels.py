"""Human labels of the cases register's audit actions (the case's history tab and the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "cases.case.opened": _("Criminal case opened"),
    "cases.case.viewed": _("Criminal case read"),
    "cases.case.exported": _("Register of cases exported"),
    "cases.case.qualified": _("Article added to the qualification"),
    "cases.case.requalified": _("Act re-qualified"),
    "cases.case.investigation_extended": _("Investigation term extended"),
    "cases.case.suspended": _("Investigation suspended"),
    "cases.case.resumed": _("Investigation resumed"),
    "cases.case.joined": _("Case joined into another case"),
    "cases.case.joined_from": _("Another case joined into this case"),
    "cases.case.separated": _("New case separated"),
    "cases.case.transferred": _("Case transferred to another unit"),
    "cases.case.indictment_submitted": _("Indictment sent to the supervising prosecutor"),
    "cases.case.indictment_approved": _("Indictment approved; case sent to court"),
    "cases.case.indictment_returned": _("Case returned for additional investigation"),
    "cases.case.terminated": _("Case terminated"),
    "cases.case.referred": _("Case referred to another body"),
    "cases.case.reopened": _("Investigation of a completed case resumed"),
    "cases.party.added": _("Party added"),
    "cases.party.status_changed": _("Party's procedural status changed"),
    "cases.party.removed": _("Party no longer takes part"),
    "cases.act.added": _("Procedural act recorded"),
    "cases.measure.applied": _("Detention or preventive measure applied"),
    "cases.measure.extended": _("Term of a measure extended"),
    "cases.measure.ended": _("Detention or preventive measure ended"),
    "cases.team.added": _("Investigation team changed: member added"),
    "cases.team.removed": _("Investigation team changed: member removed"),
    "cases.instruction.given": _("Instruction given"),
    "cases.instruction.acknowledged": _("Instruction acknowledged"),
    "cases.instruction.reported": _("Report on an instruction"),
}


def register() -> None:
    """Add the labels to the audit viewer's table, which shows an action without one as its code."""
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
