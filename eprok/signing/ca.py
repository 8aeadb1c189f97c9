"""The organisation's own certification authority: a root key and certificate kept on disk, employee
certificates it issues, and the revocation list (CRL) it signs.

The CA's private key never enters the database: it lives, encrypted with `EPROK_SIGNING_CA_PASSPHRASE`,
in `EPROK_SIGNING_DIR` (docs/operations.md: back that directory up, keep it off the web root). Employee
keys are generated here and returned encrypted (PKCS#8) with the employee's own signing passphrase, which
is used once and never stored. Certificates from other issuers that the validation trusts (the ASAN İmza
CA) are PEM files in `<EPROK_SIGNING_DIR>/trusted/`.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

CA_KEY_FILE = "ca-key.pem"
CA_CERT_FILE = "ca-cert.pem"
TRUSTED_DIR = "trusted"
KEY_SIZE = 2048
CA_YEARS = 20
CLOCK_SKEW = dt.timedelta(minutes=5)


class CaMissing(ImproperlyConfigured):
    """The CA has not been created yet (`manage.py signing_ca init`)."""


def signing_dir() -> Path:
    return Path(settings.EPROK_SIGNING_DIR)


@sensitive_variables("configured")
def ca_passphrase() -> bytes:
    """The passphrase of the CA's key: from the environment; outside production, a derived local default.

    The derived default (from SECRET_KEY) is for development and the demo only: anyone who has the
    SECRET_KEY can use the CA's key. Production refuses to start without EPROK_SIGNING_CA_PASSPHRASE.
    """
    configured = settings.EPROK_SIGNING_CA_PASSPHRASE
    if configured:
        return configured.encode()
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("EPROK_SIGNING_CA_PASSPHRASE is required in production.")
    return salted_hmac("eprok.signing.ca.demo-passphrase", "local", algorithm="sha256").hexdigest().encode()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _org_name() -> str:
    return str(getattr(settings, "EPROK_SIGNING_ORGANISATION", "") or "eprok")


@dataclass(frozen=True)
class CertificateAuthority:
    certificate: x509.Certificate
    key: PrivateKeyTypes

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def ca_exists(directory: Path | None = None) -> bool:
    base = directory or signing_dir()
    return (base / CA_KEY_FILE).exists() and (base / CA_CERT_FILE).exists()


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, atomically (never a half-written key)."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def ca_init(*, common_name: str = "", now: dt.datetime | None = None) -> tuple[CertificateAuthority, bool]:
    """Create the CA once (idempotent): (the CA, whether it was created now)."""
    base = signing_dir()
    if ca_exists(base):
        return ca_load(), False
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    (base / TRUSTED_DIR).mkdir(exist_ok=True, mode=0o700)
    moment = _now(now)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _org_name()),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name or f"{_org_name()} signing CA"),
        ]
    )
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - CLOCK_SKEW)
        .not_valid_after(moment + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(ca_passphrase()),
    )
    _write_private(base / CA_KEY_FILE, encrypted)
    (base / CA_CERT_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return CertificateAuthority(certificate=certificate, key=key), True


def ca_certificate() -> x509.Certificate:
    path = signing_dir() / CA_CERT_FILE
    if not path.exists():
        raise CaMissing("The signing CA has not been created: run `manage.py signing_ca init`.")
    return x509.load_pem_x509_certificate(path.read_bytes())


@sensitive_variables("key")
def ca_load() -> CertificateAuthority:
    base = signing_dir()
    if not ca_exists(base):
        raise CaMissing("The signing CA has not been created: run `manage.py signing_ca init`.")
    key = serialization.load_pem_private_key((base / CA_KEY_FILE).read_bytes(), password=ca_passphrase())
    return CertificateAuthority(certificate=ca_certificate(), key=key)


def trusted_certificates() -> list[x509.Certificate]:
    """The trust anchors of validation: the organisation's CA and every PEM in trusted/ (ASAN İmza's CA)."""
    roots = []
    base = signing_dir()
    if (base / CA_CERT_FILE).exists():
        roots.append(ca_certificate())
    trusted = base / TRUSTED_DIR
    if trusted.is_dir():
        for path in sorted(trusted.glob("*.pem")):
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return roots


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _valid_at(certificate: x509.Certificate, moment: dt.datetime) -> bool:
    return certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def chains_to_trusted(
    certificate: x509.Certificate, chain: Iterable[x509.Certificate], *, now: dt.datetime | None = None
) -> bool:
    """Whether the certificate was issued, through the given intermediates, by one of the trust anchors
    (the organisation's CA and the roots added with `signing_ca trust`), every link valid now."""
    moment = _now(now)
    roots = trusted_certificates()
    pool = [c for c in chain if _is_ca(c)]
    current = certificate
    for _depth in range(6):
        if any(
            root.subject == current.issuer and _valid_at(root, moment) and _issued_by(current, root)
            for root in roots
        ):
            return True
        issuer = next(
            (
                c
                for c in pool
                if c.subject == current.issuer and _valid_at(c, moment) and _issued_by(current, c)
            ),
            None,
        )
        if issuer is None:
            return False
        pool.remove(issuer)
        current = issuer
    return False


# Names shown for subject attributes that RFC 4514 writes as numbers (serialNumber: an ASAN İmza FIN).
NAME_LABELS = {NameOID.SERIAL_NUMBER: "serialNumber", NameOID.TITLE: "title"}


def subject_serial_number(certificate: x509.Certificate) -> str:
    """The subject's serialNumber (an ASAN İmza certificate's holder FIN), "" when there is none."""
    values = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(values[0].value).strip() if values else ""


def trust_add(name: str, pem: bytes) -> Path:
    """Trust another issuer's root (validated as a certificate first); `name` is a plain file stem."""
    certificates = x509.load_pem_x509_certificates(pem)
    if not certificates or not name.replace("-", "").isalnum():
        raise ValueError("not a certificate or not a plain name")
    trusted = signing_dir() / TRUSTED_DIR
    trusted.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = trusted / f"{name}.pem"
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates))
    return path


