"""What the meeting panel of an event's card (training/_meeting.html) needs beyond the card's context."""

from __future__ import annotations

from typing import Any

from django import template

from eprok.training import access
from eprok.training.meetings import get_provider, provider_choices
from eprok.training.models import TrainingEvent

register = template.Library()


@register.simple_tag
def meeting_info(event: TrainingEvent, user: Any) -> dict[str, Any]:
    """`can_join` (the join link may be shown), `providers` [(code, label, available)] and whether the
    event's provider reports participants."""
    reports = bool(event.meeting_provider) and get_provider(event.meeting_provider).reports_participants
    return {
        "can_join": access.can_join(user, event),
        "providers": provider_choices() if access.can_manage(user, event) else [],
        "reports_participants": reports,
    }
