"""The certificate pages: the learner's certificates, one certificate's card with its verification code
and public link, and the sealed PDF's download (audited). What a user may not see answers 404."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from eprok.core.errors import Forbidden, NotFound
from eprok.learning import certificates

HELP = {"help_page": "learning"}


def certificate_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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


@certificate_view
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    rows = list(certificates.my_certificates(request.user))
    return render(request, "learning/certificate_list.html", {**HELP, "certificates": rows})


@certificate_view
@require_GET
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificates.get_certificate_for(request.user, number)
    context = {**HELP, "certificate": certificate, "verify_url": certificates.verification_link(certificate)}
    return render(request, "learning/certificate_detail.html", context)


@certificate_view
@require_GET
def certificate_download(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificates.get_certificate_for(request.user, number, "download")
    content, file_name = certificates.certificate_pdf(
        user=request.user, certificate=certificate, purpose="download"
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
