"""The training analysis pages (hours per employee and per unit, coverage of the mandatory areas, trainer
load, evaluation scores), each with its period/unit/area filter, a table, a chart and exports to XLSX and
CSV; and the export of the event list. Administrators of training see the whole service, a unit's head
the unit's subtree; anyone else gets 404."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from eprok.core.access import deny
from eprok.core.charts import Bar, bar_chart, column_chart
from eprok.core.errors import NotFound
from eprok.core.exports import FORMATS, table_response
from eprok.org.models import Unit
from eprok.training import access, analysis, selectors
from eprok.training.forms import DateInput, EventFilterForm, StyledForm
from eprok.training.models import ThematicArea

HELP = {"help_page": "training"}
PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
CHART_BARS = 15  # the longest tables are charted by their first rows (the table has them all)
TARGET_TYPE = "training.analysis"

Handler = Callable[..., HttpResponseBase]


class AnalysisFilterForm(StyledForm):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DateInput)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=gettext_lazy("Any"),
    )
    include_subunits = forms.BooleanField(label=gettext_lazy("With its sub-units"), required=False)
    area = forms.ModelChoiceField(
        label=gettext_lazy("Thematic area"),
        required=False,
        queryset=ThematicArea.objects.all(),
        empty_label=gettext_lazy("Any"),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def to_filters(self) -> analysis.AnalysisFilters:
        """The filters, the current year up to today by default (or when the form is invalid)."""
        default = analysis.AnalysisFilters.default()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        unit = data.get("unit")
        return analysis.AnalysisFilters(
            date_from=data.get("date_from") or default.date_from,
            date_to=data.get("date_to") or default.date_to,
            unit=unit,
            # Unit chosen: its sub-units only when asked; no unit: the whole scope.
            include_subunits=bool(data.get("include_subunits")) if unit is not None else True,
            area=data.get("area"),
        )


def analysis_view(view: Handler) -> Handler:
    """Sign-in required; the user's scope (404 without one) and the parsed filters go to the view."""

    @login_required
    @require_GET
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            scope = analysis.scope_for(request.user)
            if scope is None:
                deny(request.user, action="training.analysis.open", target_type=TARGET_TYPE, target_key="",
                     visible=False)  # fmt: skip
            units = (scope.units if scope.units is not None else Unit.objects.all()).filter(is_active=True)
            default = analysis.AnalysisFilters.default()
            form = AnalysisFilterForm(
                request.GET or None,
                units=units.order_by("path"),
                initial={"date_from": default.date_from, "date_to": default.date_to},
            )
            return view(request, scope, form, form.to_filters(), *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**HELP, "query": _query(request), **context})


def _period(filters: analysis.AnalysisFilters) -> str:
    start, end = (date_format(day, "SHORT_DATE_FORMAT") for day in (filters.date_from, filters.date_to))
    return f"{start} \N{EN DASH} {end}"


