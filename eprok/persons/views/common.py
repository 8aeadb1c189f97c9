"""What every person page shares: the decorator, rendering, form errors and the `next` contract."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.persons.models import Person

PAGE_SIZE = 50
PICK_LIMIT = 20
HELP = {"help_page": "persons"}


def persons_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_error(form: Form, exc: ApplicationError) -> None:
    form_apply_error(form, exc, ignore=("existing",))


def safe_next(request: HttpRequest, value: str | None) -> str:
    """`next` when it is a path inside this site ("/materials/…"), else ""."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return ""
    return value


def with_person(next_url: str, person: Person) -> str:
    """`next_url` with person=<public_id> added to (or replaced in) its query string."""
    parts = urlsplit(next_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "person"]
    query.append(("person", str(person.public_id)))
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
