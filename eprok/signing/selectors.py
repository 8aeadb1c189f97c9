"""Reads of the signing app: a document's signatures and their validated status, verification of any
uploaded PDF, the public verification of a signed document by its code, the CA's revocation list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.db.models import QuerySet

from eprok.documents.models import Document, DocumentStatus, DocumentVersion, VersionSource
from eprok.documents.selectors import version_read
from eprok.org import access as org_access
from eprok.signing import ca, clock, pdf
from eprok.signing.models import AsanProfile, CertificateStatus, Signature, SigningCertificate

# The CRL is signed with the CA's key: built once per revocation generation (the set of revoked
# certificates) and kept in the cache for less than its validity (ca.build_crl: a day), never per page.
CRL_CACHE_SECONDS = 6 * 60 * 60


def _revocation_generation() -> str:
    revoked = SigningCertificate.objects.filter(
        status=CertificateStatus.REVOKED, revoked_at__isnull=False
    ).values_list("serial", "revoked_at")
    digest = hashlib.sha256()
    for serial, when in sorted(revoked, key=lambda pair: pair[0]):
        digest.update(f"{serial}:{when.isoformat() if when else ''};".encode())
    return digest.hexdigest()[:32]


def _crl_cache_key(generation: str) -> str:
    fingerprint = ca.fingerprint(ca.ca_certificate())[:16]
    return f"signing:crl:{fingerprint}:{generation}"


def crl_der() -> bytes:
    """The CA's current CRL: every revoked certificate's serial and time (empty without a CA).

    Cached per revocation generation: a revocation (or a superseding issue) changes the generation, so
    the next call signs a new CRL; otherwise the cached one is served until CRL_CACHE_SECONDS pass.
    """
    generation = _revocation_generation()
    key = _crl_cache_key(generation)
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    revoked = SigningCertificate.objects.filter(
        status=CertificateStatus.REVOKED, revoked_at__isnull=False
    ).values_list("serial", "revoked_at")
    crl = ca.build_crl(
        [(int(serial, 16), when) for serial, when in revoked if when is not None], now=clock.now()
    )
    der = crl.public_bytes(serialization.Encoding.DER)
    cache.set(key, der, timeout=CRL_CACHE_SECONDS)
    return der


def validate(
    content: bytes,
    *,
    moment: dt.datetime | None = None,
    moments: dict[str, dt.datetime] | None = None,
) -> list[pdf.SignatureReport]:
    """Validate every signature against the organisation's CA, the trusted roots (ASAN İmza) and the CRL,
    as of now or as of `moment` (then with today's CRL applied to that moment); `moments` gives single
    signatures (by field name) their own moment, so one pass validates each "as of its signing"."""
    crls = [crl_der()] if ca.ca_exists() else []
    return pdf.validate_pdf(
        content,
        trust=ca.trusted_certificates(),
        crls=crls,
        moment=moment or clock.now(),
        retroactive=moment is not None or bool(moments),
        moments=moments,
    )


def lineage_start(document: Document) -> int:
    """The number of the document's last version that is not a signed one (an upload, a generated or an
    OCR version): only signatures on versions after it belong to the current content."""
    last = (
        DocumentVersion.objects.filter(document=document)
        .exclude(source=VersionSource.SIGNED)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last or 0)


def current_signatures(document: Document) -> QuerySet[Signature]:
    """The signatures on the current content (signed versions after the last non-signed one)."""
    return Signature.objects.filter(document=document, version_number__gt=lineage_start(document))


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
    revoked or expired after that moment leaves the signature valid, and the page says so. A signature
    on an earlier content of the document (before a replacing upload) is `superseded`: kept in the
    history, not validated against the current file.
    """

    signature: Signature
    report: pdf.SignatureReport | None
    at_signing: pdf.SignatureReport | None = None
    superseded: bool = False

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


def _signing_moment(signature: Signature) -> dt.datetime:
    return signature.signed_at.replace(microsecond=0) - SIGNING_TIME_MARGIN


