"""The meeting panel's actions on an event's card: create the meeting, retry it, take attendance from it.
The panel itself is templates/training/_meeting.html, included in the card."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError
from eprok.training import access, services_meetings
from eprok.training.models import MeetingStatus, TrainingEvent


def _act(
    request: HttpRequest, event: TrainingEvent, call: Callable[[], Any], success: Callable[[Any], str]
) -> HttpResponse:
    try:
        result = call()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success(result))
    return redirect(event.get_absolute_url())


def _created_message(event: TrainingEvent) -> str:
    event.refresh_from_db()
    if event.meeting_status == MeetingStatus.CREATED:
        return _("The video meeting is created.")
    return _("The video meeting is being created; its status is shown on the card.")


@require_POST
@staff_view
def meeting_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    provider = str(request.POST.get("provider") or "")[:16]
    return _act(
        request,
        event,
        lambda: services_meetings.meeting_create(actor=request.user, event=event, provider=provider),
        _created_message,
    )


@require_POST
@staff_view
def meeting_retry(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    return _act(
        request,
        event,
        lambda: services_meetings.meeting_retry(actor=request.user, event=event),
        _created_message,
    )


@require_POST
@staff_view
def meeting_attendance(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="run")
    return _act(
        request,
        event,
        lambda: services_meetings.attendance_from_meeting(event=event, actor=request.user),
        lambda count: (
            ngettext(
                "%(count)d listener marked present from the meeting.",
                "%(count)d listeners marked present from the meeting.",
                count,
            )
            % {"count": count}
        ),
    )
