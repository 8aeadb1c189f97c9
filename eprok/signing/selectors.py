"""Reads of the signing app: a document's signatures and their validated status, verification of any
uploaded PDF, the public verification of a signed document by its code, the CA's revocation list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.db.models import QuerySet

from eprok.documents.models import Document, DocumentStatus, DocumentVersion
from eprok.documents.selectors import version_read
from eprok.signing import ca, clock, pdf
from eprok.signing.models import CertificateStatus, Signature, SigningCertificate


def crl_der() -> bytes:
    """The CA's current CRL: every revoked certificate's serial and time (empty without a CA)."""
    revoked = SigningCertificate.objects.filter(
        status=CertificateStatus.REVOKED, revoked_at__isnull=False
    ).values_list("serial", "revoked_at")
    crl = ca.build_crl(
        [(int(serial, 16), when) for serial, when in revoked if when is not None], now=clock.now()
    )
    return crl.public_bytes(serialization.Encoding.DER)


def validate(content: bytes, *, moment: dt.datetime | None = None) -> list[pdf.SignatureReport]:
    """Validate every signature against the organisation's CA, the trusted roots (ASAN İmza) and the CRL,
    as of now or as of `moment` (then with today's CRL applied to that moment)."""
    crls = [crl_der()] if ca.ca_exists() else []
    return pdf.validate_pdf(
        content,
        trust=ca.trusted_certificates(),
        crls=crls,
        moment=moment or clock.now(),
        retroactive=moment is not None,
    )


def signatures_of(document: Document) -> QuerySet[Signature]:
    return (
        Signature.objects.filter(document=document)
        .select_related("signer", "certificate")
        .order_by("version_number")
    )


@dataclass(frozen=True)
class SignatureStatusRow:
    """A recorded signature with its status now (`report`) and when it was made (`at_signing`).

    The system's own record of when a signature was made stands in for a timestamp: a certificate
    revoked or expired after that moment leaves the signature valid, and the page says so.
    """

    signature: Signature
    report: pdf.SignatureReport | None
    at_signing: pdf.SignatureReport | None = None

    @property
    def ok(self) -> bool:
        """Intact, and made with a certificate that was trusted, unrevoked and unexpired at the time."""
        return self.at_signing is not None and self.at_signing.intact and self.at_signing.trusted

    @property
    def revoked_later(self) -> bool:
        return self.ok and self.report is not None and self.report.revoked


# Revocation lists carry whole seconds, and the validator allows a second of tolerance: "as of signing"
# is checked a little before the recorded time, so a revocation in the same second is not counted.
SIGNING_TIME_MARGIN = dt.timedelta(seconds=2)


def _at(content: bytes, moment: dt.datetime) -> dict[str, pdf.SignatureReport]:
    return {r.field_name: r for r in validate(content, moment=moment)}


def _at_signing(content: bytes, signature: Signature) -> dict[str, pdf.SignatureReport]:
    return _at(content, signature.signed_at.replace(microsecond=0) - SIGNING_TIME_MARGIN)


def document_signature_status(document: Document) -> list[SignatureStatusRow]:
    """Each recorded signature of the document with its status in the current version's PDF."""
    signatures = list(signatures_of(document))
    if not signatures or document.current_version is None or document.current_version.file_kind != "pdf":
        return [SignatureStatusRow(signature=s, report=None) for s in signatures]
    content = version_read(document.current_version)
    try:
        now = _at(content, clock.now())
        rows = [
            SignatureStatusRow(
                signature=s,
                report=now.get(s.field_name),
                at_signing=_at_signing(content, s).get(s.field_name),
            )
            for s in signatures
        ]
    except pdf.PdfInvalid:
        rows = [SignatureStatusRow(signature=s, report=None) for s in signatures]
    return rows


@dataclass(frozen=True)
class VerifiedSignature:
    report: pdf.SignatureReport  # as of now
    registered: Signature | None  # our record of this signature, when the signed revision is ours
    at_signing: pdf.SignatureReport | None = None  # as of our record's signing time

    @property
    def ok(self) -> bool:
        current = self.at_signing or self.report
        return current.intact and current.trusted


@dataclass(frozen=True)
class FileVerification:
    sha256: str
    size: int
    signatures: list[VerifiedSignature]
    registered_version: DocumentVersion | None  # the whole file is a version we stored
    document_visible: bool = False  # the caller may open that document
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def all_ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def verify_file(*, user: Any, content: bytes) -> FileVerification:
    """Validate every signature of an uploaded PDF and find the registered versions it matches.

    PdfInvalid for a file that is not a PDF. Only checksums are compared: the file is not stored.
    """
    from eprok.documents.access import visible_to

    reports = validate(content)
    digest = hashlib.sha256(content).hexdigest()
    revision_digests = {r.revision_sha256 for r in reports if r.revision_sha256} | {digest}
    versions = {
        v.sha256: v
        for v in DocumentVersion.objects.filter(sha256__in=revision_digests).select_related("document")
    }
    verified = []
    for report in reports:
        registered = None
        version = versions.get(report.revision_sha256)
        if version is not None:
            registered = Signature.objects.filter(
                document=version.document, version_number=version.number, field_name=report.field_name
            ).first()
        at_signing = _at_signing(content, registered).get(report.field_name) if registered else None
        verified.append(VerifiedSignature(report=report, registered=registered, at_signing=at_signing))
    whole = versions.get(digest)
    visible = bool(whole) and visible_to(user).filter(pk=whole.document_id).exists()  # type: ignore[union-attr]
    return FileVerification(
        sha256=digest,
        size=len(content),
        signatures=verified,
        registered_version=whole,
        document_visible=visible,
    )


# --- the public verification page ----------------------------------------------------------------


@dataclass(frozen=True)
class PublicSigner:
    name: str
    position: str
    role: Any
    signed_at: dt.datetime


@dataclass(frozen=True)
class PublicVerification:
    """What the portal shows about a signed document: never its title, text or file."""

    code: str
    sha256: str
    document_type: str
    unit: str
    signers: list[PublicSigner]
    withdrawn: bool
    valid: bool  # every recorded signature intact and valid when it was made
    revoked_later: bool = False  # a signer's certificate was revoked after signing


def document_type_name(document: Document) -> str:
    """The kind of act (the template category's name), never the title."""
    from eprok.documents.extensions import category_name
    from eprok.documents.models import DocumentKind

    if document.category:
        name = category_name(document.category)
        if name != document.category:
            return name
    return str(DocumentKind(document.kind).label)


def public_verification(code: str) -> PublicVerification | None:
    """The signed document with this verification code, as the public may see it; None if there is none."""
    normalised = (code or "").strip().upper().replace("-", "").replace(" ", "")
    if not normalised or len(normalised) > 16 or not normalised.isalnum():
        return None
    document = (
        Document.objects.select_related("unit", "current_version")
        .filter(verification_code=normalised)
        .exclude(status__in=[DocumentStatus.DRAFT, DocumentStatus.FINAL])
        .first()
    )
    if document is None or document.current_version is None:
        return None
    rows = document_signature_status(document)
    return PublicVerification(
        code=normalised,
        sha256=document.current_version.sha256,
        document_type=document_type_name(document),
        unit=str(document.unit.name) if document.unit_id else "",
        signers=[
            PublicSigner(
                name=row.signature.signer_name,
                position=row.signature.signer_position,
                role=row.signature.get_role_display(),
                signed_at=row.signature.signed_at,
            )
            for row in rows
        ],
        withdrawn=document.status == DocumentStatus.WITHDRAWN,
        valid=bool(rows) and all(row.ok for row in rows) and document.status != DocumentStatus.WITHDRAWN,
        revoked_later=any(row.revoked_later for row in rows),
    )
