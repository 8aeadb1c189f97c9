"""Every write of the signing app: issuing and revoking certificates, signing a document (with the
built-in key or ASAN İmza), and the verification code of a signed document.

A signature is made outside the transaction (pyHanko works on bytes) and stored inside one: the new
document version (documents.services.version_add_content with the version it was built on, so two signers
never both build on the same one), the document's SIGNED status and verification code, the Signature row
and the audit event. Any failure stores nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.debug import sensitive_variables

from eprok.audit.services import audit_record
from eprok.core.errors import ApplicationError, Conflict, Forbidden, ValidationFailed
from eprok.documents import access as documents_access
from eprok.documents.models import Document, DocumentStatus, VersionSource
from eprok.documents.selectors import version_read
from eprok.documents.services import document_mark_signed, version_add_content
from eprok.signing import asan, ca, clock, pdf
from eprok.signing.models import (
    AsanProfile,
    AsanSigning,
    AsanStatus,
    CertificateStatus,
    RevocationReason,
    Signature,
    SignatureRole,
    SigningCertificate,
    SigningProvider,
)
from eprok.signing.providers import AsanProvider, Done, KeyProvider, Pending, ProviderError, Refused

ASAN_TTL = dt.timedelta(minutes=3)
# Wrong signing passphrases: after this many within the window, signing with the key waits (a stolen
# session must not be able to guess the passphrase); counted in the cache per employee.
PASSPHRASE_MAX_FAILURES = 5
PASSPHRASE_WINDOW_SECONDS = 15 * 60


def _failures_key(actor: Any) -> str:
    return f"signing:passphrase-failures:{actor.pk}"


def _passphrase_locked(actor: Any) -> bool:
    return int(cache.get(_failures_key(actor)) or 0) >= PASSPHRASE_MAX_FAILURES


def _passphrase_failed(actor: Any) -> None:
    key = _failures_key(actor)
    cache.add(key, 0, timeout=PASSPHRASE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=PASSPHRASE_WINDOW_SECONDS)


# --- certificates --------------------------------------------------------------------------------


@sensitive_variables("passphrase")
def _check_passphrase(passphrase: str) -> None:
    minimum = int(settings.EPROK_SIGNING_MIN_PASSPHRASE)
    if len(passphrase or "") < minimum:
        raise ValidationFailed(
            details={
                "passphrase": str(
                    _("The signing passphrase must be at least %(count)s characters long.")
                    % {"count": minimum}
                )
            }
        )


def _expire_if_due(certificate: SigningCertificate) -> None:
    if certificate.status == CertificateStatus.ACTIVE and certificate.not_after <= clock.now():
        with transaction.atomic():
            changed = SigningCertificate.objects.filter(
                pk=certificate.pk, status=CertificateStatus.ACTIVE
            ).update(status=CertificateStatus.EXPIRED)
            if changed:
                audit_record(
                    actor=None,
                    action="signing.certificate.expire",
                    target=certificate,
                    changes={"status": [CertificateStatus.ACTIVE, CertificateStatus.EXPIRED]},
                )
        certificate.status = CertificateStatus.EXPIRED


@sensitive_variables("passphrase")
def certificate_issue(*, actor: Any, passphrase: str) -> SigningCertificate:
    """A new key and certificate for the actor; an active one they had is superseded (revoked)."""
    if not getattr(actor, "is_active", False):
        raise Forbidden()
    _check_passphrase(passphrase)
    unit = actor.unit.name if getattr(actor, "unit", None) else ""
    position = actor.position.name if getattr(actor, "position", None) else ""
    subject = ca.subject_for(
        full_name=actor.full_name or actor.get_username(),
        employee_id=str(actor.public_id),
        unit=unit,
        title=position,
    )
    now = clock.now()
    try:
        issued = ca.issue_key(
            subject=subject, passphrase=passphrase, days=int(settings.EPROK_SIGNING_CERT_DAYS), now=now
        )
    except ca.CaMissing as exc:
        raise Conflict(
            _("The organisation's signing authority has not been set up yet. Ask the administrator."),
            code="ca_missing",
        ) from exc
    cert = issued.certificate
    with transaction.atomic():
        previous = list(
            SigningCertificate.objects.select_for_update().filter(
                employee=actor, status=CertificateStatus.ACTIVE
            )
        )
        for old in previous:
            old.status = CertificateStatus.REVOKED
            old.revoked_at = now
            old.revocation_reason = RevocationReason.SUPERSEDED
            old.revoked_by = actor
            old.save(update_fields=["status", "revoked_at", "revocation_reason", "revoked_by", "updated_at"])
        certificate = SigningCertificate.objects.create(
            employee=actor,
            serial=format(cert.serial_number, "x"),
            subject=cert.subject.rfc4514_string(ca.NAME_LABELS)[:500],
            issuer=cert.issuer.rfc4514_string()[:500],
            fingerprint=ca.fingerprint(cert),
            certificate_pem=issued.certificate_pem.decode(),
            encrypted_key_pem=issued.encrypted_key_pem.decode(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )
        audit_record(
            actor=actor,
            action="signing.certificate.issue",
            target=certificate,
            data={
                "serial": certificate.serial,
                "fingerprint": certificate.fingerprint,
                "not_after": certificate.not_after.isoformat(),
                "superseded": [old.serial for old in previous],
            },
        )
    return certificate


def certificate_revoke(*, actor: Any, certificate: SigningCertificate, reason: str) -> SigningCertificate:
    """Revoke (the caller checked access.can_revoke); the next CRL lists it and signing with it stops."""
    from eprok.signing.access import can_revoke

    if not can_revoke(actor, certificate):
        raise Forbidden()
    if reason not in RevocationReason.values:
        raise ValidationFailed(details={"reason": str(_("Choose the reason for revocation."))})
    with transaction.atomic():
        locked = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            raise Conflict(_("This certificate is already revoked."), code="already_revoked")
        previous = locked.status
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = clock.now()
        locked.revocation_reason = reason
        locked.revoked_by = actor
        locked.save(update_fields=["status", "revoked_at", "revocation_reason", "revoked_by", "updated_at"])
        audit_record(
            actor=actor,
            action="signing.certificate.revoke",
            target=locked,
            changes={"status": [previous, locked.status]},
            data={"serial": locked.serial, "reason": reason, "employee": str(locked.employee.public_id)},
        )
    certificate.status, certificate.revoked_at = locked.status, locked.revoked_at
    certificate.revocation_reason = locked.revocation_reason
    return locked


def active_certificate(employee: Any) -> SigningCertificate | None:
    """The employee's certificate in force now (expired ones are marked so on the way)."""
    certificate = (
        SigningCertificate.objects.filter(employee=employee, status=CertificateStatus.ACTIVE)
        .order_by("-pk")
        .first()
    )
    if certificate is not None:
        _expire_if_due(certificate)
    return certificate


