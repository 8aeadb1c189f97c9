"""The appeals pages: the register list with filters and exports, registration and the receipt, the card
with its action forms, the unit dashboard, the personal reception log and the classifiers."""

from eprok.appeals.views.actions import (
    appeal_answer_approve,
    appeal_answer_deliver,
    appeal_answer_draft,
    appeal_answer_send,
    appeal_attach,
    appeal_classify,
    appeal_close_repeat,
    appeal_extend,
    appeal_forward,
    appeal_route,
)
from eprok.appeals.views.card import appeal_attachment, appeal_detail, appeal_receipt
from eprok.appeals.views.classifiers import classifier_edit, classifier_list, classifier_toggle
from eprok.appeals.views.reception import reception_list, reception_new
from eprok.appeals.views.register import (
    appeal_dashboard,
    appeal_export,
    appeal_list,
    appeal_officials,
    appeal_register,
    appeal_repeat_check,
)

__all__ = [
    "appeal_answer_approve",
    "appeal_answer_deliver",
    "appeal_answer_draft",
    "appeal_answer_send",
    "appeal_attach",
    "appeal_attachment",
    "appeal_classify",
    "appeal_close_repeat",
    "appeal_dashboard",
    "appeal_detail",
    "appeal_export",
    "appeal_extend",
    "appeal_forward",
    "appeal_list",
    "appeal_officials",
    "appeal_receipt",
    "appeal_register",
    "appeal_repeat_check",
    "appeal_route",
    "classifier_edit",
    "classifier_list",
    "classifier_toggle",
    "reception_list",
    "reception_new",
]
