"""The portal's public verification: by code (form and QR address), without revealing the content,
rate limited, with a clear "no such document"; the CRL is published for validators."""

from __future__ import annotations

from django.urls import reverse

from eprok.signing import services

from .conftest import PASSPHRASE


def _signed(document, people):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    return document


def test_the_qr_address_confirms_checksum_type_unit_and_signers_without_the_content(
    client, document, keys, people, audit_events
):
    _signed(document, people)
    response = client.get(reverse("portal:portal_verify_code", args=[document.verification_code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "The document is genuine and its signatures are valid" in text
    assert document.current_version.sha256 in text
    assert people.investigator.full_name in text
    assert document.unit.name in text
    assert document.title not in text and "məxfi" not in text
    assert "/documents/" not in text and "download" not in text.lower()
    assert 'src="/static/portal/verify.js"' in text and "<script>" not in text
    [event] = audit_events("signing.document.public_verify")
    assert event.target_type == "documents.document" and event.target_id == str(document.public_id)
    # The code opens the public page: it is not kept in the audit row.
    assert document.verification_code not in str(event.__dict__)


def test_the_form_leads_to_the_qr_address(client, document, keys, people):
    _signed(document, people)
    response = client.post(reverse("portal:portal_verify"), {"code": document.verification_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:portal_verify_code", args=[document.verification_code])
    bad = client.post(reverse("portal:portal_verify"), {"code": "!!"})
    assert bad.status_code == 422


def test_an_unknown_code_is_a_clear_no_such_document(client, db):
    response = client.get(reverse("portal:portal_verify_code", args=["ZZZZZZZZZZ"]))
    assert response.status_code == 404
    assert "There is no signed document with this verification code." in response.content.decode()


def test_an_unsigned_document_is_not_found_by_guessing(client, document):
    from eprok.documents.models import Document

    Document.objects.filter(pk=document.pk).update(verification_code="ABCDEFGHJK")
    assert client.get(reverse("portal:portal_verify_code", args=["ABCDEFGHJK"])).status_code == 404


def test_a_withdrawn_document_says_so(client, document, keys, people):
    from eprok.documents.services import document_withdraw

    _signed(document, people)
    document_withdraw(actor=people.investigator, document=document, reason="Ləğv edildi")
    text = client.get(
        reverse("portal:portal_verify_code", args=[document.verification_code])
    ).content.decode()
    assert "This document was withdrawn" in text


def test_a_certificate_revoked_after_signing_is_reported_and_the_signature_stays_valid(
    client, document, keys, people
):
    _signed(document, people)
    services.certificate_revoke(actor=people.admin, certificate=keys["investigator"], reason="left_post")
    text = client.get(
        reverse("portal:portal_verify_code", args=[document.verification_code])
    ).content.decode()
    assert "The document is genuine and its signatures are valid" in text
    assert "revoked after the document was signed" in text


def test_a_damaged_current_version_makes_the_page_say_not_valid(client, document, keys, people):
    from eprok.documents.selectors import version_read
    from eprok.documents.services import version_add_content

    _signed(document, people)
    content = bytearray(version_read(document.current_version))
    content[len(content) // 3] ^= 1
    version_add_content(
        actor=people.investigator, document=document, content=bytes(content), source="signed", reason="x"
    )
    text = client.get(
        reverse("portal:portal_verify_code", args=[document.verification_code])
    ).content.decode()
    assert "A signature of this document is not valid" in text


def test_guessing_codes_is_rate_limited_and_locked(client, settings, db):
    settings.EPROK_PORTAL_RATE_VERIFY = "1000/h"
    settings.EPROK_PORTAL_LOOKUP_MAX_FAILURES = 2  # a client is locked after 2 × 3 wrong codes
    statuses = [
        client.get(reverse("portal:portal_verify_code", args=[f"WRONGCODE{n}"])).status_code for n in range(8)
    ]
    assert statuses[:6] == [404] * 6 and statuses[6:] == [429, 429]


def test_the_crl_is_published(client, keys, people):
    from cryptography import x509

    services.certificate_revoke(actor=people.admin, certificate=keys["investigator"], reason="left_post")
    response = client.get(reverse("portal:portal_verify_crl"))
    crl = x509.load_der_x509_crl(response.content)
    assert crl.get_revoked_certificate_by_serial_number(int(keys["investigator"].serial, 16)) is not None
