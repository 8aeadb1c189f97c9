"""The gateway's administration pages: services and circuits, the allow-list, the message log, verification.

Thin views: access.py decides (404 for anyone but the gateway's administrators), selectors read, services
write and audit.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error
from eprok.gateway import access, selectors, services
from eprok.gateway.forms import PermissionForm, ServiceForm
from eprok.gateway.models import Direction, Message, Outcome

HELP = {"help_page": "gateway"}
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"gateway/admin/{template}", {**HELP, **context}, status=status)


@staff_view
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.service_list(user=request.user)
    return _page(request, "services.html", {"rows": rows})


@staff_view
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, action="edit")
    initial = {name: getattr(service, name) for name in services.EDITABLE}
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(actor=request.user, service=service, **form.cleaned_data)
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The service %(code)s was saved.") % {"code": service.code})
            return redirect("gateway:admin_services")
    return _page(request, "service_form.html", {"service": service, "form": form})


@staff_view
@require_POST
def circuit_reset(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, action="circuit_reset")
    services.circuit_reset(actor=request.user, service=service)
    messages.success(request, _("The circuit of %(code)s was closed.") % {"code": service.code})
    return redirect("gateway:admin_services")


@staff_view
@require_http_methods(["GET", "POST"])
def permission_list(request: HttpRequest) -> HttpResponse:
    permissions = selectors.permission_list(user=request.user)
    form = PermissionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.permission_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, _("The member may now call the service."))
                return redirect("gateway:admin_permissions")
        status = 422
    return _page(request, "permissions.html", {"permissions": permissions, "form": form}, status=status)


@staff_view
@require_POST
def permission_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    permission = access.get_permission_for(request.user, pk, action="edit")
    active = request.POST.get("active") == "1"
    services.permission_set_active(actor=request.user, permission=permission, active=active)
    messages.success(request, _("The allow-list was changed."))
    return redirect("gateway:admin_permissions")


@staff_view
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.MessageFilters.from_query(request.GET)
    rows = selectors.message_list_audited(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "messages.html",
        {
            "page": page,
            "filters": filters,
            "query": urlencode(filters.as_query()),
            "directions": Direction.choices,
            "outcomes": Outcome.choices,
            "service_codes": selectors.service_codes(),
        },
    )


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


@staff_view
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message: Message = selectors.message_get(user=request.user, key=pk)
    attempts = (
        selectors.message_list(user=request.user, filters=selectors.MessageFilters(xroad_id=message.xroad_id))
        .exclude(pk=message.pk)
        .order_by("id")[:20]
    )
    return _page(
        request,
        "message.html",
        {
            "message": message,
            "request_body": _pretty(message.request_body),
            "response_body": _pretty(message.response_body),
            "others": attempts,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def log_verify(request: HttpRequest) -> HttpResponse:
    access.require_gateway_admin(request.user, action="verify")
    result = services.log_verify(actor=request.user) if request.method == "POST" else None
    return _page(request, "verify.html", {"result": result})
