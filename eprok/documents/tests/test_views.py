"""The documents pages: the owner's panel, upload with its errors, the document page, download headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import login_as
from eprok.core.testing.queries import audited
from eprok.documents import extensions, services
from eprok.documents.models import Document, DocumentStatus, OcrStatus
from eprok.documents.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator(client, people):
    login_as(client, people.investigator)
    return client


def _panel(material):
    return reverse("documents:panel", args=["materials.material", material.number])


def test_panel_lists_documents_with_upload_form_and_owner_actions(investigator, people, material):
    services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "arayış.pdf"),
        title="Hadisə yerinə baxış protokolu",
    )
    extensions.register_owner_action(
        extensions.OwnerAction(
            key="test-generate",
            label="Şablondan yarat",
            url=lambda label, key: f"/drafting/{label}/{key}/",
            allowed=lambda user, owner_type, owner: owner_type.label == "materials.material",
        )
    )
    try:
        page = investigator.get(_panel(material)).content.decode()
    finally:
        pass
    assert "Hadisə yerinə baxış protokolu" in page
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert f"/drafting/materials.material/{material.number}/" in page


def test_panel_for_a_reader_has_no_upload_form(client, people, material):
    login_as(client, people.superior)
    page = client.get(_panel(material)).content.decode()
    assert 'name="file"' not in page


def test_upload_through_the_panel_and_errors_on_the_form(investigator, people, material, media):
    response = investigator.post(
        reverse("documents:upload", args=["materials.material", material.number]),
        {"file": samples.as_upload(samples.pdf_with_text(), "arayış.pdf"), "title": "Arayış"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Arayış" in response.content.decode()
    assert Document.objects.filter(title="Arayış").exists()
    bad = investigator.post(
        reverse("documents:upload", args=["materials.material", material.number]),
        {"file": samples.as_upload(samples.encrypted_pdf(), "parollu.pdf")},
    )
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "usa-error-message" in page and "“parollu.pdf” parolla qorunur" in page  # Azerbaijani by default
    assert Document.objects.count() == 1


def test_document_page_shows_versions_checksums_and_sections(investigator, people, material, audit_events):
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "arayış.pdf"),
        title="Arayış",
    )
    extensions.register_document_section(
        extensions.DocumentSection(
            key="test-signatures",
            template="documents/_fields.html",
            context=lambda request, doc: {"count": 0},
            order=10,
        )
    )
    try:
        from unittest import mock

        with mock.patch(
            "eprok.documents.views.render", wraps=__import__("django.shortcuts").shortcuts.render
        ) as render:
            investigator.get(reverse("documents:detail", args=[document.public_id]))
        sections = render.call_args.args[2]["sections"]
    finally:
        pass
    assert sections == [
        {"key": "test-signatures", "template": "documents/_fields.html", "context": {"count": 0}}
    ]
    page = investigator.get(reverse("documents:detail", args=[document.public_id])).content.decode()
    assert document.current_version is not None
    assert document.current_version.sha256 in page and "arayış.pdf" in page
    assert reverse("documents:download", args=[document.public_id, 1]) in page
    assert audit_events("documents.document.read")


def test_download_is_an_audited_attachment_with_a_safe_name(investigator, people, material, audit_events):
    data = samples.pdf_with_text()
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(data, '../..\\evil"; name=x.exe.pdf'),
        title="Arayış",
    )
    response = investigator.get(reverse("documents:download", args=[document.public_id, 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".pdf" in disposition
    assert ".." not in disposition and "\\" not in disposition.replace('\\"', "")
    [event] = audit_events("documents.version.download")
    assert event.purpose == "download"


def test_new_version_and_withdraw_through_the_page(investigator, people, material):
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "arayış.pdf"),
        title="Arayış",
    )
    url = reverse("documents:new_version", args=[document.public_id])
    missing = investigator.post(url, {"file": samples.as_upload(samples.docx(), "yeni.docx")})
    assert missing.status_code == 422
    ok = investigator.post(url, {"file": samples.as_upload(samples.docx(), "yeni.docx"), "reason": "Düzəliş"})
    assert ok.status_code == 302 and document.versions.count() == 2
    withdraw = investigator.post(reverse("documents:withdraw", args=[document.public_id]), {"reason": "Səhv"})
    assert withdraw.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN
    page = investigator.get(reverse("documents:detail", args=[document.public_id])).content.decode()
    assert "Bu sənəd geri götürülüb" in page and 'name="reason"' not in page  # Azerbaijani by default


def test_ocr_unavailable_is_shown_not_failed(investigator, people, material, monkeypatch):
    monkeypatch.setattr("eprok.documents.ocr.shutil.which", lambda name: None)
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.scan_png(), "skan.png"),
        title="Skan",
    )
    assert document.ocr_status == OcrStatus.UNAVAILABLE
    page = investigator.get(reverse("documents:detail", args=[document.public_id])).content.decode()
    assert "Bu serverdə mətnin tanınması mümkün deyil" in page
    response = investigator.post(reverse("documents:ocr", args=[document.public_id]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.UNAVAILABLE


def test_ocr_block_polls_while_running(investigator, people, material):
    document = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "a.pdf"),
        title="A",
    )
    Document.objects.filter(pk=document.pk).update(ocr_status=OcrStatus.RUNNING, ocr_progress=40)
    part = investigator.get(
        reverse("documents:detail", args=[document.public_id]) + "?part=ocr", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 2s"' in part and "40%" in part


def test_panel_query_ceiling(investigator, people, material, django_assert_max_num_queries):
    for n in range(5):
        services.document_upload(
            actor=people.investigator,
            owner_type="materials.material",
            owner=material,
            file=samples.as_upload(f"qeyd {n}".encode(), f"q{n}.txt"),
            title=f"Qeyd {n}",
        )
    with django_assert_max_num_queries(audited(14, appends=1)):  # the listing's audit event
        response = investigator.get(_panel(material))
    assert response.content.decode().count("Qeyd ") == 5


def test_oversized_request_is_refused_before_the_body_is_read(people, material):
    """A 2 GB multipart request is refused from its Content-Length: the body stream is never read."""
    from django.test import Client

    client = Client()
    login_as(client, people.investigator)

    class Unreadable:
        read_bytes = 0

        def read(self, size=-1):
            Unreadable.read_bytes += max(size, 0)
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST",
        reverse("documents:upload", args=["materials.material", material.number]),
        data=b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * 1024**3),
        **{"wsgi.input": Unreadable()},  # type: ignore[arg-type]
    )
    assert response.status_code == 400
    assert Unreadable.read_bytes == 0
    assert not Document.objects.exists()


def test_listing_an_owners_documents_is_audited_once_with_the_count(client, people, material, audit_events):
    import json

    from eprok.core.testing.api import bearer, make_token

    for title in ("Bir", "İki"):
        services.document_upload(
            actor=people.investigator,
            owner_type="materials.material",
            owner=material,
            file=samples.as_upload(samples.pdf_with_text(), "a.pdf"),
            title=title,
        )
    login_as(client, people.superior)
    assert client.get(_panel(material)).status_code == 200
    listed = client.get(
        f"/api/v1/documents/of/materials.material/{material.number}?limit=1",
        headers=bearer(make_token(people.superior)),
    )
    assert listed.status_code == 200
    events = audit_events("documents.document.list")
    assert len(events) == 2
    for event, count, channel in zip(events, (2, 1), ("web", "api"), strict=True):
        assert event.actor_id == people.superior.pk
        assert (event.target_type, event.target_id) == ("materials.material", material.number)
        assert json.loads(event.data) == {"count": count, "channel": channel}
