"""The write path: each service's effect, its audit event, and what bad input leaves behind (nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.documents import selectors, services
from eprok.documents.models import Document, DocumentStatus, DocumentVersion, OcrStatus, VersionSource
from eprok.documents.tests import samples
from eprok.org.roles import Clearance

pytestmark = pytest.mark.django_db


def _data(event) -> dict:
    return json.loads(event.data or "{}")


def _stored_files(media: Path) -> list[Path]:
    root = media / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(people, material, data=None, name="arayış.pdf", **kwargs):
    return services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(data if data is not None else samples.pdf_with_text(), name),
        title=kwargs.pop("title", "Arayış"),
        **kwargs,
    )


def test_upload_stores_version_one_with_checksum_text_and_audit(people, material, audit_events, media):
    data = samples.pdf_with_text()
    document = _upload(people, material, data)
    document.refresh_from_db()
    version = document.current_version
    assert (document.owner_type, document.owner_id, document.owner_key) == (
        "materials.material",
        material.pk,
        material.number,
    )
    assert document.unit == material.unit
    assert document.status == DocumentStatus.FINAL
    assert version.number == 1 and version.source == VersionSource.UPLOAD
    assert version.original_name == "arayış.pdf" and version.file_kind == "pdf"
    import hashlib

    assert version.sha256 == hashlib.sha256(data).hexdigest() and version.size == len(data)
    assert selectors.version_read(version) == data
    assert version.storage_name.startswith("documents/") and "arayış" not in version.storage_name
    assert "Cinayət işi" in document.text
    assert document.ocr_status == OcrStatus.NONE
    [event] = audit_events("documents.document.create")
    assert event.target_id == str(document.public_id) or event.target_repr == "Arayış"
    assert _data(event)["sha256"] == version.sha256


def test_docx_and_txt_text_is_extracted(people, material):
    document = _upload(people, material, samples.docx("Zərərçəkmiş şəxsin ifadəsi"), "ifadə.docx")
    assert "Zərərçəkmiş şəxsin ifadəsi" in document.text
    text_doc = _upload(people, material, "Qeyd: iş üzrə yoxlama.".encode(), "qeyd.txt")
    assert text_doc.text == "Qeyd: iş üzrə yoxlama."


def test_classification_is_never_below_the_owner_and_never_above_the_actor(people, material):
    people.investigator.clearance = Clearance.SECRET
    people.investigator.save()
    secret = _upload(people, material, classification=Clearance.SECRET)
    assert secret.classification == Clearance.SECRET
    lower = _upload(people, material, classification=Clearance.PUBLIC)
    assert lower.classification == Clearance.OFFICIAL  # the owner's (OFFICIAL by default)
    with pytest.raises(ValidationFailed) as exc:
        _upload(people, material, classification=Clearance.TOP_SECRET)
    assert exc.value.code == "classification_above_clearance"


def test_upload_needs_can_attach(people, material, media):
    with pytest.raises(Forbidden):
        services.document_upload(
            actor=people.superior,
            owner_type="materials.material",
            owner=material,
            file=samples.as_upload(samples.pdf_with_text(), "a.pdf"),
            title="x",
        )
    assert not Document.objects.exists() and not _stored_files(media)


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"MZ\x90\x00" + b"\0" * 100, "arayış.pdf", "executable"),
        (samples.encrypted_pdf(), "arayış.pdf", "encrypted"),
        (samples.malformed_pdf(), "arayış.pdf", "damaged"),
        (samples.zip_bomb_docx(), "hesabat.docx", "zip_bomb"),
        (b"<html><script>alert(1)</script></html>", "qeyd.txt", "markup"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(people, material, media, data, name, reason):
    with pytest.raises(ValidationFailed) as exc:
        _upload(people, material, data, name)
    assert exc.value.details["reason"] == reason
    assert str(exc.value.message)  # a sentence, naming the file
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not _stored_files(media)


def test_oversized_upload_is_refused(people, material, media, settings):
    settings.EPROK_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        _upload(people, material, b"a" * 2048, "uzun.txt")
    assert exc.value.details["reason"] == "too_large"
    assert not _stored_files(media)


def test_path_traversal_name_never_reaches_storage(people, material, media):
    document = _upload(people, material, samples.pdf_with_text(), "../../etc/passwd.pdf")
    version = document.current_version
    assert version.original_name == "passwd.pdf"
    assert ".." not in version.storage_name and "passwd" not in version.storage_name
    assert all(media in p.parents for p in _stored_files(media))


def test_crash_between_file_write_and_commit_leaves_neither_row_nor_file(people, material, media):
    with (
        mock.patch("eprok.documents.services.audit_record", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        _upload(people, material)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not _stored_files(media)


def test_new_version_records_who_why_and_replaces_the_text(people, material, audit_events):
    document = _upload(people, material)
    version = services.version_upload(
        actor=people.investigator,
        document=document,
        file=samples.as_upload(samples.docx("Düzəliş edilmiş mətn"), "yeni.docx"),
        reason="  Səhv  düzəldildi ",
    )
    document.refresh_from_db()
    assert version.number == 2 and document.current_version == version
    assert version.reason == "Səhv düzəldildi" and version.created_by == people.investigator
    assert "Düzəliş edilmiş mətn" in document.text
    [event] = audit_events("documents.version.upload")
    assert _data(event)["version"] == 2 and _data(event)["reason"] == "Səhv düzəldildi"
    with pytest.raises(ValidationFailed):
        services.version_upload(
            actor=people.investigator, document=document, file=samples.as_upload(b"x", "a.txt"), reason=" "
        )


def test_version_add_content_checks_the_expected_version(people, material, audit_events):
    document = _upload(people, material)
    pdf = samples.pdf_with_text("İmzalanmış")
    version = services.version_add_content(
        actor=people.investigator,
        document=document,
        content=pdf,
        source=VersionSource.SIGNED,
        reason="signed",
        expected_version=1,
    )
    assert version.number == 2 and version.source == VersionSource.SIGNED
    assert audit_events("documents.version.signed")
    with pytest.raises(Conflict) as exc:
        services.version_add_content(
            actor=people.investigator,
            document=document,
            content=pdf,
            source=VersionSource.SIGNED,
            reason="signed",
            expected_version=1,
        )
    assert exc.value.code == "stale_version"
    assert document.versions.count() == 2
    with pytest.raises(ValidationFailed):  # only PDF or DOCX bytes
        services.version_add_content(
            actor=people.investigator,
            document=document,
            content=b"plain",
            source=VersionSource.OCR,
            reason="",
        )


def test_generated_document_is_a_draft_and_must_be_pdf_or_docx(people, case, audit_events):
    document = services.document_add_generated(
        actor=people.investigator,
        owner_type="cases.case",
        owner=case,
        content=samples.pdf_with_text("Cinayət işinin başlanması haqqında qərar"),
        file_name="qərar.pdf",
        title="Qərar",
        category="decision_open_case",
    )
    assert document.status == DocumentStatus.DRAFT and document.kind == "generated"
    assert document.current_version is not None
    assert document.current_version.source == VersionSource.GENERATED
    assert document.category == "decision_open_case" and "qərar" in document.text.lower()
    assert audit_events("documents.document.create")
    with pytest.raises(ValidationFailed):
        services.document_add_generated(
            actor=people.investigator,
            owner_type="cases.case",
            owner=case,
            content=b"text",
            file_name="a.txt",
            title="x",
            category="",
        )


def test_mark_signed_keeps_the_first_code(people, material, audit_events):
    document = _upload(people, material)
    services.document_mark_signed(actor=people.investigator, document=document, verification_code="ABC123")
    services.document_mark_signed(actor=people.investigator, document=document, verification_code="ZZZ999")
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED and document.verification_code == "ABC123"
    assert [_data(e)["first"] for e in audit_events("documents.document.sign")] == [True, False]


def test_withdraw_keeps_the_document_and_blocks_changes(people, material, audit_events):
    document = _upload(people, material)
    services.document_withdraw(actor=people.investigator, document=document, reason="Səhv fayl")
    document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN and document.versions.count() == 1
    [event] = audit_events("documents.document.withdraw")
    assert _data(event)["reason"] == "Səhv fayl"
    with pytest.raises(Conflict):
        services.version_upload(
            actor=people.investigator,
            document=document,
            file=samples.as_upload(samples.pdf_with_text(), "b.pdf"),
            reason="again",
        )
    with pytest.raises(ValidationFailed):
        services.document_withdraw(actor=people.investigator, document=_upload(people, material), reason="")


def test_every_write_schedules_search_indexing(people, material, django_capture_on_commit_callbacks):
    with mock.patch("eprok.documents.services.search_services.index_later") as index_later:
        with django_capture_on_commit_callbacks(execute=True):
            document = _upload(people, material)
        with django_capture_on_commit_callbacks(execute=True):
            services.document_withdraw(actor=people.investigator, document=document, reason="x")
    assert index_later.call_args_list == [mock.call("documents.document", document.pk)] * 2


def test_scan_without_text_is_queued_for_ocr_or_unavailable(
    people, material, django_capture_on_commit_callbacks
):
    with (
        mock.patch("eprok.documents.ocr.available", return_value=True),
        mock.patch("eprok.documents.ocr.enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        document = _upload(people, material, samples.scan_png(), "scan.png")
    assert document.ocr_status == OcrStatus.QUEUED
    enqueue.assert_called_once_with(document.pk, people.investigator.pk)
    with mock.patch("eprok.documents.ocr.shutil.which", return_value=None):
        other = _upload(people, material, samples.blank_pdf(), "scan.pdf")
    assert other.ocr_status == OcrStatus.UNAVAILABLE


def test_sweep_removes_only_old_unreferenced_files(people, material, media):
    import datetime as dt
    import os

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    kept = _upload(people, material).current_version.storage_name
    with pytest.raises(RuntimeError), transaction.atomic():
        _upload(people, material)
        raise RuntimeError("a crash after the file was written")
    [orphan] = [p for p in _stored_files(media) if not str(p).endswith(kept)]
    fresh = default_storage.save("documents/2026/01/fresh", __import__("io").BytesIO(b"x"))
    old = (timezone.now() - dt.timedelta(days=3)).timestamp()
    os.utime(orphan, (old, old))
    os.utime(media / kept, (old, old))
    call_command("documents_sweep", stdout=__import__("io").StringIO())
    assert not orphan.exists()  # unreferenced and older than the grace period
    assert (media / kept).exists()  # referenced by a version
    assert default_storage.exists(fresh)  # too young: its transaction may still be open


def test_text_is_extracted_before_the_write_transaction_opens(people, material, monkeypatch):
    """Parsing a long PDF must not hold the database's write lock (SQLite locks the whole database)."""
    from django.db import connection

    from eprok.documents import services as document_services

    outside = len(connection.atomic_blocks)
    depths = []
    real = document_services.extract_text

    def spy(data, kind):
        depths.append(len(connection.atomic_blocks))
        return real(data, kind)

    monkeypatch.setattr(document_services, "extract_text", spy)
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "a.pdf"),
        title="A",
    )
    services.version_upload(
        actor=people.investigator,
        document=document,
        file=samples.as_upload(samples.pdf_with_text("İkinci"), "b.pdf"),
        reason="Düzəliş",
    )
    services.version_add_content(
        actor=people.investigator,
        document=document,
        content=samples.pdf_with_text("Üçüncü"),
        source="signed",
        reason="",
        expected_version=2,
    )
    services.document_add_generated(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        content=samples.pdf_with_text(),
        file_name="g.pdf",
        title="G",
        category="",
    )
    assert depths == [outside] * 4
    document.refresh_from_db()
    assert "Üçüncü" in document.text
