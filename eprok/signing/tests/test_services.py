"""Issuing and revoking certificates, signing documents (author, approver), and the guards of signing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.documents.models import DocumentStatus, DocumentVersion, VersionSource
from eprok.documents.selectors import version_read
from eprok.signing import clock, selectors, services
from eprok.signing.models import CertificateStatus, RevocationReason, Signature, SigningCertificate

from .conftest import PASSPHRASE


def data(event) -> dict:
    return json.loads(event.data) if event.data else {}


def _move_clock(monkeypatch, delta: dt.timedelta) -> None:
    moment = clock.now() + delta
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_an_employee_issues_a_key_only_they_can_open(ca, people, audit_events):
    certificate = services.certificate_issue(actor=people.investigator, passphrase=PASSPHRASE)
    assert certificate.status == CertificateStatus.ACTIVE
    assert "CN=Quliyev Rəşad" in certificate.subject
    assert "ENCRYPTED PRIVATE KEY" in certificate.encrypted_key_pem
    assert PASSPHRASE not in certificate.encrypted_key_pem
    [event] = audit_events("signing.certificate.issue")
    assert event.target_id == str(certificate.public_id) or data(event)["serial"] == certificate.serial
    assert PASSPHRASE not in str(data(event))


def test_a_short_passphrase_is_refused_and_nothing_is_stored(ca, people):
    with pytest.raises(ValidationFailed) as error:
        services.certificate_issue(actor=people.investigator, passphrase="short")
    assert "passphrase" in error.value.details
    assert not SigningCertificate.objects.exists()


def test_a_new_key_supersedes_the_old_one(ca, people):
    first = services.certificate_issue(actor=people.investigator, passphrase=PASSPHRASE)
    second = services.certificate_issue(actor=people.investigator, passphrase=PASSPHRASE + "2")
    first.refresh_from_db()
    assert (
        first.status == CertificateStatus.REVOKED and first.revocation_reason == RevocationReason.SUPERSEDED
    )
    assert second.status == CertificateStatus.ACTIVE


def test_an_administrator_revokes_and_the_crl_lists_it(ca, people, audit_events):
    certificate = services.certificate_issue(actor=people.investigator, passphrase=PASSPHRASE)
    with pytest.raises(Forbidden):
        services.certificate_revoke(actor=people.superior, certificate=certificate, reason="key_compromise")
    services.certificate_revoke(actor=people.admin, certificate=certificate, reason="key_compromise")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoked_by == people.admin
    [event] = audit_events("signing.certificate.revoke")
    assert data(event)["reason"] == "key_compromise"
    from cryptography import x509

    crl = x509.load_der_x509_crl(selectors.crl_der())
    assert crl.get_revoked_certificate_by_serial_number(int(certificate.serial, 16)) is not None
    with pytest.raises(Conflict):
        services.certificate_revoke(actor=people.admin, certificate=certificate, reason="other")


def test_author_then_approver_sign_and_both_signatures_stay_valid(document, keys, people, audit_events):
    author = services.document_sign(
        actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    code = document.verification_code
    assert code and len(code) == 10 and set(code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert author.version_number == 2 and document.current_version.source == VersionSource.SIGNED

    approver = services.document_sign(
        actor=people.superior, document=document, role="approver", passphrase=PASSPHRASE
    )
    document.refresh_from_db()
    assert document.verification_code == code  # the first signature's code stays
    assert approver.version_number == 3
    v2 = version_read(DocumentVersion.objects.get(document=document, number=2))
    v3 = version_read(document.current_version)
    assert v3.startswith(v2)  # incremental: the author's signed bytes are untouched

    rows = selectors.document_signature_status(document)
    assert [(r.signature.role, r.ok) for r in rows] == [("author", True), ("approver", True)]
    assert [data(e)["role"] for e in audit_events("signing.signature.create")] == ["author", "approver"]
    assert Signature.objects.get(pk=author.pk).certificate == keys["investigator"]


def test_a_wrong_passphrase_is_a_clear_error_audited_and_stores_nothing(document, keys, people, audit_events):
    with pytest.raises(ValidationFailed) as error:
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase="nope nope nope"
        )
    assert error.value.code == "wrong_passphrase"
    assert len(audit_events("signing.signature.passphrase_wrong")) == 1
    document.refresh_from_db()
    assert document.versions.count() == 1 and document.status == DocumentStatus.DRAFT
    assert not Signature.objects.exists() and document.verification_code is None


def test_the_approver_may_not_be_the_author_and_signs_after_the_author(document, keys, people):
    with pytest.raises(Conflict) as first:
        services.document_sign(
            actor=people.superior, document=document, role="approver", passphrase=PASSPHRASE
        )
    assert first.value.code == "author_first"
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    with pytest.raises((Forbidden, Conflict)):
        services.document_sign(
            actor=people.investigator, document=document, role="approver", passphrase=PASSPHRASE
        )


def test_someone_who_may_not_sign_is_refused(document, keys, people, ca):
    services.certificate_issue(actor=people.colleague, passphrase=PASSPHRASE)
    with pytest.raises(Forbidden):
        services.document_sign(
            actor=people.colleague, document=document, role="author", passphrase=PASSPHRASE
        )
    with pytest.raises(Forbidden):
        # The supervisor may approve, not author.
        services.document_sign(actor=people.superior, document=document, role="author", passphrase=PASSPHRASE)


def test_without_a_key_signing_asks_to_issue_one(document, ca, people):
    with pytest.raises(Conflict) as error:
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
        )
    assert error.value.code == "no_certificate"


def test_an_expired_certificate_is_refused_at_signing(document, ca, people, monkeypatch, audit_events):
    _move_clock(monkeypatch, -dt.timedelta(days=800))
    services.certificate_issue(actor=people.investigator, passphrase=PASSPHRASE)
    monkeypatch.undo()
    # Back to the real time: the certificate (730 days) is over. The CA was made now, so only the
    # employee certificate's dates matter here.
    with pytest.raises(Conflict) as error:
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
        )
    assert error.value.code == "certificate_expired"
    assert SigningCertificate.objects.get().status == CertificateStatus.EXPIRED
    assert len(audit_events("signing.certificate.expire")) == 1
    assert document.versions.count() == 1


def test_a_revoked_certificate_is_refused_at_signing_and_reported_at_verification(document, keys, people):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    services.certificate_revoke(actor=people.admin, certificate=keys["investigator"], reason="key_compromise")
    document.refresh_from_db()
    [row] = selectors.document_signature_status(document)
    assert row.report is not None
    # Revoked now, after the signature was made: reported, and the signature stays valid as made.
    assert row.report.intact and row.report.revoked and not row.report.trusted
    assert row.ok and row.revoked_later
    services.certificate_issue(actor=people.superior, passphrase=PASSPHRASE)  # unaffected
    keys["superior"].refresh_from_db()
    other = services.certificate_issue(actor=people.investigator, passphrase=PASSPHRASE)
    services.certificate_revoke(actor=people.admin, certificate=other, reason="other")
    with pytest.raises(Conflict) as error:
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
        )
    assert error.value.code in {"certificate_revoked", "already_signed"}


def test_a_revoked_certificate_is_refused_before_anything_else(document, keys, people):
    services.certificate_revoke(actor=people.admin, certificate=keys["investigator"], reason="left_post")
    with pytest.raises(Conflict) as error:
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
        )
    assert error.value.code == "certificate_revoked"
    assert document.versions.count() == 1


def test_an_expired_signature_is_reported_at_verification(document, keys, people, monkeypatch):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    _move_clock(monkeypatch, dt.timedelta(days=800))
    [row] = selectors.document_signature_status(document)
    assert row.report is not None
    assert row.report.intact and not row.report.trusted  # expired now
    assert row.ok  # but valid when it was made


def test_a_withdrawn_document_cannot_be_signed(document, keys, people):
    from eprok.documents.services import document_withdraw

    document_withdraw(actor=people.investigator, document=document, reason="Səhv tərtib edilib")
    document.refresh_from_db()
    with pytest.raises((Conflict, Forbidden)):
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
        )


def test_a_stale_version_is_refused(document, keys, people):
    with pytest.raises(Conflict) as error:
        services.document_sign(
            actor=people.investigator,
            document=document,
            role="author",
            passphrase=PASSPHRASE,
            expected_version=7,
        )
    assert error.value.code == "stale_version"


def test_only_pdfs_are_signed(case, keys, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eprok.documents.services import document_upload

    text = document_upload(
        actor=people.investigator,
        owner_type="cases.case",
        owner=case,
        file=SimpleUploadedFile("qeyd.txt", "Sadə mətn faylı, imzalanmır.\n".encode()),
        title="Qeyd",
    )
    with pytest.raises(ValidationFailed) as error:
        services.document_sign(actor=people.investigator, document=text, role="author", passphrase=PASSPHRASE)
    assert error.value.code == "not_pdf"


def test_public_verification_shows_checksum_type_unit_and_signers_but_not_the_title(document, keys, people):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    result = selectors.public_verification(document.verification_code.lower())
    assert result is not None and result.valid and not result.withdrawn
    assert result.sha256 == document.current_version.sha256
    assert [s.name for s in result.signers] == [people.investigator.full_name]
    assert "məxfi" not in repr(result)
    assert selectors.public_verification("ZZZZZZZZZZ") is None
    assert selectors.public_verification("../../etc") is None


def test_verifying_an_uploaded_copy_finds_its_registered_version(document, keys, people):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    content = version_read(document.current_version)
    result = selectors.verify_file(user=people.investigator, content=content)
    assert result.all_ok and result.registered_version == document.current_version and result.document_visible
    assert result.signatures[0].registered is not None
    stranger = selectors.verify_file(user=people.outsider, content=content)
    assert stranger.registered_version is not None and not stranger.document_visible

    tampered = bytearray(content)
    tampered[len(content) // 3] ^= 0x01
    broken = selectors.verify_file(user=people.investigator, content=bytes(tampered))
    assert not broken.all_ok and broken.registered_version is None


def test_a_signature_made_after_revocation_is_not_valid(document, keys, people, monkeypatch):
    """A signature recorded after its certificate's revocation (a forged record) is not valid."""
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    services.certificate_revoke(actor=people.admin, certificate=keys["investigator"], reason="key_compromise")
    Signature.objects.update(signed_at=clock.now() + dt.timedelta(minutes=10))
    document.refresh_from_db()
    [row] = selectors.document_signature_status(document)
    assert row.report is not None
    assert row.report.revoked and not row.ok


