"""The search page: one box over every record type, with facets, snippets and pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from eprok.search import services
from eprok.search.forms import SearchForm
from eprok.search.selectors import SearchResults, search

HELP = {"help_page": "search"}


def _link(query: QueryDict, key: str, value: str | None, *, toggle: bool = False) -> str:
    """The current query with `key` set to `value` (removed when None; toggled in a list)."""
    changed = query.copy()
    changed.pop("page", None)
    if toggle and value is not None:
        values = changed.getlist(key)
        values = [v for v in values if v != value] if value in values else [*values, value]
        changed.setlist(key, values)
    elif value is None:
        changed.pop(key, None)
    else:
        changed[key] = value
    return "?" + changed.urlencode()


def _decorate(request: HttpRequest, results: SearchResults) -> dict[str, Any]:
    """Facet links and the previous/next page links for the template."""
    query = request.GET
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, values in results.facets.items():
        key = name
        facets[name] = [
            {
                "label": v.label,
                "count": v.count,
                "selected": v.selected,
                "url": _link(query, key, v.value, toggle=True)
                if name == "type"
                else _link(query, key, None if v.selected else v.value),
            }
            for v in values
        ]
    pages: dict[str, str] = {}
    for label, number in (("previous", results.page - 1), ("next", results.page + 1)):
        if 1 <= number <= results.pages:
            changed = query.copy()
            changed["page"] = str(number)
            pages[label] = "?" + changed.urlencode()
    return {"facet_links": facets, "page_links": pages}


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: SearchResults | None = None
    context: dict[str, Any] = {**HELP, "form": form}
    if form.is_bound and form.is_valid():
        params = form.params()
        results = search(user=request.user, params=params)
        if results.searched:
            services.search_record(actor=request.user, params=params, results=results)
        context.update(_decorate(request, results))
    context["results"] = results
    context["clear_url"] = "?" + QueryDict(mutable=True).urlencode()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("q"):
        keep = QueryDict(mutable=True)
        keep["q"] = form.cleaned_data["q"]
        context["clear_url"] = "?" + keep.urlencode()
    return render(request, "search/page.html", context)
