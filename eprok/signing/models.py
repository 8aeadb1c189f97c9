"""Signing certificates of employees, signatures made on documents, and ASAN İmza signing transactions.

A SigningCertificate is issued by the organisation's CA (eprok.signing.ca) to one employee; its private
key is kept only encrypted with the employee's signing passphrase (never stored). A Signature records one
signature embedded in a document's PDF: the version it produced, who signed in which role, with which
certificate. An AsanSigning is a mobile signature in progress: the prepared PDF and what was sent to the
ASAN İmza service, until the signature comes back (or the signer cancels, or it expires).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class RevocationReason(models.TextChoices):
    KEY_COMPROMISE = "key_compromise", _("The key or passphrase may be known to someone else")
    PASSPHRASE_FORGOTTEN = "passphrase_forgotten", _("The passphrase was forgotten")
    LEFT_POST = "left_post", _("The employee left the post")
    SUPERSEDED = "superseded", _("Replaced by a new certificate")
    OTHER = "other", _("Other")


class SigningCertificate(PublicIdModel):
    """An employee's signing certificate issued by the organisation's CA, with the encrypted key."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    serial = models.CharField(_("serial number"), max_length=64, unique=True)  # hexadecimal
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    # PKCS#8, encrypted with the employee's signing passphrase; never readable without it.
    encrypted_key_pem = models.TextField(_("encrypted private key (PEM)"))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.ACTIVE
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("reason for revocation"), max_length=32, choices=RevocationReason.choices, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["employee", "status"], name="signing_cert_employee")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CertificateStatus.values), name="signing_cert_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="revoked", revoked_at__isnull=False) | ~Q(status="revoked"),
                name="signing_cert_revoked_has_time",
            ),
            # At most one active certificate per employee.
            models.UniqueConstraint(
                fields=["employee"], condition=Q(status="active"), name="signing_cert_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class SignatureRole(models.TextChoices):
    AUTHOR = "author", _("Author")
    APPROVER = "approver", _("Approver")


class SigningProvider(models.TextChoices):
    BUILTIN = "builtin", _("Organisation's key (passphrase)")
    ASAN = "asan", _("ASAN İmza (mobile)")


class Signature(PublicIdModel):
    """One signature embedded in a document: the version it made, the signer, role and certificate."""

    document = models.ForeignKey(
        "documents.Document", verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures"
    )
    version_number = models.PositiveIntegerField(_("signed version"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    # Name and position as they were when signing (shown on the public page; people change posts).
    signer_name = models.CharField(_("signer's name"), max_length=300)
    signer_position = models.CharField(_("signer's position"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=SignatureRole.choices)
    provider = models.CharField(_("provider"), max_length=16, choices=SigningProvider.choices)
    certificate = models.ForeignKey(
        SigningCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    certificate_serial = models.CharField(_("certificate serial number"), max_length=64)
    certificate_subject = models.CharField(_("certificate subject"), max_length=500)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=500)
    certificate_fingerprint = models.CharField(_("certificate fingerprint"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    field_name = models.CharField(_("signature field"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["document", "version_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "field_name"], name="signature_field_unique"),
            models.UniqueConstraint(fields=["document", "version_number"], name="signature_version_unique"),
            models.CheckConstraint(condition=Q(role__in=SignatureRole.values), name="signature_role_valid"),
            models.CheckConstraint(
                condition=Q(provider__in=SigningProvider.values), name="signature_provider_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.role})"


class AsanProfile(TimeStampedModel):
    """The phone number and ASAN ID an employee signs with on ASAN İmza (saved at their request)."""

    employee = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="asan"
    )
    phone = models.CharField(_("phone number"), max_length=20)
    asan_id = models.CharField(_("ASAN ID"), max_length=12)

    class Meta:
        verbose_name = _("ASAN İmza profile")
        verbose_name_plural = _("ASAN İmza profiles")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.phone}"


class AsanStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation on the phone")
    SIGNED = "signed", _("Signed")
    CANCELLED = "cancelled", _("Cancelled on the phone")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


class AsanSigning(PublicIdModel):
    """A mobile signature in progress: what was prepared and sent, until ASAN İmza answers."""

    document = models.ForeignKey(
        "documents.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=SignatureRole.choices)
    base_version = models.PositiveIntegerField(_("version being signed"))
    field_name = models.CharField(_("signature field"), max_length=64)
    phone = models.CharField(_("phone number"), max_length=20)
    asan_id = models.CharField(_("ASAN ID"), max_length=12)
    transaction_id = models.CharField(_("ASAN transaction"), max_length=64, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AsanStatus.choices, default=AsanStatus.PENDING
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    prepared_pdf = models.BinaryField(_("prepared PDF"))
    document_digest = models.BinaryField(_("document digest"))
    reserved_start = models.PositiveBigIntegerField(_("signature placeholder start"))
    reserved_end = models.PositiveBigIntegerField(_("signature placeholder end"))
    signed_attrs = models.BinaryField(_("signed attributes"))
    certificate_der = models.BinaryField(_("certificate"))
    chain_pem = models.TextField(_("certificate chain (PEM)"), blank=True)
    # The document's verification code the prepared stamp shows (new for a first signature).
    document_code = models.CharField(_("document's verification code"), max_length=16)
    expires_at = models.DateTimeField(_("expires at"))
    signature = models.OneToOneField(
        Signature,
        verbose_name=_("signature"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ASAN İmza signing")
        verbose_name_plural = _("ASAN İmza signings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["signer", "-created_at"], name="asan_signing_signer")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AsanStatus.values), name="asan_signing_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} ({self.status})"
