"""The report pages of the statistics: the list of reports, any registered report with its period form,
its tables, a chart and the exports (CSV, XLSX, PDF; a large one is built in the background), issuing a
report and the issued reports, each rebuilt from its stored parameters and compared by its checksum."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from eprok.audit.services import audit_record
from eprok.core.charts import Bar, bar_chart
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError

from . import access, exports, reports, tables
from .forms import ReportPeriodForm
from .models import IssuedReport
from .reports import ReportSpec
from .reports.collegium import ParamsError
from .reports.issuing import issued_get, issued_list, issued_reproduce, report_issue
from .selectors import PeriodError
from .tables import Report, Table

FORM_FIELDS = ("start", "end", "unit", "as_of")
IGNORED = ("fmt", "page", "csrfmiddlewaretoken")
DEFAULT_INTERACTIVE_ROWS = 5000
CHART_BARS = 40
MISMATCH = _lazy(
    "Warning: the figures rebuilt now differ from the issued report (its checksum does not match); "
    "the cards it counted have changed, or your statistics scope differs from the issuer's."
)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200, help_page: str = "stats"
) -> HttpResponse:
    return render(request, template, {"help_page": help_page, **context}, status=status)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"status": 400, "message": message}, status=400)


def _spec(code: str) -> ReportSpec:
    spec = reports.get(code)
    if spec is None:
        raise Http404()
    return spec


# --- showing a report -----------------------------------------------------------------------------------


def shown(value: Any, kind: str) -> str:
    """A cell as the page writes it: numbers in the active locale, a dash for no figure."""
    if value is None:
        return "" if kind == "text" else "—"
    if kind == "text" or isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal | float):
        text = number_format(value, decimal_pos=2 if kind == "rate" else 1, use_l10n=True)
    else:
        text = number_format(int(value), use_l10n=True, force_grouping=True)
    return f"{text}%" if kind == "pct" else text


def display_tables(report: Report) -> list[dict[str, Any]]:
    """The report's tables with every cell written for the page (numbers in the active locale)."""
    return tables.display_tables(report, write=shown)


def has_figures(report: Report) -> bool:
    """Some figure of the report is not zero (an empty period shows a message instead of tables)."""
    for table in report.tables:
        for row in table.rows:
            for column in table.columns:
                value = row.cells.get(column.key)
                if column.numeric and value not in (None, 0) and not isinstance(value, str):
                    return True
    return False


def _chart_table(report: Report) -> Table | None:
    """The "by unit" table, else the first table with a label column and a count column."""
    candidates = sorted(report.tables, key=lambda table: table.key != "units")
    for table in candidates:
        labelled = bool(table.columns) and table.columns[0].kind == "text"
        counted = any(column.kind == "int" for column in table.columns)
        if labelled and counted and any(not row.total for row in table.rows):
            return table
    return None


def chart(report: Report) -> Any:
    table = _chart_table(report)
    if table is None:
        return ""
    label, value = table.columns[0], next(c for c in table.columns if c.kind == "int")
    bars = [
        Bar(label=str(row.cells.get(label.key) or ""), value=int(row.cells.get(value.key) or 0))
        for row in table.rows
        if not row.total
    ][:CHART_BARS]
    if not any(bar.value for bar in bars):
        return ""
    return bar_chart(bars, title=f"{table.title}: {value.label}", dom_id=f"chart-{table.key}")


def _request_params(request: HttpRequest, form: ReportPeriodForm | None = None) -> dict[str, Any]:
    """The report's parameters: the form's (normalised) and the report's own keys from the query."""
    params = {
        key: value
        for key, value in request.GET.items()
        if key not in IGNORED and key not in FORM_FIELDS and value != ""
    }
    data = form.cleaned_data if form is not None else {}
    if data.get("start"):
        params["start"] = data["start"].isoformat()
    if data.get("end"):
        params["end"] = data["end"].isoformat()
    if data.get("unit"):
        params["unit"] = data["unit"].code
    if data.get("as_of"):
        params["as_of"] = data["as_of"].isoformat()
    return params


def _check_unit(request: HttpRequest) -> None:
    """A unit outside the scope answers 404 (audited), not a form error."""
    code = request.GET.get("unit")
    if code:
        access.unit_for(request.user, code)


def _form(request: HttpRequest) -> ReportPeriodForm:
    user = request.user
    units = access.units_in_scope(user).order_by("path")
    tops = access.top_units(user)
    today = timezone.localdate()
    initial = {"start": today.replace(month=1, day=1), "end": today, "unit": tops[0].code if tops else None}
    bound = any(key in request.GET for key in FORM_FIELDS)
    return ReportPeriodForm(request.GET if bound else None, units=units, initial=initial)