def _export(
    request: HttpRequest,
    *,
    fmt: str,
    table: str,
    title: str,
    header: list[Any],
    rows: Any,
    filters: dict[str, Any],
) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404
    analysis.export_record(actor=request.user, table=table, fmt=fmt, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return table_response(
        fmt=fmt,
        filename=f"training-{table.replace('_', '-')}-{stamp}",
        sheet_title=title,
        header=header,
        rows=rows,
    )


# --- hours per employee -----------------------------------------------------------------------------------


def _employee_header() -> list[Any]:
    return [_("Employee"), _("Unit"), _("Position"), _("Events attended"), _("Academic hours")]


@analysis_view
def employees(
    request: HttpRequest, scope: analysis.Scope, form: AnalysisFilterForm, filters: Any
) -> HttpResponse:
    rows = analysis.hours_per_employee(scope=scope, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    analysis.employees_read_record(actor=request.user, filters=filters.as_data(), page=page.number)
    chart = bar_chart(
        [Bar(row.employee.full_name, row.hours) for row in shown[:CHART_BARS] if row.employee],
        title=_("Academic hours per employee (this page's first rows)"),
    )
    return _page(
        request,
        "training/analysis_employees.html",
        {"form": form, "filters": filters, "period": _period(filters), "page": page, "chart": chart,
         "section": "employees"},
    )  # fmt: skip


@analysis_view
def employees_export(request: HttpRequest, scope: Any, form: Any, filters: Any, fmt: str) -> HttpResponseBase:
    rows = analysis.hours_per_employee(scope=scope, filters=filters)
    return _export(
        request, fmt=fmt, table="hours_per_employee", title=_("Hours per employee"),
        header=_employee_header(), rows=analysis.hours_per_employee_rows(rows), filters=filters.as_data(),
    )  # fmt: skip


# --- hours per unit ---------------------------------------------------------------------------------------


def _unit_header() -> list[Any]:
    return [_("Unit"), _("Employees"), _("Trained"), _("Academic hours"), _("Hours per employee")]


@analysis_view
def units(
    request: HttpRequest, scope: analysis.Scope, form: AnalysisFilterForm, filters: Any
) -> HttpResponse:
    rows = analysis.hours_per_unit(scope=scope, filters=filters)
    months = analysis.hours_by_month(scope=scope, filters=filters)
    ranked = sorted(rows, key=lambda row: row.average, reverse=True)[:CHART_BARS]
    return _page(
        request,
        "training/analysis_units.html",
        {
            "form": form,
            "filters": filters,
            "period": _period(filters),
            "rows": rows,
            "months": months,
            "section": "units",
            "chart": bar_chart(
                [Bar(row.unit.name, row.average) for row in ranked],
                title=_("Academic hours per employee, the units with the most"),
            ),
            "month_chart": column_chart(
                [Bar(month.strftime("%m.%Y"), hours) for month, hours in months],
                title=_("Academic hours attended by month"),
            ),
        },
    )


@analysis_view
def units_export(request: HttpRequest, scope: Any, form: Any, filters: Any, fmt: str) -> HttpResponseBase:
    rows = analysis.hours_per_unit(scope=scope, filters=filters)
    return _export(
        request, fmt=fmt, table="hours_per_unit", title=_("Hours per unit"), header=_unit_header(),
        rows=analysis.hours_per_unit_rows(rows), filters=filters.as_data(),
    )  # fmt: skip


# --- coverage ---------------------------------------------------------------------------------------------


@analysis_view
def coverage(
    request: HttpRequest, scope: analysis.Scope, form: AnalysisFilterForm, filters: Any
) -> HttpResponse:
    data = analysis.coverage(scope=scope, filters=filters)
    chart = bar_chart(
        [
            Bar(area.name, cell.percent, text=f"{cell.percent}%")
            for area, cell in zip(data.areas, data.total.cells, strict=True)
        ],
        title=_("Share of employees trained in each mandatory area"),
        max_value=100,
    )
    return _page(
        request,
        "training/analysis_coverage.html",
        {"form": form, "filters": filters, "period": _period(filters), "data": data, "chart": chart,
         "section": "coverage"},
    )  # fmt: skip


@analysis_view
def coverage_export(request: HttpRequest, scope: Any, form: Any, filters: Any, fmt: str) -> HttpResponseBase:
    data = analysis.coverage(scope=scope, filters=filters)
    return _export(
        request, fmt=fmt, table="coverage", title=_("Coverage of mandatory areas"),
        header=analysis.coverage_header(data.areas, _("Unit"), _("Employees")),
        rows=analysis.coverage_rows(data, _("Total")), filters=filters.as_data(),
    )  # fmt: skip


# --- trainer load -----------------------------------------------------------------------------------------


def _trainer_header() -> list[Any]:
    return [_("Trainer"), _("Kind of trainer"), _("Training events"), _("Academic hours")]


@analysis_view
def trainers(
    request: HttpRequest, scope: analysis.Scope, form: AnalysisFilterForm, filters: Any
) -> HttpResponse:
    rows = analysis.trainer_load(scope=scope, filters=filters)
    chart = bar_chart(
        [Bar(row.name, row.hours, css_class="" if row.internal else "eprok-chart__bar--alt")
         for row in rows[:CHART_BARS]],
        title=_("Academic hours taught, the trainers with the most"),
        desc=_("Employees in blue, external experts in green."),
    )  # fmt: skip
    return _page(
        request,
        "training/analysis_trainers.html",
        {"form": form, "filters": filters, "period": _period(filters), "rows": rows, "chart": chart,
         "section": "trainers"},
    )  # fmt: skip


@analysis_view
def trainers_export(request: HttpRequest, scope: Any, form: Any, filters: Any, fmt: str) -> HttpResponseBase:
    rows = analysis.trainer_load(scope=scope, filters=filters)
    return _export(
        request, fmt=fmt, table="trainer_load", title=_("Trainer load"), header=_trainer_header(),
        rows=analysis.trainer_load_rows(rows, _("Employee"), _("External expert")), filters=filters.as_data(),
    )  # fmt: skip


# --- evaluation scores ------------------------------------------------------------------------------------

SCORE_TABLES = ("area", "trainer", "event")


def _score_header(first: Any) -> list[Any]:
    content = pgettext_lazy("evaluation mark", "Content")
    return [first, _("Evaluations"), content, _("Trainers"), _("Organisation"), _("Usefulness"), _("Average")]


@analysis_view
def scores(
    request: HttpRequest, scope: analysis.Scope, form: AnalysisFilterForm, filters: Any
) -> HttpResponse:
    per_area = analysis.scores_per_area(scope=scope, filters=filters)
    per_trainer = analysis.scores_per_trainer(scope=scope, filters=filters)
    page = Paginator(analysis.scores_per_event(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    chart = bar_chart(
        [Bar(row.label, row.overall or 0, text=f"{row.overall:.2f}") for row in per_area if row.overall],
        title=_("Average mark per thematic area (1 to 5)"),
        max_value=5,
    )
    return _page(
        request,
        "training/analysis_scores.html",
        {
            "form": form,
            "filters": filters,
            "period": _period(filters),
            "per_area": per_area,
            "per_trainer": per_trainer,
            "page": page,
            "per_event": analysis.event_scores(page.object_list),
            "chart": chart,
            "section": "scores",
        },
    )


@analysis_view
def scores_export(
    request: HttpRequest, scope: Any, form: Any, filters: Any, table: str, fmt: str
) -> HttpResponseBase:
    if table == "area":
        rows, first = analysis.scores_per_area(scope=scope, filters=filters), _("Thematic area")
    elif table == "trainer":
        rows, first = analysis.scores_per_trainer(scope=scope, filters=filters), _("Trainer")
    elif table == "event":
        events = analysis.scores_per_event(scope=scope, filters=filters)[:EXPORT_MAX_ROWS]
        rows, first = analysis.event_scores(events), _("Event")
    else:
        raise Http404
    return _export(
        request, fmt=fmt, table=f"scores_per_{table}", title=_("Evaluation scores"),
        header=_score_header(first), rows=analysis.scores_rows(rows), filters=filters.as_data(),
    )  # fmt: skip


# --- the event list ---------------------------------------------------------------------------------------


def _event_header() -> list[Any]:
    return [
        _("Number"), _("Title"), _("Kind of event"), _("Thematic area"), _("Topic"), _("Organiser unit"),
        _("Starts at"), _("Ends at"), _("Format"), _("Academic hours"), _("Trainers"), _("Invited"),
        _("Present"), _("Status"),
    ]  # fmt: skip


@login_required
@require_GET
def event_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The base of events as filtered on its page, to XLSX or CSV (the users of the base; audited)."""
    if not access.uses_base(request.user) or fmt not in FORMATS:
        try:
            deny(request.user, action="training.base.export", target_type="training.base", target_key="",
                 visible=False)  # fmt: skip
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
    form = EventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.EventFilters.from_form(data)
    events = selectors.event_list(user=request.user, filters=filters)[:EXPORT_MAX_ROWS]
    return _export(
        request, fmt=fmt, table="event", title=_("Training events"), header=_event_header(),
        rows=selectors.event_export_rows(events), filters=filters.as_data(),
    )  # fmt: skip
