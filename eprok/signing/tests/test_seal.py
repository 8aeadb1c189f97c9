"""The organisation's e-seal: its key and certificate, renewal, and sealing a document."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from eprok.core.errors import Conflict, Forbidden
from eprok.documents.models import DocumentStatus, VersionSource
from eprok.documents.selectors import version_read
from eprok.signing import ca as ca_module
from eprok.signing import seal, selectors
from eprok.signing.models import Signature

pytestmark = pytest.mark.django_db

SEAL_NAME = "Elm-Tədris Mərkəzi e-seal"


def _frozen(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_seal_is_made_on_first_use_by_the_ca_with_its_key_encrypted(ca, signing_dir, audit_events):
    loaded, created = seal.seal_ensure("training-centre")
    assert created
    subject = loaded.certificate.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "Elm-Tədris Mərkəzi"
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SEAL_NAME
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ca_module._org_name()
    assert loaded.certificate.issuer == ca.certificate.subject
    assert ca_module.chains_to_trusted(loaded.certificate, [])
    path = signing_dir / "seals" / "training-centre.pem"
    data = path.read_bytes()
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in data and b"BEGIN PRIVATE KEY" not in data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = seal.seal_ensure("training-centre")
    assert not created_again and again.certificate.serial_number == loaded.certificate.serial_number
    [event] = audit_events("signing.seal.issue")
    assert event.target_id == "training-centre"
    assert json.loads(event.data)["serial"] == format(loaded.certificate.serial_number, "x")


def test_the_seal_is_renewed_when_it_is_about_to_expire(ca, signing_dir, monkeypatch):
    first, _created = seal.seal_ensure()
    _frozen(monkeypatch, first.certificate.not_valid_after_utc - dt.timedelta(days=1))
    renewed, created = seal.seal_ensure()
    assert created and renewed.certificate.serial_number != first.certificate.serial_number
    assert renewed.certificate.not_valid_after_utc > first.certificate.not_valid_after_utc
    archived = signing_dir / "seals" / f"training-centre-{first.certificate.serial_number:x}.crt"
    assert archived.is_file()


def test_a_seal_whose_passphrase_changed_is_replaced(ca, settings):
    first, _created = seal.seal_ensure()
    settings.EPROK_SIGNING_SEAL_PASSPHRASE = "another seal passphrase"
    second, created = seal.seal_ensure()
    assert created and second.certificate.serial_number != first.certificate.serial_number


def test_the_seal_passphrase_is_required_in_production(settings):
    settings.EPROK_SIGNING_SEAL_PASSPHRASE = ""
    settings.PRODUCTION = False
    derived = seal.seal_passphrase()
    assert derived and derived != ca_module.ca_passphrase()
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        seal.seal_passphrase()
    settings.EPROK_SIGNING_SEAL_PASSPHRASE = "configured"
    assert seal.seal_passphrase() == b"configured"


def test_sealing_a_document_records_a_signature_the_portal_verifies(ca, document, people, audit_events):
    signature = seal.seal_document(actor=people.investigator, document=document, reason="")
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED and document.verification_code
    assert document.current_version.number == 2 and document.current_version.source == VersionSource.SIGNED
    assert signature.field_name == "Seal1" and signature.signer_name == SEAL_NAME
    assert signature.certificate is None and seal.is_seal(signature)
    [row] = selectors.document_signature_status(document)
    assert row.ok
    result = selectors.public_verification(document.verification_code)
    assert result is not None and result.valid
    assert [(s.name, s.seal, str(s.role)) for s in result.signers] == [(SEAL_NAME, True, "Electronic seal")]
    [event] = audit_events("signing.document.seal")
    data = json.loads(event.data)
    assert data["seal"] == "training-centre" and data["field"] == "Seal1"
    assert data["verification_code"] == document.verification_code


def test_a_person_signs_after_the_seal_in_the_next_slot(ca, document, keys, people):
    from eprok.signing.services import document_sign
    from eprok.signing.tests.conftest import PASSPHRASE

    seal.seal_document(actor=people.investigator, document=document)
    document.refresh_from_db()
    code = document.verification_code
    document_sign(actor=people.superior, document=document, role="approver", passphrase=PASSPHRASE)
    document.refresh_from_db()
    assert document.verification_code == code
    names = list(Signature.objects.filter(document=document).values_list("field_name", flat=True))
    assert names == ["Seal1", "Signature2"]
    assert all(row.ok for row in selectors.document_signature_status(document))


def test_only_who_may_sign_seals_and_a_document_is_sealed_once(ca, document, people):
    with pytest.raises(Forbidden):
        seal.seal_document(actor=people.outsider, document=document)
    assert not Signature.objects.exists()
    seal.seal_document(actor=people.investigator, document=document)
    document.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        seal.seal_document(actor=people.investigator, document=document)
    assert refused.value.code == "already_sealed"
    assert Signature.objects.count() == 1


def test_a_sealed_pdf_is_valid_for_pdfsig(ca, document, people, pdfsig, tmp_path):
    seal.seal_document(actor=people.investigator, document=document)
    document.refresh_from_db()
    output = pdfsig(version_read(document.current_version), tmp_path)
    assert "Signature is Valid." in output and "Certificate is Trusted." in output, output
    assert SEAL_NAME in output, output


def test_the_portal_page_names_the_seal(client, ca, document, people):
    from django.urls import reverse

    seal.seal_document(actor=people.investigator, document=document)
    document.refresh_from_db()
    response = client.get(reverse("portal:portal_verify_code", args=[document.verification_code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "The document is genuine and its signatures are valid" in text
    assert "Sealed by:" in text and SEAL_NAME in text
    assert document.title not in text
