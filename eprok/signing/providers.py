"""The signing-provider interface: how a signature over a prepared PDF is obtained.

Everything around it is the same for every provider (services.py: the guards, the stamp, storing the
signed PDF as a new version). A provider turns the current PDF into a signed one, at once or later:

    begin(content, field_name=, appearance=) -> Done (signed now) | Pending (waiting for the signer)
    poll(pending)                            -> Done | Pending | Refused (cancelled or expired)

KeyProvider signs with an employee's key held in memory (the built-in provider); AsanProvider sends the
hash to ASAN İmza and embeds the signature it returns (pyHanko's interrupted signing). Another
provider (a smart card, an HSM, another mobile-signature service) implements the same two methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from eprok.signing import asan, pdf


@dataclass(frozen=True)
class Done:
    signed: bytes
    certificate: x509.Certificate


@dataclass(frozen=True)
class Pending:
    prepared: pdf.PreparedSignature
    field_name: str
    transaction_id: str
    verification_code: str  # shown to the signer, who compares it with the phone's


@dataclass(frozen=True)
class Refused:
    reason: str  # "cancelled" or "expired"


class SigningProvider(Protocol):
    code: str

    def begin(self, content: bytes, *, field_name: str, appearance: pdf.Appearance) -> Done | Pending: ...

    def poll(self, pending: Pending) -> Done | Pending | Refused: ...


class KeyProvider:
    """The built-in provider: the employee's key, decrypted with their passphrase for this signature."""

    code = "builtin"

    def __init__(self, *, key: PrivateKeyTypes, certificate: x509.Certificate, chain: list[x509.Certificate]):
        self.key, self.certificate, self.chain = key, certificate, chain

    def begin(self, content: bytes, *, field_name: str, appearance: pdf.Appearance) -> Done:
        signed = pdf.sign_pdf(
            content,
            key=self.key,
            certificate=self.certificate,
            chain=self.chain,
            field_name=field_name,
            appearance=appearance,
        )
        return Done(signed=signed, certificate=self.certificate)

    def poll(self, pending: Pending) -> Done | Pending | Refused:
        raise NotImplementedError("the built-in provider never waits")


class AsanProvider:
    """ASAN İmza's mobile signature: the signer confirms the shown code on the phone."""

    code = "asan"

    def __init__(self, *, phone: str, asan_id: str, client: asan.AsanClient | None = None) -> None:
        self.phone, self.asan_id = phone, asan_id
        self.client = client or asan.client()
        self._identity: asan.AsanCertificate | None = None

    def identity(self) -> asan.AsanCertificate:
        """The signer's ASAN İmza certificate (asked once)."""
        if self._identity is None:
            self._identity = self.client.certificate(self.phone, self.asan_id)
        return self._identity

    def begin(self, content: bytes, *, field_name: str, appearance: pdf.Appearance) -> Pending:
        identity = self.identity()
        prepared = pdf.prepare_external(
            content,
            certificate=identity.certificate,
            chain=identity.chain,
            field_name=field_name,
            appearance=appearance,
        )
        started = self.client.start(
            self.phone, self.asan_id, prepared.to_be_signed, display_text=f"eprok {appearance.code}"
        )
        return Pending(
            prepared=prepared,
            field_name=field_name,
            transaction_id=started.transaction_id,
            verification_code=started.verification_code,
        )

    def poll(self, pending: Pending) -> Done | Pending | Refused:
        result = self.client.status(pending.transaction_id)
        if result.status == "OUTSTANDING":
            return pending
        if result.status == "USER_CANCEL":
            return Refused(reason="cancelled")
        if result.status == "EXPIRED":
            return Refused(reason="expired")
        certificate = result.certificate
        if (
            certificate is None
            or certificate.public_bytes(serialization.Encoding.DER) != pending.prepared.certificate_der
        ):
            raise ProviderError("the certificate changed during signing")
        signed = pdf.finish_external(pending.prepared, signature_value=result.signature)
        mine = [r for r in pdf.validate_pdf(signed, trust=[]) if r.field_name == pending.field_name]
        if not mine or not mine[0].intact:
            raise ProviderError("the returned signature does not match the document")
        return Done(signed=signed, certificate=certificate)


class ProviderError(Exception):
    """The provider answered, but with something that cannot be a valid signature of this document."""