# --- signing -------------------------------------------------------------------------------------


class NotPdf(ValidationFailed):
    code = "not_pdf"
    default_message = _("Only PDF documents can be signed. Generate or upload the document as a PDF.")


ROLE_ACTION = {SignatureRole.AUTHOR: "sign", SignatureRole.APPROVER: "approve"}


def check_can_sign(actor: Any, document: Document, role: str) -> None:
    """The guards of signing, in the order a signer understands them; raises the first that fails."""
    if role not in SignatureRole.values:
        raise ValidationFailed(details={"role": str(_("Choose whether you sign as author or approver."))})
    if not documents_access.can(actor, document, ROLE_ACTION[SignatureRole(role)]):
        if role == SignatureRole.APPROVER:
            raise Forbidden(_("You may not approve this document."), code="may_not_approve")
        raise Forbidden(_("You may not sign this document."), code="may_not_sign")
    if document.status == DocumentStatus.WITHDRAWN:
        raise Conflict(
            _("The document was withdrawn; it can no longer be signed."), code="document_withdrawn"
        )
    version = document.current_version
    if version is None or version.file_kind != "pdf":
        raise NotPdf()
    # Only the signatures on the current content count: a replacing upload starts a new lineage.
    from eprok.signing.selectors import current_signatures

    signatures = list(current_signatures(document))
    if any(s.signer_id == actor.pk for s in signatures):
        raise Conflict(_("You have already signed this document."), code="already_signed")
    authors = [s for s in signatures if s.role == SignatureRole.AUTHOR]
    if role == SignatureRole.AUTHOR and authors:
        raise Conflict(_("The document already bears its author's signature."), code="author_signed")
    if role == SignatureRole.APPROVER and not authors:
        raise Conflict(
            _("The author signs first; approve after the author's signature."), code="author_first"
        )


