"""Human labels of the person registry's audit actions (shown in the audit viewer)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "persons.person.created": _("Person registered"),
    "persons.person.updated": _("Person's details changed"),
    "persons.person.viewed": _("Person's record read"),
    "persons.person.exported": _("Person registry exported"),
    "persons.person.merged": _("Duplicate record merged"),
    "persons.document.added": _("Identity document added"),
    "persons.document.removed": _("Identity document removed"),
    "persons.address.added": _("Address added"),
    "persons.address.removed": _("Address removed"),
    "persons.phone.added": _("Phone number added"),
    "persons.phone.removed": _("Phone number removed"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
