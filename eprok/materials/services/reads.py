"""Audited reads of protected data, exports, and the saved filters of the register list."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Forbidden, ValidationFailed
from eprok.materials.models import (
    Material,
    SavedFilter,
)

# --- reads of protected data, exports and saved filters ---------------------------------------------


def material_record_view(*, actor: Any, material: Material, purpose: str = "") -> None:
    """A read of the report (its card, its receipt, the API) is audited: it holds personal data."""
    with transaction.atomic():
        audit_record(actor=actor, action="materials.material.viewed", target=material, purpose=purpose)


def material_record_export(*, actor: Any, filters: dict[str, str], fmt: str, max_rows: int) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="materials.material.exported",
            target_type="materials.material",
            data={"filters": filters, "format": fmt, "max_rows": max_rows},
        )


@transaction.atomic
def saved_filter_create(*, actor: Any, name: str, query: str) -> SavedFilter:
    """Save the current filter of the register list under a name (replacing one of the same name)."""
    name = (name or "").strip()[:100]
    if not name:
        message = _("Give the filter a name.")
        raise ValidationFailed(message, details={"name": str(message)})
    saved, created = SavedFilter.objects.update_or_create(
        owner=actor, name=name, defaults={"query": (query or "")[:1000]}
    )
    audit_record(
        actor=actor,
        action="materials.saved_filter.created" if created else "materials.saved_filter.updated",
        target=saved,
        changes={"after": {"name": name, "query": saved.query}},
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: Any, saved: SavedFilter) -> None:
    if saved.owner_id != getattr(actor, "pk", None):
        raise Forbidden()
    audit_record(
        actor=actor,
        action="materials.saved_filter.deleted",
        target=saved,
        changes={"before": {"name": saved.name, "query": saved.query}},
    )
    saved.delete()
