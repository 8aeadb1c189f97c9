"""Register pages: the list with filters and exports, registration, the report's card and its action forms,
the applicant's receipt and the unit head's workload dashboard."""

from eprok.materials.views.actions import (
    material_add_action,
    material_add_party,
    material_assign,
    material_extend,
    material_join,
    material_quash,
    material_refuse,
    material_remove_party,
    material_start_check,
    material_transfer,
)
from eprok.materials.views.card import material_detail, material_receipt
from eprok.materials.views.register import (
    material_dashboard,
    material_export,
    material_list,
    material_register,
)

__all__ = [
    "material_add_action",
    "material_add_party",
    "material_assign",
    "material_dashboard",
    "material_detail",
    "material_export",
    "material_extend",
    "material_join",
    "material_list",
    "material_quash",
    "material_receipt",
    "material_refuse",
    "material_register",
    "material_remove_party",
    "material_start_check",
    "material_transfer",
]