def _now_from(at_signing: pdf.SignatureReport, signature: Signature) -> pdf.SignatureReport:
    """The status now, derived from the validation as of signing and our record of the certificate:
    revoked since (our CA's revocations) or expired since. No second validation of the PDF."""
    import dataclasses

    certificate = signature.certificate
    now = clock.now()
    revoked = at_signing.revoked or (
        certificate is not None
        and certificate.status == CertificateStatus.REVOKED
        and certificate.revoked_at is not None
        and certificate.revoked_at <= now
    )
    expired = certificate is not None and certificate.not_after <= now
    return dataclasses.replace(
        at_signing, revoked=revoked, trusted=at_signing.trusted and not revoked and not expired
    )


def document_signature_status(document: Document) -> list[SignatureStatusRow]:
    """Each recorded signature of the document; those on the current content with their status in the
    current version's PDF (validated once), earlier ones marked as superseded."""
    signatures = list(signatures_of(document))
    start = lineage_start(document)
    current = [s for s in signatures if s.version_number > start]
    earlier = [
        SignatureStatusRow(signature=s, report=None, superseded=True) for s in signatures if s not in current
    ]
    if not current or document.current_version is None or document.current_version.file_kind != "pdf":
        return earlier + [SignatureStatusRow(signature=s, report=None) for s in current]
    content = version_read(document.current_version)
    try:
        reports = {
            r.field_name: r
            for r in validate(content, moments={s.field_name: _signing_moment(s) for s in current})
        }
    except pdf.PdfInvalid:
        return earlier + [SignatureStatusRow(signature=s, report=None) for s in current]
    rows = []
    for s in current:
        at_signing = reports.get(s.field_name)
        rows.append(
            SignatureStatusRow(
                signature=s,
                report=_now_from(at_signing, s) if at_signing is not None else None,
                at_signing=at_signing,
            )
        )
    return earlier + rows


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
    registered_of: dict[str, Signature] = {}
    for report in reports:
        version = versions.get(report.revision_sha256)
        if version is not None:
            found = Signature.objects.filter(
                document=version.document, version_number=version.number, field_name=report.field_name
            ).first()
            if found is not None:
                registered_of[report.field_name] = found
    # One more pass for all our own signatures, each as of its recorded signing time.
    at_signing_of = (
        {
            r.field_name: r
            for r in validate(
                content, moments={name: _signing_moment(s) for name, s in registered_of.items()}
            )
            if r.field_name in registered_of
        }
        if registered_of
        else {}
    )
    verified = [
        VerifiedSignature(
            report=report,
            registered=registered_of.get(report.field_name),
            at_signing=at_signing_of.get(report.field_name),
        )
        for report in reports
    ]
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
    seal: bool = False  # one of the organisation's e-seals (eprok.signing.seal), not a person


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
    document_id: str = ""  # the document's public id (for the audit trail; never shown)


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
    from eprok.signing.seal import SEAL_ROLE, is_seal

    rows = [row for row in document_signature_status(document) if not row.superseded]
    return PublicVerification(
        code=normalised,
        sha256=document.current_version.sha256,
        document_type=document_type_name(document),
        unit=str(document.unit.name) if document.unit_id else "",
        signers=[
            PublicSigner(
                name=row.signature.signer_name,
                position=row.signature.signer_position,
                role=SEAL_ROLE if is_seal(row.signature) else row.signature.get_role_display(),
                signed_at=row.signature.signed_at,
                seal=is_seal(row.signature),
            )
            for row in rows
        ],
        withdrawn=document.status == DocumentStatus.WITHDRAWN,
        valid=bool(rows) and all(row.ok for row in rows) and document.status != DocumentStatus.WITHDRAWN,
        revoked_later=any(row.revoked_later for row in rows),
        document_id=str(document.public_id),
    )


def my_certificates(user: Any) -> QuerySet[SigningCertificate]:
    """The employee's own certificates, newest first."""
    return SigningCertificate.objects.filter(employee=user).order_by("-created_at")


def managed_certificates(user: Any) -> QuerySet[SigningCertificate]:
    """The certificates of the employees an administrator manages, for the revocation list."""
    return (
        SigningCertificate.objects.filter(employee__in=org_access.managed_by(user).values("pk"))
        .select_related("employee", "employee__unit")
        .order_by("employee__last_name", "-created_at")[:500]
    )


def asan_profile(user: Any) -> AsanProfile | None:
    """The phone number and ASAN ID the employee saved for ASAN İmza, if any."""
    return AsanProfile.objects.filter(employee=user).first()
