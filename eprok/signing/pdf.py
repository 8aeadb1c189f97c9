"""PAdES signing and validation of PDFs with pyHanko: no database, no Django models.

    sign_pdf(content, key=..., certificate=..., appearance=...)          built-in signing (key in memory)
    prepare_external(content, certificate=..., appearance=...)          the hash a remote signer signs
    finish_external(prepared, signature_value=...)                      embed the remote signature
    validate_pdf(content, trust=..., crls=...)                          every signature's status

Each signature is an incremental update: the bytes signed earlier stay as they were, so earlier
signatures stay intact. The visible stamp (signer, role, time, short code, QR to the public page) is
placed at the bottom of the last page, in the slot given by the signature's position (0, 1, ...).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

# A stamp is 8.5 cm × 2.6 cm; two fit side by side on A4 above the bottom margin (the drafted
# documents keep ~4 cm free at the bottom of the last page).
STAMP_WIDTH = 241
STAMP_HEIGHT = 74
STAMP_LEFT = 42
STAMP_BOTTOM = 30
STAMP_GAP = 10
# The bundled font of generated documents' family (scripts/build-static.mjs copies it from the pinned npm
# package dejavu-fonts-ttf); every Azerbaijani and Russian letter is in it.
STAMP_FONT = Path(settings.BASE_DIR) / "eprok/core/static/vendor/documents/DejaVuSansCondensed.ttf"
STAMP_TEXT = "%(signer)s\n%(role)s | %(ts)s\n%(code_label)s: %(code)s"


def _run_async(coroutine: Any) -> Any:
    """Run one of pyHanko's coroutines to its end from synchronous code. Where the thread already runs an
    event loop (an ASGI server, or Playwright's sync API in the browser tests), in a thread of its own:
    asyncio.run() refuses to nest."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class PdfInvalid(ValueError):
    """Not a PDF pyHanko can sign (malformed, encrypted)."""


@dataclass(frozen=True)
class Appearance:
    signer: str
    role: str  # already translated
    code: str
    url: str
    code_label: str = "Code"
    slot: int = 0  # 0: the first signature's place; 1: beside it; ...


def _to_asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _to_asn1_key(key: PrivateKeyTypes) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


@lru_cache(maxsize=1)
def _font_path() -> Path | None:
    """A font with Azerbaijani glyphs, when pyHanko's OpenType support (uharfbuzz) is installed.

    pyHanko lays text out in 1/1000 em but takes glyph widths from the font as they are: a font of 2048
    units per em (DejaVu) comes out with every letter twice as far apart. So the stamp uses a copy scaled
    to 1000 units per em, made once per font file in the temporary directory (written whole, then moved
    into place, so concurrent workers never read half a file).
    """
    try:
        import pyhanko.pdf_utils.font.opentype  # noqa: F401
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem
    except ImportError:
        return None
    if not STAMP_FONT.is_file():
        return None
    digest = hashlib.sha256(STAMP_FONT.read_bytes()).hexdigest()[:16]
    scaled = Path(tempfile.gettempdir()) / f"eprok-stamp-{digest}.ttf"
    if not scaled.is_file():
        font = TTFont(str(STAMP_FONT))
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        partial = scaled.with_suffix(f".{os.getpid()}.part")
        font.save(str(partial))
        os.replace(partial, scaled)
    return scaled


def _fold(text: str) -> str:
    """Latin letters only, for when no font with Azerbaijani glyphs is available."""
    table = str.maketrans("əƏıİöÖüÜğĞçÇşŞ", "eEiIoOuUgGcCsS")
    return text.translate(table).encode("ascii", "replace").decode()


def _stamp_style() -> QRStampStyle:
    font = _font_path()
    if font is not None:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        box_style = TextBoxStyle(font=GlyphAccumulatorFactory(str(font)), font_size=7)
    else:
        box_style = TextBoxStyle(font_size=7)
    return QRStampStyle(stamp_text=STAMP_TEXT, text_box_style=box_style, border_width=1)


def _page_geometry(reader: PdfFileReader) -> tuple[int, float]:
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    return count, 595.0


def _field_spec(reader: PdfFileReader, name: str, slot: int) -> fields.SigFieldSpec:
    count, _width = _page_geometry(reader)
    left = STAMP_LEFT + slot * (STAMP_WIDTH + STAMP_GAP)
    bottom = STAMP_BOTTOM + (slot // 2) * (STAMP_HEIGHT + STAMP_GAP)
    if slot >= 2:
        left = STAMP_LEFT + (slot % 2) * (STAMP_WIDTH + STAMP_GAP)
    return fields.SigFieldSpec(
        sig_field_name=name, on_page=count - 1, box=(left, bottom, left + STAMP_WIDTH, bottom + STAMP_HEIGHT)
    )


def _text_params(appearance: Appearance) -> dict[str, Any]:
    params = {
        "signer": appearance.signer,
        "role": appearance.role,
        "code": appearance.code,
        "code_label": appearance.code_label,
        "url": appearance.url,
    }
    if _font_path() is None:
        params = {key: _fold(str(value)) if key != "url" else value for key, value in params.items()}
    return params


def _writer(content: bytes) -> IncrementalPdfFileWriter:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    except Exception as exc:
        raise PdfInvalid(str(exc)) from exc
    if writer.prev.encrypted:
        raise PdfInvalid("encrypted")
    return writer


def existing_field_names(content: bytes) -> list[str]:
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        return [sig.field_name for sig in reader.embedded_signatures]
    except Exception as exc:
        raise PdfInvalid(str(exc)) from exc


def _pdf_signer(
    signer: signers.Signer, *, field_name: str, appearance: Appearance, writer: IncrementalPdfFileWriter
) -> signers.PdfSigner:
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=appearance.signer,
        reason=appearance.role,
    )
    return signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=_stamp_style(),
        new_field_spec=_field_spec(writer.prev, field_name, appearance.slot),
    )


