"""Finding the person named in an "add a party" form, through the person registry's own access rules."""

from __future__ import annotations

from typing import Any

from eprok.persons.models import Person
from eprok.persons.selectors import person_for_reference


def person_for_party(*, user: Any, public_id: Any) -> Person | None:
    """The person record with this public id if the user may use the registry, else None.

    A merged duplicate is returned too, so that the service can say which record to pick instead.
    """
    return person_for_reference(user=user, public_id=public_id)
