"""Certificates of completion: issued once after completion, sealed, verified publicly, seen by few."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from eprok.core.testing.access_matrix import login_as
from eprok.documents.models import Document, DocumentStatus
from eprok.documents.selectors import version_read
from eprok.learning import certificates, progress
from eprok.learning.models import Certificate, Enrollment, EnrollmentSource, EnrollmentStatus
from eprok.learning.tests.conftest import lessons_of
from eprok.org.models import Unit, UnitKind
from eprok.signing import selectors as signing_selectors
from eprok.signing.tests.conftest import PdfSig, pdfsig_required

SEAL_NAME = "Elm-Tədris Mərkəzi e-seal"
FIRST_NUMBER = "SRT-L-CENTRE-2026-00001"


@pytest.fixture(autouse=True)
def signing_setup(settings, tmp_path: Path, client):
    """A CA of its own in a temporary directory, files in a temporary media root, English pages."""
    settings.EPROK_SIGNING_DIR = str(tmp_path / "signing")
    settings.EPROK_SIGNING_CA_PASSPHRASE = "test CA passphrase"
    settings.EPROK_SIGNING_SEAL_PASSPHRASE = "test seal passphrase"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EPROK_CLAMAV_SOCKET = ""
    settings.EPROK_VERIFY_URL = "https://portal.example.az/portal/verify/"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    from django.core.cache import caches

    caches[settings.EPROK_PORTAL_CACHE].clear()
    yield
    caches[settings.EPROK_PORTAL_CACHE].clear()


@pytest.fixture
def ca():
    from eprok.signing import ca as ca_module

    authority, _created = ca_module.ca_init()
    return authority


@pytest.fixture
def centre(people) -> Unit:
    """The conftest's Centre, made a unit of kind "centre" (the issuer of certificates)."""
    Unit.objects.filter(pk=people.centre.pk).update(kind=UnitKind.CENTRE)
    people.centre.refresh_from_db()
    return people.centre