def _certificate_in_force(actor: Any) -> SigningCertificate:
    certificate = SigningCertificate.objects.filter(employee=actor).order_by("-created_at", "-pk").first()
    if certificate is None:
        raise Conflict(
            _("You have no signing key yet. Issue one on the “My signature” page."), code="no_certificate"
        )
    _expire_if_due(certificate)
    now = clock.now()
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(
            _("Your signing certificate was revoked. Issue a new key on the “My signature” page."),
            code="certificate_revoked",
        )
    if certificate.status == CertificateStatus.EXPIRED or certificate.not_after <= now:
        raise Conflict(
            _("Your signing certificate expired. Issue a new key on the “My signature” page."),
            code="certificate_expired",
        )
    if certificate.not_before > now:
        raise Conflict(_("Your signing certificate is not valid yet."), code="certificate_not_yet_valid")
    return certificate


@dataclass(frozen=True)
class _Plan:
    field_name: str
    slot: int
    code: str
    base_version: int


def new_verification_code() -> str:
    for _attempt in range(20):
        code = ca.random_code(10)
        if not Document.objects.filter(verification_code=code).exists():
            return code
    raise RuntimeError("no free verification code")  # 32^10 codes: never in practice


def verification_url(code: str) -> str:
    return f"{str(settings.EPROK_VERIFY_URL).rstrip('/')}/{code}/"


def _plan(document: Document, content: bytes, *, prefix: str = "Signature") -> _Plan:
    """Where the next signature goes; the organisation's e-seals (eprok.signing.seal) use prefix "Seal"."""
    from eprok.signing.selectors import current_signatures

    existing = set(pdf.existing_field_names(content))
    # Field names are unique over the document's whole history; the stamp's slot counts the signatures
    # on the current content only (a replaced upload has none of the earlier stamps).
    used = set(Signature.objects.filter(document=document).values_list("field_name", flat=True))
    number = Signature.objects.filter(document=document).count() + 1
    while f"{prefix}{number}" in existing or f"{prefix}{number}" in used:
        number += 1
    return _Plan(
        field_name=f"{prefix}{number}",
        slot=current_signatures(document).count(),
        code=document.verification_code or new_verification_code(),
        base_version=document.current_version.number,  # type: ignore[union-attr]
    )


def _position(actor: Any) -> str:
    return actor.position.name if getattr(actor, "position", None) else ""


def _appearance(actor: Any, role: str, plan: _Plan) -> pdf.Appearance:
    signer = ", ".join(part for part in (actor.full_name, _position(actor)) if part)
    return stamp_appearance(signer=signer, role=SignatureRole(role).label, plan=plan)


def stamp_appearance(*, signer: str, role: Any, plan: _Plan) -> pdf.Appearance:
    """The visible stamp (QR code and short code) of a signature or an e-seal."""
    # The stamp is part of the document: in the documents' language (Azerbaijani).
    with override("az"):
        return pdf.Appearance(
            signer=signer,
            role=str(role),
            code=plan.code,
            code_label=str(_("Verification code")),
            url=verification_url(plan.code),
            slot=plan.slot,
        )


def _content_of(document: Document) -> bytes:
    return version_read(document.current_version)  # type: ignore[arg-type]


