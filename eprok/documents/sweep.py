"""Removal of stored files no version references: what a crash between writing a file and committing its
row leaves behind. Only files under the documents prefix older than the grace period are touched, so an
upload whose transaction is still open is never removed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from eprok.audit.context import audited_task
from eprok.documents.models import DocumentVersion
from eprok.documents.services import STORAGE_PREFIX

logger = logging.getLogger("eprok.documents.sweep")


def grace_period() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "EPROK_DOCUMENTS_SWEEP_GRACE_HOURS", 24)))


def _walk(directory: str) -> Iterator[str]:
    try:
        subdirs, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in subdirs:
        yield from _walk(f"{directory}/{sub}")


def sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Delete unreferenced stored files older than the grace period; returns their storage names."""
    cutoff = (now or timezone.now()) - grace_period()
    removed: list[str] = []
    batch: list[str] = []

    def flush() -> None:
        referenced = set(
            DocumentVersion.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
        )
        for name in batch:
            if name in referenced:
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (FileNotFoundError, OSError, NotImplementedError):
                continue
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified, dt.UTC)
            if modified > cutoff:
                continue
            if not dry_run:
                default_storage.delete(name)
            removed.append(name)
        batch.clear()

    for name in _walk(STORAGE_PREFIX):
        batch.append(name)
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    if removed:
        logger.info(
            "documents sweep: %d unreferenced file(s) %s", len(removed), "found" if dry_run else "removed"
        )
    return removed


@task()
@audited_task
def sweep_task() -> int:
    """The periodic run in the worker (enqueue it from a scheduler, e.g. once a night)."""
    return len(sweep())
