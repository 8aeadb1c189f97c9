"""How drafting plugs into the documents UI: the "Generate from a template" button on owners' panels."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _url(owner_type: str, owner_key: str) -> str:
    return reverse("drafting:generate", args=[owner_type, owner_key])


def _allowed(user: Any, owner_type: Any, owner: Any) -> bool:
    from eprok.drafting import selectors

    label = owner_type if isinstance(owner_type, str) else owner_type.label
    kind = owner_type if not isinstance(owner_type, str) else None
    if kind is None:
        from eprok.documents.owners import owner_type as lookup

        kind = lookup(label)
    return kind.can_attach(user, owner) and selectors.templates_for(label).exists()


def register() -> None:
    from eprok.documents.extensions import OwnerAction, register_category_namer, register_owner_action
    from eprok.drafting import selectors

    # A generated document's category is its template's code; people read the template's name.
    register_category_namer(selectors.template_name)

    register_owner_action(
        OwnerAction(key="drafting.generate", label=_("Generate from a template"), url=_url, allowed=_allowed)
    )
