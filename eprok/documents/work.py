"""The documents' part in "My work": letters registered but not yet resolved, for their keepers.

Open resolutions reach "My work", the deadline alerts and /deadlines/ through the tracked-deadline index
(eprok.documents.correspondence.terms).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from eprok.core.mywork import WorkItem, register_provider

MODULE = _("Correspondence")


def my_work_items(user: Any) -> list[WorkItem]:
    from eprok.documents.correspondence import access
    from eprok.documents.models import CorrespondenceStatus, Direction

    if not access.is_keeper(user):
        return []
    rows = (
        access.visible_to(user)
        .filter(direction=Direction.INCOMING, status=CorrespondenceStatus.REGISTERED)
        .order_by("registered_at", "pk")[:20]
    )
    return [
        WorkItem(
            title=f"{letter.number} — {letter.subject}"[:120],
            url=letter.get_absolute_url(),
            module=MODULE,
            kind=_("Letter awaiting a resolution"),
            due=None,
        )
        for letter in rows
    ]


def register() -> None:
    register_provider(my_work_items, name="correspondence")
