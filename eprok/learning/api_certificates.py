"""API operations of certificates of completion (mounted with the learning API at /api/v1/learning).

GET /certificates/mine                   my certificates, newest first
GET /certificates/{number}               one certificate (the learner's, their head's, the Centre's)
GET /certificates/{number}/download      its sealed PDF (the read is audited)
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, require_scope
from eprok.core.pagination import Page, PageParams, paginate
from eprok.learning import certificates
from eprok.learning.models import Certificate

router = Router(tags=["learning"])


class LearningCertificateOut(Schema):
    public_id: uuid.UUID
    number: str
    course: uuid.UUID
    course_title: str
    learner: uuid.UUID
    learner_name: str
    issued_at: dt.datetime
    valid_until: dt.date | None
    verification_code: str = Field(..., description="Printed under the seal's QR code; empty until sealed.")
    verification_url: str = Field(..., description="The public page that verifies the certificate.")


def _certificate(c: Certificate) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "number": c.number,
        "course": c.course.public_id,
        "course_title": c.course.title,
        "learner": c.employee.public_id,
        "learner_name": c.employee.full_name,
        "issued_at": c.issued_at,
        "valid_until": c.valid_until,
        "verification_code": c.verification_code,
        "verification_url": certificates.verification_link(c),
    }


@router.get(
    "/certificates/mine", response={200: Page[LearningCertificateOut], **ERRORS}, summary="My certificates"
)
def certificate_mine(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    rows = certificates.my_certificates(request.user).select_related("employee")
    result = paginate(rows, limit=page.limit, offset=page.offset)
    result["items"] = [_certificate(c) for c in result["items"]]
    return result


@router.get(
    "/certificates/{number}", response={200: LearningCertificateOut, **ERRORS}, summary="A certificate"
)
def certificate_detail(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    return _certificate(certificates.get_certificate_for(request.user, number))


@router.get(
    "/certificates/{number}/download",
    response={200: None, **ERRORS},
    summary="Download a certificate",
    description="The sealed PDF as an attachment; the read is audited.",
)
def certificate_download(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    certificate = certificates.get_certificate_for(request.user, number, "download")
    content, file_name = certificates.certificate_pdf(
        user=request.user, certificate=certificate, purpose="api download"
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
