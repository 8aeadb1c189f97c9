"""The portal's pages, by journey: home and guide, the citizen's appeal, the anonymous report."""

from eprok.portal.views.appeals import appeal_status, appeal_submit
from eprok.portal.views.home import help_page, home
from eprok.portal.views.hotline import conversation, conversation_close, conversation_open, report_submit
from eprok.portal.views.verify import verify_code, verify_crl, verify_form

__all__ = [
    "appeal_status",
    "appeal_submit",
    "conversation",
    "conversation_close",
    "conversation_open",
    "help_page",
    "home",
    "report_submit",
    "verify_code",
    "verify_crl",
    "verify_form",
]
