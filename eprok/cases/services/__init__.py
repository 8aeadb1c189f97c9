"""Writes to criminal cases: every state change goes through one of these functions.

Each takes keyword arguments and an `actor` (None is the system), checks its guard before writing
anything, changes rows in one transaction (taking the case's row lock and checking `expected_version`),
records one audit event "cases.<entity>.<verb>" whose target is the case, keeps the running terms
indexed (eprok.cases.terms.refresh) and schedules notifications after commit. Every change of status
goes through `move`, which enforces the TRANSITIONS table next to the model.
"""

from .course import (
    case_approve_indictment,
    case_extend_investigation,
    case_join,
    case_record_export,
    case_record_view,
    case_refer,
    case_reopen,
    case_resume,
    case_return_indictment,
    case_submit_indictment,
    case_suspend,
    case_terminate,
    case_transfer,
    team_add,
    team_remove,
)
from .instructions import instruction_acknowledge, instruction_give, instruction_report
from .measures import measure_apply, measure_end, measure_extend
from .opening import case_open, case_qualify, case_requalify, case_separate
from .parties import case_add_act, case_add_party, case_change_party_status, case_remove_party

__all__ = [
    "case_add_act",
    "case_add_party",
    "case_approve_indictment",
    "case_change_party_status",
    "case_extend_investigation",
    "case_join",
    "case_open",
    "case_qualify",
    "case_record_export",
    "case_record_view",
    "case_refer",
    "case_remove_party",
    "case_reopen",
    "case_requalify",
    "case_resume",
    "case_return_indictment",
    "case_separate",
    "case_submit_indictment",
    "case_suspend",
    "case_terminate",
    "case_transfer",
    "instruction_acknowledge",
    "instruction_give",
    "instruction_report",
    "measure_apply",
    "measure_end",
    "measure_extend",
    "team_add",
    "team_remove",
]
