"""Which records can own documents, and how the owner's access rules decide access to its documents.

Any module's object can own documents. The owning app describes its records once with an `OwnerType`
(registered here for the apps that have landed; a new app calls `register_owner` in its AppConfig.ready).
The documents app never reads another app's models directly: it asks the owner type.

    owner_type("materials.material").get_for(user, "CM-...", "view")   -> the Material, or NotFound/Forbidden
    owner_type(label).can_attach(user, owner)                         -> may add files and new versions
    owner_type(label).visible_ids(user)                               -> a queryset of visible owner pks
    owner_of(document)                                                 -> the owner object (no access check)

A user reads a document when the owner's `get_for(user, key, "view")` lets them and their clearance is at
least the document's classification; they add to it when `can_attach` is true as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from eprok.org.roles import Clearance


@dataclass(frozen=True)
class OwnerType:
    label: str  # "materials.material": app_label.model_name, the same string the audit log uses
    verbose_name: Any  # translated, singular
    model: type[Model]
    key_field: str  # the public key of the owner in URLs: "number" or "public_id"
    # The owner app's own fetch-and-authorize: returns the object or raises NotFound (404) / Forbidden (403).
    get_for: Callable[[Any, str, str], Any]  # documents always asks for action "view"
    # May the user add files, versions and generated documents to this owner?
    can_attach: Callable[[Any, Any], bool]
    # The owner app's visible_to(user): a queryset of the owners this user may open.
    visible_to: Callable[[Any], QuerySet[Any]]
    unit_of: Callable[[Any], Any]  # the org.Unit that holds the owner
    url_of: Callable[[Any], str]  # the owner's card
    classification_of: Callable[[Any], int] = field(default=lambda owner: int(Clearance.OFFICIAL))
    # May the user sign as approver (the supervising prosecutor, the head)? None: whoever can attach.
    can_approve: Callable[[Any, Any], bool] | None = None

    def may_approve(self, user: Any, owner: Any) -> bool:
        return (self.can_approve or self.can_attach)(user, owner)

    def key_of(self, owner: Any) -> str:
        return str(getattr(owner, self.key_field))

    def visible_ids(self, user: Any) -> QuerySet[Any]:
        return self.visible_to(user).values("pk")


_OWNERS: dict[str, OwnerType] = {}


def register_owner(owner: OwnerType) -> None:
    _OWNERS[owner.label] = owner


def owner_types() -> list[OwnerType]:
    return [_OWNERS[label] for label in sorted(_OWNERS)]


def owner_type(label: str) -> OwnerType:
    """The registered owner type; KeyError for a label no app registered (callers turn it into a 404)."""
    return _OWNERS[label]


def is_owner_type(label: str) -> bool:
    return label in _OWNERS


def label_of(obj: Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def owner_of(document: Any) -> Any:
    """The document's owner object, without an access check (callers have already checked)."""
    return owner_type(document.owner_type).model._default_manager.get(pk=document.owner_id)


def register_builtin_owners() -> None:
    """Materials, cases, appeals, calls and letters own documents; later modules register their own."""
    from eprok.appeals import access as appeals_access
    from eprok.appeals.models import Appeal
    from eprok.cases import access as cases_access
    from eprok.cases.models import Case
    from eprok.contact import access as contact_access
    from eprok.contact.models import Call
    from eprok.documents.correspondence import access as correspondence_access
    from eprok.documents.models import Correspondence
    from eprok.materials import access as materials_access
    from eprok.materials.models import Material

    register_owner(
        OwnerType(
            label="materials.material",
            verbose_name=Material._meta.verbose_name,
            model=Material,
            key_field="number",
            get_for=lambda user, key, action: materials_access.get_material_for(user, key, action),
            can_attach=materials_access.can_work,
            visible_to=materials_access.visible_to,
            unit_of=lambda m: m.unit,
            url_of=lambda m: reverse("materials:detail", args=[m.number]),
            can_approve=materials_access.can_supervise,
        )
    )
    register_owner(
        OwnerType(
            label="cases.case",
            verbose_name=Case._meta.verbose_name,
            model=Case,
            key_field="number",
            get_for=lambda user, key, action: cases_access.get_case_for(user, key, action),
            can_attach=cases_access.can_edit,
            visible_to=cases_access.visible_to,
            unit_of=lambda c: c.unit,
            url_of=lambda c: reverse("cases:detail", args=[c.number]),
            can_approve=cases_access.can_supervise,
        )
    )
    register_owner(
        OwnerType(
            label="appeals.appeal",
            verbose_name=Appeal._meta.verbose_name,
            model=Appeal,
            key_field="number",
            get_for=lambda user, key, action: appeals_access.get_appeal_for(user, key, action),
            can_attach=appeals_access.can_answer,
            visible_to=appeals_access.visible_to,
            unit_of=lambda a: a.unit,
            url_of=lambda a: reverse("appeals:detail", args=[a.number]),
            can_approve=appeals_access.can_route,
        )
    )
    register_owner(
        OwnerType(
            label="contact.call",
            verbose_name=Call._meta.verbose_name,
            model=Call,
            key_field="public_id",
            get_for=lambda user, key, action: contact_access.get_call_for(user, key, action),
            can_attach=contact_access.can_register_call,
            visible_to=contact_access.calls_visible_to,
            unit_of=lambda c: c.unit,
            url_of=lambda c: reverse("contact:call_detail", args=[c.public_id]),
        )
    )
    register_owner(
        OwnerType(
            label="documents.correspondence",
            verbose_name=Correspondence._meta.verbose_name,
            model=Correspondence,
            key_field="number",
            get_for=lambda user, key, action: correspondence_access.get_letter_for(user, key, action),
            can_attach=correspondence_access.can_attach,
            visible_to=correspondence_access.visible_to,
            unit_of=lambda letter: letter.unit,
            url_of=lambda letter: letter.get_absolute_url(),
            classification_of=lambda letter: int(letter.classification),
            can_approve=correspondence_access.can_keep,
        )
    )
