"""Reads of the call centre and the hotline, shared by the pages and the API; each starts from the
visible set in access.py. The portal calls `hotline_report_for_reporter`."""

from eprok.contact.selectors.calls import (
    EXPORT_MAX_ROWS,
    CallbackFilter,
    CallerHistory,
    CallFilter,
    call_export_rows,
    call_get,
    call_list,
    callback_list,
    caller_history,
    copy_request_list,
    incoming_calls,
    my_callbacks,
    my_recent_calls,
    operator_choices,
)
from eprok.contact.selectors.hotline import (
    Analytics,
    HotlineFilter,
    assignee_choices,
    hotline_analytics,
    hotline_export_rows,
    hotline_get,
    hotline_list,
    hotline_report_for_reporter,
    hotline_report_for_session,
)
from eprok.contact.selectors.supervision import Board, supervisor_board

__all__ = [
    "EXPORT_MAX_ROWS",
    "Analytics",
    "Board",
    "CallFilter",
    "CallbackFilter",
    "CallerHistory",
    "HotlineFilter",
    "assignee_choices",
    "call_export_rows",
    "call_get",
    "call_list",
    "callback_list",
    "caller_history",
    "copy_request_list",
    "hotline_analytics",
    "hotline_export_rows",
    "hotline_get",
    "hotline_list",
    "hotline_report_for_reporter",
    "hotline_report_for_session",
    "incoming_calls",
    "my_callbacks",
    "my_recent_calls",
    "operator_choices",
    "supervisor_board",
]
