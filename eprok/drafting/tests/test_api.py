"""The drafting API: templates, preview, generation with an idempotency key, template administration."""

from __future__ import annotations

from eprok.core.testing.api import bearer, make_token
from eprok.documents.models import Document
from eprok.drafting.models import TemplateVersion, VersionStatus

BASE = "/api/v1/drafting"


def test_templates_for_an_owner_type(world, client):
    token = make_token(world.investigator)
    response = client.get(f"{BASE}/templates", {"owner_type": "appeals.appeal"}, headers=bearer(token))
    assert response.status_code == 200
    codes = {t["code"] for t in response.json()}
    assert {"appeal_answer", "appeal_forwarding", "applicant_receipt"} <= codes
    assert "indictment" not in codes


def test_preview_and_generate_with_idempotency(world, client):
    token = make_token(world.investigator)
    body = {"template": "charge_decision", "owner_type": "cases.case", "owner_key": world.case.number}
    preview = client.post(f"{BASE}/preview", body, content_type="application/json", headers=bearer(token))
    assert preview.status_code == 200
    assert "Öztürk Əli Ğafar oğlu" in preview.json()["html"]
    headers = {**bearer(token), "Idempotency-Key": "gen-1"}
    first = client.post(
        f"{BASE}/generate", {**body, "format": "pdf"}, content_type="application/json", headers=headers
    )
    assert first.status_code == 201, first.content
    data = first.json()
    assert (
        data["category"] == "charge_decision" and data["template_version"] == 1 and data["status"] == "draft"
    )
    again = client.post(
        f"{BASE}/generate", {**body, "format": "pdf"}, content_type="application/json", headers=headers
    )
    assert again.status_code == 200 and again.json()["public_id"] == data["public_id"]
    assert Document.objects.count() == 1


def test_outsider_gets_404_and_bad_input_422(world, client):
    token = make_token(world.outsider)
    body = {
        "template": "case_open",
        "owner_type": "cases.case",
        "owner_key": world.case.number,
        "format": "pdf",
    }
    response = client.post(f"{BASE}/generate", body, content_type="application/json", headers=bearer(token))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    mine = make_token(world.investigator)
    bad = client.post(
        f"{BASE}/generate", {**body, "format": "odt"}, content_type="application/json", headers=bearer(mine)
    )
    assert bad.status_code == 422
    unknown = client.post(
        f"{BASE}/generate",
        {**body, "template": "nope"},
        content_type="application/json",
        headers=bearer(mine),
    )
    assert unknown.status_code == 404
    assert not Document.objects.exists()


def test_template_administration(world, client):
    investigator = make_token(world.investigator)
    body = {"title": "QƏRAR", "body": "<p>{{ record.number }}</p>", "note": "api"}
    refused = client.post(
        f"{BASE}/templates/summons/versions",
        body,
        content_type="application/json",
        headers=bearer(investigator),
    )
    assert refused.status_code == 403
    token = make_token(world.admin_t)
    created = client.post(
        f"{BASE}/templates/summons/versions", body, content_type="application/json", headers=bearer(token)
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    number = created.json()["number"]
    bad = client.post(
        f"{BASE}/templates/summons/versions",
        {**body, "body": "{% include 'x' %}"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert bad.status_code == 422 and bad.json()["code"] == "template_error"
    published = client.post(f"{BASE}/templates/summons/versions/{number}/publish", headers=bearer(token))
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert TemplateVersion.objects.get(template__code="summons", number=1).status == VersionStatus.RETIRED
    assert (
        client.post(f"{BASE}/templates/summons/versions/99/publish", headers=bearer(token)).status_code == 404
    )
    assert (
        client.post(f"{BASE}/templates/summons/versions/{number}/publish", headers=bearer(token)).status_code
        == 409
    )
