"""Writes of the call centre and the hotline. Every function takes keyword arguments and an `actor`
(None for the telephony system and the public portal), checks its guard first, changes rows in one
transaction and records its audit event "contact.<entity>.<verb>".

The portal calls `hotline_report_submit_public`, `hotline_message_post_by_reporter` and
`hotline_messages_for_reporter` (and `hotline_report_public_status`).
"""

from eprok.contact.services.calls import (
    ApplicantFields,
    Caller,
    call_open,
    call_refer_crime_report,
    call_register,
    call_register_appeal,
    call_take,
)
from eprok.contact.services.followups import (
    callback_cancel,
    callback_complete,
    callback_reassign,
    callback_schedule,
    recording_copy_hand_over,
    recording_copy_prepare,
    recording_copy_refuse,
    recording_copy_request,
)
from eprok.contact.services.hotline import (
    hotline_identity_reveal,
    hotline_reply,
    hotline_report_assign,
    hotline_report_from_call,
    hotline_report_register,
    hotline_triage_explain,
    hotline_triage_forward,
    hotline_triage_material,
    hotline_unit,
)
from eprok.contact.services.public import (
    hotline_message_post_by_reporter,
    hotline_messages_for_reporter,
    hotline_report_public_status,
    hotline_report_submit_public,
)
from eprok.contact.services.reads import (
    call_record_recording,
    call_record_view,
    contact_record_export,
    hotline_record_view,
)
from eprok.contact.services.telephony import (
    PbxEvent,
    UnknownCall,
    pbx_event_receive,
    pbx_event_refused,
    pbx_register,
)

__all__ = [
    "ApplicantFields",
    "Caller",
    "PbxEvent",
    "UnknownCall",
    "call_open",
    "call_record_recording",
    "call_record_view",
    "call_refer_crime_report",
    "call_register",
    "call_register_appeal",
    "call_take",
    "callback_cancel",
    "callback_complete",
    "callback_reassign",
    "callback_schedule",
    "contact_record_export",
    "hotline_identity_reveal",
    "hotline_message_post_by_reporter",
    "hotline_messages_for_reporter",
    "hotline_record_view",
    "hotline_reply",
    "hotline_report_assign",
    "hotline_report_from_call",
    "hotline_report_public_status",
    "hotline_report_register",
    "hotline_report_submit_public",
    "hotline_triage_explain",
    "hotline_triage_forward",
    "hotline_triage_material",
    "hotline_unit",
    "pbx_event_receive",
    "pbx_event_refused",
    "pbx_register",
    "recording_copy_hand_over",
    "recording_copy_prepare",
    "recording_copy_refuse",
    "recording_copy_request",
]
