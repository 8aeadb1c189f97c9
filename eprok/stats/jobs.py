"""Background exports: a report too large to build while the user waits is built by the worker.

`export_request` checks the report and the format, queues an `ExportJob` and, once the transaction
commits, the task `tasks.export_build_task`. `export_build` (run by the worker, or by the sweep) claims the
job with a conditional update, so two workers never build the same job; it builds the report AS THE
REQUESTER (the figures stay inside the requester's scope), reports its progress (10 % started, 60 % built,
100 % written), writes the file to the default storage under a name of its own
(``stats/exports/<public_id>.<fmt>``) and keeps it for ``EPROK_STATS_EXPORT_DAYS`` days (default 7).
A failure leaves no file and a short translated error; the traceback goes to the log only.
`exports_sweep` (``manage.py stats_exports_sweep``) deletes expired files, fails jobs stuck running and
builds the jobs the worker missed (it was down).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.errors import ApplicationError, ValidationFailed

from . import access, reports
from .exports import FORMATS, report_bytes
from .exports import filename as report_filename
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(hours=1)
# A job still queued this long after its request was missed by the worker (down): the sweep builds it.
MISSED_AFTER = dt.timedelta(minutes=10)
SWEEP_BUILDS = 20
FAILED_MESSAGE = gettext_lazy("The export could not be built. Try again or ask the administrator.")
STUCK_MESSAGE = gettext_lazy("The export took too long and was stopped. Try again.")
MAX_PARAMS = 20_000  # characters of the parameters' JSON


def keep_days() -> int:
    return int(getattr(settings, "EPROK_STATS_EXPORT_DAYS", 7))


def storage_name(job: ExportJob) -> str:
    """Generated from the job's own id and a checked format, never from user input."""
    if job.fmt not in FORMATS:
        raise ValueError(f"unknown report format {job.fmt!r}")
    return f"stats/exports/{job.public_id}.{job.fmt}"


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={field: message})


def export_request(*, user: Any, code: str, params: dict[str, Any], fmt: str) -> ExportJob:
    """Queue the export of report `code` with `params` as `fmt`; built by the worker after commit."""
    access.require_view(user, action="export")
    spec = reports.get(code) if isinstance(code, str) else None
    if spec is None:
        raise _invalid("code", _("There is no such report."))
    if fmt not in FORMATS:
        raise _invalid("fmt", _("Choose the format: XLSX, CSV or PDF."))
    if not isinstance(params, dict) or len(str(params)) > MAX_PARAMS:
        raise _invalid("params", _("The report's parameters are not valid."))
    from .tasks import export_build_task

    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=user, report=code, params=params, fmt=fmt)
        audit_record(
            actor=user,
            action="stats.export.requested",
            target=job,
            data={"report": code, "fmt": fmt, "params": params},
        )
        pk = job.pk
        transaction.on_commit(lambda: export_build_task.enqueue(pk))
    return job


def _claim(job_pk: int) -> bool:
    now = timezone.now()
    return bool(
        ExportJob.objects.filter(pk=job_pk, status=ExportStatus.QUEUED).update(
            status=ExportStatus.RUNNING, started_at=now, progress=10, rows_done=0, error=""
        )
    )


def _progress(job_pk: int, **fields: Any) -> None:
    ExportJob.objects.filter(pk=job_pk, status=ExportStatus.RUNNING).update(**fields)


def export_build(job_pk: int) -> str:
    """Build a queued job; returns its status ("" when the job does not exist or is not queued)."""
    if not _claim(job_pk):
        return ""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_pk)
    name = storage_name(job)
    saved = ""
    try:
        report = reports.build(job.report, job.requested_by, dict(job.params))
        rows = report.row_count
        _progress(job_pk, progress=60, rows_total=rows)
        content = report_bytes(report, job.fmt)
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # the storage renamed it: never keep a name we did not generate
            raise RuntimeError(f"storage stored the export as {saved!r}")
        now = timezone.now()
        with transaction.atomic():  # done and audited together, or neither
            updated = ExportJob.objects.filter(pk=job_pk, status=ExportStatus.RUNNING).update(
                status=ExportStatus.DONE,
                progress=100,
                rows_total=rows,
                rows_done=rows,
                file=saved,
                filename=f"{report_filename(report)}.{job.fmt}"[:120],
                size=len(content),
                finished_at=now,
                expires_at=now + dt.timedelta(days=keep_days()),
            )
            if not updated:  # failed by the sweep meanwhile
                raise RuntimeError("the job is no longer running")
            audit_record(
                actor=job.requested_by,
                action="stats.export.built",
                target=job,
                data={"report": job.report, "fmt": job.fmt, "rows": rows, "size": len(content)},
            )
        return str(ExportStatus.DONE)
    except Exception as exc:
        logger.exception("stats export %s failed", job.public_id)
        if saved:
            default_storage.delete(saved)
        message = str(exc.message) if isinstance(exc, ApplicationError) else str(FAILED_MESSAGE)
        ExportJob.objects.filter(pk=job_pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=message[:300], finished_at=timezone.now(), file=""
        )
        return str(ExportStatus.FAILED)


def job_for(user: Any, public_id: Any, *, action: str = "open") -> ExportJob:
    """One of the user's own jobs; 404 (audited) for anyone else's."""
    job = access.exports_of(user).filter(public_id=public_id).first()
    if job is None:
        deny(
            user, action=action, target_type="stats.exportjob", target_key=str(public_id)[:64], visible=False
        )
    return job


def expired(job: ExportJob, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return job.status == ExportStatus.DONE and (
        not job.file or (job.expires_at is not None and job.expires_at <= now)
    )


def downloadable(job: ExportJob) -> bool:
    return job.status == ExportStatus.DONE and not expired(job)


def download_opened(user: Any, job: ExportJob) -> Any:
    """The file (a binary file object) of a ready job, the download audited; None if it is gone."""
    if not downloadable(job) or not default_storage.exists(job.file):
        return None
    handle = default_storage.open(job.file, "rb")
    audit_record(
        actor=user,
        action="stats.export.downloaded",
        target=job,
        data={"report": job.report, "fmt": job.fmt, "size": job.size},
    )
    return handle


def exports_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired files (the job rows stay, without a file), fail jobs running for over an hour and
    build (a few) jobs the worker missed."""
    now = now or timezone.now()
    removed = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now).exclude(file=""):
        if default_storage.exists(job.file):
            default_storage.delete(job.file)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        removed += 1
    stuck = 0
    for job in ExportJob.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - STUCK_AFTER):
        if ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=str(STUCK_MESSAGE), finished_at=now, file=""
        ):
            if default_storage.exists(storage_name(job)):
                default_storage.delete(storage_name(job))
            stuck += 1
    missed = ExportJob.objects.filter(status=ExportStatus.QUEUED, created_at__lt=now - MISSED_AFTER)
    built = sum(
        1
        for pk in missed.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BUILDS]
        if export_build(pk)
    )
    return {"expired": removed, "stuck": stuck, "built": built}
