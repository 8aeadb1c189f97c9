"""Writes to the crime-report register: registration, assignment, the check, its term and the decision.

Every function takes keyword arguments and an `actor`, checks its guard before writing anything, changes
rows in one transaction (taking the material's row lock and checking `expected_version`), records one
audit event "materials.material.<verb>" and schedules notifications after commit. Every change of
status goes through `base._transition`, which enforces the TRANSITIONS table next to the model.

The cases register calls `material_mark_case_opened` inside its own `case_open` transaction.
"""

from eprok.core.locking import STALE_MESSAGE
from eprok.materials.services.check import (
    material_add_action,
    material_add_party,
    material_assign,
    material_extend_check,
    material_register,
    material_remove_party,
    material_start_check,
    normalise_articles,
)
from eprok.materials.services.decisions import (
    material_join,
    material_mark_case_opened,
    material_quash_refusal,
    material_refuse,
    material_transfer,
)
from eprok.materials.services.reads import (
    material_record_export,
    material_record_view,
)

__all__ = [
    "STALE_MESSAGE",
    "material_add_action",
    "material_add_party",
    "material_assign",
    "material_extend_check",
    "material_join",
    "material_mark_case_opened",
    "material_quash_refusal",
    "material_record_export",
    "material_record_view",
    "material_refuse",
    "material_register",
    "material_remove_party",
    "material_start_check",
    "material_transfer",
    "normalise_articles",
]
