"""Reads of outbound messages for the staff page, always from access.visible_to(user)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from eprok.notifications.models import OutboundChannel, OutboundMessage, OutboundStatus
from eprok.notifications.outbound.access import visible_to
from eprok.notifications.outbound.rendering import TEMPLATES


@dataclass(frozen=True)
class OutboundFilters:
    status: str = ""
    channel: str = ""
    template: str = ""
    related: str = ""

    @classmethod
    def from_query(cls, query: Any) -> OutboundFilters:
        """Unknown values are dropped rather than refused: a stale bookmark still opens the list."""
        status = query.get("status", "")
        channel = query.get("channel", "")
        template = query.get("template", "")
        return cls(
            status=status if status in OutboundStatus.values else "",
            channel=channel if channel in OutboundChannel.values else "",
            template=template if template in TEMPLATES else "",
            related=" ".join(str(query.get("related", "")).split())[:120],
        )

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def outbound_list(*, user: Any, filters: OutboundFilters) -> QuerySet[OutboundMessage]:
    messages = visible_to(user)
    if filters.status:
        messages = messages.filter(status=filters.status)
    if filters.channel:
        messages = messages.filter(channel=filters.channel)
    if filters.template:
        messages = messages.filter(template=filters.template)
    if filters.related:
        messages = messages.filter(related__icontains=filters.related)
    return messages.defer("body").order_by("-created_at", "-id")
