"""Saved filters: an employee keeps the filters of any list under a name and opens them in one click.

A list page includes `core/_saved_filters.html` with `list_name` (the list's URL name, one of
SAVABLE_LISTS) and `query` (its current filters, url-encoded); the page passes
`saved_filters(user=..., list_name=...)` as `saved`. Saving and deleting are audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Forbidden, ValidationFailed
from eprok.core.models import SavedFilter

# The lists whose filters can be saved; each must answer GET with its filters in the query string.
SAVABLE_LISTS = frozenset({"materials:list", "cases:list", "appeals:list"})
MAX_QUERY = 1000


def _clean_query(query: str) -> str:
    """The filters without the page number, re-encoded (nothing but key=value pairs survives)."""
    pairs = [(k, v) for k, v in parse_qsl((query or "").lstrip("?"), keep_blank_values=False) if k != "page"]
    return urlencode(pairs)[:MAX_QUERY]


def list_url(saved: SavedFilter) -> str:
    return reverse(saved.list_name) + (f"?{saved.query}" if saved.query else "")


def saved_filters(*, user: Any, list_name: str) -> list[SavedFilter]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedFilter.objects.filter(owner_id=user.pk, list_name=list_name).order_by("name", "pk"))


@transaction.atomic
def saved_filter_save(*, actor: Any, list_name: str, name: str, query: str) -> SavedFilter:
    """Save the filters of `list_name` under `name` (replacing the user's filter of the same name)."""
    if list_name not in SAVABLE_LISTS:
        raise ValidationFailed(_("This list cannot save filters."), details={"list_name": list_name})
    name = " ".join((name or "").split())[:100]
    if not name:
        message = _("Give the filter a name.")
        raise ValidationFailed(message, details={"name": str(message)})
    saved, created = SavedFilter.objects.update_or_create(
        owner=actor, list_name=list_name, name=name, defaults={"query": _clean_query(query)}
    )
    audit_record(
        actor=actor,
        action="core.saved_filter.created" if created else "core.saved_filter.updated",
        target=saved,
        changes={"after": {"list": list_name, "name": name, "query": saved.query}},
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: Any, saved: SavedFilter) -> None:
    if saved.owner_id != getattr(actor, "pk", None):
        raise Forbidden()
    audit_record(
        actor=actor,
        action="core.saved_filter.deleted",
        target=saved,
        changes={"before": {"list": saved.list_name, "name": saved.name, "query": saved.query}},
    )
    saved.delete()
