"""The decorator of the staff's pages: sign-in required, and the services' refusals become the shell's pages
(NotFound → 404, Forbidden → 403). Every module's views use it rather than a copy of their own."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from eprok.core.errors import Forbidden, NotFound

View = TypeVar("View", bound=Callable[..., Any])


def staff_view(view: View) -> View:
    """Sign-in required; NotFound and Forbidden become the shell's 404 and 403 pages."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper  # type: ignore[return-value]
