"""The builder and export API (/api/v1/stats): running a definition, saved queries with the version check,
background exports with their status and download; token scopes; nothing outside the caller's scope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.storage import default_storage

from eprok.core.testing.api import bearer, make_token
from eprok.stats.models import ExportJob, SavedQuery
from eprok.stats.tests import test_builder as base
from eprok.stats.tests.test_builder import definition

pytestmark = pytest.mark.django_db

# The fixed cards and the analysts of test_builder.
cards, analyst, district = base.cards, base.analyst, base.district

BASE = "/api/v1/stats"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def call(
    client: Any, user: Any, method: str, path: str, data: Any = None, scopes: Any = None, **headers: str
) -> Any:
    token = make_token(user, scopes=scopes) if scopes is not None else make_token(user)
    kwargs: dict[str, Any] = {"headers": {**bearer(token), **headers}}
    if data is not None:
        kwargs.update(data=json.dumps(data), content_type="application/json")
    return getattr(client, method)(BASE + path, **kwargs)


def test_run(client, analyst):
    response = call(
        client,
        analyst,
        "post",
        "/builder/run",
        {"definition": definition(unit="baku", dimensions=["unit"], measures=["opened", "solve_rate"])},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["key"] for c in body["columns"]] == ["dim_0", "opened", "solve_rate"]
    assert [(r["dim_0"], r["opened"], r["solve_rate"]) for r in body["rows"]] == [
        ("Xətai rayon prokurorluğu", 3, "100.0"),
        ("Nəsimi rayon prokurorluğu", 1, "0.0"),
        (body["rows"][2]["dim_0"], 1, None),
    ]
    assert body["total"]["opened"] == 5 and body["total"]["solve_rate"] == "50.0"
    assert body["definition"]["unit"] == "baku"


def test_run_refuses_bad_definitions(client, analyst, district, english):
    response = call(
        client, analyst, "post", "/builder/run", {"definition": definition(dimensions=["a", "b", "c"])}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_definition"
    assert "dimensions" in response.json()["details"]
    response = call(client, district, "post", "/builder/run", {"definition": definition(unit="baku")})
    assert response.status_code == 404


def test_saved_queries(client, analyst, district, english, audit_events):
    payload = {"name": "City", "shared_with": "baku", "definition": definition(unit="baku")}
    created = call(client, analyst, "post", "/builder/queries", payload)
    assert created.status_code == 201, created.content
    query = created.json()
    assert query["shared_with"] == "baku" and query["mine"] and query["version"] == 1
    path = f"/builder/queries/{query['public_id']}"
    listed = call(client, analyst, "get", "/builder/queries").json()
    assert [item["name"] for item in listed["items"]] == ["City"]

    renamed = call(client, analyst, "patch", path, {"name": "Baku city"}, **{"If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    stale = call(client, analyst, "patch", path, {"name": "Again", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    private = call(client, analyst, "patch", path, {"shared_with": "", "version": 2})
    assert private.json()["shared_with"] is None
    bad = call(client, analyst, "patch", path, {"definition": {"measures": ["x"]}, "version": 3})
    assert bad.status_code == 422

    assert call(client, district, "get", path).status_code == 404
    assert call(client, district, "delete", path).status_code == 404
    assert call(client, analyst, "delete", path, **{"If-Match": '"2"'}).status_code == 409
    assert call(client, analyst, "delete", path, **{"If-Match": '"3"'}).status_code == 204
    assert not SavedQuery.objects.exists() and audit_events("stats.query.deleted")


def test_sharing_outside_ones_units_is_refused(client, analyst, english):
    payload = {"name": "x", "shared_with": "baku-nesimi", "definition": definition()}
    response = call(client, analyst, "post", "/builder/queries", payload)
    assert response.status_code == 422 and "shared_with" in response.json()["details"]


def test_a_read_token_cannot_write(client, analyst):
    payload = {"name": "x", "definition": definition()}
    response = call(client, analyst, "post", "/builder/queries", payload, scopes=["read"])
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    response = call(
        client, analyst, "post", "/exports", {"code": "builder", "params": {}, "fmt": "csv"}, scopes=["read"]
    )
    assert response.status_code == 403


def test_exports(client, analyst, district, audit_events, django_capture_on_commit_callbacks):
    payload = {"code": "builder", "params": {"definition": definition(unit="baku")}, "fmt": "csv"}
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, analyst, "post", "/exports", payload)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"  # answered before the worker ran
    public_id = response.json()["public_id"]
    status = call(client, analyst, "get", f"/exports/{public_id}").json()
    assert (status["status"], status["progress"], status["rows_total"]) == ("done", 100, 1)
    assert status["download_url"].endswith(f"{BASE}/exports/{public_id}/download")
    download = call(client, analyst, "get", f"/exports/{public_id}/download")
    assert download.status_code == 200 and b"".join(download.streaming_content).endswith(b",5\r\n")
    assert audit_events("stats.export.downloaded")
    assert call(client, district, "get", f"/exports/{public_id}").status_code == 404
    assert call(client, district, "get", f"/exports/{public_id}/download").status_code == 404
    job = ExportJob.objects.get()
    default_storage.delete(job.file)
    ExportJob.objects.filter(pk=job.pk).update(file="")
    gone = call(client, analyst, "get", f"/exports/{public_id}").json()
    assert gone["expired"] and gone["download_url"] is None
    assert call(client, analyst, "get", f"/exports/{public_id}/download").status_code == 404


def test_export_requests_are_validated(client, analyst, english):
    response = call(client, analyst, "post", "/exports", {"code": "nope", "params": {}, "fmt": "csv"})
    assert response.status_code == 422 and "code" in response.json()["details"]
    response = call(client, analyst, "post", "/exports", {"code": "builder", "params": {}, "fmt": "exe"})
    assert response.status_code == 422 and "fmt" in response.json()["details"]