def sign_pdf(
    content: bytes,
    *,
    key: PrivateKeyTypes,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    field_name: str,
    appearance: Appearance,
) -> bytes:
    """Sign with a key held in memory; an incremental update over `content`."""
    writer = _writer(content)
    signer = signers.SimpleSigner(
        signing_cert=_to_asn1_cert(certificate),
        signing_key=_to_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs([_to_asn1_cert(c) for c in chain]),
    )
    pdf_signer = _pdf_signer(signer, field_name=field_name, appearance=appearance, writer=writer)
    output = _run_async(pdf_signer.async_sign_pdf(writer, appearance_text_params=_text_params(appearance)))
    return bytes(output.getvalue())


# --- signing with a remote key (ASAN İmza) -------------------------------------------------------


@dataclass(frozen=True)
class PreparedSignature:
    """Everything needed to finish a remote signature later, in plain bytes (kept in the database)."""

    prepared_pdf: bytes  # the document with the placeholder, as it will be signed
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes  # DER of the CMS signed attributes
    certificate_der: bytes
    chain_der: list[bytes] = field(default_factory=list)

    @property
    def to_be_signed(self) -> bytes:
        """SHA-256 of the signed attributes: the hash the remote signer signs."""
        return hashlib.sha256(self.signed_attrs).digest()


_RESERVED = 16384  # bytes for the hex-encoded CMS (two certificates and an RSA-2048 signature fit)


def prepare_external(
    content: bytes,
    *,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    field_name: str,
    appearance: Appearance,
) -> PreparedSignature:
    writer = _writer(content)
    asn1_cert = _to_asn1_cert(certificate)
    asn1_chain = [_to_asn1_cert(c) for c in chain]
    signer = signers.ExternalSigner(
        signing_cert=asn1_cert,
        cert_registry=SimpleCertificateStore.from_certs(asn1_chain),
        signature_value=256,
    )
    pdf_signer = _pdf_signer(signer, field_name=field_name, appearance=appearance, writer=writer)

    async def run() -> tuple[PreparedByteRangeDigest, PdfTBSDocument, Any, cms.CMSAttributes]:
        prepared, tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=_RESERVED, appearance_text_params=_text_params(appearance)
        )
        attrs = await signer.signed_attrs(prepared.document_digest, "sha256", use_pades=True)
        return prepared, tbs, output, attrs

    prepared, _tbs, output, attrs = _run_async(run())
    return PreparedSignature(
        prepared_pdf=bytes(output.getvalue()),
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_region_start,
        reserved_end=prepared.reserved_region_end,
        signed_attrs=attrs.dump(),
        certificate_der=certificate.public_bytes(serialization.Encoding.DER),
        chain_der=[c.public_bytes(serialization.Encoding.DER) for c in chain],
    )


