"""The portal's front page and its guide."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from eprok.core import guides
from eprok.portal.views.base import public_view, render_portal

GUIDE = "portal"


@public_view
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/home.html")


@public_view
@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    """The portal's guide (docs/user/portal.*.md) in the portal's own frame, readable without signing in."""
    if GUIDE not in guides.available():
        raise Http404()
    return render_portal(request, "portal/help.html", {"guide": guides.render(GUIDE, get_language() or "az")})
