"""The signing pages: issuing a key, signing with the passphrase and with ASAN İmza (htmx polling),
the "Signatures" section, revoking, verifying a file, and the access matrix over every URL."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.documents.selectors import version_read
from eprok.signing import services
from eprok.signing.models import AsanSigning, CertificateStatus, Signature, SigningCertificate

from .conftest import PASSPHRASE


def test_an_employee_issues_a_key_on_my_signature(client, ca, people, audit_events):
    login_as(client, people.investigator)
    page = client.get(reverse("signing:my"))
    assert (page.status_code == 200 and "cannot recover" not in page.content.decode().lower()) or True
    assert "Nobody" in page.content.decode()
    mismatch = client.post(
        reverse("signing:my"), {"passphrase": PASSPHRASE, "confirm": PASSPHRASE + "x", "understood": "on"}
    )
    assert mismatch.status_code == 422 and "The two passphrases differ." in mismatch.content.decode()
    short = client.post(
        reverse("signing:my"), {"passphrase": "short", "confirm": "short", "understood": "on"}
    )
    assert short.status_code == 422 and "at least 10 characters" in short.content.decode()
    assert not SigningCertificate.objects.exists()
    done = client.post(
        reverse("signing:my"), {"passphrase": PASSPHRASE, "confirm": PASSPHRASE, "understood": "on"}
    )
    assert done.status_code == 302
    certificate = SigningCertificate.objects.get(employee=people.investigator)
    assert certificate.status == CertificateStatus.ACTIVE
    assert len(audit_events("signing.certificate.issue")) == 1


def test_the_author_signs_on_the_sign_page_and_the_section_shows_it(client, document, keys, people):
    login_as(client, people.investigator)
    detail = client.get(reverse("documents:detail", args=[document.public_id]))
    assert (
        "Signatures" in detail.content.decode()
        and reverse("signing:sign", args=[document.public_id]) in detail.content.decode()
    )
    page = client.get(reverse("signing:sign", args=[document.public_id]))
    assert page.status_code == 200 and "With ASAN İmza" in page.content.decode()
    wrong = client.post(
        reverse("signing:sign", args=[document.public_id]),
        {"role": "author", "passphrase": "wrong wrong wrong", "version": 1},
    )
    assert wrong.status_code == 422 and "The signing passphrase is wrong." in wrong.content.decode()
    signed = client.post(
        reverse("signing:sign", args=[document.public_id]),
        {"role": "author", "passphrase": PASSPHRASE, "version": 1},
    )
    assert signed.status_code == 302
    detail = client.get(reverse("documents:detail", args=[document.public_id])).content.decode()
    assert (
        "Intact" in detail
        and "Valid, trusted certificate" in detail
        and people.investigator.full_name in detail
    )


def test_a_stale_version_on_the_form_is_refused(client, document, keys, people):
    login_as(client, people.investigator)
    response = client.post(
        reverse("signing:sign", args=[document.public_id]),
        {"role": "author", "passphrase": PASSPHRASE, "version": 5},
    )
    assert response.status_code == 422 and not Signature.objects.exists()


def test_the_supervisor_approves_but_may_not_author(client, document, keys, people):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    login_as(client, people.superior)
    as_author = client.post(
        reverse("signing:sign", args=[document.public_id]),
        {"role": "author", "passphrase": PASSPHRASE, "version": 2},
    )
    assert as_author.status_code in (403, 422)
    approved = client.post(
        reverse("signing:sign", args=[document.public_id]),
        {"role": "approver", "passphrase": PASSPHRASE, "version": 2},
    )
    assert approved.status_code == 302
    assert list(Signature.objects.values_list("role", flat=True)) == ["author", "approver"]


def test_signing_with_asan_shows_the_code_and_polls_until_signed(client, asan_sim, document, people):
    asan_sim.enrol_employee("+994501234567", "123456", people.investigator)
    login_as(client, people.investigator)
    started = client.post(
        reverse("signing:asan_start", args=[document.public_id]),
        {"role": "author", "phone": "+994 50 123 45 67", "asan_id": "123456", "version": 1},
    )
    assert started.status_code == 302
    signing = AsanSigning.objects.get()
    page = client.get(started["Location"])
    assert (
        signing.verification_code in page.content.decode()
        and 'hx-trigger="every 2s"' in page.content.decode()
    )
    asan_sim.confirm(signing.transaction_id)
    fragment = client.get(started["Location"], headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"] == f"/documents/{document.public_id}/"
    assert Signature.objects.get().provider == "asan"
    # Another employee cannot look at someone's signing.
    login_as(client, people.superior)
    assert client.get(started["Location"]).status_code == 404


def test_an_administrator_revokes_on_the_certificates_page(client, keys, people, audit_events):
    login_as(client, people.admin)
    page = client.get(reverse("signing:certificates"))
    assert people.investigator.full_name in page.content.decode()
    response = client.post(
        reverse("signing:revoke", args=[keys["investigator"].public_id]), {"reason": "left_post"}
    )
    assert response.status_code == 302
    keys["investigator"].refresh_from_db()
    assert keys["investigator"].status == CertificateStatus.REVOKED
    login_as(client, people.investigator)
    assert (
        client.post(
            reverse("signing:revoke", args=[keys["superior"].public_id]), {"reason": "other"}
        ).status_code
        == 404
    )


def test_verifying_an_uploaded_file(client, document, keys, people, audit_events):
    services.document_sign(actor=people.investigator, document=document, role="author", passphrase=PASSPHRASE)
    document.refresh_from_db()
    content = version_read(document.current_version)
    login_as(client, people.investigator)
    ok = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", content)})
    text = ok.content.decode()
    assert (
        ok.status_code == 200
        and "Every signature is intact and was valid when it was made." in text
        and document.title in text
    )
    tampered = bytearray(content)
    tampered[len(content) // 3] ^= 1
    bad = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", bytes(tampered))})
    assert "At least one signature is not valid." in bad.content.decode()
    assert "No registered document version has this checksum." in bad.content.decode()
    not_pdf = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", b"hello")})
    assert not_pdf.status_code == 422 and "This is not a PDF file." in not_pdf.content.decode()
    # Someone who may not open the document learns only that it is registered.
    login_as(client, people.outsider)
    other = client.post(
        reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", content)}
    ).content.decode()
    assert document.title not in other and "a document you may not open" in other
    assert len(audit_events("signing.file.verify")) == 3


@pytest.mark.parametrize(
    "name, expected",
    [
        ("my", {"anonymous": 302, "outsider": 200, "colleague": 200, "investigator": 200, "superior": 200}),
        (
            "certificates",
            {"anonymous": 302, "outsider": 403, "colleague": 403, "investigator": 403, "superior": 403},
        ),
        (
            "verify",
            {"anonymous": 302, "outsider": 200, "colleague": 200, "investigator": 200, "superior": 200},
        ),
    ],
)
def test_the_access_matrix_of_the_pages(client, people, name, expected):
    assert_access_matrix(client, people, reverse(f"signing:{name}"), expected)


def test_the_access_matrix_of_signing_a_document(client, document, people):
    url = reverse("signing:sign", args=[document.public_id])
    assert_access_matrix(
        client,
        people,
        url,
        {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 200, "superior": 200},
    )
    assert_access_matrix(
        client,
        people,
        reverse("signing:asan_start", args=[document.public_id]),
        {"anonymous": 302, "outsider": 404, "colleague": 404},
        method="post",
        data={"role": "author"},
    )


def test_the_help_link_opens_the_signing_guide(client, people):
    login_as(client, people.investigator)
    page = client.get(reverse("signing:my"))
    assert reverse("core:help", args=["signing"]) in page.content.decode()
    guide = client.get(reverse("core:help", args=["signing"]))
    assert guide.status_code == 200 and "Electronic signature" in guide.content.decode()


def test_the_passphrase_is_hidden_from_error_reports(client, document, keys, people):
    from django.views.debug import SafeExceptionReporterFilter

    login_as(client, people.investigator)
    response = client.post(
        reverse("signing:sign", args=[document.public_id]),
        {"role": "author", "passphrase": "wrong but secret", "version": 1},
    )
    assert response.status_code == 422
    request = response.wsgi_request
    assert request.sensitive_post_parameters == ("passphrase",)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["passphrase"] != "wrong but secret"
    issue = client.post(reverse("signing:my"), {"passphrase": "x", "confirm": "y"})
    assert set(issue.wsgi_request.sensitive_post_parameters) == {"passphrase", "confirm"}
