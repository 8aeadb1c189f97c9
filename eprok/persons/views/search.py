"""Searching the registry: the search page (htmx results), its CSV and XLSX exports, and the picker
other modules embed in their "add a party" forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eprok.core.exports import table_response
from eprok.persons import access, selectors, services
from eprok.persons.forms import (
    PersonFilterForm,
)
from eprok.persons.models import Person
from eprok.persons.validators import mask_fin
from eprok.persons.views.common import (
    PAGE_SIZE,
    PICK_LIMIT,
    is_htmx,
    persons_view,
    render_page,
    safe_next,
)

# --- search ----------------------------------------------------------------------------------------


@dataclass
class SortColumn:
    label: str
    key: str
    url: str
    aria_sort: str


def _sort_columns(request: HttpRequest, current: str) -> list[SortColumn]:
    query = request.GET.copy()
    query.pop("page", None)
    columns = []
    for key, label in (("name", _("Name")), ("birth_date", _("Date of birth")), ("created", _("Registered"))):
        next_sort = f"-{key}" if current == key else key
        query["sort"] = next_sort
        aria = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        columns.append(SortColumn(label=label, key=key, url=f"?{query.urlencode()}", aria_sort=aria))
    return columns


@persons_view
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    access.require_registry(request.user, "search")
    form = PersonFilterForm(request.GET or None)
    filters = form.to_filters()
    results = selectors.person_list(user=request.user, filters=filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [(p, mask_fin(p.fin)) for p in page.object_list],
        "query": query.urlencode(),
        "columns": _sort_columns(request, filters.sort),
        "can_create": access.can_edit_registry(request.user),
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
    }
    template = "persons/_results.html" if is_htmx(request) else "persons/search.html"
    return render_page(request, template, context)


def _export_header() -> list[str]:
    return [
        _("Identifier"),
        _("Kind"),
        _("Name"),
        _("Date of birth"),
        _("FIN"),
        _("VÖEN"),
        _("Citizenship"),
        _("Registered"),
    ]


def _export_row(person: Person) -> list[Any]:
    return [
        str(person.public_id),
        person.get_kind_display(),
        person.display_name,
        person.birth_date.isoformat() if person.birth_date else "",
        person.fin or "",
        person.voen or "",
        person.citizenship,
        timezone.localtime(person.created_at).strftime("%Y-%m-%d %H:%M"),
    ]


def _export_filters(request: HttpRequest, file_format: str) -> selectors.PersonFilters:
    access.require_registry(request.user, "export")
    filters = PersonFilterForm(request.GET or None).to_filters()
    services.person_record_export(
        actor=request.user,
        filters=filters.as_data(),
        max_rows=selectors.EXPORT_MAX_ROWS,
        file_format=file_format,
    )
    return filters


def _filename() -> str:
    return f"persons-{timezone.localtime().strftime('%Y%m%d-%H%M')}"


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    filters = _export_filters(request, fmt)
    rows = selectors.person_export_rows(user=request.user, filters=filters)
    return table_response(
        fmt=fmt,
        filename=_filename(),
        sheet_title=_("Persons"),
        header=_export_header(),
        rows=(_export_row(person) for person in rows),
    )


@persons_view
@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@persons_view
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "xlsx")


# --- the picker (embedded by materials, cases and other modules) -----------------------------------


@persons_view
@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """An htmx fragment: radio inputs name="person" for the persons matching ?q=."""
    access.require_registry(request.user, "search")
    q = (request.GET.get("q") or "").strip()[:200]
    found = selectors.person_search(user=request.user, q=q, limit=PICK_LIMIT) if q else []
    next_url = safe_next(request, request.GET.get("next"))
    create_url = ""
    if access.can_edit_registry(request.user):
        create_url = reverse("persons:create") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return render_page(
        request,
        "persons/_pick.html",
        {
            "q": q,
            "choices": [(p, mask_fin(p.fin)) for p in found],
            "create_url": create_url,
            "limit": PICK_LIMIT,
        },
    )
