""" "Why can I see this?" for person records, registered with eprok.core.access in PersonsConfig.ready."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.roles import Role
from eprok.persons import access
from eprok.persons.models import Person


def _find(key: str) -> Person | None:
    key = (key or "").strip()
    try:
        return Person.objects.filter(public_id=uuid.UUID(key)).first()
    except ValueError:
        pass
    upper = key.upper()
    return (
        Person.objects.filter(merged_into__isnull=True, fin=upper).first()
        or Person.objects.filter(merged_into__isnull=True, voen=key).first()
    )


def explain_person(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the person's public identifier, FIN or VÖEN."""
    person = _find(key)
    if person is None:
        return None
    reasons: list[str] = []
    if not getattr(user, "is_active", False):
        reasons.append(_("The account is inactive, so it can see nothing."))
    visible = access.visible_to(user).filter(pk=person.pk).exists()
    grants = [g for g in active_grants(user) if g.role in access.CASEWORK_ROLES | access.MERGE_ROLES]
    if grants:
        reasons.append(
            _("The person registry is open to every holder of a casework role; this user holds: %(grants)s")
            % {"grants": " ".join(describe_grant(g) for g in grants)}
        )
    elif user.is_active:
        reasons.append(
            _(
                "The person registry is open only to holders of a casework role (crime reports, "
                "investigation, supervision, prosecution, appeals, call centre) or of “%(admin)s”; "
                "this user holds none."
            )
            % {"admin": Role.ADMINISTER_USERS.label}
        )
    if visible:
        reasons.append(_("Every opening of the person card is recorded in the audit log."))
    merge = access.can_merge(user)
    reasons.append(
        _("Duplicates can be merged: the user holds “Supervise investigations” or “Administer users”.")
        if merge
        else _("Duplicates cannot be merged: that needs “Supervise investigations” or “Administer users”.")
    )
    return person, Explanation(
        visible=visible,
        reasons=reasons,
        actions={"view": visible, "change": visible and access.can_change(user, person), "merge": merge},
    )


def register() -> None:
    register_explainer("persons.person", gettext_lazy("Person"), explain_person)
