"""The generate page and template administration: access, preview, generation, editing and publishing."""

from __future__ import annotations

from django.urls import reverse

from eprok.documents.models import Document
from eprok.drafting.models import Template, TemplateVersion, VersionStatus


def _generate_url(world, label="cases.case"):
    from eprok.documents.owners import owner_type

    return reverse("drafting:generate", args=[label, owner_type(label).key_of(world.records[label])])


def test_outsider_and_colleague_get_404_on_a_case_they_cannot_see(world, signed_in, client):
    for person in (world.outsider, world.colleague):
        signed_in(person)
        assert client.get(_generate_url(world)).status_code == 404
        assert (
            client.post(_generate_url(world), {"template": "case_open", "output_format": "pdf"}).status_code
            == 404
        )
    assert not Document.objects.exists()


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(_generate_url(world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_owner_type_is_404(world, signed_in, client):
    signed_in(world.investigator)
    assert client.get(reverse("drafting:generate", args=["org.employee", "x"])).status_code == 404


def test_investigator_previews_and_generates(world, signed_in, client):
    signed_in(world.investigator)
    page = client.get(_generate_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "İttiham aktı" in text and "Müraciətə cavab" not in text  # only the case's templates
    preview = client.get(_generate_url(world), {"template": "victim_recognition"})
    body = preview.content.decode()
    assert world.case.number in body and "Çingizoğlu Şəhla Ağa qızı" in body
    response = client.post(_generate_url(world), {"template": "victim_recognition", "output_format": "docx"})
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[document.public_id])
    assert document.category == "victim_recognition" and document.status == "draft"
    assert document.current_version is not None
    assert document.current_version.original_name.endswith(".docx")


def test_a_bad_choice_is_a_form_error(world, signed_in, client):
    signed_in(world.investigator)
    response = client.post(_generate_url(world), {"template": "appeal_answer", "output_format": "pdf"})
    assert response.status_code == 422
    assert not Document.objects.exists()


def test_template_pages_need_the_role(world, signed_in, client):
    signed_in(world.investigator)
    for url in (
        reverse("drafting:templates"),
        reverse("drafting:template", args=["case_open"]),
        reverse("drafting:edit", args=["case_open"]),
        reverse("drafting:version", args=["case_open", 1]),
        reverse("drafting:compare", args=["case_open"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("drafting:retire", args=["case_open", 1])).status_code == 403
    assert TemplateVersion.objects.get(template__code="case_open", number=1).status == VersionStatus.PUBLISHED


def test_administrator_edits_previews_publishes_and_compares(world, signed_in, client):
    signed_in(world.admin_t)
    listing = client.get(reverse("drafting:templates")).content.decode()
    assert "case_open" in listing and "CPM, maddə 46, 203, 207.5" in listing
    bad = client.post(
        reverse("drafting:edit", args=["case_open"]), {"title": "Q", "body": "{{ owner.delete }}"}
    )
    assert bad.status_code == 422 and "owner.delete" in bad.content.decode()
    response = client.post(
        reverse("drafting:edit", args=["case_open"]),
        {"title": "QƏRAR", "body": "<p>Yeni: {{ record.number }} {{ applicant.name }}</p>", "note": "test"},
    )
    assert response.status_code == 302
    v2 = TemplateVersion.objects.get(template__code="case_open", number=2)
    assert v2.status == VersionStatus.DRAFT
    # preview against a record the administrator may not see: refused on the form
    page = client.get(
        reverse("drafting:version", args=["case_open", 2]),
        {"owner_type": "materials.material", "owner_key": world.material.number},
    )
    assert page.status_code == 200 and "Məmmədova" not in page.content.decode()
    client.post(reverse("drafting:publish", args=["case_open", 2]))
    v2.refresh_from_db()
    assert v2.status == VersionStatus.PUBLISHED
    assert TemplateVersion.objects.get(template__code="case_open", number=1).status == VersionStatus.RETIRED
    diff = client.get(reverse("drafting:compare", args=["case_open"]), {"a": 1, "b": 2}).content.decode()
    assert (
        "Yeni: {{ record.number }}" in diff.replace("&#x27;", "'").replace("&quot;", '"') or "Yeni:" in diff
    )


def test_administrator_preview_with_a_visible_record(world, signed_in, client):
    from eprok.org.roles import Role
    from eprok.org.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(employee=world.investigator, role=Role.MANAGE_TEMPLATES, unit=world.root)
    signed_in(world.investigator)
    page = client.get(
        reverse("drafting:version", args=["case_open", 1]),
        {"owner_type": "materials.material", "owner_key": world.material.number},
    )
    assert page.status_code == 200
    assert "Məmmədova Gülşən Əli qızı" in page.content.decode()


def test_generate_action_is_registered_for_owners(world):
    from eprok.documents.extensions import owner_actions
    from eprok.documents.owners import owner_type

    action = next(a for a in owner_actions() if a.key == "drafting.generate")
    kind = owner_type("cases.case")
    assert action.allowed(world.investigator, kind, world.case)
    assert not action.allowed(world.outsider, kind, world.case)
    assert action.url("cases.case", world.case.number) == _generate_url(world)
    Template.objects.update(is_active=False)
    assert not action.allowed(world.investigator, kind, world.case)


def test_the_documents_panel_shows_the_generate_button(world, signed_in, client):
    signed_in(world.investigator)
    panel = client.get(reverse("documents:panel", args=["cases.case", world.case.number]))
    assert panel.status_code == 200
    assert _generate_url(world) in panel.content.decode()
