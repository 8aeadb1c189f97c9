"""Who sees and changes documents: the owner's rules decide, clearance caps, 404 for the invisible.

Over every page and API operation of a document and of an owner's panel.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.documents import access, services
from eprok.documents.tests import samples
from eprok.org.roles import Clearance

pytestmark = pytest.mark.django_db

SEE = {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 200, "superior": 200}
CHANGE = {"anonymous": 302, "outsider": 404, "colleague": 404, "superior": 403}


def _document(people, owner, owner_type="materials.material"):
    return services.document_upload(
        actor=people.investigator,
        owner_type=owner_type,
        owner=owner,
        file=samples.as_upload(samples.pdf_with_text(), "arayış.pdf"),
        title="Arayış",
    )


def test_document_pages_follow_the_owner(client, people, material):
    document = _document(people, material)
    pid = document.public_id
    assert_access_matrix(client, people, reverse("documents:detail", args=[pid]), SEE)
    assert_access_matrix(client, people, reverse("documents:download", args=[pid, 1]), SEE)
    assert_access_matrix(
        client, people, reverse("documents:panel", args=["materials.material", material.number]), SEE
    )
    upload = reverse("documents:upload", args=["materials.material", material.number])
    assert_access_matrix(client, people, upload, CHANGE, method="post", data={})
    for name in ("new_version", "withdraw", "ocr"):
        assert_access_matrix(
            client, people, reverse(f"documents:{name}", args=[pid]), CHANGE, method="post", data={}
        )


def test_case_document_outsider_and_colleague_get_404(client, people, case):
    document = _document(people, case, "cases.case")
    assert_access_matrix(
        client, people, reverse("documents:detail", args=[document.public_id]), {**SEE, "superior": 200}
    )


def test_clearance_below_the_classification_hides_the_document(client, people, material):
    people.investigator.clearance = Clearance.SECRET
    people.investigator.save()
    secret = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "məxfi.pdf"),
        title="Məxfi arayış",
        classification=Clearance.SECRET,
    )
    # The supervisor sees the report but holds only "for official use": the document is not there.
    assert_access_matrix(
        client,
        people,
        reverse("documents:detail", args=[secret.public_id]),
        {"superior": 404, "investigator": 200},
    )
    assert not access.visible_to(people.superior).filter(pk=secret.pk).exists()
    assert access.visible_to(people.investigator).filter(pk=secret.pk).exists()
    client.force_login(people.superior)
    from eprok.core.testing.access_matrix import login_as

    login_as(client, people.superior)
    panel = client.get(reverse("documents:panel", args=["materials.material", material.number]))
    assert "Məxfi arayış" not in panel.content.decode()


def test_unknown_owner_type_and_malformed_ids_are_404(client, people, material):
    from eprok.core.testing.access_matrix import login_as

    login_as(client, people.investigator)
    assert client.get(reverse("documents:panel", args=["auth.user", "1"])).status_code == 404
    assert client.get("/documents/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert (
        client.get(f"/documents/{_document(people, material).public_id}/versions/9/download/").status_code
        == 404
    )


def test_api_operations_follow_the_owner(client, people, material):
    document = _document(people, material)
    pid = document.public_id
    base = "/api/v1/documents"
    for name, want_read, want_write in (
        ("outsider", 404, 404),
        ("colleague", 404, 404),
        ("superior", 200, 403),
        ("investigator", 200, None),
    ):
        headers = bearer(make_token(getattr(people, name)))
        assert client.get(f"{base}/{pid}", headers=headers).status_code == want_read, name
        assert client.get(f"{base}/{pid}/versions/1/download", headers=headers).status_code == want_read, name
        assert client.get(f"{base}/{pid}/ocr", headers=headers).status_code == want_read, name
        assert (
            client.get(f"{base}/of/materials.material/{material.number}", headers=headers).status_code
            == want_read
        )
        if want_write is not None:
            r = client.post(
                f"{base}/{pid}/withdraw", {"reason": "x"}, content_type="application/json", headers=headers
            )
            assert r.status_code == want_write, name
            r = client.post(f"{base}/{pid}/ocr", headers=headers)
            assert r.status_code == want_write, name
            r = client.post(
                f"{base}/of/materials.material/{material.number}",
                {"file": samples.as_upload(b"qeyd", "q.txt")},
                headers=headers,
            )
            assert r.status_code == (404 if want_write == 404 else 403), name
    assert client.get(f"{base}/{pid}").status_code == 401


def _denials(audit_events):
    import json

    return [
        (e.target_type, e.target_id, json.loads(e.data) if isinstance(e.data, str) else e.data)
        for e in audit_events("access.denied")
    ]


def test_refused_uploads_are_audited_on_the_page_the_api_and_the_service(
    client, people, material, audit_events, media
):
    from eprok.core.errors import Forbidden
    from eprok.core.testing.access_matrix import login_as
    from eprok.documents.models import Document

    login_as(client, people.superior)
    page = client.post(
        reverse("documents:upload", args=["materials.material", material.number]),
        {"file": samples.as_upload(b"qeyd", "q.txt"), "title": "Q"},
    )
    assert page.status_code == 403
    api = client.post(
        f"/api/v1/documents/of/materials.material/{material.number}",
        {"file": samples.as_upload(b"qeyd", "q.txt")},
        headers=bearer(make_token(people.superior)),
    )
    assert api.status_code == 403
    with pytest.raises(Forbidden):
        services.document_upload(
            actor=people.superior,
            owner_type="materials.material",
            owner=material,
            file=samples.as_upload(b"qeyd", "q.txt"),
            title="Q",
        )
    denied = _denials(audit_events)
    assert len(denied) == 3
    for target_type, target_id, data in denied:
        assert (target_type, target_id) == ("materials.material", material.number)
        assert data["attempted"] == "documents.owner.attach" and data["outcome"] == "forbidden"
    assert Document.objects.count() == 0


def test_get_owner_for(people, material, audit_events):
    from eprok.core.errors import Forbidden, NotFound

    kind, owner = access.get_owner_for(people.investigator, "materials.material", material.number)
    assert (kind.label, owner.pk) == ("materials.material", material.pk)
    assert (
        access.get_owner_for(people.superior, "materials.material", material.number, action="view")[1]
        == material
    )
    with pytest.raises(Forbidden):
        access.get_owner_for(people.superior, "materials.material", material.number)
    with pytest.raises(NotFound):
        access.get_owner_for(people.investigator, "auth.user", "1")
    with pytest.raises(NotFound):
        access.get_owner_for(people.outsider, "materials.material", material.number, action="view")
    outcomes = [(data["attempted"], data["outcome"]) for _, _, data in _denials(audit_events)]
    assert ("documents.owner.attach", "forbidden") in outcomes
    assert ("documents.owner.attach", "not_found") in outcomes  # the unknown owner type
    assert ("materials.material.view", "not_found") in outcomes  # the owner's own rules audit the 404


def test_visible_among_admits_exactly_what_visible_to_admits(people, material, case):
    on_material = _document(people, material)
    on_case = _document(people, case, "cases.case")
    secret = _document(people, material)
    secret.classification = Clearance.TOP_SECRET
    secret.save(update_fields=["classification"])
    pks = {on_material.pk, on_case.pk, secret.pk, 10**9}
    for name in ("anonymous", "outsider", "colleague", "investigator", "superior"):
        user = getattr(people, name, None)
        expected = set(access.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
        assert access.visible_among(user, pks) == expected, name
    assert access.visible_among(people.investigator, pks) == {on_material.pk, on_case.pk}
    assert access.visible_among(people.outsider, pks) == set()
