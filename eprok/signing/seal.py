"""The organisation's electronic seals: signing certificates of a body of the service, not of a person.

A seal (the Science and Training Centre's "training-centre", for now) is a key and certificate issued by
the organisation's CA (ca.issue_key) with the subject O=<organisation>, OU=<the body>, CN=<the body>
e-seal. Like the CA's key, its key never enters the database: it lives encrypted with
EPROK_SIGNING_SEAL_PASSPHRASE (outside production, a default derived from SECRET_KEY) in
<EPROK_SIGNING_DIR>/seals/<name>.pem, together with its certificate in the same file, written whole (a
reader never pairs a key with another certificate). It is created on first use or by
`manage.py signing_ca init`, and replaced when it is about to expire.

Sealing is signing with the seal: the same incremental PAdES signature with the visible stamp (QR code,
short code) as a personal signature (services.stamp_appearance, services._plan), the same Signature row
(field "Seal<n>", the seal's name as the signer's name) and verification code, so the portal verifies a
sealed document as any signed one. Signature.signer is the employee on whose behalf the seal was applied.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.documents import access as documents_access
from eprok.documents.models import Document, DocumentStatus, VersionSource
from eprok.documents.services import document_mark_signed, version_add_content
from eprok.signing import ca, clock, pdf, services
from eprok.signing.models import Signature, SignatureRole, SigningProvider

SEALS_DIR = "seals"
FIELD_PREFIX = "Seal"  # the signature fields of seals: Seal1, Seal2, ... (personal ones: Signature<n>)
DEFAULT_SEAL = "training-centre"
# A seal is replaced this long before it expires, so that no document is sealed in its last moments.
RENEW_BEFORE = dt.timedelta(days=7)
_CERTIFICATE_MARK = b"-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class SealSpec:
    name: str  # the registry key and the file's stem
    body: str  # the organisational unit the seal belongs to (OU)
    common_name: str  # the seal's name (CN): shown as the signer on the stamp and the public page


SEALS: dict[str, SealSpec] = {
    "training-centre": SealSpec(
        name="training-centre", body="Elm-Tədris Mərkəzi", common_name="Elm-Tədris Mərkəzi e-seal"
    ),
    # The service's own seal: the case packages sent to the e-Court are sealed with it as a whole.
    "prosecution": SealSpec(
        name="prosecution", body="Azərbaycan Respublikasının Prokurorluğu", common_name="Prokurorluq e-seal"
    ),
}


def seal_spec(name: str) -> SealSpec:
    try:
        return SEALS[name]
    except KeyError:
        raise ValueError(f"unknown seal {name!r}") from None


def is_seal(signature: Signature) -> bool:
    """Whether a recorded signature was made with one of the organisation's seals."""
    return signature.field_name.startswith(FIELD_PREFIX)


@sensitive_variables("configured")
def seal_passphrase() -> bytes:
    """The passphrase of the seals' keys: from the environment; outside production, a derived default
    (development and the demo only, exactly as ca.ca_passphrase)."""
    configured = getattr(settings, "EPROK_SIGNING_SEAL_PASSPHRASE", "")
    if configured:
        return str(configured).encode()
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("EPROK_SIGNING_SEAL_PASSPHRASE is required in production.")
    return salted_hmac("eprok.signing.seal.demo-passphrase", "local", algorithm="sha256").hexdigest().encode()


@dataclass(frozen=True)
class LoadedSeal:
    spec: SealSpec
    certificate: x509.Certificate
    key: PrivateKeyTypes


def seal_path(name: str) -> Path:
    return ca.signing_dir() / SEALS_DIR / f"{seal_spec(name).name}.pem"


def subject_of(spec: SealSpec) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ca._org_name()),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, spec.body[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, spec.common_name[:64]),
        ]
    )


