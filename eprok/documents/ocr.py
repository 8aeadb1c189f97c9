"""Text recognition (OCR) of scanned PDFs and images: OCRmyPDF with Tesseract, as a background task.

    available() -> bool                 OCRmyPDF and Tesseract are installed (and OCR is not switched off)
    enqueue(document_pk, actor_pk)      run `recognise` in the worker (immediately in tests)

The task converts an image to PDF first, runs `ocrmypdf -l aze+rus+eng` on the current version, stores the
result as a new version (source OCR) and puts the recognised text into Document.text; its progress is in
Document.ocr_status / ocr_progress, which the document page polls. Without the programs the document
shows "Recognition unavailable"; nothing fails.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django_tasks import task

from eprok.audit.context import audited_task
from eprok.documents.extraction import IMAGE_KINDS
from eprok.documents.models import Document, OcrStatus, VersionSource

logger = logging.getLogger("eprok.documents.ocr")


def languages() -> str:
    return str(getattr(settings, "EPROK_OCR_LANGUAGES", "aze+rus+eng"))


def available() -> bool:
    """Whether text recognition can run here: both programs on the PATH and OCR not switched off."""
    if not getattr(settings, "EPROK_OCR_ENABLED", True):
        return False
    return shutil.which("ocrmypdf") is not None and shutil.which("tesseract") is not None


def enqueue(document_pk: int, actor_pk: int) -> None:
    """Queue recognition of the document's current version (called after commit)."""
    try:
        recognise_task.enqueue(document_pk, actor_pk)
    except Exception:
        logger.exception("could not queue OCR for document %s", document_pk)
        _state(document_pk, OcrStatus.FAILED, 0)


def _state(pk: int, status: str, progress: int) -> None:
    from eprok.documents.services import ocr_set_state

    ocr_set_state(pk, status, progress)


def image_to_pdf(data: bytes) -> bytes:
    """An image (every frame of a TIFF) as a PDF at its own resolution, 300 dpi when it names none."""
    from PIL import Image, ImageSequence

    with Image.open(io.BytesIO(data)) as image:
        dpi = image.info.get("dpi", (300, 300))
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
    out = io.BytesIO()
    frames[0].save(out, "PDF", resolution=float(dpi[0] or 300), save_all=True, append_images=frames[1:])
    return out.getvalue()


def run_ocrmypdf(pdf: bytes) -> tuple[bytes, str]:
    """The PDF with a text layer and the recognised text (raises CalledProcessError/TimeoutExpired)."""
    program = shutil.which("ocrmypdf")
    if program is None:
        raise FileNotFoundError("ocrmypdf")
    timeout = int(getattr(settings, "EPROK_OCR_TIMEOUT", 600))
    with tempfile.TemporaryDirectory(prefix="eprok-ocr-") as tmp:
        source, target, sidecar = Path(tmp, "in.pdf"), Path(tmp, "out.pdf"), Path(tmp, "out.txt")
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            [
                program,
                "--language",
                languages(),
                "--skip-text",
                "--output-type",
                "pdf",
                "--optimize",
                "0",
                "--jobs",
                "1",
                "--quiet",
                "--sidecar",
                str(sidecar),
                str(source),
                str(target),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        text = sidecar.read_text("utf-8", "replace") if sidecar.exists() else ""
        return target.read_bytes(), text


def recognise(document_pk: int, actor_pk: int) -> str:
    """Recognise the text of the document's current version; returns the final OCR status."""
    from eprok.documents.selectors import version_read
    from eprok.documents.services import (
        SignedDocumentNoOcr,
        StaleDocumentVersion,
        ocr_set_state,
        version_add_content,
    )

    document = Document.objects.select_related("current_version").filter(pk=document_pk).first()
    if document is None or document.current_version is None:
        return OcrStatus.FAILED
    if not available():
        ocr_set_state(document_pk, OcrStatus.UNAVAILABLE, 0)
        return OcrStatus.UNAVAILABLE
    version = document.current_version
    # Every state change below holds only while the version read is still the current one.
    ocr_set_state(document_pk, OcrStatus.RUNNING, 10, version_pk=version.pk)
    try:
        data = version_read(version)
        if version.file_kind in IMAGE_KINDS:
            data = image_to_pdf(data)
        ocr_set_state(document_pk, OcrStatus.RUNNING, 30, version_pk=version.pk)
        result, sidecar = run_ocrmypdf(data)
        ocr_set_state(document_pk, OcrStatus.RUNNING, 80, version_pk=version.pk)
        actor = get_user_model()._default_manager.get(pk=actor_pk)
        name = Path(version.original_name or "document").stem + ".pdf"
        added = version_add_content(
            actor=actor,
            document=document,
            content=result,
            source=VersionSource.OCR,
            reason=_("Text layer added by OCR"),
            file_name=name,
            expected_version=version.number,
        )
    except (StaleDocumentVersion, SignedDocumentNoOcr):
        # Superseded: the document was replaced or signed while the text was recognised. The result,
        # built from the old version, is dropped; a newer version has set its own state, and a document
        # signed without a new version no longer needs recognition.
        logger.info("OCR of document %s version %s superseded; result dropped", document_pk, version.number)
        ocr_set_state(document_pk, OcrStatus.NONE, 0, version_pk=version.pk)
        return OcrStatus.NONE
    except Exception:
        logger.exception("OCR failed for document %s", document_pk)
        ocr_set_state(document_pk, OcrStatus.FAILED, 0, version_pk=version.pk)
        return OcrStatus.FAILED
    document.refresh_from_db(fields=["text"])
    text = document.text if len(document.text.strip()) >= len(sidecar.strip()) else sidecar.strip()
    ocr_set_state(document_pk, OcrStatus.DONE, 100, text=text, version_pk=added.pk)
    return OcrStatus.DONE


@task()
@audited_task
def recognise_task(document_pk: int, actor_pk: int) -> str:
    return recognise(document_pk, actor_pk)
