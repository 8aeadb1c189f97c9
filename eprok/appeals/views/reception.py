"""The personal reception log: the visitors received by officials, and a new entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from eprok.appeals import access, selectors, services
from eprok.appeals.forms import ReceptionForm, default_received_at
from eprok.appeals.views.actions import reload_on_change
from eprok.appeals.views.base import (
    PAGE_SIZE,
    appeals_view,
    apply_error,
    is_htmx,
    posted,
    render_page,
    require_register_role,
)
from eprok.core.access import deny
from eprok.core.errors import ApplicationError
from eprok.org import selectors as org_selectors


def _day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@appeals_view
@require_GET
def reception_list(request: HttpRequest) -> HttpResponse:
    require_register_role(request, "reception")
    units = selectors.register_units(user=request.user)
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None)
    date_from, date_to = _day(request.GET.get("from", "")), _day(request.GET.get("to", ""))
    entries = selectors.reception_list(user=request.user, unit=unit, date_from=date_from, date_to=date_to)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # The log names visitors (and their FINs): reading it is audited.
    services.reception_record_list(actor=request.user, unit_code=unit.code if unit else "")
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "appeals/reception_list.html",
        {
            "page": page,
            "units": units,
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "query": query.urlencode(),
            "can_register": access.can_register(request.user),
        },
    )


@appeals_view
@require_http_methods(["GET", "POST"])
def reception_new(request: HttpRequest) -> HttpResponse:
    units = [
        u for u in selectors.register_units(user=request.user) if access.can_log_reception(request.user, u)
    ]
    if not units:
        deny(
            request.user,
            action="appeals.reception_entry.create",
            target_type="appeals.receptionentry",
            target_key="new",
            visible=True,
        )
    source = request.POST if request.method == "POST" else request.GET
    own = next((u for u in units if u.pk == getattr(request.user, "unit_id", None)), units[0])
    unit = next((u for u in units if str(u.pk) == source.get("unit", "")), own)
    officials = list(org_selectors.employee_list(user=request.user, unit=unit, with_subunits=True))
    initial: dict[str, Any] = {"unit": unit.pk, "received_at": default_received_at()}
    if any(o.pk == request.user.pk for o in officials):
        initial["official"] = request.user.pk
    if request.method == "GET":
        for key in ("visitor_name", "visitor_fin", "subject", "result", "received_at"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
    form = ReceptionForm(posted(request), units=units, officials=officials, initial=initial)
    reload_on_change(form, "unit", request.path)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.reception_entry_create(
                actor=request.user,
                unit=data["unit"],
                received_at=data["received_at"],
                official=data["official"],
                visitor_name=data["visitor_name"],
                visitor_fin=data["visitor_fin"],
                subject=data["subject"],
                result=data["result"],
                appeal_number=data["appeal_number"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The reception was recorded in the log."))
            if (
                data["register_appeal"]
                and not entry.appeal_number
                and access.can_register(request.user, entry.unit)
            ):
                url = reverse("appeals:register")
                return redirect(f"{url}?{urlencode({'reception': str(entry.public_id)})}")
            return redirect(f"{reverse('appeals:reception')}?{urlencode({'unit': entry.unit.code})}")
    context = {"form": form, "title": _("Record a reception")}
    if is_htmx(request) and request.method == "GET":
        return render_page(request, "appeals/_reception_form.html", context)
    return render_page(request, "appeals/reception_form.html", context, status=422 if form.errors else 200)
