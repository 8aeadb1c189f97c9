"""Who may see and act on the correspondence register.

A letter is visible to holders of "Keep the correspondence register" over its unit (with sub-units when
granted so) and to the executors of its resolutions. Registering, recording resolutions, marking an
outgoing letter sent and attaching its documents need the keeper's role over the letter's unit; a
resolution is completed by its executor or by a keeper. Clearance must reach the letter's
classification. Everything else answers 404 for what is invisible and 403 for what is not allowed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.documents.models import Correspondence, CorrespondenceStatus, Resolution, ResolutionStatus
from eprok.org.grants import has_role, unit_scope
from eprok.org.roles import Role

TARGET_TYPE = "documents.correspondence"


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def clearance_of(user: Any) -> int:
    return int(getattr(user, "clearance", 0) or 0)


def is_keeper(user: Any, unit: Any = None) -> bool:
    return signed_in(user) and has_role(user, Role.KEEP_CORRESPONDENCE, unit)


def visible_to(user: Any) -> QuerySet[Correspondence]:
    if not signed_in(user):
        return Correspondence.objects.none()
    executor_of = Resolution.objects.filter(executor_id=user.pk).values("correspondence_id")
    return Correspondence.objects.filter(
        unit_scope(user, Role.KEEP_CORRESPONDENCE, "unit") | Q(pk__in=executor_of),
        classification__lte=clearance_of(user),
    )


def can_open_register(user: Any) -> bool:
    """The register's list: keepers of any unit and executors of any resolution."""
    return signed_in(user) and (is_keeper(user) or Resolution.objects.filter(executor_id=user.pk).exists())


def can_register(user: Any, unit: Any = None) -> bool:
    return is_keeper(user, unit)


def can_keep(user: Any, letter: Correspondence) -> bool:
    """Resolutions, sending, documents: a keeper of the letter's unit."""
    return is_keeper(user, letter.unit)


def can_resolve(user: Any, letter: Correspondence) -> bool:
    return can_keep(user, letter) and letter.status != CorrespondenceStatus.SENT


def can_send(user: Any, letter: Correspondence) -> bool:
    return can_keep(user, letter) and letter.direction == "out" and letter.status != CorrespondenceStatus.SENT


def can_attach(user: Any, letter: Correspondence) -> bool:
    """Scans and answers: a keeper, or an executor of one of its open resolutions."""
    if can_keep(user, letter):
        return True
    return (
        signed_in(user)
        and letter.resolutions.filter(executor_id=user.pk, status=ResolutionStatus.OPEN).exists()
    )


def can_complete(user: Any, resolution: Resolution) -> bool:
    return resolution.status == ResolutionStatus.OPEN and (
        resolution.executor_id == getattr(user, "pk", None) or can_keep(user, resolution.correspondence)
    )


ACTIONS = {
    "view": lambda user, letter: True,
    "resolve": can_resolve,
    "send": can_send,
    "attach": can_attach,
    "keep": can_keep,
}


def get_letter_for(user: Any, number: str, action: str = "view") -> Correspondence:
    """The letter `number` if `user` may see it (404 otherwise) and may do `action` on it (403 otherwise)."""
    letter = (
        visible_to(user).select_related("unit", "registered_by").filter(number=str(number)[:40]).first()
        if signed_in(user)
        else None
    )
    if letter is None:
        deny(
            user,
            action=f"documents.correspondence.{action}",
            target_type=TARGET_TYPE,
            target_key=str(number)[:64],
            visible=False,
        )
    if not ACTIONS[action](user, letter):
        deny(
            user,
            action=f"documents.correspondence.{action}",
            target_type=TARGET_TYPE,
            target_key=letter.number,
            visible=True,
        )
    return letter
