"""Who may see and change the person registry.

The registry is shared by the whole service: a holder of any casework role (registering crime
reports, investigating, supervising, prosecuting, appeals, the call centre) in any unit finds,
opens, registers and corrects person records. Merging duplicates is for holders of "supervise"
or "administer users"; the latter see the registry so they can compare the records they merge.
Every read of a person card is audited by the views. A person's roles in materials and cases are
shown only as far as the materials and cases apps let the reader see them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from eprok.core.access import deny
from eprok.org.grants import roles_of
from eprok.org.roles import Role
from eprok.persons.models import Person

CASEWORK_ROLES: frozenset[str] = frozenset(
    {
        Role.REGISTER_MATERIALS,
        Role.INVESTIGATE,
        Role.SUPERVISE,
        Role.PROSECUTE,
        Role.REGISTER_APPEALS,
        Role.ANSWER_APPEALS,
        Role.OPERATE_CALLS,
    }
)
MERGE_ROLES: frozenset[str] = frozenset({Role.SUPERVISE, Role.ADMINISTER_USERS})


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_use_registry(user: Any) -> bool:
    """May search the registry and open person cards."""
    return _signed_in(user) and bool(roles_of(user) & (CASEWORK_ROLES | MERGE_ROLES))


def can_edit_registry(user: Any) -> bool:
    """May register persons and correct their records (any casework role)."""
    return _signed_in(user) and bool(roles_of(user) & CASEWORK_ROLES)


def can_merge(user: Any) -> bool:
    return _signed_in(user) and bool(roles_of(user) & MERGE_ROLES)


def visible_to(user: Any) -> QuerySet[Person]:
    """Every person record (merged duplicates too) for registry users; nothing for anyone else."""
    if not can_use_registry(user):
        return Person.objects.none()
    return Person.objects.all()


def can_change(user: Any, person: Person) -> bool:
    """Correct the record, add or remove documents, addresses and phones; never on a merged duplicate."""
    return can_edit_registry(user)


def require_registry(user: Any, action: str = "search") -> None:
    """Refuse (403, audited) a signed-in user without a role that opens the registry."""
    allowed = can_edit_registry(user) if action == "create" else can_use_registry(user)
    if not allowed:
        deny(
            user,
            action=f"persons.person.{action}",
            target_type="persons.person",
            target_key="*",
            visible=True,
        )


def get_person_for(user: Any, public_id: Any, action: str = "view") -> Person:
    """The person named by `public_id` for `action` ("view", "change", "merge"); 404 or 403 otherwise."""
    person = None
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    if key is not None:
        person = visible_to(user).select_related("merged_into").filter(public_id=key).first()
    if person is None:
        deny(
            user,
            action=f"persons.person.{action}",
            target_type="persons.person",
            target_key=str(public_id)[:64],
            visible=False,
        )
    allowed = {
        "view": True,
        "change": can_change(user, person),
        "merge": can_merge(user),
    }.get(action, False)
    if not allowed:
        deny(
            user,
            action=f"persons.person.{action}",
            target_type="persons.person",
            target_key=str(person.public_id),
            visible=True,
        )
    return person
