"""Audit labels of the gateway's actions (shown on the audit log pages); one dict per part of the app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _  # noqa: F401 - used by the dicts as they fill

# --- administration (services, allow-list, message log, inbound messages) ---------------------------------
ADMIN_LABELS: dict[str, Any] = {}

# --- register look-ups ----------------------------------------------------------------------------------------
REGISTER_LABELS: dict[str, Any] = {}

# --- e-Court deliveries ---------------------------------------------------------------------------------------
ECOURT_LABELS: dict[str, Any] = {}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels({**ADMIN_LABELS, **REGISTER_LABELS, **ECOURT_LABELS})
