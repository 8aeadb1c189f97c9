"""The portal's one write: an appeal sent by a citizen, registered in the portal's unit with an access code.

The appeals register does the registering (`eprok.appeals.services.appeal_register`); this adds what is
the portal's own: which unit receives portal appeals (EPROK_PORTAL_APPEALS_UNIT), the submission id
that makes a form sent twice one appeal, and the access code shown on the receipt. The views, the
burst test and the benchmark all go through this function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from eprok.core.errors import Conflict

# The message id of a portal appeal: this prefix and the form's submission id (the challenge nonce).
EXTERNAL_ID_PREFIX = "portal-"


@dataclass(frozen=True)
class PortalReceipt:
    appeal: Any  # eprok.appeals.models.Appeal
    code: str  # the access code, shown once and never stored in clear


def portal_unit() -> Any:
    """The unit whose register receives portal appeals; a missing unit is a configuration error."""
    from eprok.org.models import Unit

    unit = Unit.objects.filter(code=settings.EPROK_PORTAL_APPEALS_UNIT, is_active=True).first()
    if unit is None:
        raise Conflict(code="portal_unit_missing")
    return unit


def portal_appeal_submit(
    *,
    submission_id: str,
    kind: str,
    text: str,
    applicant: Any,
    topic: Any = None,
    notify_email: str = "",
    notify_sms: str = "",
    attachments: Sequence[Any] = (),
    language: str = "az",
    unit: Any = None,
) -> PortalReceipt:
    """Register the appeal (or find the one this submission already registered) and issue its access code.

    A second call with the same `submission_id` registers nothing and issues a new code that replaces
    the first (whoever sent the same form again is shown the code that works). The X-Road service
    `portal-appeals-v1` does not call this again for a repeated X-Road-Id: its first answer's code stays.
    """
    from eprok.appeals.models import Channel
    from eprok.appeals.services import appeal_issue_access_code, appeal_register

    appeal = appeal_register(
        actor=None,
        unit=unit if unit is not None else portal_unit(),
        channel=Channel.PORTAL,
        kind=kind,
        text=text,
        applicant=applicant,
        topic=topic,
        external_id=f"{EXTERNAL_ID_PREFIX}{submission_id}",
        language=language,
        notify_email=notify_email,
        notify_sms=notify_sms,
        attachments=attachments,
    )
    return PortalReceipt(appeal=appeal, code=appeal_issue_access_code(appeal=appeal))
