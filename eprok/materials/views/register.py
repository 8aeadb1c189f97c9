"""The register list with its filters, exports and saved filters; registration; the workload dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from eprok.core.access import deny
from eprok.core.errors import ApplicationError
from eprok.core.exports import table_response
from eprok.core.saved_filters import saved_filters
from eprok.materials import access, selectors, services
from eprok.materials.forms import (
    MaterialFilterForm,
    RegisterForm,
    default_received_at,
)
from eprok.materials.models import (
    Material,
    MaterialSource,
    MaterialStatus,
)
from eprok.materials.views.base import (
    PAGE_SIZE,
    _apply_error,
    _render,
    _require_register_role,
    materials_view,
)

LIST_NAME = "materials:list"

# --- the list, its exports and saved filters ---------------------------------------------------------


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the direction) and its aria-sort."""
    links = {}
    for column in ("number", "registered_at", "check_due"):
        query = request.GET.copy()
        query.pop("page", None)
        ascending = current == column
        query["sort"] = f"-{column}" if ascending else column
        state = "ascending" if current == column else "descending" if current == f"-{column}" else "none"
        links[column] = {"url": "?" + query.urlencode(), "aria": state}
    return links


@materials_view
@require_GET
def material_list(request: HttpRequest) -> HttpResponse:
    _require_register_role(request, "list")
    units = selectors.register_units(user=request.user)
    form = MaterialFilterForm(request.GET, units=units)
    filters = form.to_filter()
    materials = selectors.material_list(
        user=request.user, filters=filters, units=units, fields=selectors.PAGE_FIELDS
    )
    page = Paginator(materials, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_links": _sort_links(request, filters.sort),
        "today": timezone.localdate(),
        "can_register": access.can_register(request.user),
        "can_dashboard": access.can_read_unit_register(request.user),
        "list_name": LIST_NAME,
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
    }
    htmx = request.headers.get("HX-Request") == "true"
    if not htmx:
        context["saved"] = saved_filters(user=request.user, list_name=LIST_NAME)
    template = "materials/_results.html" if htmx else "materials/list.html"
    return _render(request, template, context)


def _export_header() -> list[str]:
    return [
        _("Number"),
        _("Unit"),
        _("Status"),
        _("Source"),
        _("Anonymous"),
        _("Received at"),
        _("Registered at"),
        _("Articles"),
        _("Assigned to"),
        _("Check due"),
        _("Decided at"),
        _("Criminal case"),
        _("Summary"),
    ]


def _export_values(row: tuple[Any, ...]) -> list[Any]:
    (
        number,
        unit,
        status,
        source,
        anonymous,
        received,
        registered,
        articles,
        last,
        first,
        due,
        decided,
        case_number,
        summary,
    ) = row

    def moment(value: Any) -> Any:
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    return [
        number,
        unit,
        str(MaterialStatus(status).label),
        str(MaterialSource(source).label),
        _("yes") if anonymous else _("no"),
        moment(received),
        moment(registered),
        articles,
        " ".join(p for p in (last, first) if p),
        due,
        moment(decided),
        case_number,
        summary,
    ]


@materials_view
@require_GET
def material_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _require_register_role(request, "export")
    filters = MaterialFilterForm(request.GET).to_filter()
    services.material_record_export(
        actor=request.user, filters=filters.as_data(), fmt=fmt, max_rows=selectors.EXPORT_MAX_ROWS
    )
    rows = selectors.material_export_rows(user=request.user, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return table_response(
        fmt=fmt,
        filename=f"crime-reports-{stamp}",
        sheet_title=_("Crime reports"),
        header=_export_header(),
        rows=(_export_values(row) for row in rows),
    )


# --- registration ------------------------------------------------------------------------------------


@materials_view
@require_http_methods(["GET", "POST"])
def material_register(request: HttpRequest) -> HttpResponse:
    if not access.can_register(request.user):
        deny(
            request.user,
            action="materials.material.register",
            target_type="materials.material",
            target_key="new",
            visible=True,
        )
    units = selectors.registration_units(user=request.user)
    unit = units[0] if len(units) == 1 else None
    wanted = request.POST.get("unit") or request.GET.get("unit")
    if wanted:
        unit = next((u for u in units if str(u.pk) == wanted or u.code == wanted), unit)
    assignees = selectors.assignee_choices(unit=unit) if unit else []
    initial: dict[str, Any] = {"received_at": default_received_at(), "unit": unit.pk if unit else None}
    origin = _transferred_origin(request)
    if origin is not None:
        initial.update(
            source=MaterialSource.TRANSFER,
            source_reference=origin.number,
            summary=origin.summary,
            incident_date=origin.incident_date,
            incident_place=origin.incident_place,
            articles=origin.articles,
            is_anonymous=origin.is_anonymous,
            unit=origin.transferred_to_unit_id,
        )
    form = RegisterForm(request.POST or None, units=units, assignees=assignees, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_register(request.user, data["unit"]):
            deny(
                request.user,
                action="materials.material.register",
                target_type="org.unit",
                target_key=data["unit"].code,
                visible=True,
            )
        try:
            material = services.material_register(
                actor=request.user,
                unit=data["unit"],
                source=data["source"],
                received_at=data["received_at"],
                summary=data["summary"],
                is_anonymous=data["is_anonymous"],
                source_reference=data["source_reference"],
                incident_date=data["incident_date"],
                incident_place=data["incident_place"],
                articles=data["articles"],
                assignee=data["assignee"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(
                request,
                _("The report was registered under number %(number)s. Print the receipt for the applicant.")
                % {"number": material.number},
            )
            return redirect(material.get_absolute_url())
    return _render(
        request,
        "materials/register.html",
        {"form": form, "origin": origin},
        status=422 if form.errors else 200,
    )


def _transferred_origin(request: HttpRequest) -> Material | None:
    """A report transferred to one of the user's units, to register it there (?from=<number>)."""
    number = request.GET.get("from")
    if not number:
        return None
    material = access.visible_to(request.user).filter(number=number[:40]).first()
    if (
        material is None
        or material.status != MaterialStatus.TRANSFERRED
        or material.transferred_to_unit is None
        or not access.can_register(request.user, material.transferred_to_unit)
    ):
        return None
    return material


# --- the dashboard -----------------------------------------------------------------------------------


@materials_view
@require_GET
def material_dashboard(request: HttpRequest) -> HttpResponse:
    if not access.can_read_unit_register(request.user):
        deny(
            request.user,
            action="materials.dashboard.view",
            target_type="materials.register",
            target_key="dashboard",
            visible=True,
        )
    units = selectors.dashboard_units(user=request.user)
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None)
    year_start = timezone.localdate().replace(month=1, day=1)
    board = selectors.material_dashboard(user=request.user, unit=unit, since=year_start)
    return _render(
        request,
        "materials/dashboard.html",
        {"board": board, "units": units, "unit": unit, "since": year_start, "today": timezone.localdate()},
    )
