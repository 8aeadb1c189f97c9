"""Text recognition: a real scan of Azerbaijani text through OCRmyPDF/Tesseract, and the unavailable path."""

from __future__ import annotations

import os
import shutil
from unittest import mock

import pytest

from eprok.documents import ocr, services
from eprok.documents.models import OcrStatus, VersionSource
from eprok.documents.tests import samples

pytestmark = pytest.mark.django_db

HAS_OCR = shutil.which("ocrmypdf") is not None and shutil.which("tesseract") is not None
# In CI the programs must be there (make system installs them): the real recognition runs, or fails.
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.mark.skipif(
    not HAS_OCR and not IN_CI, reason="OCRmyPDF and Tesseract are not installed on this machine"
)
def test_scan_gets_a_text_layer_as_a_new_version(
    people, material, django_capture_on_commit_callbacks, audit_events
):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            actor=people.investigator,
            owner_type="materials.material",
            owner=material,
            file=samples.as_upload(samples.scan_png("Prokurorluq arayışı"), "skan.png"),
            title="Skan",
        )
    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.DONE and document.ocr_progress == 100
    version = document.current_version
    assert version is not None
    assert version.number == 2 and version.source == VersionSource.OCR and version.file_kind == "pdf"
    assert version.created_by == people.investigator
    text = document.text.lower()
    assert "prokurorluq" in text and "aray" in text
    assert audit_events("documents.version.ocr")


def test_unavailable_when_the_programs_are_missing(people, material):
    with mock.patch("eprok.documents.ocr.shutil.which", return_value=None):
        assert ocr.available() is False
        document = services.document_upload(
            actor=people.investigator,
            owner_type="materials.material",
            owner=material,
            file=samples.as_upload(samples.blank_pdf(), "skan.pdf"),
            title="Skan",
        )
        assert document.ocr_status == OcrStatus.UNAVAILABLE
        assert ocr.recognise(document.pk, people.investigator.pk) == OcrStatus.UNAVAILABLE
        services.ocr_request(actor=people.investigator, document=document)
    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.UNAVAILABLE and document.versions.count() == 1


def test_a_failing_ocr_run_marks_the_document_failed(people, material):
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "a.pdf"),
        title="A",
    )
    with (
        mock.patch("eprok.documents.ocr.available", return_value=True),
        mock.patch("eprok.documents.ocr.run_ocrmypdf", side_effect=RuntimeError("tesseract crashed")),
    ):
        assert ocr.recognise(document.pk, people.investigator.pk) == OcrStatus.FAILED
    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.FAILED and document.versions.count() == 1


def test_ocr_request_refuses_text_files_and_running_jobs(people, material):
    from eprok.core.errors import Conflict, ValidationFailed
    from eprok.documents.models import Document

    text = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(b"qeyd", "q.txt"),
        title="Q",
    )
    with pytest.raises(ValidationFailed):
        services.ocr_request(actor=people.investigator, document=text)
    pdf = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "a.pdf"),
        title="A",
    )
    Document.objects.filter(pk=pdf.pk).update(ocr_status=OcrStatus.RUNNING)
    pdf.refresh_from_db()
    with pytest.raises(Conflict):
        services.ocr_request(actor=people.investigator, document=pdf)


def _scan(people, material):
    return services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.blank_pdf(), "skan.pdf"),
        title="Skan",
    )


def test_ocr_overtaken_by_a_replacing_upload_is_dropped(people, material, audit_events):
    document = _scan(people, material)

    after_upload = {}

    def replaced_meanwhile(data):
        services.version_upload(
            actor=people.investigator,
            document=document,
            file=samples.as_upload(samples.pdf_with_text("Yeni mətn"), "yeni.pdf"),
            reason="Düzəliş",
        )
        after_upload["state"] = document.ocr_status
        return samples.pdf_with_text("Köhnə skan"), "Köhnə skan"

    with (
        mock.patch("eprok.documents.ocr.available", return_value=True),
        mock.patch("eprok.documents.ocr.run_ocrmypdf", side_effect=replaced_meanwhile),
    ):
        assert ocr.recognise(document.pk, people.investigator.pk) == OcrStatus.NONE
    document.refresh_from_db()
    assert document.versions.count() == 2
    assert document.current_version.number == 2
    assert document.current_version.source == VersionSource.UPLOAD
    assert "Yeni" in document.text and "Köhnə" not in document.text
    # The new version's own recognition state stands; the stale run did not touch it.
    assert document.ocr_status == after_upload["state"] != OcrStatus.RUNNING
    assert not audit_events("documents.version.ocr")


def test_ocr_overtaken_by_a_signature_leaves_the_signed_version(people, material):
    from eprok.documents.models import DocumentStatus

    document = _scan(people, material)

    def signed_meanwhile(data):
        services.version_add_content(
            actor=people.investigator,
            document=document,
            content=samples.pdf_with_text("İmzalı"),
            source=VersionSource.SIGNED,
            reason="",
            expected_version=1,
        )
        services.document_mark_signed(
            actor=people.investigator, document=document, verification_code="ABC123"
        )
        return samples.pdf_with_text("Köhnə skan"), "Köhnə skan"

    with (
        mock.patch("eprok.documents.ocr.available", return_value=True),
        mock.patch("eprok.documents.ocr.run_ocrmypdf", side_effect=signed_meanwhile),
    ):
        assert ocr.recognise(document.pk, people.investigator.pk) == OcrStatus.NONE
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    assert document.current_version.source == VersionSource.SIGNED
    assert document.versions.count() == 2
    assert document.ocr_status == OcrStatus.NONE


def test_ocr_of_a_document_signed_on_the_same_version_is_refused(people, material):
    from eprok.documents.models import DocumentStatus

    document = _scan(people, material)  # queued for recognition
    services.document_mark_signed(actor=people.investigator, document=document, verification_code="ABC123")
    with (
        mock.patch("eprok.documents.ocr.available", return_value=True),
        mock.patch("eprok.documents.ocr.run_ocrmypdf", return_value=(samples.pdf_with_text(), "x")),
    ):
        assert ocr.recognise(document.pk, people.investigator.pk) == OcrStatus.NONE
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    assert document.versions.count() == 1
    assert document.ocr_status == OcrStatus.NONE


def test_signed_documents_refuse_ocr(people, material):
    from django.utils import translation

    from eprok.core.errors import Conflict
    from eprok.documents.models import Document

    document = _scan(people, material)
    Document.objects.filter(pk=document.pk).update(ocr_status=OcrStatus.NONE)
    document.refresh_from_db()
    services.document_mark_signed(actor=people.investigator, document=document, verification_code="ABC123")
    with pytest.raises(Conflict) as refused:
        services.ocr_request(actor=people.investigator, document=document)
    assert refused.value.code == "document_signed"
    with translation.override("en"):
        assert "signatures would no longer cover it" in str(refused.value.message)
    with pytest.raises(Conflict) as guarded:
        services.version_add_content(
            actor=people.investigator,
            document=document,
            content=samples.pdf_with_text(),
            source=VersionSource.OCR,
            reason="",
        )
    assert guarded.value.code == "document_signed"
    assert document.versions.count() == 1