def complete(course, learner, django_capture_on_commit_callbacks) -> Enrollment:
    """Enrol the learner and mark every lesson done, running what happens after commit (the hooks)."""
    enrollment = Enrollment.objects.create(course=course, employee=learner, source=EnrollmentSource.SELF)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        for lesson in lessons_of(course):
            progress.lesson_done(enrollment=locked, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    return enrollment


@pytest.fixture
def issued(ca, centre, course, people, clock, django_capture_on_commit_callbacks) -> Certificate:
    enrollment = complete(course, people.learner, django_capture_on_commit_callbacks)
    return Certificate.objects.select_related("document__current_version").get(enrollment=enrollment)


def test_completing_a_course_issues_one_sealed_certificate(
    audit_events, issued, centre, people, course, clock
):
    assert issued.number == FIRST_NUMBER
    assert issued.employee == people.learner and issued.course == course and issued.issued_at == clock.now
    document = issued.document
    assert document is not None and document.owner_type == "learning.certificate"
    assert document.owner_id == issued.pk and document.unit == centre
    assert document.status == DocumentStatus.SIGNED and document.category == "learning_certificate"
    assert issued.verification_code and issued.verification_code == document.verification_code
    assert [v.source for v in document.versions.order_by("number")] == ["generated", "signed"]
    [issue] = audit_events("learning.certificate.issue")
    assert json.loads(issue.data)["number"] == FIRST_NUMBER
    assert len(audit_events("signing.document.seal")) == 1
    # Issuing again (the task run twice, the sweep) finds it.
    assert certificates.certificate_issue(enrollment=issued.enrollment) == issued
    assert Certificate.objects.count() == 1 and Document.objects.count() == 1


def test_the_pdf_names_the_learner_the_course_and_the_number(issued, people, course):
    first = issued.document.versions.get(number=1)
    text = " ".join(issued.document.text.split())
    assert people.learner.full_name in text and course.title in text and FIRST_NUMBER in text
    assert issued.verification_code in text  # printed under the text as well as in the stamp
    assert version_read(first).startswith(b"%PDF")


def test_a_renewing_course_certificate_shows_how_long_it_is_valid(
    ca, centre, course, people, clock, django_capture_on_commit_callbacks
):
    import datetime as dt

    enrollment = Enrollment.objects.create(
        course=course,
        employee=people.learner,
        source=EnrollmentSource.SELF,
        status=EnrollmentStatus.COMPLETED,
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_at=clock.now, valid_until=dt.date(2027, 6, 15)
    )
    certificate = certificates.certificate_issue(enrollment=enrollment)
    assert certificate.valid_until == dt.date(2027, 6, 15)
    assert certificate.document is not None and "15.06.2027" in certificate.document.text


def test_no_certificate_for_a_course_that_awards_none_or_an_open_enrolment(
    ca, centre, make_course, people, clock, django_capture_on_commit_callbacks
):
    plain = make_course(code="no-cert", certificate=False)
    enrollment = complete(plain, people.learner, django_capture_on_commit_callbacks)
    assert not Certificate.objects.exists()
    with pytest.raises(certificates.CertificateNotDue):
        certificates.certificate_issue(enrollment=enrollment)
    open_one = Enrollment.objects.create(
        course=make_course(code="open"), employee=people.learner, source=EnrollmentSource.SELF
    )
    with pytest.raises(certificates.CertificateNotDue):
        certificates.certificate_issue(enrollment=open_one)
    assert not Certificate.objects.exists() and not Document.objects.exists()


def test_a_failed_issue_stores_nothing_and_the_sweep_issues_it_later(
    ca, centre, course, people, clock, django_capture_on_commit_callbacks, monkeypatch
):
    real = certificates.render_pdf

    def broken(**kwargs):
        raise RuntimeError("the PDF engine failed")

    monkeypatch.setattr(certificates, "render_pdf", broken)
    enrollment = complete(course, people.learner, django_capture_on_commit_callbacks)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert not Certificate.objects.exists() and not Document.objects.exists()
    assert list(certificates.certificates_missing()) == [enrollment]
    assert certificates.issue_missing_certificates() == 0

    monkeypatch.setattr(certificates, "render_pdf", real)
    assert certificates.issue_missing_certificates() == 1
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.number == FIRST_NUMBER  # the failed attempts took no number
    assert certificate.document is not None and certificate.verification_code
    assert not certificates.certificates_missing().exists()


def test_without_the_signing_ca_the_certificate_waits_for_the_sweep(
    centre, course, people, clock, django_capture_on_commit_callbacks, settings
):
    enrollment = complete(course, people.learner, django_capture_on_commit_callbacks)
    assert not Certificate.objects.exists() and not Document.objects.exists()
    assert not Path(settings.EPROK_SIGNING_DIR).exists()  # nothing written before the CA exists
    from eprok.signing import ca as ca_module

    ca_module.ca_init()
    assert certificates.issue_missing_certificates() == 1
    assert Certificate.objects.get(enrollment=enrollment).verification_code


def test_the_certificate_verifies_with_pdfsig_and_on_the_portal_without_its_content(
    issued, ca, people, course, client, tmp_path
):
    pdfsig_required()
    import subprocess

    from cryptography.hazmat.primitives import serialization

    from eprok.signing.tests.conftest import CERTUTIL

    nssdir = tmp_path / "nss"
    nssdir.mkdir()
    subprocess.run([str(CERTUTIL), "-N", "-d", f"sql:{nssdir}", "--empty-password"], check=True)  # noqa: S603
    ca_file = tmp_path / "org-ca.pem"
    ca_file.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    subprocess.run(  # noqa: S603
        [str(CERTUTIL), "-A", "-d", f"sql:{nssdir}", "-n", "eprok-ca", "-t", "CT,C,C", "-i", str(ca_file)],
        check=True,
    )
    content = version_read(issued.document.current_version)
    output = PdfSig(nssdir=nssdir)(content, tmp_path)
    assert "Signature is Valid." in output and "Certificate is Trusted." in output, output
    assert SEAL_NAME in output, output

    response = client.get(reverse("portal:portal_verify_code", args=[issued.verification_code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "The document is genuine and its signatures are valid" in text
    assert "Sealed by:" in text and SEAL_NAME in text
    assert "Certificate of completion" in text and "Elm-Tədris Mərkəzi" in text
    assert issued.document.current_version.sha256 in text
    for secret in (people.learner.last_name, course.title, issued.number):
        assert secret not in text

    # The signing app's verification of an uploaded file: the genuine PDF passes, an altered one fails.
    login_as(client, people.learner)
    genuine = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("c.pdf", content)})
    assert "Every signature is intact and was valid when it was made." in genuine.content.decode()
    tampered = bytearray(content)
    tampered[len(content) // 3] ^= 0x01
    altered = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("c.pdf", bytes(tampered))})
    assert "At least one signature is not valid." in altered.content.decode()
    assert "No registered document version has this checksum." in altered.content.decode()
    broken = signing_selectors.verify_file(user=people.learner, content=bytes(tampered))
    assert not broken.all_ok and broken.registered_version is None


@pytest.mark.parametrize(
    "persona, status",
    [
        ("learner", 200),
        ("admin", 200),
        ("head", 200),
        ("colleague", 404),
        ("other_head", 404),
        ("outsider", 404),
        ("trainer", 404),
    ],
)
def test_who_sees_the_certificate_and_downloads_it(audit_events, issued, people, signed_in, persona, status):
    client = signed_in(people.by_name(persona))
    page = client.get(reverse("learning:certificate", args=[issued.number]))
    download = client.get(reverse("learning:certificate_download", args=[issued.number]))
    assert (page.status_code, download.status_code) == (status, status)
    reads = audit_events("learning.certificate.download")
    if status == 200:
        text = page.content.decode()
        assert issued.verification_code in text
        assert f"https://portal.example.az/portal/verify/{issued.verification_code}/" in text
        assert download["Content-Type"] == "application/pdf"
        assert download.content == version_read(issued.document.current_version)
        assert len(reads) == 1 and reads[0].actor_id == people.by_name(persona).pk
    else:
        assert reads == []


def test_anonymous_is_sent_to_sign_in(issued, client):
    response = client.get(reverse("learning:certificate_download", args=[issued.number]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_learner_lists_their_certificates(issued, people, signed_in, django_assert_max_num_queries):
    assert list(certificates.my_certificates(people.learner)) == [issued]
    assert list(certificates.my_certificates(people.head)) == []
    client = signed_in(people.learner)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("learning:certificates"))
    assert response.status_code == 200 and issued.number in response.content.decode()


def test_the_api_lists_gets_and_downloads_my_certificates(issued, people, signed_in, course):
    client = signed_in(people.learner)
    mine = client.get("/api/v1/learning/certificates/mine").json()
    assert mine["count"] == 1
    [item] = mine["items"]
    assert item["number"] == issued.number and item["course_title"] == course.title
    assert item["verification_url"].endswith(f"/{issued.verification_code}/")
    one = client.get(f"/api/v1/learning/certificates/{issued.number}")
    assert one.status_code == 200 and one.json()["verification_code"] == issued.verification_code
    pdf = client.get(f"/api/v1/learning/certificates/{issued.number}/download")
    assert pdf.status_code == 200 and pdf.content == version_read(issued.document.current_version)
    outsider = signed_in(people.outsider)
    assert outsider.get(f"/api/v1/learning/certificates/{issued.number}").status_code == 404
    assert outsider.get(f"/api/v1/learning/certificates/{issued.number}/download").status_code == 404
    assert outsider.get("/api/v1/learning/certificates/mine").json()["count"] == 0
