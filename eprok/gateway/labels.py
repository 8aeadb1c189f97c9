"""Audit labels of the gateway's actions (shown on the audit log pages); one dict per part of the app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# --- administration (services, allow-list, message log, inbound messages) ---------------------------------
ADMIN_LABELS: dict[str, Any] = {
    "gateway.service.updated": _("Gateway service changed"),
    "gateway.circuit.reset": _("Gateway circuit breaker reset"),
    "gateway.permission.created": _("Member allowed to call an eprok service"),
    "gateway.permission.deactivated": _("Member's permission to call an eprok service withdrawn"),
    "gateway.permission.activated": _("Member's permission to call an eprok service restored"),
    "gateway.message.listed": _("Gateway message log read"),
    "gateway.message.read": _("Gateway message read"),
    "gateway.log.verified": _("Gateway message log verified"),
    "gateway.inbound.refused": _("Inbound gateway message refused"),
}

# --- register look-ups ---
REGISTER_LABELS: dict[str, Any] = {
    "gateway.lookup.run": _("State register looked up"),
    "gateway.lookup.refused": _("State register look-up refused"),
    "gateway.lookup.viewed": _("State register answer read"),
    "gateway.lookup.listed": _("List of register look-ups read"),
    "gateway.lookup.copied": _("Data confirmed by a register copied into a person record"),
}

# --- e-Court deliveries ---
ECOURT_LABELS: dict[str, Any] = {
    "gateway.ecourt.queued": _("Queued for the e-Court"),
    "gateway.ecourt.delivered": _("Delivered to the e-Court"),
    "gateway.ecourt.acknowledged": _("Acknowledged by the court"),
    "gateway.ecourt.attempt_failed": _("Delivery to the e-Court failed; will be tried again"),
    "gateway.ecourt.rejected": _("Rejected by the court"),
    "gateway.ecourt.failed": _("Delivery to the e-Court failed for good"),
    "gateway.ecourt.requeued": _("Delivery to the e-Court queued again"),
    "gateway.ecourt.viewed": _("e-Court delivery read"),
    "gateway.ecourt.listed": _("e-Court deliveries listed"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels({**ADMIN_LABELS, **REGISTER_LABELS, **ECOURT_LABELS})
