"""Schemas of the signing API."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema
from pydantic import Field, SecretStr


class IssueIn(Schema):
    # SecretStr: the passphrase never shows in a representation (error reports, logs).
    passphrase: SecretStr = Field(max_length=200, description="The signing passphrase; never stored.")


class CertificateOut(Schema):
    public_id: uuid.UUID
    serial: str
    subject: str
    issuer: str
    fingerprint: str
    not_before: dt.datetime
    not_after: dt.datetime
    status: str
    revoked_at: dt.datetime | None
    revocation_reason: str
    certificate_pem: str


class RevokeIn(Schema):
    reason: str = Field(max_length=32)


class SignIn(Schema):
    role: str = Field(max_length=16, description="author or approver")
    passphrase: SecretStr = Field(max_length=200)
    version: int | None = Field(
        default=None, ge=1, description="The version the signer saw (409 if changed)."
    )


class AsanStartIn(Schema):
    role: str = Field(max_length=16)
    phone: str = Field(max_length=20)
    asan_id: str = Field(max_length=12)
    remember: bool = False
    version: int | None = Field(default=None, ge=1)


class SignatureOut(Schema):
    public_id: uuid.UUID
    version_number: int
    signer: str
    signer_position: str
    role: str
    provider: str
    certificate_serial: str
    certificate_subject: str
    certificate_issuer: str
    certificate_fingerprint: str
    signed_at: dt.datetime
    field_name: str
    intact: bool | None
    trusted: bool | None
    revoked: bool | None
    superseded: bool = False  # made on an earlier content of the document (replaced since)


class AsanSigningOut(Schema):
    public_id: uuid.UUID
    document: uuid.UUID
    status: str
    verification_code: str
    error: str
    signature: SignatureOut | None = None


class ReportOut(Schema):
    field_name: str
    intact: bool
    trusted: bool
    revoked: bool
    signer: str
    subject: str
    issuer: str
    serial: str
    fingerprint: str
    signed_at: dt.datetime | None
    revision_sha256: str
    registered: bool
    problem: str


class VerifyOut(Schema):
    sha256: str
    size: int
    all_ok: bool
    signatures: list[ReportOut]
    registered: bool
    document: uuid.UUID | None = Field(default=None, description="When the caller may open that document.")
    version: int | None = None


class PublicSignerOut(Schema):
    name: str
    position: str
    role: str
    signed_at: dt.datetime


class PublicVerifyOut(Schema):
    code: str
    sha256: str
    document_type: str
    unit: str
    signers: list[PublicSignerOut]
    withdrawn: bool
    valid: bool
