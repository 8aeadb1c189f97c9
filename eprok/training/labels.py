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
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
