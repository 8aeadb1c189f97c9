"""API operation of the search (mounted in eprok.core.api at /api/v1/search).

One operation, the same selector as the search page: hits are filtered by the caller's access before
they are counted or faceted, and every search is audited (without the query text, see
docs/decisions/0015-search.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, require_scope
from eprok.core.pagination import MAX_LIMIT, PageParams
from eprok.search import forms, services
from eprok.search.selectors import search

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field("", max_length=forms.MAX_QUERY, description="Names in any spelling, numbers or words.")
    type: list[str] = Field(
        default_factory=list,
        description="Record types to keep (repeatable): cases.case, materials.material, appeals.appeal, "
        "persons.person, documents.document.",
    )
    unit: str = Field("", max_length=64, description="A unit's code.")
    status: str = Field("", max_length=40, description="A status value, as in the `status` facet.")
    article: str = Field("", max_length=24, description="A Criminal Code article (178 includes 178.1).")
    date_from: datetime.date | None = Field(None, description="The record's date, from (YYYY-MM-DD).")
    date_to: datetime.date | None = Field(None, description="The record's date, to (YYYY-MM-DD).")


class HitOut(Schema):
    type: str = Field(..., description="The record type (label).")
    type_name: str
    key: str = Field(..., description="The record's number or public id.")
    url: str
    title_html: str = Field(..., description="The title, HTML-escaped, matches in <mark>.")
    snippet_html: str = Field(
        ..., description="Text around the first match, HTML-escaped, matches in <mark>."
    )
    status: str
    status_label: str
    date: datetime.date | None
    unit: str


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    items: list[HitOut]
    count: int = Field(..., ge=0, description="Matches the caller may open (at most the candidate bound).")
    limit: int
    offset: int
    capped: bool = Field(
        ..., description="True when only the newest matches were counted (narrow the search)."
    )
    facets: dict[str, list[FacetOut]]


@router.get(
    "",
    response={200: SearchOut, **ERRORS},
    summary="Search all records",
    description=(
        "Crime reports, criminal cases, appeals, persons and documents (with their extracted text) the "
        "caller may open, matching `q`: names in any spelling (Azerbaijani, passport Latin, Russian, "
        "Cyrillic), FINs, register and case numbers and phone numbers exactly, other words by prefix. "
        "Counts and facets cover only what the caller may open. Newest first. Each call is audited."
    ),
)
def search_run(request: HttpRequest, page: Query[PageParams], filters: Query[SearchIn]) -> Any:
    require_scope(request, Scope.READ)
    data: dict[str, Any] = {
        "q": filters.q,
        "unit": filters.unit,
        "status": filters.status,
        "article": filters.article,
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
    }
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query[key] = value
    query.setlist("type", filters.type)
    params = forms.parse(query)
    limit = max(1, min(page.limit, MAX_LIMIT))
    results = search(user=request.user, params=params, offset=page.offset, limit=limit)
    if results.searched:
        services.search_record(actor=request.user, params=params, results=results, channel="api")
    return {
        "items": [
            {
                "type": hit.label,
                "type_name": hit.type_name,
                "key": hit.key,
                "url": hit.url,
                "title_html": str(hit.title),
                "snippet_html": str(hit.snippet),
                "status": hit.status,
                "status_label": hit.status_label,
                "date": hit.date,
                "unit": hit.unit_name,
            }
            for hit in results.hits
        ],
        "count": results.total,
        "limit": limit,
        "offset": page.offset,
        "capped": results.capped,
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values
            ]
            for name, values in results.facets.items()
        },
    }
