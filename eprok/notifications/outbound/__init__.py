"""Outbound messages to citizens: e-mail and SMS from templates in az/en/ru, every message logged.

    citizen_message_send(*, channel, to, template, context, language, related="") -> OutboundMessage

`channel` is "email" or "sms"; `to` an e-mail address or a phone number (stored as E.164); `language`
"az" (default, also for anything unknown), "en" or "ru"; `related` names the subject, e.g.
"appeals.appeal:AP-GPO-2025-00001". A bad address raises ValidationFailed and writes nothing; a
provider failure leaves the row "failed" for `manage.py send_outbound --retry`. Call it after your
transaction commits: `transaction.on_commit(lambda: citizen_message_send(...), robust=True)`.

Templates and their context keys (dates may be date or datetime objects; anything else is refused,
so that no secret can slip into a message; never pass an access or receipt code):

- appeal_received: number, received_at; optional portal_url
- appeal_forwarded: number, body (the name of the body it went to), forwarded_at; optional portal_url
- appeal_extended: number, due_date, reason; optional portal_url
- appeal_answered: number; optional portal_url (the answer itself is read on the portal, never sent)
- hotline_reply: no keys; optional portal_url (only "there is a reply", never the content)
- recording_copy_ready: number (of the copy request); optional available_until, instructions

`portal_url` defaults to settings.EPROK_PORTAL_URL.
"""

from eprok.notifications.models import OutboundChannel, OutboundMessage, OutboundStatus
from eprok.notifications.outbound.addresses import mask_recipient, normalise_address
from eprok.notifications.outbound.rendering import TEMPLATES, render_message
from eprok.notifications.outbound.services import RetryReport, citizen_message_send, outbound_retry
from eprok.notifications.outbound.sms import sms_size

__all__ = [
    "TEMPLATES",
    "OutboundChannel",
    "OutboundMessage",
    "OutboundStatus",
    "RetryReport",
    "citizen_message_send",
    "mask_recipient",
    "normalise_address",
    "outbound_retry",
    "render_message",
    "sms_size",
]
