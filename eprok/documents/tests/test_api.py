"""The documents API: upload to an owner (idempotent), list, detail with versions, download, new
version, withdraw, OCR; bad input answers 422 and stores nothing."""

from __future__ import annotations

import hashlib

import pytest

from eprok.core.testing.api import bearer, make_token
from eprok.documents.models import Document
from eprok.documents.tests import samples

pytestmark = pytest.mark.django_db

BASE = "/api/v1/documents"


@pytest.fixture
def token(people):
    return bearer(make_token(people.investigator))


def _upload(client, token, material, data, name, **extra):
    return client.post(
        f"{BASE}/of/materials.material/{material.number}",
        {"file": samples.as_upload(data, name), **extra},
        headers=token,
    )


def test_upload_is_idempotent_and_lists_and_details(client, token, material):
    data = samples.pdf_with_text()
    headers = {**token, "Idempotency-Key": "upload-1"}
    first = client.post(
        f"{BASE}/of/materials.material/{material.number}",
        {"file": samples.as_upload(data, "arayış.pdf"), "title": "Arayış"},
        headers=headers,
    )
    again = client.post(
        f"{BASE}/of/materials.material/{material.number}",
        {"file": samples.as_upload(data, "arayış.pdf"), "title": "Arayış"},
        headers=headers,
    )
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert again.json()["public_id"] == body["public_id"] and Document.objects.count() == 1
    assert body["versions"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["owner_type"] == "materials.material" and body["owner_key"] == material.number
    listed = client.get(f"{BASE}/of/materials.material/{material.number}", headers=token).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Arayış"
    download = client.get(f"{BASE}/{body['public_id']}/versions/1/download", headers=token)
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")


def test_new_version_withdraw_and_ocr(client, token, material, monkeypatch):
    pid = _upload(client, token, material, samples.pdf_with_text(), "a.pdf").json()["public_id"]
    no_reason = client.post(
        f"{BASE}/{pid}/versions", {"file": samples.as_upload(samples.docx(), "b.docx")}, headers=token
    )
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    new = client.post(
        f"{BASE}/{pid}/versions",
        {"file": samples.as_upload(samples.docx(), "b.docx"), "reason": "Düzəliş"},
        headers=token,
    )
    assert new.status_code == 201 and new.json()["version"]["number"] == 2
    monkeypatch.setattr("eprok.documents.ocr.shutil.which", lambda name: None)
    ocr = client.post(f"{BASE}/{pid}/ocr", headers=token)
    assert ocr.status_code == 422  # a DOCX has no scan to recognise
    withdrawn = client.post(
        f"{BASE}/{pid}/withdraw", {"reason": "Səhv"}, content_type="application/json", headers=token
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert client.get(f"{BASE}/{pid}/ocr", headers=token).json()["available"] is False


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (samples.encrypted_pdf(), "a.pdf", "encrypted"),
        (samples.malformed_pdf(), "a.pdf", "damaged"),
        (samples.zip_bomb_docx(), "a.docx", "zip_bomb"),
        (b"MZ\x90\x00rest", "a.pdf", "executable"),
    ],
)
def test_bad_files_answer_422_with_the_reason(client, token, material, data, name, reason):
    response = _upload(client, token, material, data, name)
    assert response.status_code == 422
    assert response.json()["details"]["reason"] == reason
    assert not Document.objects.exists()


def test_unknown_owner_and_document_are_404(client, token):
    assert client.get(f"{BASE}/of/auth.user/1", headers=token).status_code == 404
    assert client.get(f"{BASE}/00000000-0000-0000-0000-000000000000", headers=token).status_code == 404
