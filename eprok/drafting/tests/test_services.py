"""Versions of templates: saving drafts, publishing (one published at a time), retiring; generation uses
the published version and records it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from eprok.core.errors import Conflict
from eprok.documents.owners import owner_type
from eprok.drafting import selectors, services
from eprok.drafting.engine import TemplateBodyError
from eprok.drafting.library import manifest
from eprok.drafting.models import Generation, Template, TemplateVersion, VersionStatus


@pytest.mark.django_db
def test_the_library_is_loaded_with_one_published_version_each():
    codes = [item["code"] for item in manifest()]
    assert set(Template.objects.values_list("code", flat=True)) >= set(codes)
    for template in Template.objects.filter(code__in=codes):
        assert template.versions.filter(status=VersionStatus.PUBLISHED).count() == 1
        assert template.legal_basis


@pytest.mark.django_db
def test_loading_the_library_again_changes_nothing():
    from eprok.drafting.library import load_library

    before = TemplateVersion.objects.count()
    assert load_library(Template, TemplateVersion) == 0
    assert TemplateVersion.objects.count() == before


def test_saving_creates_a_draft_and_publishing_retires_the_previous(world, audit_events):
    template = Template.objects.get(code="case_open")
    v1 = selectors.published_version(template)
    assert v1 is not None
    v2 = services.version_save(
        actor=world.admin_t,
        template=template,
        title="QƏRAR",
        body="<p>Yeni mətn {{ record.number }}</p>",
        note="Sadələşdirildi",
    )
    assert (v2.number, v2.status, v2.created_by) == (2, VersionStatus.DRAFT, world.admin_t)
    assert selectors.published_version(template) == v1  # still in force
    services.version_publish(actor=world.admin_t, version=v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v1.retired_at is not None
    assert v2.status == VersionStatus.PUBLISHED and v2.published_by == world.admin_t
    assert template.versions.filter(status=VersionStatus.PUBLISHED).count() == 1
    actions = [e.action for e in audit_events() if e.action.startswith("drafting.template")]
    assert actions == ["drafting.template.version_saved", "drafting.template.published"]
    with pytest.raises(Conflict):
        services.version_publish(actor=world.admin_t, version=v2)


def test_the_database_allows_one_published_version_only(world):
    template = Template.objects.get(code="summons")
    with pytest.raises(IntegrityError), transaction.atomic():
        TemplateVersion.objects.create(
            template=template, number=9, title="x", body="<p>x</p>", status="published"
        )


def test_retiring_withdraws_the_template_from_generation_until_republished(world):
    template = Template.objects.get(code="summons")
    assert template in selectors.templates_for("cases.case")
    version = selectors.published_version(template)
    assert version is not None
    services.version_retire(actor=world.admin_t, version=version)
    assert template not in selectors.templates_for("cases.case")
    with pytest.raises(Conflict):
        services.document_generate(
            actor=world.investigator,
            template=template,
            kind=owner_type("cases.case"),
            owner=world.case,
            output_format="docx",
        )
    with pytest.raises(Conflict):
        services.version_retire(actor=world.admin_t, version=version)
    services.version_publish(actor=world.admin_t, version=version)  # a retired version can be published again
    assert template in selectors.templates_for("cases.case")


@pytest.mark.parametrize(
    "body",
    [
        "<p>{{ record.nope }}</p>",
        "{% load static %}",
        "{% include 'x.html' %}",
        "<script>x</script>",
        "{{ owner.delete }}",
    ],
)
def test_a_bad_body_is_refused_and_nothing_is_saved(world, body):
    template = Template.objects.get(code="case_open")
    before = template.versions.count()
    with pytest.raises(TemplateBodyError):
        services.version_save(actor=world.admin_t, template=template, title="x", body=body)
    assert template.versions.count() == before


def test_generation_uses_the_published_version_and_records_it(world):
    template = Template.objects.get(code="case_acceptance")
    v2 = services.version_save(
        actor=world.admin_t, template=template, title="QƏRAR", body="<p>İkinci mətn: {{ record.number }}</p>"
    )
    services.version_publish(actor=world.admin_t, version=v2)
    document = services.document_generate(
        actor=world.investigator,
        template=template,
        kind=owner_type("cases.case"),
        owner=world.case,
        output_format="docx",
    )
    generation = Generation.objects.get(document=document)
    assert generation.version == v2
    assert document.category == "case_acceptance"
    assert document.current_version.reason == "case_acceptance v2"
    assert "İkinci mətn" in (document.text or "") or document.current_version.size > 0


def test_a_template_for_another_kind_of_record_is_refused(world):
    from eprok.core.errors import ValidationFailed

    template = Template.objects.get(code="appeal_answer")
    with pytest.raises(ValidationFailed):
        services.document_generate(
            actor=world.investigator,
            template=template,
            kind=owner_type("cases.case"),
            owner=world.case,
            output_format="pdf",
        )
    with pytest.raises(ValidationFailed):
        services.document_generate(
            actor=world.investigator,
            template=template,
            kind=owner_type("appeals.appeal"),
            owner=world.appeal,
            output_format="odt",
        )


def test_diff_of_two_versions(world):
    template = Template.objects.get(code="summons")
    v1 = selectors.published_version(template)
    assert v1 is not None
    v2 = services.version_save(
        actor=world.admin_t, template=template, title=v1.title, body=v1.body + "\n<p>Əlavə sətir</p>"
    )
    diff = selectors.version_diff(v1, v2)
    assert {"op": "insert", "text": "<p>Əlavə sətir</p>"} in diff
    assert not [line for line in diff if line["op"] == "delete"]
