"""Working calendar pages: the year with its holidays and overrides, the deadline rules, the calculator."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eprok.core.calendar import access, services, workdays
from eprok.core.calendar.deadlines import Extension, compute_deadline
from eprok.core.calendar.forms import CalculatorForm, CalendarDayForm
from eprok.core.errors import ApplicationError, NotFound
from eprok.core.models import CalendarDay, DeadlineRule

HELP = {"help_page": "calendar"}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def calendar_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; NotFound becomes the shell's 404 page."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def _year_page(
    request: HttpRequest, year: int, form: CalendarDayForm | None, status: int = 200
) -> HttpResponse:
    can_manage = access.can_manage_calendar(request.user)
    overrides = CalendarDay.objects.filter(date__year=year).select_related("created_by").order_by("date")
    return render(
        request,
        "core/calendar/year.html",
        {
            **HELP,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "days": workdays.notable_days(year),
            "overrides": overrides,
            "can_manage": can_manage,
            "form": form if can_manage else None,
        },
        status=status,
    )


@calendar_view
@require_GET
def calendar_year(request: HttpRequest) -> HttpResponse:
    return _year_page(request, _year(request), CalendarDayForm())


@calendar_view
@require_POST
def calendar_day_add(request: HttpRequest) -> HttpResponse:
    access.require_calendar_manager(request.user, action="core.calendar_day.create", key="new")
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            day = services.calendar_day_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            fields = {k: v for k, v in details.items() if k in form.fields}
            if fields:
                for name, message in fields.items():
                    form.add_error(name, str(message))
            else:
                form.add_error(
                    details.get("field") if details.get("field") in form.fields else None, str(exc.message)
                )
        else:
            messages.success(request, _("The calendar day was saved."))
            return redirect(f"{reverse('core:calendar')}?year={day.date.year}")
    year = form.cleaned_data["date"].year if form.cleaned_data.get("date") else timezone.localdate().year
    return _year_page(request, year, form, status=422)


@calendar_view
@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override = access.get_calendar_day_for(request.user, pk)
    year = override.date.year
    services.calendar_day_delete(actor=request.user, day=override)
    messages.success(request, _("The calendar day was removed."))
    return redirect(f"{reverse('core:calendar')}?year={year}")


@calendar_view
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = DeadlineRule.objects.filter(is_active=True).order_by("code")
    return render(request, "core/calendar/rules.html", {**HELP, "rules": rules})


@calendar_view
@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET or None)
    deadline, error = None, ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start: dt.date = data["start_date"]
        if data["start_time"] is not None:
            start = timezone.make_aware(dt.datetime.combine(data["start_date"], data["start_time"]))
        extensions = []
        if data["extension_length"]:
            extensions.append(Extension(length=data["extension_length"], step=data["extension_step"] or ""))
        try:
            deadline = compute_deadline(data["rule"], start, extensions=extensions)
        except ApplicationError as exc:
            error = str(exc.message)
    context = {**HELP, "form": form, "deadline": deadline, "error": error}
    if request.headers.get("HX-Request") and form.is_bound:
        return render(request, "core/calendar/_deadline.html", context)
    return render(request, "core/calendar/calculator.html", context)


@calendar_view
@require_GET
def unit_deadlines(request: HttpRequest) -> HttpResponse:
    """The unit heads' list of overdue (and, on request, approaching) terms across every module."""
    from django.core.paginator import Paginator

    from eprok.core.access import deny
    from eprok.core.calendar import tracking
    from eprok.org.selectors import units_for_choice

    if not access.can_see_unit_deadlines(request.user):
        deny(
            request.user,
            action="core.deadlines.list",
            target_type="core.trackeddeadline",
            target_key="unit",
            visible=False,
        )
    units = units_for_choice(user=request.user)
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None) if code else None
    include_near = request.GET.get("near") == "1"
    rows = tracking.unit_deadlines(user=request.user, unit=unit, overdue_only=not include_near)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/calendar/unit_deadlines.html",
        {
            **HELP,
            "page": page,
            "items": [
                (
                    row,
                    tracking.due_day(row),
                    row.ends_at <= now,
                    tracking.module_name(row.owner_type),
                    tracking.display_label(row.label),
                )
                for row in page.object_list
            ],
            "units": units,
            "unit": unit,
            "include_near": include_near,
            "query": query.urlencode(),
            "current": "deadlines",
        },
    )