def finish_external(prepared: PreparedSignature, *, signature_value: bytes) -> bytes:
    """Embed a signature value made by a remote signer over `prepared.to_be_signed`."""
    asn1_cert = asn1_x509.Certificate.load(prepared.certificate_der)
    signer = signers.ExternalSigner(
        signing_cert=asn1_cert,
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(der) for der in prepared.chain_der]
        ),
        signature_value=signature_value,
    )
    attrs = cms.CMSAttributes.load(prepared.signed_attrs)
    output = io.BytesIO(prepared.prepared_pdf)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )

    async def run() -> None:
        signed = await signer.async_sign_prescribed_attributes("sha256", signed_attrs=attrs)
        await PdfTBSDocument.async_finish_signing(output, digest, signed)

    _run_async(run())
    return output.getvalue()


# --- validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    intact: bool  # the signed bytes are unchanged and the signature value checks out
    valid: bool
    trusted: bool  # chains to a trusted root, not revoked, not expired at validation time
    revoked: bool
    signer: str
    subject: str
    issuer: str
    serial: int | None
    fingerprint: str
    signed_at: dt.datetime | None
    covers_whole_document: bool
    revision_sha256: str  # SHA-256 of the bytes this signature covers (the document as it was signed)
    problem: str = ""


def _name(cert: asn1_x509.Certificate | None, which: str) -> str:
    if cert is None:
        return ""
    return str(getattr(cert, which).human_friendly)


def _common_name(cert: asn1_x509.Certificate | None) -> str:
    if cert is None:
        return ""
    return str(cert.subject.native.get("common_name", "") or cert.subject.human_friendly)


def validate_pdf(
    content: bytes,
    *,
    trust: list[x509.Certificate],
    crls: list[bytes] | None = None,
    moment: dt.datetime | None = None,
    retroactive: bool = False,
    moments: dict[str, dt.datetime] | None = None,
) -> list[SignatureReport]:
    """Every embedded signature's status; an empty list for an unsigned PDF; PdfInvalid for a non-PDF.

    `moment` validates as of that time; with `retroactive`, a CRL issued later still tells whether the
    certificate was already revoked then (validation "as of signing" with today's revocation list).
    `moments` overrides the moment of single signatures, by field name.
    """
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise PdfInvalid(str(exc)) from exc
    reports = []
    for embedded in signatures:
        context = ValidationContext(
            trust_roots=[_to_asn1_cert(c) for c in trust],
            crls=list(crls or []),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=(moments or {}).get(embedded.field_name, moment),
            retroactive_revinfo=retroactive,
        )
        cert = embedded.signer_cert if _has_cert(embedded) else None
        try:
            status = _run_async(async_validate_pdf_signature(embedded, context))
        except Exception as exc:
            revision = _revision_digest(content, embedded)
            reports.append(
                SignatureReport(
                    field_name=embedded.field_name,
                    intact=False,
                    valid=False,
                    trusted=False,
                    revoked=False,
                    signer=_common_name(cert),
                    subject=_name(cert, "subject"),
                    issuer=_name(cert, "issuer"),
                    serial=cert.serial_number if cert is not None else None,
                    fingerprint=cert.sha256.hex() if cert is not None else "",
                    signed_at=embedded.self_reported_timestamp if cert is not None else None,
                    covers_whole_document=False,
                    revision_sha256=revision,
                    problem=type(exc).__name__,
                )
            )
            continue
        signing_cert = status.signing_cert
        reports.append(
            SignatureReport(
                field_name=embedded.field_name,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted) and not status.revoked,
                revoked=bool(status.revoked),
                signer=_common_name(signing_cert),
                subject=_name(signing_cert, "subject"),
                issuer=_name(signing_cert, "issuer"),
                serial=signing_cert.serial_number,
                fingerprint=signing_cert.sha256.hex(),
                signed_at=status.signer_reported_dt,
                covers_whole_document=status.coverage is not None
                and status.coverage.name in {"ENTIRE_FILE", "ENTIRE_REVISION"},
                revision_sha256=_revision_digest(content, embedded),
                problem=str(status.trust_problem_indic) if status.trust_problem_indic else "",
            )
        )
    return reports


def _has_cert(embedded: Any) -> bool:
    try:
        return embedded.signer_cert is not None
    except Exception:
        return False


def _revision_digest(content: bytes, embedded: Any) -> str:
    """SHA-256 of the file as it was when this signature was made (up to the end of its byte range)."""
    try:
        byte_range = embedded.byte_range
        end = int(byte_range[2]) + int(byte_range[3])
    except Exception:
        return ""
    return hashlib.sha256(content[:end]).hexdigest()
