"""The register of cases with its filters and exports, and the unit head's dashboard."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eprok.core.access import deny
from eprok.core.exports import table_response
from eprok.core.saved_filters import saved_filters
from eprok.org.models import Unit

from .. import access, selectors, services
from ..forms import CaseFilterForm
from ._common import cases_view, render_page, require_register_role

PAGE_SIZE = 50
SORTABLE = ("number", "opened", "due", "status", "investigator")


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the direction) and its aria-sort."""
    links = {}
    for column in SORTABLE:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{column}" if current == column else column
        state = "ascending" if current == column else "descending" if current == f"-{column}" else "none"
        links[column] = {"url": "?" + query.urlencode(), "aria": state}
    return links


LIST_NAME = "cases:list"


@cases_view
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    require_register_role(request, "list")
    form = CaseFilterForm(request.GET or None)
    filters = form.to_filter()
    cases = selectors.case_list(user=request.user, filters=filters, fields=selectors.PAGE_FIELDS)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_links": _sort_links(request, filters.sort),
        "now": timezone.now(),
        "can_dashboard": access.can_see_dashboard(request.user),
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
    }
    if request.headers.get("HX-Request") != "true":
        context["saved"] = saved_filters(user=request.user, list_name=LIST_NAME)
        context["list_name"] = LIST_NAME
    template = "cases/_results.html" if request.headers.get("HX-Request") == "true" else "cases/list.html"
    return render_page(request, template, context)


def _header() -> list[str]:
    return [
        _("Number"),
        _("Opened at"),
        _("Status"),
        _("Articles"),
        _("Gravity"),
        _("Unit"),
        _("Investigator in charge"),
        _("Supervising prosecutor"),
        _("Investigation due"),
        _("Next term runs out at"),
        _("Someone in custody"),
    ]


@cases_view
@require_GET
def case_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require_register_role(request, "export")
    filters = CaseFilterForm(request.GET or None).to_filter()
    services.case_record_export(
        actor=request.user, filters=filters.as_data(), fmt=fmt, max_rows=selectors.EXPORT_MAX_ROWS
    )
    rows = selectors.case_export_rows(user=request.user, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return table_response(
        fmt=fmt,
        filename=f"criminal-cases-{stamp}",
        sheet_title=_("Criminal cases"),
        header=_header(),
        rows=rows,
    )


@cases_view
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Workload per investigator and overdue terms, for holders of "Supervise investigations"."""
    if not access.can_see_dashboard(request.user):
        deny(
            request.user,
            action="cases.dashboard.open",
            target_type="cases.dashboard",
            target_key="unit",
            visible=True,
        )
    units = selectors.units_where(user=request.user, roles=("supervise",))
    code = request.GET.get("unit", "")
    unit: Unit | None = next((u for u in units if u.code == code), None) if code else None
    data = selectors.dashboard(user=request.user, unit=unit)
    return render_page(request, "cases/dashboard.html", {**data, "units": units, "unit": unit})
