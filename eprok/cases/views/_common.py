"""What every cases page shares: sign-in, the mapping of NotFound/Forbidden to the shell's pages, errors
put on form fields, and the help page."""

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

from eprok.core.access import deny
from eprok.core.errors import ApplicationError, Conflict, Forbidden, NotFound, form_apply_error

from .. import access

HELP = {"help_page": "cases"}


def cases_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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


def apply_error(form: Form, exc: ApplicationError) -> None:
    form_apply_error(form, exc)


def error_status(exc: ApplicationError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def require_register_role(request: HttpRequest, key: str) -> None:
    if not access.can_see_register(request.user):
        deny(
            request.user,
            action="cases.register.open",
            target_type="cases.register",
            target_key=key,
            visible=True,
        )
