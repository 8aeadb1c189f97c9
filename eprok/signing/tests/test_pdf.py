"""Signing bytes with pyHanko and validating them: by our own validation and independently by pdfsig."""

from __future__ import annotations

import datetime as dt

import pytest

from eprok.signing import ca as ca_module
from eprok.signing import pdf

from .conftest import make_pdf

PASS = "correct horse battery"


def _issue(name: str, *, now: dt.datetime | None = None, days: int = 365) -> ca_module.IssuedKey:
    subject = ca_module.subject_for(full_name=name, employee_id="E-1", unit="GPO", title="Prokuror")
    return ca_module.issue_key(subject=subject, passphrase=PASS, days=days, now=now)


def _sign(
    content: bytes, issued: ca_module.IssuedKey, *, field: str, slot: int, role: str = "Author"
) -> bytes:
    key = ca_module.decrypt_key(issued.encrypted_key_pem, PASS)
    assert key is not None
    return pdf.sign_pdf(
        content,
        key=key,
        certificate=issued.certificate,
        chain=[ca_module.ca_certificate()],
        field_name=field,
        appearance=pdf.Appearance(
            signer="Əliyev Rəşad",
            role=role,
            code="ABCD234XYZ",
            url="https://portal.example/verify/ABCD234XYZ/",
            slot=slot,
        ),
    )


def test_the_ca_is_created_once_and_its_key_is_encrypted(signing_dir):
    first, created = ca_module.ca_init()
    second, created_again = ca_module.ca_init()
    assert created and not created_again
    assert first.certificate == second.certificate
    key_file = (signing_dir / ca_module.CA_KEY_FILE).read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_file
    assert (signing_dir / ca_module.CA_KEY_FILE).stat().st_mode & 0o077 == 0


def test_a_wrong_passphrase_does_not_open_an_employee_key(ca):
    issued = _issue("Test")
    assert ca_module.decrypt_key(issued.encrypted_key_pem, "wrong passphrase") is None
    assert ca_module.decrypt_key(issued.encrypted_key_pem, PASS) is not None


def test_two_signatures_are_both_valid_and_trusted(ca, pdf_bytes, pdfsig, tmp_path):
    author = _issue("Author")
    approver = _issue("Approver")
    once = _sign(pdf_bytes, author, field="Signature1", slot=0)
    twice = _sign(once, approver, field="Signature2", slot=1, role="Approver")
    assert twice.startswith(once)  # an incremental update

    reports = pdf.validate_pdf(twice, trust=[ca.certificate])
    assert [r.field_name for r in reports] == ["Signature1", "Signature2"]
    assert all(r.intact and r.valid and r.trusted and not r.revoked for r in reports)
    assert reports[1].covers_whole_document

    output = pdfsig(twice, tmp_path)
    print(output)
    assert output.count("Signature is Valid.") == 2, output
    assert output.count("Certificate is Trusted.") == 2, output


def test_one_changed_byte_breaks_the_signature_for_us_and_for_pdfsig(ca, pdf_bytes, pdfsig, tmp_path):
    signed = _sign(pdf_bytes, _issue("Author"), field="Signature1", slot=0)
    # A byte inside the signed range: in the first revision's content, well before the signature.
    position = len(pdf_bytes) // 2
    tampered = bytearray(signed)
    tampered[position] = (tampered[position] + 1) % 256
    reports = pdf.validate_pdf(bytes(tampered), trust=[ca.certificate])
    assert len(reports) == 1
    assert not reports[0].intact and not reports[0].trusted
    output = pdfsig(bytes(tampered), tmp_path)
    print(output)
    assert "Signature is Valid." not in output
    assert "Signature is Invalid." in output or "Digest Mismatch" in output, output


def test_a_signature_of_an_untrusted_issuer_is_intact_but_not_trusted(ca, pdf_bytes):
    signed = _sign(pdf_bytes, _issue("Author"), field="Signature1", slot=0)
    [report] = pdf.validate_pdf(signed, trust=[])
    assert report.intact and not report.trusted


def test_a_revoked_certificate_is_reported_by_the_crl(ca, pdf_bytes):
    issued = _issue("Author")
    signed = _sign(pdf_bytes, issued, field="Signature1", slot=0)
    crl = ca_module.build_crl(
        [(issued.certificate.serial_number, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))]
    )
    from cryptography.hazmat.primitives import serialization

    [report] = pdf.validate_pdf(
        signed, trust=[ca.certificate], crls=[crl.public_bytes(serialization.Encoding.DER)]
    )
    assert report.intact and report.revoked and not report.trusted


def test_an_expired_certificate_is_not_trusted_after_it_expires(ca, pdf_bytes):
    issued = _issue("Author", days=1)
    signed = _sign(pdf_bytes, issued, field="Signature1", slot=0)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    [report] = pdf.validate_pdf(signed, trust=[ca.certificate], moment=later)
    assert report.intact and not report.trusted


def test_a_remote_signature_is_embedded_and_validates(ca, pdf_bytes, pdfsig, tmp_path):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

    issued = _issue("Remote")
    prepared = pdf.prepare_external(
        pdf_bytes,
        certificate=issued.certificate,
        chain=[ca.certificate],
        field_name="Signature1",
        appearance=pdf.Appearance(signer="Remote", role="Author", code="X", url="https://x/"),
    )
    key = ca_module.decrypt_key(issued.encrypted_key_pem, PASS)
    assert isinstance(key, rsa.RSAPrivateKey)
    value = key.sign(prepared.to_be_signed, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    signed = pdf.finish_external(prepared, signature_value=value)
    [report] = pdf.validate_pdf(signed, trust=[ca.certificate])
    assert report.intact and report.trusted
    output = pdfsig(signed, tmp_path)
    assert "Signature is Valid." in output and "Certificate is Trusted." in output, output


def test_not_a_pdf_is_refused():
    with pytest.raises(pdf.PdfInvalid):
        pdf.validate_pdf(b"hello", trust=[])
    with pytest.raises(pdf.PdfInvalid):
        pdf.sign_pdf(
            b"%PDF-1.4 nonsense",
            key=None,  # type: ignore[arg-type]
            certificate=None,  # type: ignore[arg-type]
            chain=[],
            field_name="S",
            appearance=None,  # type: ignore[arg-type]
        )
    assert make_pdf()


def test_signing_and_validation_work_where_the_thread_already_runs_an_event_loop(ca, pdf_bytes):
    """An ASGI server, or Playwright's sync API in the same test worker, leaves a loop running. The check
    runs in a thread of its own, which has no loop of its own until the test starts one there."""
    import asyncio
    import threading

    outcome: dict[str, object] = {}

    async def inside_a_loop() -> list[pdf.SignatureReport]:
        signed = _sign(pdf_bytes, _issue("Author"), field="Signature1", slot=0)
        return pdf.validate_pdf(signed, trust=[ca.certificate])

    def run() -> None:
        try:
            outcome["reports"] = asyncio.run(inside_a_loop())
        except Exception as exc:  # reported below, in the test's own thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert "error" not in outcome, outcome.get("error")
    reports = outcome["reports"]
    assert isinstance(reports, list) and len(reports) == 1
    assert reports[0].intact and reports[0].trusted
