"""Human labels of the appeals register's audit actions (the appeal's history and the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "appeals.appeal.registered": _("Appeal registered"),
    "appeals.appeal.viewed": _("Appeal read"),
    "appeals.appeal.attachment_read": _("Appeal's file read"),
    "appeals.appeal.exported": _("Register of appeals exported"),
    "appeals.appeal.classified": _("Appeal classified"),
    "appeals.appeal.routed": _("Resolution written (appeal sent to an executor)"),
    "appeals.appeal.forwarded": _("Appeal forwarded to the competent body"),
    "appeals.appeal.extended": _("Answer term extended"),
    "appeals.appeal.closed_as_repeat": _("Repeat appeal left unconsidered"),
    "appeals.appeal.attachment_added": _("File added to the appeal"),
    "appeals.appeal.answer_drafted": _("Answer drafted"),
    "appeals.appeal.answer_approved": _("Answer approved"),
    "appeals.appeal.answer_sent": _("Answer sent"),
    "appeals.appeal.answer_delivered": _("Answer delivered"),
    "appeals.appeal.access_code_issued": _("Access code issued to the applicant"),
    "appeals.appeal.egov_refused": _("e-Government message refused"),
    "appeals.reception_entry.created": _("Visitor recorded in the reception log"),
    "appeals.reception_entry.listed": _("Reception log read"),
    "appeals.reception_entry.linked": _("Visit linked to the appeal registered from it"),
    "appeals.topic.created": _("Topic of appeals added"),
    "appeals.topic.updated": _("Topic of appeals changed"),
    "appeals.topic.activated": _("Topic of appeals offered again"),
    "appeals.topic.deactivated": _("Topic of appeals no longer offered"),
    "appeals.sector.created": _("Sector concerned added"),
    "appeals.sector.updated": _("Sector concerned changed"),
    "appeals.sector.activated": _("Sector concerned offered again"),
    "appeals.sector.deactivated": _("Sector concerned no longer offered"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
