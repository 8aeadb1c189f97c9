"""Who may see and act on signing certificates and signatures.

An employee sees and issues their own certificate; an administrator (ADMINISTER_USERS over the employee's
unit) sees the certificates of the employees they manage and revokes them. Signatures are visible to
whoever may see their document (eprok.documents.access). Verifying an uploaded file needs only a signed-in
employee: it reveals nothing but what the file itself contains and whether its checksum is registered.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.documents import access as documents_access
from eprok.org import access as org_access
from eprok.signing.models import AsanSigning, Signature, SigningCertificate

CERT_TARGET = "signing.certificate"
ASAN_TARGET = "signing.asan"


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def certificates_visible_to(user: Any) -> QuerySet[SigningCertificate]:
    if not signed_in(user):
        return SigningCertificate.objects.none()
    return SigningCertificate.objects.filter(
        Q(employee=user) | Q(employee__in=org_access.managed_by(user).values("pk"))
    )


def can_revoke(user: Any, certificate: SigningCertificate) -> bool:
    unit = certificate.employee.unit
    return signed_in(user) and unit is not None and org_access.can_manage_unit(user, unit)


def can_issue(user: Any) -> bool:
    """Everyone signed in issues their own key (its use is still bound by each document's rules)."""
    return signed_in(user)


def can_verify_files(user: Any) -> bool:
    return signed_in(user)


def get_certificate_for(user: Any, public_id: Any, action: str = "view") -> SigningCertificate:
    key = _uuid(public_id)
    certificate = (
        certificates_visible_to(user)
        .select_related("employee", "employee__unit")
        .filter(public_id=key)
        .first()
        if key is not None
        else None
    )
    if certificate is None:
        deny(
            user,
            action=f"signing.certificate.{action}",
            target_type=CERT_TARGET,
            target_key=str(public_id)[:64],
            visible=False,
        )
    if action == "revoke" and not can_revoke(user, certificate):
        deny(
            user,
            action="signing.certificate.revoke",
            target_type=CERT_TARGET,
            target_key=str(public_id)[:64],
            visible=True,
        )
    return certificate


def signatures_visible_to(user: Any) -> QuerySet[Signature]:
    return Signature.objects.filter(document__in=documents_access.visible_to(user).values("pk"))


def get_asan_signing_for(user: Any, public_id: Any) -> AsanSigning:
    """A mobile signing in progress: only its own signer sees it."""
    key = _uuid(public_id)
    signing = None
    if signed_in(user) and key is not None:
        signing = (
            AsanSigning.objects.select_related("document", "document__current_version")
            .filter(public_id=key, signer=user)
            .first()
        )
    if signing is None:
        deny(
            user,
            action="signing.asan.view",
            target_type=ASAN_TARGET,
            target_key=str(public_id)[:64],
            visible=False,
        )
    return signing
