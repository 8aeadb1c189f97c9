"""Writes to the appeals register. Every function takes keyword arguments and an `actor`, checks its
guard before writing, changes rows in one transaction (the appeal's row lock, `expected_version`),
records one audit event "appeals.appeal.<verb>" and notifies after commit.

registration.py  ApplicantData, appeal_register (any channel; idempotent on external_id; _once also says
                 whether it created the appeal), appeal_classify,
                 appeal_issue_access_code, find_repeat_of, merit_answers
workflow.py      appeal_route (dərkənar), appeal_forward, appeal_extend (art. 10.2), appeal_close_as_repeat
                 (art. 8.1.4), appeal_attach, check_not_complained, ComplainedBodyRefused, RepeatRuleNotMet
answers.py       appeal_answer_draft / _approve (another official) / _send / _deliver
reception.py     reception_entry_create, reception_entry_link_appeal
classifiers.py   topic_create / _update / _set_active, sector_create / _update / _set_active
reads.py         appeal_record_view, appeal_record_attachment_read, appeal_record_export,
                 reception_record_list
"""

from eprok.appeals.services.answers import (
    appeal_answer_approve,
    appeal_answer_deliver,
    appeal_answer_draft,
    appeal_answer_send,
    default_delivery,
)
from eprok.appeals.services.classifiers import (
    sector_create,
    sector_set_active,
    sector_update,
    topic_create,
    topic_set_active,
    topic_update,
)
from eprok.appeals.services.reads import (
    appeal_record_attachment_read,
    appeal_record_export,
    appeal_record_view,
    reception_record_list,
)
from eprok.appeals.services.reception import reception_entry_create, reception_entry_link_appeal
from eprok.appeals.services.registration import (
    ApplicantData,
    appeal_classify,
    appeal_issue_access_code,
    appeal_register,
    appeal_register_once,
    find_repeat_of,
    merit_answers,
)
from eprok.appeals.services.workflow import (
    ComplainedBodyRefused,
    RepeatRuleNotMet,
    appeal_attach,
    appeal_close_as_repeat,
    appeal_extend,
    appeal_forward,
    appeal_route,
    check_not_complained,
)

__all__ = [
    "ApplicantData",
    "ComplainedBodyRefused",
    "RepeatRuleNotMet",
    "appeal_answer_approve",
    "appeal_answer_deliver",
    "appeal_answer_draft",
    "appeal_answer_send",
    "appeal_attach",
    "appeal_classify",
    "appeal_close_as_repeat",
    "appeal_extend",
    "appeal_forward",
    "appeal_issue_access_code",
    "appeal_record_attachment_read",
    "appeal_record_export",
    "appeal_record_view",
    "appeal_register",
    "appeal_register_once",
    "appeal_route",
    "check_not_complained",
    "default_delivery",
    "find_repeat_of",
    "merit_answers",
    "reception_entry_create",
    "reception_entry_link_appeal",
    "reception_record_list",
    "sector_create",
    "sector_set_active",
    "sector_update",
    "topic_create",
    "topic_set_active",
    "topic_update",
]
