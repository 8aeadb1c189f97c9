"""Human labels of the supervision audit actions (the case's history and the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "supervision.case.created": _("Supervised case entered by hand"),
    "supervision.case.received": _("Supervised case received through the gateway"),
    "supervision.case.updated": _("Supervised case updated through the gateway"),
    "supervision.case.changed": _("Details of the supervised case corrected"),
    "supervision.case.viewed": _("Supervised case read"),
    "supervision.case.listed": _("Supervised cases listed"),
    "supervision.case.supervisor_assigned": _("Supervising prosecutor named"),
    "supervision.case.suspended": _("Investigation suspended"),
    "supervision.case.resumed": _("Investigation resumed"),
    "supervision.case.returned_by_court": _("Returned by the court for additional investigation"),
    "supervision.case.term_extended": _("Investigation term extended"),
    "supervision.case.terminated": _("Supervised case terminated"),
    "supervision.case.indictment_received": _("Indictment received by the prosecutor"),
    "supervision.case.indictment_approved": _("Indictment approved, case sent to court"),
    "supervision.case.indictment_returned": _("Indictment returned for further investigation"),
    "supervision.act.issued": _("Prosecutor's act issued to the investigating body"),
    "supervision.act.answered": _("Answer of the investigating body recorded"),
    "supervision.violation.recorded": _("Violation recorded"),
    "supervision.violation.raised": _("Violation found by the system"),
    "supervision.violation.remedied": _("Violation remedied"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
