"""What every appeals page shares: sign-in, error mapping, rendering with the guide's link."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from eprok.appeals import access
from eprok.core.access import deny
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error

PAGE_SIZE = 50
HELP = {"help_page": "appeals"}

# The services name the applicant's fields as ApplicantData does; the registration form prefixes them.
FIELD_ALIASES = {
    "last_name": "applicant_last_name",
    "first_name": "applicant_first_name",
    "patronymic": "applicant_patronymic",
    "fin": "applicant_fin",
    "address": "applicant_address",
    "email": "applicant_email",
    "phone": "applicant_phone",
    "registered_at": "received_at",
}


def appeals_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; NotFound and Forbidden become the shell's 404 and 403 pages."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one binds the form), None otherwise."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_error(form: Form, exc: ApplicationError) -> None:
    form_apply_error(form, exc, aliases=FIELD_ALIASES)


def require_register_role(request: HttpRequest, key: str) -> None:
    """The register's pages (list, export, dashboard, reception log) need a role of the appeals register."""
    if not access.can_read_unit_register(request.user):
        deny(
            request.user,
            action="appeals.register.open",
            target_type="appeals.register",
            target_key=key,
            visible=True,
        )