@sensitive_variables("data", "key")
def _read(spec: SealSpec) -> LoadedSeal | None:
    path = seal_path(spec.name)
    if not path.is_file():
        return None
    data = path.read_bytes()
    split = data.find(_CERTIFICATE_MARK)
    if split <= 0:
        return None
    try:
        key = serialization.load_pem_private_key(data[:split], password=seal_passphrase())
        certificate = x509.load_pem_x509_certificate(data[split:])
    except (ValueError, TypeError):
        return None  # another passphrase or a damaged file: a new seal replaces it
    return LoadedSeal(spec=spec, certificate=certificate, key=key)


def _usable(loaded: LoadedSeal, moment: dt.datetime) -> bool:
    """In force for a while yet, and issued by the CA as it is now (a re-created CA needs a new seal)."""
    cert = loaded.certificate
    if not (cert.not_valid_before_utc - ca.CLOCK_SKEW <= moment < cert.not_valid_after_utc - RENEW_BEFORE):
        return False
    try:
        authority = ca.ca_certificate()
    except ca.CaMissing:
        return False
    return cert.issuer == authority.subject and ca._issued_by(cert, authority)


@contextmanager
def _exclusive(spec: SealSpec) -> Iterator[None]:
    """One process at a time creates a seal (two workers' first uses must not make two keys)."""
    directory = ca.signing_dir() / SEALS_DIR
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / f"{spec.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@sensitive_variables("passphrase")
def seal_ensure(name: str = DEFAULT_SEAL, *, now: dt.datetime | None = None) -> tuple[LoadedSeal, bool]:
    """The seal, issued now if there is none or the one there expires soon: (the seal, whether new).

    ca.CaMissing when the organisation's CA has not been set up."""
    spec = seal_spec(name)
    moment = now or clock.now()
    current = _read(spec)
    if current is not None and _usable(current, moment):
        return current, False
    ca.ca_certificate()  # CaMissing before anything is written
    with _exclusive(spec):
        current = _read(spec)
        if current is not None and _usable(current, moment):
            return current, False
        passphrase = seal_passphrase().decode()
        days = int(getattr(settings, "EPROK_SIGNING_CERT_DAYS", 730))
        issued = ca.issue_key(subject=subject_of(spec), passphrase=passphrase, days=days, now=moment)
        path = seal_path(spec.name)
        if current is not None:
            # The replaced certificate stays beside it (public data: documents sealed with it carry it).
            serial = format(current.certificate.serial_number, "x")
            (path.parent / f"{spec.name}-{serial}.crt").write_bytes(
                current.certificate.public_bytes(serialization.Encoding.PEM)
            )
        ca._write_private(path, issued.encrypted_key_pem + issued.certificate_pem)
    loaded = _read(spec)
    if loaded is None:
        raise RuntimeError("the seal just written cannot be read back")
    cert = issued.certificate
    audit_record(
        actor=None,
        action="signing.seal.issue",
        target_type="signing.seal",
        target_id=spec.name,
        target_repr=spec.common_name,
        data={
            "serial": format(cert.serial_number, "x"),
            "fingerprint": ca.fingerprint(cert),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "replaced": format(current.certificate.serial_number, "x") if current is not None else "",
        },
    )
    return loaded, True


# --- sealing -------------------------------------------------------------------------------------------

SEAL_ROLE = _("Electronic seal")


@dataclass(frozen=True)
class SealedPdf:
    """A PDF sealed in memory, waiting to be stored as the next version of its document."""

    content: bytes
    plan: Any  # services._Plan: the field, the stamp's slot, the verification code, the version built on
    certificate: x509.Certificate
    spec: SealSpec


def plan_for_new_document() -> Any:
    """Where the seal goes on a document that is yet to be stored (version 1, no signature yet)."""
    return services._Plan(
        field_name=f"{FIELD_PREFIX}1", slot=0, code=services.new_verification_code(), base_version=1
    )


