"""Who may see and act on documents: the owner's access rules and the reader's clearance.

A document is visible to a user who may open its owner (the owner type's `visible_to`, the same rule as
the owner's card) and whose clearance is at least the document's classification. Editing (a new version,
withdrawing, OCR) and signing need the owner's `can_attach`; signing as approver needs `may_approve`.
Everything else answers 404 for what is invisible and 403 for what is visible but not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.core.errors import ApplicationError, Forbidden, NotFound
from eprok.documents import owners
from eprok.documents.models import Document, DocumentStatus

TARGET_TYPE = "documents.document"
ACTIONS = ("view", "edit", "sign", "approve")
OWNER_ACTIONS = ("view", "attach")


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def clearance_of(user: Any) -> int:
    return int(getattr(user, "clearance", 0) or 0)


def visible_to(user: Any) -> QuerySet[Document]:
    """Documents whose owner the user may open, classified no higher than the user's clearance."""
    if not signed_in(user):
        return Document.objects.none()
    condition = Q(pk__in=[])
    for owner in owners.owner_types():
        condition |= Q(owner_type=owner.label, owner_id__in=owner.visible_ids(user))
    return Document.objects.filter(condition, classification__lte=clearance_of(user))


def visible_among(user: Any, pks: Iterable[int]) -> set[int]:
    """Of these documents, the ones visible_to(user) admits: the same rule, asked of each owner type about
    these documents' owners only (cheap for a page of candidates, where visible_to in full is not)."""
    pks = set(pks)
    if not signed_in(user) or not pks:
        return set()
    rows = list(
        Document.objects.filter(pk__in=pks, classification__lte=clearance_of(user)).values_list(
            "pk", "owner_type", "owner_id"
        )
    )
    wanted: dict[str, set[int]] = {}
    for _pk, label, owner_id in rows:
        wanted.setdefault(label, set()).add(owner_id)
    allowed = {
        label: set(owners.owner_type(label).visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        for label, ids in wanted.items()
        if owners.is_owner_type(label)
    }
    return {pk for pk, label, owner_id in rows if owner_id in allowed.get(label, ())}


def owner_for(user: Any, document: Document) -> Any:
    """The document's owner through the owner's own access rules (NotFound/Forbidden from there)."""
    if not owners.is_owner_type(document.owner_type):
        raise NotFound()
    return owners.owner_type(document.owner_type).get_for(user, document.owner_key, "view")


def can_view(user: Any, document: Document) -> bool:
    if not signed_in(user) or document.classification > clearance_of(user):
        return False
    try:
        owner_for(user, document)
    except ApplicationError:
        return False
    return True


def _allowed(user: Any, document: Document, owner: Any, action: str) -> bool:
    if action == "view":
        return True
    owner_type = owners.owner_type(document.owner_type)
    if action in ("edit", "sign"):
        allowed = owner_type.can_attach(user, owner)
    elif action == "approve":
        allowed = owner_type.may_approve(user, owner)
    else:
        return False
    return bool(allowed) and (document.status != DocumentStatus.WITHDRAWN)


def can(user: Any, document: Document, action: str, owner: Any = None) -> bool:
    """Whether `user` may do `action` on a document they can see (`owner` saves a look-up)."""
    if owner is None:
        try:
            owner = owner_for(user, document)
        except ApplicationError:
            return False
    return _allowed(user, document, owner, action)


def get_document_for(user: Any, public_id: Any, action: str = "view") -> Document:
    """The document if `user` may see it (404 otherwise) and may do `action` on it (403 otherwise).

    The owner is attached as `document.owner` for the caller.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown document action {action!r}")
    key = str(public_id)[:64]
    document = None
    if signed_in(user):
        document = (
            Document.objects.select_related("unit", "current_version", "created_by")
            .filter(public_id=_uuid_or_none(public_id))
            .first()
            if _uuid_or_none(public_id)
            else None
        )
    owner = None
    if document is not None and document.classification <= clearance_of(user):
        try:
            owner = owner_for(user, document)
        except (NotFound, Forbidden):
            owner = None
    if document is None or owner is None:
        deny(
            user,
            action=f"documents.document.{action}",
            target_type=TARGET_TYPE,
            target_key=key,
            visible=False,
        )
    if not _allowed(user, document, owner, action):
        deny(
            user, action=f"documents.document.{action}", target_type=TARGET_TYPE, target_key=key, visible=True
        )
    document.owner = owner  # type: ignore[attr-defined]
    return document


def _uuid_or_none(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def can_attach_to(user: Any, owner_type_label: str, owner: Any) -> bool:
    if not signed_in(user) or not owners.is_owner_type(owner_type_label):
        return False
    return bool(owners.owner_type(owner_type_label).can_attach(user, owner))


def deny_attach(user: Any, owner_type: owners.OwnerType, key: str) -> NoReturn:
    """An audited 403: the user sees the owner but may not add documents to it."""
    deny(
        user, action="documents.owner.attach", target_type=owner_type.label, target_key=key[:64], visible=True
    )


def require_attach(user: Any, owner_type: owners.OwnerType, owner: Any) -> None:
    """Return when the user may add documents to `owner`; an audited 403 otherwise."""
    if not signed_in(user) or not owner_type.can_attach(user, owner):
        deny_attach(user, owner_type, str(owner_type.key_of(owner)))


def get_owner_for(
    user: Any, owner_type_label: str, key: str, action: str = "attach"
) -> tuple[owners.OwnerType, Any]:
    """(owner type, owner) of a record documents hang on, through the owner's own access rules.

    404 (audited) for an unknown owner type or an owner the user cannot see; with action "attach", an
    audited 403 for an owner they see but may not add documents to.
    """
    if action not in OWNER_ACTIONS:
        raise ValueError(f"unknown owner action {action!r}")
    label, key = str(owner_type_label), str(key)
    if not owners.is_owner_type(label):
        deny(
            user,
            action=f"documents.owner.{action}",
            target_type=label[:64],
            target_key=key[:64],
            visible=False,
        )
    kind = owners.owner_type(label)
    owner = kind.get_for(user, key, "view")
    if action == "attach":
        require_attach(user, kind, owner)
    return kind, owner
