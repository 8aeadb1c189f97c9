"""Text recognition: a real scan of Azerbaijani text through OCRmyPDF/Tesseract, and the unavailable path."""

from __future__ import annotations

import shutil
from unittest import mock

import pytest

from eprok.documents import ocr, services
from eprok.documents.models import OcrStatus, VersionSource
from eprok.documents.tests import samples

pytestmark = pytest.mark.django_db

HAS_OCR = shutil.which("ocrmypdf") is not None and shutil.which("tesseract") is not None


@pytest.mark.skipif(not HAS_OCR, reason="OCRmyPDF and Tesseract are not installed on this machine")
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