def _store(
    *,
    actor: Any,
    document: Document,
    role: str,
    provider: str,
    plan: _Plan,
    signed: bytes,
    cert: x509.Certificate,
    certificate: SigningCertificate | None,
) -> Signature:
    """The signed PDF as the next version, the document SIGNED with its code, the Signature row."""
    with transaction.atomic():
        version = version_add_content(
            actor=actor,
            document=document,
            content=signed,
            source=VersionSource.SIGNED,
            reason=str(_("Signed (%(role)s)") % {"role": SignatureRole(role).label}),
            expected_version=plan.base_version,
        )
        document_mark_signed(actor=actor, document=document, verification_code=plan.code)
        signature = Signature.objects.create(
            document=document,
            version_number=version.number,
            signer=actor,
            signer_name=actor.full_name,
            signer_position=_position(actor),
            role=role,
            provider=provider,
            certificate=certificate,
            certificate_serial=format(cert.serial_number, "x"),
            certificate_subject=cert.subject.rfc4514_string(ca.NAME_LABELS)[:500],
            certificate_issuer=cert.issuer.rfc4514_string()[:500],
            certificate_fingerprint=ca.fingerprint(cert),
            signed_at=clock.now(),
            field_name=plan.field_name,
        )
        audit_record(
            actor=actor,
            action="signing.signature.create",
            target=document,
            related=signature,
            data={
                "role": role,
                "provider": provider,
                "version": version.number,
                "sha256": version.sha256,
                "certificate_serial": signature.certificate_serial,
                "field": plan.field_name,
                "verification_code": document.verification_code,
            },
        )
    return signature


@sensitive_variables("passphrase")
def document_sign(
    *, actor: Any, document: Document, role: str, passphrase: str, expected_version: int | None = None
) -> Signature:
    """Sign the current PDF version with the actor's own key, opened with their passphrase."""
    check_can_sign(actor, document, role)
    if expected_version is not None and document.current_version.number != expected_version:  # type: ignore[union-attr]
        from eprok.documents.services import StaleDocumentVersion

        raise StaleDocumentVersion(details={"version": document.current_version.number})  # type: ignore[union-attr]
    certificate = _certificate_in_force(actor)
    if _passphrase_locked(actor):
        raise Conflict(
            _("The passphrase was wrong too many times. Wait 15 minutes, or sign with ASAN İmza."),
            code="passphrase_locked",
        )
    key = ca.decrypt_key(certificate.encrypted_key_pem.encode(), passphrase or "")
    if key is None:
        _passphrase_failed(actor)
        audit_record(
            actor=actor,
            action="signing.signature.passphrase_wrong",
            target=document,
            data={"certificate_serial": certificate.serial, "locked": _passphrase_locked(actor)},
        )
        raise ValidationFailed(
            _("The signing passphrase is wrong."),
            code="wrong_passphrase",
            details={"passphrase": str(_("The signing passphrase is wrong."))},
        )
    cache.delete(_failures_key(actor))
    content = _content_of(document)
    cert = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    provider = KeyProvider(key=key, certificate=cert, chain=[ca.ca_certificate()])
    try:
        plan = _plan(document, content)
        done = provider.begin(content, field_name=plan.field_name, appearance=_appearance(actor, role, plan))
    except pdf.PdfInvalid as exc:
        raise ValidationFailed(
            _("The PDF cannot be signed: it is damaged or encrypted."), code="pdf_invalid"
        ) from exc
    return _store(
        actor=actor,
        document=document,
        role=role,
        provider=SigningProvider.BUILTIN,
        plan=plan,
        signed=done.signed,
        cert=done.certificate,
        certificate=certificate,
    )


# --- ASAN İmza ----------------------------------------------------------------------------------


def _fin_matches(serial_number: str, fin: str) -> bool:
    """A subject serialNumber holds the FIN, bare or as an ETSI identifier ("PNOAZ-1AB2CD3")."""
    serial_number, fin = serial_number.strip().upper(), fin.strip().upper()
    return bool(fin) and (serial_number == fin or serial_number.endswith("-" + fin))


