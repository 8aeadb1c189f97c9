"""Pages of the cases register: the list and its exports, the dashboard, opening, the card and its actions."""

from .actions import ACTIONS, case_action, case_open
from .card import case_detail, case_next_term, case_tab
from .lists import case_export, case_list, dashboard

__all__ = [
    "ACTIONS",
    "case_action",
    "case_detail",
    "case_export",
    "case_list",
    "case_next_term",
    "case_open",
    "case_tab",
    "dashboard",
]
