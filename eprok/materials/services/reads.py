"""Audited reads of protected data, exports, and the saved filters of the register list."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from eprok.audit.services import audit_record
from eprok.materials.models import (
    Material,
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
