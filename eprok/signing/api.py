"""API operations of electronic signatures (mounted in eprok.core.api at /api/v1/signing).

    POST /certificates                     issue my key (body: passphrase)             201
    GET  /certificates/mine                my certificates
    POST /certificates/{id}/revoke         an administrator revokes                    200
    GET  /documents/{id}/signatures        a document's signatures with their status
    POST /documents/{id}/sign              sign with my key (role, passphrase, version) 201
    POST /documents/{id}/asan              start an ASAN İmza signing                  201 (code to show)
    GET  /asan/{id}                        poll it (OUTSTANDING → signed / cancelled / expired)
    POST /verify                           verify an uploaded signed PDF (multipart `file`)
    GET  /public/verify/{code}             anonymous, rate limited: the public verification of a code

Creating operations honour the `Idempotency-Key` header.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from eprok.accounts.scopes import Scope
from eprok.audit.services import audit_record
from eprok.core.api import ERRORS, WRITE_ERRORS, ErrorOut, require_scope
from eprok.core.errors import ApplicationError, NotFound, ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.documents import access as documents_access
from eprok.signing import access, pdf, selectors, services
from eprok.signing.forms import MAX_VERIFY_BYTES
from eprok.signing.models import AsanSigning, Signature, SignatureRole, SigningCertificate
from eprok.signing.schemas import (
    AsanSigningOut,
    AsanStartIn,
    CertificateOut,
    IssueIn,
    PublicVerifyOut,
    RevokeIn,
    SignatureOut,
    SignIn,
    VerifyOut,
)

router = Router(tags=["signing"])
ASAN_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 503: ErrorOut}


def _certificate(c: SigningCertificate) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "serial": c.serial,
        "subject": c.subject,
        "issuer": c.issuer,
        "fingerprint": c.fingerprint,
        "not_before": c.not_before,
        "not_after": c.not_after,
        "status": c.status,
        "revoked_at": c.revoked_at,
        "revocation_reason": c.revocation_reason,
        "certificate_pem": c.certificate_pem,
    }


def _signature(s: Signature, report: pdf.SignatureReport | None = None) -> dict[str, Any]:
    return {
        "public_id": s.public_id,
        "version_number": s.version_number,
        "signer": s.signer_name,
        "signer_position": s.signer_position,
        "role": s.role,
        "provider": s.provider,
        "certificate_serial": s.certificate_serial,
        "certificate_subject": s.certificate_subject,
        "certificate_issuer": s.certificate_issuer,
        "certificate_fingerprint": s.certificate_fingerprint,
        "signed_at": s.signed_at,
        "field_name": s.field_name,
        "intact": report.intact if report else None,
        "trusted": report.trusted if report else None,
        "revoked": report.revoked if report else None,
    }


def _role_document(request: HttpRequest, public_id: uuid.UUID, role: str) -> Any:
    if role not in SignatureRole.values:
        raise ValidationFailed(details={"role": _("Choose author or approver.")})
    action = "approve" if role == SignatureRole.APPROVER else "sign"
    return documents_access.get_document_for(request.user, public_id, action=action)


@router.post(
    "/certificates",
    response={201: CertificateOut, 200: CertificateOut, **WRITE_ERRORS},
    summary="Issue my signing key",
)
def certificate_issue(request: HttpRequest, body: IssueIn) -> Any:
    require_scope(request, Scope.WRITE)
    certificate, created = run_once(
        client=request.user,
        operation="signing.certificate.issue",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload={"issue": True},
        create=lambda: services.certificate_issue(
            actor=request.user, passphrase=body.passphrase.get_secret_value()
        ),
        result_key=lambda c: str(c.public_id),
        load=lambda k: SigningCertificate.objects.get(public_id=k),
    )
    return Status(201 if created else 200, _certificate(certificate))


@router.get(
    "/certificates/mine", response={200: list[CertificateOut], **ERRORS}, summary="My signing certificates"
)
def certificates_mine(request: HttpRequest) -> Any:
    require_scope(request, Scope.READ)
    services.active_certificate(request.user)  # marks an expired one
    user: Any = request.user
    return [
        _certificate(c) for c in SigningCertificate.objects.filter(employee=user).order_by("-created_at")[:50]
    ]


@router.post(
    "/certificates/{public_id}/revoke",
    response={200: CertificateOut, **WRITE_ERRORS},
    summary="Revoke a certificate",
)
def certificate_revoke(request: HttpRequest, public_id: uuid.UUID, body: RevokeIn) -> Any:
    require_scope(request, Scope.WRITE)
    certificate = access.get_certificate_for(request.user, public_id, action="revoke")
    return _certificate(
        services.certificate_revoke(actor=request.user, certificate=certificate, reason=body.reason)
    )


@router.get(
    "/documents/{public_id}/signatures",
    response={200: list[SignatureOut], **ERRORS},
    summary="A document's signatures",
)
def document_signatures(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    document = documents_access.get_document_for(request.user, public_id)
    rows = selectors.document_signature_status(document)
    audit_record(
        actor=request.user,
        action="signing.signature.read",
        target=document,
        purpose="signature status of a document",
        data={"signatures": len(rows)},
    )
    return [{**_signature(row.signature, row.report), "superseded": row.superseded} for row in rows]


@router.post(
    "/documents/{public_id}/sign",
    response={201: SignatureOut, 200: SignatureOut, **WRITE_ERRORS},
    summary="Sign with my key",
)
def document_sign(request: HttpRequest, public_id: uuid.UUID, body: SignIn) -> Any:
    require_scope(request, Scope.WRITE)
    document = _role_document(request, public_id, body.role)
    signature, created = run_once(
        client=request.user,
        operation="signing.document.sign",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload={"document": str(public_id), "role": body.role, "version": body.version},
        create=lambda: services.document_sign(
            actor=request.user,
            document=document,
            role=body.role,
            passphrase=body.passphrase.get_secret_value(),
            expected_version=body.version,
        ),
        result_key=lambda s: str(s.public_id),
        load=lambda k: Signature.objects.get(public_id=k),
    )
    return Status(201 if created else 200, _signature(signature))


def _asan_out(signing: AsanSigning) -> dict[str, Any]:
    return {
        "public_id": signing.public_id,
        "document": signing.document.public_id,
        "status": signing.status,
        "verification_code": signing.verification_code,
        "error": signing.error,
        "signature": _signature(signing.signature) if signing.signature is not None else None,
    }


@router.post(
    "/documents/{public_id}/asan",
    response={201: AsanSigningOut, 200: AsanSigningOut, **ASAN_ERRORS},
    summary="Start an ASAN İmza signing",
)
def asan_start(request: HttpRequest, public_id: uuid.UUID, body: AsanStartIn) -> Any:
    require_scope(request, Scope.WRITE)
    document = _role_document(request, public_id, body.role)
    if (
        body.version is not None
        and document.current_version
        and document.current_version.number != body.version
    ):
        from eprok.documents.services import StaleDocumentVersion

        raise StaleDocumentVersion(details={"version": document.current_version.number})
    signing, created = run_once(
        client=request.user,
        operation="signing.asan.start",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload={"document": str(public_id), "role": body.role, "phone": body.phone, "asan_id": body.asan_id},
        create=lambda: services.asan_start(
            actor=request.user,
            document=document,
            role=body.role,
            phone=body.phone,
            asan_id=body.asan_id,
            remember=body.remember,
        ),
        result_key=lambda s: str(s.public_id),
        load=lambda k: AsanSigning.objects.select_related("document").get(public_id=k),
    )
    return Status(201 if created else 200, _asan_out(signing))


@router.get(
    "/asan/{public_id}", response={200: AsanSigningOut, **ASAN_ERRORS}, summary="Poll an ASAN İmza signing"
)
def asan_poll(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.WRITE)
    signing = access.get_asan_signing_for(request.user, public_id)
    return _asan_out(services.asan_poll(actor=request.user, signing=signing))


@router.post("/verify", response={200: VerifyOut, **ERRORS}, summary="Verify a signed PDF")
def verify(request: HttpRequest, file: File[UploadedFile]) -> Any:
    require_scope(request, Scope.READ)
    if file.size is None or file.size > MAX_VERIFY_BYTES:
        raise ValidationFailed(details={"file": _("The file is larger than 50 MB.")})
    content = file.read()
    if not content.startswith(b"%PDF-"):
        raise ValidationFailed(details={"file": _("This is not a PDF file.")})
    try:
        result = selectors.verify_file(user=request.user, content=content)
    except pdf.PdfInvalid:
        raise ValidationFailed(
            details={"file": _("The PDF cannot be read: it is damaged or encrypted.")}
        ) from None
    audit_record(
        actor=request.user,
        action="signing.file.verify",
        target_type="signing.file",
        target_id=result.sha256[:64],
        data={"signatures": len(result.signatures), "all_ok": result.all_ok},
    )
    version = result.registered_version
    return {
        "sha256": result.sha256,
        "size": result.size,
        "all_ok": result.all_ok,
        "registered": version is not None,
        "document": version.document.public_id if version is not None and result.document_visible else None,
        "version": version.number if version is not None and result.document_visible else None,
        "signatures": [
            {
                "field_name": s.report.field_name,
                "intact": s.report.intact,
                "trusted": s.report.trusted,
                "revoked": s.report.revoked,
                "signer": s.report.signer,
                "subject": s.report.subject,
                "issuer": s.report.issuer,
                "serial": format(s.report.serial, "x") if s.report.serial is not None else "",
                "fingerprint": s.report.fingerprint,
                "signed_at": s.report.signed_at,
                "revision_sha256": s.report.revision_sha256,
                "registered": s.registered is not None,
                "problem": s.report.problem,
            }
            for s in result.signatures
        ],
    }


@router.get(
    "/public/verify/{code}",
    auth=None,
    response={200: PublicVerifyOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public verification of a signed document by its code (anonymous, rate limited)",
)
def signing_public_verify(request: HttpRequest, code: str) -> Any:
    from eprok.portal.verification import verification_lookup

    outcome = verification_lookup(request, code)
    if outcome.retry_after:
        from eprok.core.api import error_response

        response = error_response(
            request,
            429,
            "rate_limited",
            _("Too many requests. Try again later."),
            {"retry_after": outcome.retry_after},
        )
        response["Retry-After"] = str(outcome.retry_after)
        return response
    if outcome.result is None:
        raise NotFound(_("There is no signed document with this verification code."), code="no_such_document")
    result = outcome.result
    return {
        "code": result.code,
        "sha256": result.sha256,
        "document_type": result.document_type,
        "unit": result.unit,
        "signers": [
            {"name": s.name, "position": s.position, "role": str(s.role), "signed_at": s.signed_at}
            for s in result.signers
        ],
        "withdrawn": result.withdrawn,
        "valid": result.valid,
    }


__all__ = ["ApplicationError", "router"]