def crl_url() -> str:
    """Where the CA's revocation list is published (the portal serves it)."""
    return str(settings.EPROK_VERIFY_URL).rstrip("/") + "/ca.crl"


# --- employee certificates -----------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    certificate: x509.Certificate
    encrypted_key_pem: bytes  # PKCS#8, encrypted with the employee's signing passphrase

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def subject_for(*, full_name: str, employee_id: str, unit: str = "", title: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "AZ"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _org_name()),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, employee_id[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, full_name[:64]))
    return x509.Name(attributes)


@sensitive_variables("passphrase", "key")
def issue_key(*, subject: x509.Name, passphrase: str, days: int, now: dt.datetime | None = None) -> IssuedKey:
    """A new key pair and a certificate for it signed by the CA; the key leaves only encrypted."""
    authority = ca_load()
    moment = _now(now)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    public = key.public_key()
    not_after = min(moment + dt.timedelta(days=days), authority.certificate.not_valid_after_utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(authority.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.certificate.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        # A declared CRL makes validators (pyHanko) check revocation; the portal publishes it there.
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url())],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    return IssuedKey(certificate=certificate, encrypted_key_pem=encrypted)


@sensitive_variables("passphrase", "key")
def decrypt_key(encrypted_pem: bytes, passphrase: str) -> PrivateKeyTypes | None:
    """The private key, or None when the passphrase is wrong."""
    try:
        return serialization.load_pem_private_key(encrypted_pem, password=passphrase.encode())
    except (ValueError, TypeError):
        return None


def build_crl(
    revoked: Iterable[tuple[int, dt.datetime]], *, now: dt.datetime | None = None
) -> x509.CertificateRevocationList:
    """A CRL signed by the CA listing (serial, revocation time) pairs; valid for a day."""
    authority = ca_load()
    moment = _now(now)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.certificate.subject)
        .last_update(moment - CLOCK_SKEW)
        .next_update(moment + dt.timedelta(days=1))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.certificate.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(moment.timestamp())), critical=False)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(authority.key, hashes.SHA256())  # type: ignore[arg-type]


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def random_code(length: int = 10) -> str:
    """A short code in Crockford's base32 (no I, L, O, U): easy to read aloud and to type."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(length))