def _asan_refuse(actor: Any, document: Document, error: ApplicationError, **data: Any) -> None:
    """Record the refusal (nothing else is stored) and raise it."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="signing.asan.refuse",
            target=document,
            data={"code": error.code, **data},
        )
    raise error


def _check_asan_certificate(actor: Any, document: Document, identity: asan.AsanCertificate) -> None:
    """The certificate ASAN İmza returned must be in force, chain to a trusted root, and be the signer's
    own: its subject's serialNumber carries the holder's FIN, compared with the employee's FIN."""
    cert = identity.certificate
    now = clock.now()
    if cert.not_valid_after_utc <= now:
        raise Conflict(_("Your ASAN İmza certificate has expired."), code="certificate_expired")
    if cert.not_valid_before_utc > now:
        raise Conflict(_("Your ASAN İmza certificate is not valid yet."), code="certificate_not_yet_valid")
    subject = cert.subject.rfc4514_string(ca.NAME_LABELS)[:500]
    if not ca.chains_to_trusted(cert, identity.chain, now=now):
        _asan_refuse(
            actor,
            document,
            Conflict(
                _(
                    "The certificate ASAN İmza returned was not issued by a trusted certification "
                    "authority. The signing was refused."
                ),
                code="asan_untrusted",
            ),
            subject=subject,
            issuer=cert.issuer.rfc4514_string()[:500],
        )
    if not _fin_matches(ca.subject_serial_number(cert), actor.fin or ""):
        _asan_refuse(
            actor,
            document,
            Conflict(
                _(
                    "This ASAN İmza certificate belongs to another person: its FIN is not yours. "
                    "Check the phone number and the ASAN ID."
                ),
                code="asan_not_yours",
            ),
            subject=subject,
        )


def _require_fin(actor: Any, document: Document) -> None:
    if not (getattr(actor, "fin", None) or "").strip():
        _asan_refuse(
            actor,
            document,
            Conflict(
                _(
                    "Your FIN is not on record, so an ASAN İmza signature cannot be matched to you. "
                    "Ask the personnel administrator to add it, or sign with your key."
                ),
                code="asan_no_fin",
            ),
        )


def asan_start(
    *, actor: Any, document: Document, role: str, phone: str, asan_id: str, remember: bool = False
) -> AsanSigning:
    """Prepare the PDF, send its hash to ASAN İmza; the signer confirms the shown code on the phone."""
    check_can_sign(actor, document, role)
    phone, asan_id = asan.check_identity(phone, asan_id)
    _require_fin(actor, document)
    provider = AsanProvider(phone=phone, asan_id=asan_id)
    _check_asan_certificate(actor, document, provider.identity())
    content = _content_of(document)
    try:
        plan = _plan(document, content)
        pending = provider.begin(
            content, field_name=plan.field_name, appearance=_appearance(actor, role, plan)
        )
    except pdf.PdfInvalid as exc:
        raise ValidationFailed(
            _("The PDF cannot be signed: it is damaged or encrypted."), code="pdf_invalid"
        ) from exc
    prepared = pending.prepared
    with transaction.atomic():
        signing = AsanSigning.objects.create(
            document=document,
            signer=actor,
            role=role,
            base_version=plan.base_version,
            field_name=plan.field_name,
            phone=phone,
            asan_id=asan_id,
            transaction_id=pending.transaction_id,
            verification_code=pending.verification_code,
            prepared_pdf=prepared.prepared_pdf,
            document_digest=prepared.document_digest,
            reserved_start=prepared.reserved_start,
            reserved_end=prepared.reserved_end,
            signed_attrs=prepared.signed_attrs,
            certificate_der=prepared.certificate_der,
            chain_pem="".join(
                x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()
                for der in prepared.chain_der
            ),
            document_code=plan.code,
            expires_at=clock.now() + ASAN_TTL,
        )
        if remember:
            AsanProfile.objects.update_or_create(
                employee=actor, defaults={"phone": phone, "asan_id": asan_id}
            )
        audit_record(
            actor=actor,
            action="signing.asan.start",
            target=document,
            related=signing,
            data={"role": role, "transaction": pending.transaction_id, "version": plan.base_version},
        )
    return signing


