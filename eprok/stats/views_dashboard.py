"""The statistics dashboard, the drill-down from the country to the underlying records, and the crime map.

Each page: 404 (audited) without "View statistics"; a unit outside the scope answers 404 (audited); a bad
parameter (an inverted period, an unknown fact or region) is shown as a form error with status 400; the
figures come from `eprok.stats.dashboard` over the user's scope only; a list of underlying records is
audited. Charts and the map always come with the same figures in a table.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core import geo
from eprok.core.charts import Bar, column_chart
from eprok.core.decorators import staff_view
from eprok.core.errors import form_apply_error

from . import access, dashboard
from .dashboard import Query, QueryError
from .exports import FORMATS
from .models import CardKind
from .reports.drill import CODE as RECORDS
from .reports.drill import audit_listed

HELP = {"help_page": "stats-dashboard"}
PAGE_SIZE = 50
DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d")
SELECT = forms.Select(attrs={"class": "usa-select"})


# --- forms (they show the parameters; `dashboard.parse_query` validates them) ---------------------------


def _region_choices() -> list[tuple[str, str]]:
    found = [(region.code, region.name) for region in geo.regions()]
    found += [(group.code, group.name) for group in geo.region_groups()]
    return [("", _("All regions")), *sorted(found, key=lambda choice: choice[1])]


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Fact"), choices=CardKind.choices, required=False, widget=SELECT
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_INPUT)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False, widget=SELECT)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False, widget=SELECT)
    measure = forms.ChoiceField(
        label=gettext_lazy("Measure"),
        choices=[("count", gettext_lazy("Count")), ("rate", gettext_lazy("Rate per 10,000 residents"))],
        required=False,
        widget=SELECT,
    )

    def __init__(self, *args: Any, fields: tuple[str, ...], units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "region" in self.fields:
            self.fields["region"].choices = _region_choices()  # type: ignore[attr-defined]
        if "unit" in self.fields:
            self.fields["unit"].choices = [  # type: ignore[attr-defined]
                ("", _("All units in your scope")),
                *[(unit.code, unit.name) for unit in units or ()],
            ]


def _form(request: HttpRequest, fields: tuple[str, ...], query: Query | None, **kwargs: Any) -> FilterForm:
    initial = {}
    if query is not None:
        initial = {
            "kind": query.kind,
            "start": query.start,
            "end": query.end,
            "region": query.region,
            "unit": query.unit.code if query.unit else "",
            "measure": query.measure,
        }
    data = request.GET if any(name in request.GET for name in fields) else None
    return FilterForm(data, fields=fields, initial=initial, **kwargs)


def _parse(request: HttpRequest, fields: tuple[str, ...], **kwargs: Any) -> tuple[Query | None, FilterForm]:
    """The query (None with a bad parameter, then on the form as an error) and the form to show."""
    access.require_view(request.user)
    try:
        query = dashboard.parse_query(request.user, request.GET)
    except QueryError as exc:
        form = _form(request, fields, None, **kwargs)
        form.is_valid()
        form_apply_error(form, exc)
        return None, form
    return query, _form(request, fields, query, **kwargs)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _qs(params: dict[str, str]) -> str:
    return urlencode(params)


def drill_url(params: dict[str, str]) -> str:
    return reverse("stats:drill") + ("?" + _qs(params) if params else "")


def report_url(name: str, code: str, params: dict[str, str]) -> str:
    """A URL of the report pages (another part of the app); the plain path if they are not mounted."""
    try:
        base = reverse(f"stats:{name}", args=[code])
    except NoReverseMatch:
        base = f"/stats/reports/{code}/" + ("export/" if name == "report_export" else "")
    return base + ("?" + _qs(params) if params else "")


# --- the dashboard ------------------------------------------------------------------------------------------

DASHBOARD_FIELDS = ("unit", "region")


def _month(day: Any) -> str:
    return formats.date_format(day, "m.Y")


@staff_view
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = access.units_in_scope(user).order_by("path") if access.can_view(user) else []
    query, form = _parse(request, DASHBOARD_FIELDS, units=units)
    if query is None:
        return _page(request, "stats/dashboard.html", {"form": form, "board": None}, status=400)
    unit = query.unit
    if unit is None:
        tops = access.top_units(user)
        unit = tops[0] if len(tops) == 1 else None
    board = dashboard.dashboard(user, unit=unit, region=query.region)
    scope = {"unit": unit.code} if unit else {}
    if query.region:
        scope["region"] = query.region
    period = {"start": board.start.isoformat(), "end": board.end.isoformat()}
    charts = [
        {
            "label": series.label,
            "svg": column_chart(
                [Bar(_month(month), count) for month, count in series.points],
                title=str(series.label),
                line=i % 2 == 1,
                dom_id=f"trend-{series.kind}",
            ),
        }
        for i, series in enumerate(board.series)
    ]
    tiles = [
        {
            "indicator": indicator,
            "url": drill_url({**scope, **period, "kind": indicator.drill_kind})
            if indicator.drill_kind
            else "",
        }
        for indicator in board.indicators
    ]
    return _page(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "board": board,
            "unit": unit,
            "region_name": dashboard.region_label(query.region) if query.region else "",
            "tiles": tiles,
            "charts": charts,
            "map_url": reverse("stats:map") + "?" + _qs(period),
            "drill_url": drill_url({**scope, **period}),
            "collegium_url": report_url("report", "collegium", {"unit": unit.code} if unit else {}),
        },
    )


# --- the drill-down -----------------------------------------------------------------------------------------

DRILL_FIELDS = ("kind", "start", "end")


@staff_view
def drill_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    query, form = _parse(request, DRILL_FIELDS)
    hidden = {key: request.GET.get(key, "") for key in ("region", "unit", "records") if request.GET.get(key)}
    if query is None:
        return _page(request, "stats/drill.html", {"form": form, "level": None, "hidden": hidden}, status=400)
    if query.records:
        return _records(request, query, form, hidden)
    level = dashboard.drill(user, query)
    rows = []
    for row in level.rows:
        target = ""
        if row.region:
            target = drill_url(query.params(region=row.region, unit=""))
        elif row.unit:
            target = drill_url(query.params(unit=row.unit))
        rows.append({"row": row, "url": target})
    context = {
        "form": form,
        "hidden": hidden,
        "query": query,
        "level": level,
        "rows": rows,
        "crumbs": [(crumb.label, drill_url(crumb.params)) for crumb in level.crumbs],
        "records_url": drill_url(query.params(records=1)) if query.unit else "",
        "map_url": reverse("stats:map") + "?" + _qs(query.params(region="", unit="")),
    }
    return _page(request, "stats/drill.html", context)


def _records(request: HttpRequest, query: Query, form: FilterForm, hidden: dict[str, str]) -> HttpResponse:
    user = request.user
    level = dashboard.DrillLevel(query, "records", [], 0, dashboard.crumbs(user, query))
    page = Paginator(dashboard.record_cards(user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = list(page.object_list)
    links = dashboard.record_links(user, cards)
    audit_listed(user, query, count=len(cards), purpose="drill")
    rows = [{"card": card, "url": links.get((card.subject_type, card.subject_id), "")} for card in cards]
    params = query.params(records=1)
    crumbs = [(crumb.label, drill_url(crumb.params)) for crumb in level.crumbs]
    crumbs.append((_("Records"), ""))
    return _page(
        request,
        "stats/drill.html",
        {
            "form": form,
            "hidden": hidden,
            "query": query,
            "level": level,
            "page": page,
            "records": rows,
            "pager_query": _qs(params),
            "crumbs": crumbs,
            "exports": [
                (fmt.upper(), report_url("report_export", RECORDS, {**query.params(), "fmt": fmt}))
                for fmt in FORMATS
                if fmt in ("csv", "xlsx")
            ],
        },
    )


# --- the crime map ----------------------------------------------------------------------------------------

MAP_FIELDS = ("kind", "start", "end", "measure")


@staff_view
def map_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    query, form = _parse(request, MAP_FIELDS)
    if query is None:
        return _page(request, "stats/map.html", {"form": form, "result": None}, status=400)
    result = dashboard.crime_map(user, query)
    values = result.values()
    rate = query.measure == "rate"
    base = query.params(region="", unit="")

    def link_for(code: str) -> str:
        return drill_url({**base, "region": code})

    svg = geo.render_map(
        values=values,
        title=_("%(fact)s by region") % {"fact": query.kind_label},
        value_label=_("Rate per 10,000 residents") if rate else _("Count"),
        link_for=link_for,
        missing_is_zero=not rate,
        decimals=2 if rate else None,
    )
    rows = sorted(
        (figure for figure in result.figures if figure.count),
        key=lambda figure: (-(figure.rate or 0) if rate else -figure.count, figure.name),
    )
    toggle = {
        measure: reverse("stats:map") + "?" + _qs({**base, "measure": measure})
        for measure in dashboard.MEASURES
    }
    return _page(
        request,
        "stats/map.html",
        {
            "form": form,
            "query": query,
            "result": result,
            "svg": svg,
            "legend": geo.map_legend(values, decimals=2 if rate else None) if values else [],
            "rows": [{"figure": figure, "url": link_for(figure.code)} for figure in rows],
            "rate": rate,
            "toggle": toggle,
            "drill_url": drill_url(base),
        },
    )