def test_guessing_the_passphrase_is_stopped_after_five_tries(document, keys, people, audit_events):
    for _attempt in range(services.PASSPHRASE_MAX_FAILURES):
        with pytest.raises(ValidationFailed):
            services.document_sign(
                actor=people.investigator, document=document, role="author", passphrase="guess guess guess"
            )
    with pytest.raises(Conflict) as error:
        # Even the right passphrase waits now.
        services.document_sign(
            actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE
        )
    assert error.value.code == "passphrase_locked"
    assert len(audit_events("signing.signature.passphrase_wrong")) == services.PASSPHRASE_MAX_FAILURES
    assert not Signature.objects.exists()


def _replace(document, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eprok.documents.services import version_upload

    from .conftest import make_pdf

    version_upload(
        actor=people.investigator,
        document=document,
        file=SimpleUploadedFile("yeni.pdf", make_pdf("Yeni mətn")),
        reason="Düzəliş",
    )
    document.refresh_from_db()
    return document


def test_after_a_replacing_upload_only_signatures_on_the_new_content_count(document, keys, people):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    _replace(document, people)
    assert document.status == DocumentStatus.FINAL
    # The approver cannot approve the new, unsigned content against the old author's signature.
    with pytest.raises(Conflict) as error:
        services.check_can_sign(people.superior, document, "approver")
    assert error.value.code == "author_first"
    # The old signature is history: shown as on an earlier version, not as invalid.
    [old] = selectors.document_signature_status(document)
    assert old.superseded and old.report is None
    # The author signs the new version, then the approver approves it; both valid.
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    services.document_sign(actor=people.superior, document=document, role="approver", passphrase=PASSPHRASE)
    document.refresh_from_db()
    rows = selectors.document_signature_status(document)
    assert [(r.superseded, r.ok) for r in rows] == [(True, False), (False, True), (False, True)]
    assert [r.signature.field_name for r in rows] == ["Signature1", "Signature2", "Signature3"]
    public = selectors.public_verification(document.verification_code)
    assert public is not None and public.valid and len(public.signers) == 2


def test_the_crl_is_signed_once_per_revocation_generation(document, keys, people, monkeypatch):
    from eprok.signing import ca as ca_module

    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    calls = []
    real = ca_module.build_crl

    def counted_crl(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ca_module, "build_crl", counted_crl)
    validations = []
    real_validate = selectors.pdf.validate_pdf

    def counted_validate(*args, **kwargs):
        validations.append(1)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(selectors.pdf, "validate_pdf", counted_validate)
    for _ in range(3):
        [row] = selectors.document_signature_status(document)
        assert row.ok and row.report is not None and not row.report.revoked
    assert len(calls) == 1 and len(validations) == 3  # one CRL; one validation per page
    SigningCertificate.objects.filter(pk=keys["investigator"].pk).update(
        status=CertificateStatus.REVOKED, revoked_at=clock.now() + dt.timedelta(seconds=5)
    )
    _move_clock(monkeypatch, dt.timedelta(minutes=1))
    [row] = selectors.document_signature_status(document)
    assert len(calls) == 2  # a revocation makes a new CRL
    assert row.ok and row.revoked_later


def test_a_failure_while_signing_does_not_put_the_passphrase_in_the_error_report(
    document, keys, people, monkeypatch
):
    import sys

    from django.views.debug import ExceptionReporter

    secret = "the secret signing passphrase"

    def broken(actor):
        raise RuntimeError("storage down")

    monkeypatch.setattr(services, "_passphrase_locked", broken)
    with pytest.raises(RuntimeError):
        try:
            services.document_sign(
                actor=people.investigator, document=document, role="author", passphrase=secret
            )
        except RuntimeError:
            report = ExceptionReporter(None, *sys.exc_info()).get_traceback_text()
            raise
    assert "storage down" in report and secret not in report
    assert (
        secret
        not in ExceptionReporter(None, *_issue_failure(people, monkeypatch, secret)).get_traceback_text()
    )


def _issue_failure(people, monkeypatch, secret):
    import sys

    from eprok.signing import ca as ca_module

    def broken(**kwargs):
        raise RuntimeError("no CA")

    monkeypatch.setattr(ca_module, "subject_for", broken)
    try:
        services.certificate_issue(actor=people.investigator, passphrase=secret)
    except RuntimeError:
        return sys.exc_info()
    raise AssertionError("not raised")
