"""Background exports: the job's lifecycle (queued → running → done) with its progress, a failure that
leaves no file, the pages (progress bar polled by htmx, download audited, others' jobs 404, expired 410),
the sweep, and the builder's export link (on the spot when small, in the background when large)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from eprok.core.errors import NotFound, ValidationFailed
from eprok.org.tests.factories import RoleAssignmentFactory
from eprok.stats import jobs
from eprok.stats.builder_forms import definition_text
from eprok.stats.models import ExportJob, ExportStatus
from eprok.stats.tests import test_builder as base
from eprok.stats.tests.test_builder import END, START, definition

pytestmark = pytest.mark.django_db

# The fixed cards and the analysts of test_builder.
cards, analyst, district = base.cards, base.analyst, base.district


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def params(**fields: Any) -> dict[str, Any]:
    return {
        "definition": definition(
            **{"unit": "baku", "dimensions": ["unit"], "measures": ["opened", "solved"], **fields}
        )
    }


def request_job(user: Any, fmt: str = "csv", **fields: Any) -> ExportJob:
    return jobs.export_request(user=user, code="builder", params=params(**fields), fmt=fmt)


def test_a_queued_job_is_built_after_commit(analyst, django_capture_on_commit_callbacks, audit_events):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = request_job(analyst)
        assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.QUEUED
    assert len(callbacks) == 1  # the task, queued on commit (the immediate backend runs it at once)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert (job.progress, job.rows_total, job.rows_done) == (
        100,
        4,
        4,
    )  # Xətai, Nəsimi, the city's own, total
    assert job.file == f"stats/exports/{job.public_id}.csv"
    assert job.filename == "builder-20260101-20260630.csv"
    content = default_storage.open(job.file).read()
    assert job.size == len(content) and "Xətai rayon prokurorluğu".encode() in content
    assert job.expires_at and job.finished_at
    assert job.expires_at - job.finished_at == dt.timedelta(days=7)
    assert audit_events("stats.export.requested") and audit_events("stats.export.built")


def test_progress_is_reported_while_building(analyst, settings):
    settings.EPROK_STATS_EXPORT_DAYS = 2
    job = request_job(analyst, fmt="xlsx")
    seen: list[tuple[str, int, int | None]] = []

    from eprok.stats import reports
    from eprok.stats.exports import report_bytes

    build = reports.build

    def building(*args: Any) -> Any:
        row = ExportJob.objects.get(pk=job.pk)
        seen.append((row.status, row.progress, row.rows_total))
        return build(*args)

    def writing(report: Any, fmt: str) -> bytes:
        row = ExportJob.objects.get(pk=job.pk)
        seen.append((row.status, row.progress, row.rows_total))
        return report_bytes(report, fmt)

    with (
        mock.patch("eprok.stats.jobs.reports.build", side_effect=building),
        mock.patch("eprok.stats.jobs.report_bytes", side_effect=writing),
    ):
        assert jobs.export_build(job.pk) == "done"
    assert seen == [("running", 10, None), ("running", 60, 4)]
    job.refresh_from_db()
    assert job.progress == 100 and job.expires_at and job.finished_at
    assert job.expires_at - job.finished_at == dt.timedelta(days=2)
    assert job.file.endswith(".xlsx") and default_storage.exists(job.file)
    # A second worker finds the job no longer queued and does nothing.
    assert jobs.export_build(job.pk) == ""


def test_the_report_is_built_as_the_requester(district):
    job = request_job(district, unit="baku-xetai", dimensions=[])
    jobs.export_build(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    # Xətai's cards only: opened 1, 2, 9; solved 3 (the city's and Nəsimi's are outside the scope).
    assert default_storage.open(job.file).read().endswith(b",3,1\r\n")


def test_a_failure_leaves_no_file(analyst, media, english):
    job = request_job(analyst)
    with mock.patch("eprok.stats.jobs.audit_record", side_effect=RuntimeError("disk on fire")):
        assert jobs.export_build(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.file == "" and "could not be built" in job.error
    assert "disk on fire" not in job.error
    assert not list(media.rglob("*.csv"))  # the written file was deleted


def test_a_definition_gone_bad_fails_with_its_message(analyst, english):
    job = request_job(analyst)
    ExportJob.objects.filter(pk=job.pk).update(params={"definition": {"measures": ["arrests"]}})
    assert jobs.export_build(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error.startswith("Unknown measure")


def test_a_request_is_validated(analyst, cards, english):
    with pytest.raises(ValidationFailed, match="no such report"):
        jobs.export_request(user=analyst, code="nope", params={}, fmt="csv")
    with pytest.raises(ValidationFailed, match="format"):
        jobs.export_request(user=analyst, code="builder", params=params(), fmt="docx")
    with pytest.raises(NotFound):
        jobs.export_request(user=cards.outsider, code="builder", params=params(), fmt="csv")


def built(user: Any) -> ExportJob:
    job = request_job(user)
    jobs.export_build(job.pk)
    job.refresh_from_db()
    return job


def test_the_job_page_polls_while_running_and_offers_the_download(analyst, signed_in):
    client = signed_in(analyst)
    job = request_job(analyst)
    page = client.get(reverse("stats:export", args=[job.public_id]))
    html = page.content.decode()
    assert page.status_code == 200 and 'hx-trigger="every 2s"' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert page.context["help_page"] == "report-builder"
    partial = client.get(reverse("stats:export", args=[job.public_id]), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="export-status"')
    jobs.export_build(job.pk)
    html = client.get(
        reverse("stats:export", args=[job.public_id]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "every 2s" not in html and 'aria-valuenow="100"' in html
    assert reverse("stats:export_download", args=[job.public_id]) in html
    listing = client.get(reverse("stats:exports"))
    assert listing.status_code == 200 and job.filename in listing.content.decode()


def test_the_download_is_audited_and_the_owners_only(analyst, district, signed_in, client, audit_events):
    job = built(analyst)
    response = signed_in(analyst).get(reverse("stats:export_download", args=[job.public_id]))
    assert response.status_code == 200
    assert 'attachment; filename="builder-20260101-20260630.csv"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    assert audit_events("stats.export.downloaded")[0].target_id == str(job.public_id)
    client.logout()
    other = signed_in(district)
    assert other.get(reverse("stats:export_download", args=[job.public_id])).status_code == 404
    assert other.get(reverse("stats:export", args=[job.public_id])).status_code == 404
    assert job.filename not in other.get(reverse("stats:exports")).content.decode()


def test_an_expired_export(analyst, signed_in, english):
    job = built(analyst)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = signed_in(analyst)
    page = client.get(reverse("stats:export", args=[job.public_id]))
    assert page.status_code == 410 and "no longer available" in page.content.decode()
    assert client.get(reverse("stats:export_download", args=[job.public_id])).status_code == 410


def test_the_sweep(analyst, media):
    from django.core.management import call_command

    old = built(analyst)
    fresh = built(analyst)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    stuck = request_job(analyst)
    ExportJob.objects.filter(pk=stuck.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(hours=2), progress=60
    )
    recent = request_job(analyst)
    ExportJob.objects.filter(pk=recent.pk).update(status="running", started_at=timezone.now())
    missed = request_job(analyst)  # queued while the worker was down
    ExportJob.objects.filter(pk=missed.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    waiting = request_job(analyst)  # queued a moment ago: the worker will take it
    call_command("stats_exports_sweep", stdout=mock.MagicMock())
    for job in (old, fresh, stuck, recent, missed, waiting):
        job.refresh_from_db()
    assert (
        old.file == ""
        and old.status == "done"
        and not default_storage.exists(f"stats/exports/{old.public_id}.csv")
    )
    assert fresh.file and default_storage.exists(fresh.file)
    assert stuck.status == "failed" and stuck.error
    assert recent.status == "running"
    assert missed.status == "done" and default_storage.exists(missed.file)
    assert waiting.status == "queued"
    # The stuck job's worker, finishing late, does not resurrect it.
    assert jobs.export_build(stuck.pk) == ""


def export_url(fmt: str = "csv", **fields: Any) -> str:
    text = definition_text(params(**fields)["definition"])
    return reverse("stats:builder_export") + "?" + urlencode({"fmt": fmt, "definition": text})


def test_a_small_result_is_exported_at_once(analyst, signed_in, audit_events):
    response = signed_in(analyst).get(export_url("xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="builder-20260101-20260630.xlsx"'
    assert audit_events("stats.export")[0].target_id == "builder"
    assert not ExportJob.objects.exists()


def test_a_large_result_goes_to_the_background(
    analyst, signed_in, settings, django_capture_on_commit_callbacks
):
    settings.EPROK_STATS_INTERACTIVE_ROWS = 2
    client = signed_in(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(export_url("pdf"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "stats:export", args=[job.public_id]
    )
    assert job.fmt == "pdf" and job.status == "done"
    assert default_storage.open(job.file).read().startswith(b"%PDF")


def test_bad_export_requests(analyst, signed_in, english):
    client = signed_in(analyst)
    assert client.get(reverse("stats:builder_export"), {"fmt": "doc", "definition": "{}"}).status_code == 400
    assert (
        client.get(reverse("stats:builder_export"), {"fmt": "csv", "definition": "{oops"}).status_code == 400
    )
    response = client.get(export_url(start=END, end=START))
    assert response.status_code == 400 and "before its start" in response.content.decode()


def test_exports_need_the_role(cards, signed_in):
    RoleAssignmentFactory(employee=cards.colleague, role="investigate")
    client = signed_in(cards.colleague)
    assert client.get(reverse("stats:exports")).status_code == 404