def _prepared_of(signing: AsanSigning) -> pdf.PreparedSignature:
    chain = [
        c.public_bytes(serialization.Encoding.DER)
        for c in (x509.load_pem_x509_certificates(signing.chain_pem.encode()) if signing.chain_pem else [])
    ]
    return pdf.PreparedSignature(
        prepared_pdf=bytes(signing.prepared_pdf),
        document_digest=bytes(signing.document_digest),
        reserved_start=signing.reserved_start,
        reserved_end=signing.reserved_end,
        signed_attrs=bytes(signing.signed_attrs),
        certificate_der=bytes(signing.certificate_der),
        chain_der=chain,
    )


def _asan_end(signing: AsanSigning, status: str, *, actor: Any, error: str = "") -> AsanSigning:
    with transaction.atomic():
        # The prepared copy of the document is needed only while waiting: it goes with the end.
        updated = AsanSigning.objects.filter(pk=signing.pk, status=AsanStatus.PENDING).update(
            status=status, error=error[:300], prepared_pdf=b"", signed_attrs=b""
        )
        if updated:
            audit_record(
                actor=actor,
                action=f"signing.asan.{status}",
                target=signing.document,
                related=signing,
                data={"transaction": signing.transaction_id, "error": error[:300]},
            )
    signing.refresh_from_db()
    return signing


def asan_poll(*, actor: Any, signing: AsanSigning) -> AsanSigning:
    """Ask ASAN İmza once; on a signature, embed it and store the signed version (exactly once)."""
    if signing.status != AsanStatus.PENDING:
        return signing
    if clock.now() >= signing.expires_at:
        return _asan_end(signing, AsanStatus.EXPIRED, actor=actor)
    provider = AsanProvider(phone=signing.phone, asan_id=signing.asan_id)
    pending = Pending(
        prepared=_prepared_of(signing),
        field_name=signing.field_name,
        transaction_id=signing.transaction_id,
        verification_code=signing.verification_code,
    )
    try:
        outcome = provider.poll(pending)
    except ProviderError as exc:
        return _asan_end(signing, AsanStatus.FAILED, actor=actor, error=str(exc))
    if isinstance(outcome, Pending):
        return signing
    if isinstance(outcome, Refused):
        status = AsanStatus.CANCELLED if outcome.reason == "cancelled" else AsanStatus.EXPIRED
        return _asan_end(signing, status, actor=actor)
    done: Done = outcome
    document = Document.objects.select_related("current_version").get(pk=signing.document_id)
    # The stamp already shows the code chosen when the signing started.
    plan = _Plan(
        field_name=signing.field_name, slot=0, code=signing.document_code, base_version=signing.base_version
    )
    try:
        check_can_sign(actor, document, signing.role)
        with transaction.atomic():
            locked = AsanSigning.objects.select_for_update().get(pk=signing.pk)
            if locked.status != AsanStatus.PENDING:
                return locked
            signature = _store(
                actor=actor,
                document=document,
                role=signing.role,
                provider=SigningProvider.ASAN,
                plan=plan,
                signed=done.signed,
                cert=done.certificate,
                certificate=None,
            )
            locked.status = AsanStatus.SIGNED
            locked.signature = signature
            # The signed PDF is now a document version: the prepared copy is not kept.
            locked.prepared_pdf, locked.signed_attrs = b"", b""
            locked.save(update_fields=["status", "signature", "prepared_pdf", "signed_attrs", "updated_at"])
    except (ApplicationError, IntegrityError) as exc:
        return _asan_end(signing, AsanStatus.FAILED, actor=actor, error=str(getattr(exc, "message", exc)))
    return locked
