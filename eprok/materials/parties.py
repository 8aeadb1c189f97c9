"""Finding the person named in an "add a party" form, through the person registry's own access rules."""

from __future__ import annotations

import uuid
from typing import Any

from eprok.persons import access as persons_access
from eprok.persons.models import Person


def person_for_party(*, user: Any, public_id: Any) -> Person | None:
    """The person record with this public id if the user may use the registry, else None.

    A merged duplicate is returned too, so that the service can say which record to pick instead.
    """
    try:
        key = uuid.UUID(str(public_id).strip())
    except ValueError:
        return None
    return persons_access.visible_to(user).filter(public_id=key).first()
