"""The module's part in "My work" and in the shared deadline machinery.

Open callbacks are the operator's tasks with a due time: a provider lists them (one query). Requests for
a copy of a recording run a term, so they are in the tracked-deadline index (core's provider shows them),
and a recomputer re-tracks the open ones after the calendar or a rule changes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.contact import access, terms
from eprok.contact.models import OPEN_COPY_STATUSES, Callback, CallbackStatus, RecordingCopyRequest
from eprok.core.mywork import WorkItem

MY_WORK_LIMIT = 50


def my_callbacks(user: Any) -> list[WorkItem]:
    """The user's open callbacks, the soonest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    # Only operators have callbacks; asking the grants (already in memory) saves everyone else a query.
    if not access.can_operate(user):
        return []
    rows = (
        Callback.objects.filter(assignee_id=user.pk, status=CallbackStatus.OPEN)
        .select_related("call")
        .order_by("due_at", "pk")[:MY_WORK_LIMIT]
    )
    return [
        WorkItem(
            title=f"{callback.call.caller_number or callback.call.short_id}",
            url=callback.get_absolute_url(),
            module=_("Call centre and hotline"),
            kind=_("Callback"),
            due=timezone.localtime(callback.due_at).date(),
            detail=timezone.localtime(callback.due_at).strftime("%H:%M"),
        )
        for callback in rows
    ]


def recompute_copy_requests() -> int:
    """Re-track every open request for a recording copy; returns how many."""
    terms.forget_rules()
    count = 0
    rows = (
        RecordingCopyRequest.objects.filter(status__in=OPEN_COPY_STATUSES)
        .select_related("call", "call__unit", "assignee")
        .order_by("pk")
    )
    for request in rows.iterator(chunk_size=500):
        deadline = terms.copy_answer_deadline(request)
        with transaction.atomic():
            if request.due != deadline.due:
                RecordingCopyRequest.objects.filter(pk=request.pk).update(due=deadline.due)
                request.due = deadline.due
            terms.track_copy_request(request, deadline)
        count += 1
    return count
