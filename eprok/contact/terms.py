"""The terms of the call centre, computed from rules kept as data (eprok.core.models.DeadlineRule).

- `callcentre.recording_copy`: a caller may ask for a copy of the recording within three months after
  the day of the call (Regulations on call centres of state bodies, 2015; deadlines_az.md B3). The same
  date is the least the recording is kept (how long beyond is not settled: B4, so not guessed here).
- The answer to such a request: it is a citizen's request to a state body, so it is answered within the
  general term of the Law on citizens' appeals, art. 10.1 (15 working days, rule `appeals.10.answer`).
  The request is tracked in the shared deadline index under that term, so it shows on "My work".
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.contact.models import Call, RecordingCopyRequest
from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, compute_deadline
from eprok.core.models import DeadlineRule

COPY_WINDOW_RULE = "callcentre.recording_copy"
COPY_ANSWER_RULE = "appeals.10.answer"
COPY_TRACK_KEY = "recording_copy"
COPY_TRACK_LABEL = _("Copy of a call recording")

RULE_CACHE_SECONDS = 300
_RULES: dict[str, tuple[float, DeadlineRule]] = {}


def rule(code: str) -> DeadlineRule:
    """A rule, kept in the process for a few minutes (statutory reference data changes rarely)."""
    now = time.monotonic()
    cached = _RULES.get(code)
    if cached and now - cached[0] < RULE_CACHE_SECONDS:
        return cached[1]
    row = DeadlineRule.objects.get(code=code)
    _RULES[code] = (now, row)
    return row


def forget_rules() -> None:
    _RULES.clear()


def call_day(call: Call) -> dt.date:
    return timezone.localtime(call.offered_at).date()


def copy_window(call: Call) -> Deadline:
    """The last day the caller may ask for a copy of the recording, with its explanation."""
    return compute_deadline(rule(COPY_WINDOW_RULE), call_day(call))


def copy_answer_deadline(request: RecordingCopyRequest) -> Deadline:
    """When the request must be answered (the copy handed over or the refusal explained)."""
    return compute_deadline(rule(COPY_ANSWER_RULE), timezone.localtime(request.requested_at).date())


def track_copy_request(request: RecordingCopyRequest, deadline: Deadline, *, new: bool = False) -> Any:
    call = request.call
    return tracking.deadline_track(
        owner=request,
        key=COPY_TRACK_KEY,
        deadline=deadline,
        unit=call.unit,
        responsible=request.assignee,
        title=f"{call.centre} {call.short_id}",
        label=COPY_TRACK_LABEL,
        url=request.get_absolute_url(),
        new=new,
    )


def close_copy_request(request: RecordingCopyRequest) -> int:
    return tracking.deadline_close(owner=request, key=COPY_TRACK_KEY)