def seal_pdf(content: bytes, *, plan: Any, seal: str = DEFAULT_SEAL) -> SealedPdf:
    """Seal the bytes (an incremental update with the visible stamp); nothing is stored.

    PdfInvalid for a damaged or encrypted PDF, ca.CaMissing without the organisation's CA."""
    loaded, _new = seal_ensure(seal)
    spec = loaded.spec
    signed = pdf.sign_pdf(
        content,
        key=loaded.key,
        certificate=loaded.certificate,
        chain=[ca.ca_certificate()],
        field_name=plan.field_name,
        appearance=services.stamp_appearance(signer=spec.common_name, role=SEAL_ROLE, plan=plan),
    )
    return SealedPdf(content=signed, plan=plan, certificate=loaded.certificate, spec=spec)


def seal_store(*, actor: Any, document: Document, sealed: SealedPdf, reason: str) -> Signature:
    """In one transaction: the sealed PDF as the next version (built on the version it was made from), the
    document SIGNED with its verification code, the Signature row and the audit event."""
    plan, cert, spec = sealed.plan, sealed.certificate, sealed.spec
    with transaction.atomic():
        version = version_add_content(
            actor=actor,
            document=document,
            content=sealed.content,
            source=VersionSource.SIGNED,
            reason=reason,
            expected_version=plan.base_version,
        )
        document_mark_signed(actor=actor, document=document, verification_code=plan.code)
        signature = Signature.objects.create(
            document=document,
            version_number=version.number,
            signer=actor,
            signer_name=spec.common_name,
            signer_position=ca._org_name()[:300],
            role=SignatureRole.AUTHOR,
            provider=SigningProvider.BUILTIN,
            certificate=None,  # a seal's certificate is no employee's (SigningCertificate)
            certificate_serial=format(cert.serial_number, "x"),
            certificate_subject=cert.subject.rfc4514_string(ca.NAME_LABELS)[:500],
            certificate_issuer=cert.issuer.rfc4514_string()[:500],
            certificate_fingerprint=ca.fingerprint(cert),
            signed_at=clock.now(),
            field_name=plan.field_name,
        )
        audit_record(
            actor=actor,
            action="signing.document.seal",
            target=document,
            related=signature,
            data={
                "seal": spec.name,
                "version": version.number,
                "sha256": version.sha256,
                "certificate_serial": signature.certificate_serial,
                "field": plan.field_name,
                "verification_code": document.verification_code,
            },
        )
    return signature


def seal_document(*, actor: Any, document: Document, reason: str = "", seal: str = DEFAULT_SEAL) -> Signature:
    """Seal the current PDF version of a document the actor may sign (documents' "sign" action)."""
    spec = seal_spec(seal)
    if not documents_access.can(actor, document, "sign"):
        raise Forbidden(_("You may not seal this document."), code="may_not_seal")
    if document.status == DocumentStatus.WITHDRAWN:
        raise Conflict(
            _("The document was withdrawn; it can no longer be sealed."), code="document_withdrawn"
        )
    version = document.current_version
    if version is None or version.file_kind != "pdf":
        raise services.NotPdf()
    from eprok.signing.selectors import current_signatures

    if any(is_seal(s) and s.signer_name == spec.common_name for s in current_signatures(document)):
        raise Conflict(_("The document already bears this seal."), code="already_sealed")
    content = services._content_of(document)
    try:
        plan = services._plan(document, content, prefix=FIELD_PREFIX)
        sealed = seal_pdf(content, plan=plan, seal=seal)
    except pdf.PdfInvalid as exc:
        raise ValidationFailed(
            _("The PDF cannot be signed: it is damaged or encrypted."), code="pdf_invalid"
        ) from exc
    except ca.CaMissing as exc:
        raise Conflict(
            _("The organisation's signing authority has not been set up yet. Ask the administrator."),
            code="ca_missing",
        ) from exc
    return seal_store(
        actor=actor,
        document=document,
        sealed=sealed,
        reason=reason or str(_("Sealed: %(seal)s") % {"seal": spec.common_name}),
    )