def _build(
    request: HttpRequest, code: str
) -> tuple[ReportSpec, ReportPeriodForm, dict[str, Any], Report | None]:
    """The spec, the form, the parameters and the report (None when the form has errors)."""
    access.require_view(request.user, action="report", target=code)
    spec = _spec(code)
    _check_unit(request)
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return spec, form, {}, None
    params = _request_params(request, form if form.is_bound else None)
    try:
        report = spec.build(request.user, params)
    except (ParamsError, PeriodError, ValueError) as exc:
        form.add_error(None, str(exc))
        return spec, form, params, None
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        form.add_error(None, str(exc.message))
        return spec, form, params, None
    return spec, form, params, report


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user, action="home")
    return _page(request, "stats/home.html", {"reports": reports.all_reports()})


@staff_view
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    spec, form, params, report = _build(request, code)
    extra = {key: value for key, value in params.items() if key not in FORM_FIELDS}
    context: dict[str, Any] = {
        "spec": spec,
        "form": form,
        "report": report,
        "params": params,
        "extra_params": extra,
    }
    if report is not None:
        context.update(
            tables=display_tables(report),
            has_figures=has_figures(report),
            chart=chart(report),
            query=_query(report.params or params),
        )
    return _page(request, "stats/report.html", context, help_page=spec.help_page)


def _query(params: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


@staff_view
def report_export(request: HttpRequest, code: str) -> HttpResponse:
    access.require_view(request.user, action="export", target=code)
    spec = _spec(code)
    fmt = request.GET.get("fmt", "")
    if fmt not in exports.FORMATS:
        return _bad_request(request, _("Unknown export format; choose XLSX, CSV or PDF."))
    _check_unit(request)
    form = _form(request)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return _bad_request(request, errors)
    params = _request_params(request, form if form.is_bound else None)
    user = request.user
    try:
        limit = int(getattr(settings, "EPROK_STATS_INTERACTIVE_ROWS", DEFAULT_INTERACTIVE_ROWS))
        if spec.estimate is not None and spec.estimate(user, params) > limit:
            from .jobs import export_request

            job = export_request(user=user, code=code, params=params, fmt=fmt)
            _audit_export(user, code, params, fmt, background=True)
            return redirect(f"/stats/exports/{job.public_id}/")
        report = spec.build(user, params)
    except (ParamsError, PeriodError, ValueError) as exc:
        return _bad_request(request, str(exc))
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        return _bad_request(request, str(exc.message))
    _audit_export(user, code, report.params or params, fmt)
    return exports.report_response(report, fmt)


def _audit_export(
    user: Any, code: str, params: dict[str, Any], fmt: str, *, number: str = "", background: bool = False
) -> None:
    data: dict[str, Any] = {"code": code, "params": params, "fmt": fmt}
    if number:
        data["number"] = number
    if background:
        data["background"] = True
    audit_record(
        actor=user,
        action="stats.report.exported",
        target_type="stats.report",
        target_id=code,
        target_repr=number or code,
        data=data,
    )


@staff_view
@require_POST
def report_issue_view(request: HttpRequest, code: str) -> HttpResponse:
    access.require_view(request.user, action="issue", target=code)
    _spec(code)
    params = {key: value for key, value in request.POST.items() if key not in IGNORED and value != ""}
    params.pop("as_of", None)  # an issued report takes its figures as they stand now
    try:
        issued = report_issue(request.user, code, params)
    except (ParamsError, PeriodError, ValueError) as exc:
        return _bad_request(request, str(exc))
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        return _bad_request(request, str(exc.message))
    messages.success(request, _("Report %(number)s is issued.") % {"number": issued.number})
    return redirect("stats:issued", public_id=issued.public_id)


# --- issued reports -------------------------------------------------------------------------------------


@staff_view
def issued_list_view(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    page = Paginator(issued_list(request.user), 50).get_page(request.GET.get("page"))
    titles = {spec.code: spec.title for spec in reports.all_reports()}
    rows = [(issued, titles.get(issued.report, issued.report)) for issued in page.object_list]
    return _page(request, "stats/issued_list.html", {"page": page, "rows": rows})


def _issued_context(request: HttpRequest, issued: IssuedReport) -> dict[str, Any]:
    reproduction = issued_reproduce(request.user, issued)
    report = reproduction.report
    return {
        "issued": issued,
        "reproduction": reproduction,
        "report": report,
        "tables": display_tables(report),
        "has_figures": has_figures(report),
        "chart": chart(report),
        "mismatch_text": MISMATCH,
    }


@staff_view
def issued_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    issued = issued_get(request.user, public_id)
    spec = reports.get(issued.report)
    context = _issued_context(request, issued)
    return _page(request, "stats/issued.html", context, help_page=spec.help_page if spec else "stats")


@staff_view
def issued_export(request: HttpRequest, public_id: str) -> HttpResponse:
    issued = issued_get(request.user, public_id)
    fmt = request.GET.get("fmt", "")
    if fmt not in exports.FORMATS:
        return _bad_request(request, _("Unknown export format; choose XLSX, CSV or PDF."))
    reproduction = issued_reproduce(request.user, issued)
    _audit_export(request.user, issued.report, issued.params, fmt, number=issued.number)
    if not reproduction.matches:
        reproduction.report.notes.append(MISMATCH)
    return exports.report_response(
        reproduction.report, fmt, number=issued.number, checksum=issued.figures_sha256
    )
