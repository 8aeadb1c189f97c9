"""Who sees the outbound messages to citizens: the central administrators (administer users at the root).

The messages of the whole service are in one list, so a unit's administrator does not see them; the
list shows addresses masked, and opening an address is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from eprok.core.access import deny
from eprok.core.errors import NotFound
from eprok.notifications.models import OutboundMessage
from eprok.org.grants import active_grants
from eprok.org.roles import Role

TARGET_TYPE = "notifications.outboundmessage"


def can_see_outbound(user: Any) -> bool:
    """Holds "administer users" over a root unit (a tree path of one segment, "/<id>/")."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(
        grant.role == Role.ADMINISTER_USERS and grant.unit_path.count("/") == 2
        for grant in active_grants(user)
    )


def visible_to(user: Any) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.all() if can_see_outbound(user) else OutboundMessage.objects.none()


def require_outbound_reader(user: Any, *, action: str = "list") -> None:
    if not can_see_outbound(user):
        deny(user, action=f"{TARGET_TYPE}.{action}", target_type=TARGET_TYPE, target_key="*", visible=False)


def get_outbound_message_for(user: Any, key: uuid.UUID | str, *, action: str = "read") -> OutboundMessage:
    """The message by public id for a reader of outbound messages; NotFound for anyone else."""
    try:
        public_id = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise NotFound() from None
    message = visible_to(user).filter(public_id=public_id).first()
    if message is None:
        deny(
            user,
            action=f"{TARGET_TYPE}.{action}",
            target_type=TARGET_TYPE,
            target_key=str(public_id),
            visible=False,
        )
    return message
