"""Human labels of the training app's audit actions (the event's history and the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "training.event.created": _("Training event entered"),
    "training.event.updated": _("Training event changed"),
    "training.event.published": _("Training event published"),
    "training.event.held": _("Training event marked as held"),
    "training.event.cancelled": _("Training event cancelled"),
    "training.trainer.added": _("Trainer added to the training event"),
    "training.invitation.created": _("Listeners invited to the training event"),
    "training.invitation.responded": _("Invitation to a training event answered"),
    "training.attendance.marked": _("Attendance at a training event marked"),
    "training.attendance.checked_in": _("Listener checked in with the QR code"),
    "training.evaluation.submitted": _("Training event evaluated by a listener"),
    "training.protocol.written": _("Protocol of the training event written"),
    "training.protocol.read": _("Protocol of the training event printed"),
    "training.plan.created": _("Thematic plan drawn up"),
    "training.plan.updated": _("Thematic plan changed"),
    "training.plan.item_added": _("Training added to the thematic plan"),
    "training.plan.item_changed": _("Training of the thematic plan changed"),
    "training.plan.item_removed": _("Training removed from the thematic plan"),
    "training.plan.submitted": _("Thematic plan sent to the Centre"),
    "training.plan.approved": _("Thematic plan approved"),
    "training.plan.returned": _("Thematic plan returned for changes"),
    "training.area.created": _("Thematic area added"),
    "training.area.updated": _("Thematic area changed"),
    "training.record.read": _("Training record of an employee read"),
    "training.record.unit_read": _("Training record of a unit read"),
    "training.analysis.employees_read": _("Hours of training per employee read"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
