"""The certificate pages: the learner's certificates, one certificate's card with its verification code
and public link, and the sealed PDF's download (audited). What a user may not see answers 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from eprok.core.decorators import staff_view
from eprok.learning import certificates

HELP = {"help_page": "learning"}


@staff_view
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    rows = list(certificates.my_certificates(request.user))
    return render(request, "learning/certificate_list.html", {**HELP, "certificates": rows})


@staff_view
@require_GET
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificates.get_certificate_for(request.user, number)
    context = {**HELP, "certificate": certificate, "verify_url": certificates.verification_link(certificate)}
    return render(request, "learning/certificate_detail.html", context)


@staff_view
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
