"""Documents scenarios (issue 5), in-process loops over N documents on the seeded data set:

- `document_generate`: a procedural act (the drafting library's decision to open a criminal case)
  from a seeded case of the benchmark employee: the template rendered with the case's fields (HTML),
  to PDF (WeasyPrint) and to DOCX (python-docx), each step timed; then the whole service
  (`eprok.drafting.services.document_generate`: render, convert, store the file, the document row,
  its audit event and search indexing), in PDF and in DOCX.
- `document_sign`: PAdES signatures with the built-in provider (`eprok.signing.services.document_sign`):
  the author's signature on N generated PDFs, then a second (approver's) signature on each, next to
  pyHanko alone on the same bytes (`eprok.signing.pdf.sign_pdf` with the key already open) and the
  opening of the passphrase-protected key.
- `ocr`: a scanned multi-page PDF (Azerbaijani text drawn with Pillow at 300 dpi) uploaded to a case and
  recognised by the documents app's OCR path (`eprok.documents.ocr.recognise`: ocrmypdf with
  aze+rus+eng, the new version, the text); pages per minute, next to ocrmypdf alone.

Files go to var/bench/media, the signing authority to var/bench/signing (never the development ones).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.test.utils import override_settings

from bench.load import percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register
from bench.seeding import bench_employee

TEMPLATE = "case_open"
MAX_DOCUMENTS = 40
PASSPHRASE = "bench-signing-passphrase"  # noqa: S105 - a benchmark's throwaway key, never a real one
CA_PASSPHRASE = "bench-signing-authority-passphrase"  # noqa: S105 - the benchmark's own throwaway CA
COLUMNS = ["step", "documents", "p50 ms", "p95 ms", "docs/s", "vs raw"]


@contextlib.contextmanager
def bench_files(ctx: BenchContext) -> Iterator[None]:
    """Stored files and the signing authority under var/bench/, not the development directories."""
    with override_settings(
        MEDIA_ROOT=str(ctx.work_dir / "media"),
        EPROK_SIGNING_DIR=str(ctx.work_dir / "signing"),
        EPROK_SIGNING_CA_PASSPHRASE=CA_PASSPHRASE,
    ):
        yield


def bench_ca() -> None:
    """The benchmark's signing authority under var/bench/signing: created once; made again when the one
    there cannot be opened (left by a build that derived its passphrase otherwise)."""
    import shutil

    from eprok.signing import ca

    try:
        ca.ca_init()
    except ValueError:
        shutil.rmtree(ca.signing_dir())
        ca.ca_init()


def _stats(samples: list[float]) -> tuple[float | None, float | None, float | None]:
    if not samples:
        return None, None, None
    return percentile(samples, 50) * 1000, percentile(samples, 95) * 1000, len(samples) / sum(samples)


def _row(label: str, samples: list[float], raw: list[float] | None = None) -> list[Any]:
    p50, p95, rate = _stats(samples)
    ratio = None
    if raw and p50:
        raw_p50 = percentile(raw, 50) * 1000
        ratio = f"{p50 / raw_p50:.2f}×" if raw_p50 else None
    return [label, len(samples), p50, p95, rate, ratio]


def _summary(samples: list[float]) -> dict[str, Any]:
    p50, p95, rate = _stats(samples)
    return {
        "n": len(samples),
        "p50_ms": p50,
        "p95_ms": p95,
        "per_second": rate,
        "mean_ms": statistics.fmean(samples) * 1000 if samples else None,
    }


def _loop(items: list[Any], fn: Callable[[Any], Any], *, seconds: float) -> tuple[list[float], list[Any]]:
    """fn over the items (the first one also once unmeasured), timing each, until `seconds` pass."""
    samples: list[float] = []
    results: list[Any] = []
    if items:
        fn(items[0])
    stop = time.perf_counter() + seconds
    for item in items:
        began = time.perf_counter()
        results.append(fn(item))
        ended = time.perf_counter()
        samples.append(ended - began)
        if ended >= stop:
            break
    return samples, results


def bench_cases(limit: int = MAX_DOCUMENTS) -> list[Any]:
    """Cases the benchmark employee leads (it may attach and sign their documents)."""
    from eprok.cases.models import Case

    user = bench_employee()
    cases = list(Case.objects.filter(investigator=user).select_related("unit").order_by("pk")[:limit])
    if not cases:
        raise ScenarioSkipped("the benchmark employee leads no seeded case")
    return cases


def _template() -> Any:
    from eprok.drafting.models import Template

    template = Template.objects.filter(code=TEMPLATE).first()
    if template is None:
        raise ScenarioSkipped(f"the drafting library has no template {TEMPLATE!r}")
    return template


def _count(ctx: BenchContext) -> int:
    return max(3, min(MAX_DOCUMENTS, round(2 * ctx.duration)))


class DocumentGenerate(Scenario):
    name = "document_generate"
    title = "Generating a procedural act from a case: HTML, PDF, DOCX (in-process, one thread)"

    def setup(self, ctx: BenchContext) -> None:
        try:
            import eprok.drafting.services  # noqa: F401
        except ImportError as exc:
            raise ScenarioSkipped("the drafting app is not in this build") from exc
        ctx.state[self.name] = {"cases": bench_cases(), "template": _template()}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.documents.owners import owner_type
        from eprok.drafting import selectors
        from eprok.drafting.context import build_context
        from eprok.drafting.render import render_html, to_docx, to_pdf
        from eprok.drafting.services import document_generate

        user = bench_employee()
        cases: list[Any] = ctx.state[self.name]["cases"][: _count(ctx)]
        template = ctx.state[self.name]["template"]
        version = selectors.published_version(template)
        if version is None:
            raise ScenarioSkipped(f"the template {TEMPLATE!r} has no published version")
        kind = owner_type("cases.case")
        seconds = max(ctx.duration, 5.0)

        def render(case: Any) -> Any:
            context = build_context(
                owner_type=kind.label, owner=case, unit=kind.unit_of(case), signatory=user
            )
            return render_html(title=version.title, body=version.body, context=context)

        html_samples, rendered = _loop(cases, render, seconds=seconds)
        pdf_samples, pdfs = _loop(rendered, to_pdf, seconds=seconds)
        docx_samples, docxs = _loop(rendered, to_docx, seconds=seconds)
        with bench_files(ctx):
            service_pdf, _d = _loop(
                cases,
                lambda case: document_generate(
                    actor=user, template=template, kind=kind, owner=case, output_format="pdf"
                ),
                seconds=seconds,
            )
            service_docx, _d = _loop(
                cases,
                lambda case: document_generate(
                    actor=user, template=template, kind=kind, owner=case, output_format="docx"
                ),
                seconds=seconds,
            )
        pdf_bytes = statistics.fmean(len(p) for p in pdfs) if pdfs else 0
        docx_bytes = statistics.fmean(len(d) for d in docxs) if docxs else 0
        rows = [
            _row(f"template rendered with the case's fields (HTML), {TEMPLATE}", html_samples),
            _row(f"HTML → PDF (WeasyPrint), {pdf_bytes / 1024:.0f} KB a file", pdf_samples),
            _row(f"HTML → DOCX (python-docx), {docx_bytes / 1024:.0f} KB a file", docx_samples),
            _row(
                "document_generate, PDF (render, convert, store, row, audit, index)", service_pdf, pdf_samples
            ),
            _row("document_generate, DOCX", service_docx, docx_samples),
        ]
        return ScenarioResult(
            self.title,
            COLUMNS,
            rows,
            [
                f"{len(cases)} seeded cases of the benchmark employee, one after another, one thread;"
                " the first of each loop unmeasured (fonts and template loaded).",
                "vs raw: the whole service against the conversion alone (WeasyPrint / python-docx).",
            ],
            {
                "template": TEMPLATE,
                "html": _summary(html_samples),
                "pdf": {**_summary(pdf_samples), "bytes": pdf_bytes},
                "docx": {**_summary(docx_samples), "bytes": docx_bytes},
                "service_pdf": _summary(service_pdf),
                "service_docx": _summary(service_docx),
            },
        )


class DocumentSign(Scenario):
    name = "document_sign"
    title = "Signing generated PDFs with the built-in provider: author, then approver (in-process)"

    def setup(self, ctx: BenchContext) -> None:
        try:
            import eprok.signing.services  # noqa: F401
        except ImportError as exc:
            raise ScenarioSkipped("the signing app is not in this build") from exc
        from bench.seeding_search import gpo_reader

        ctx.state[self.name] = {
            "cases": bench_cases(),
            "template": _template(),
            "approver": gpo_reader(create=True),
        }

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from cryptography import x509

        from eprok.documents.owners import owner_type
        from eprok.documents.selectors import version_read
        from eprok.drafting.services import document_generate
        from eprok.signing import ca, pdf
        from eprok.signing.services import (
            _appearance,
            _plan,
            active_certificate,
            certificate_issue,
            document_sign,
        )

        author = bench_employee()
        approver = ctx.state[self.name]["approver"]
        template = ctx.state[self.name]["template"]
        cases: list[Any] = ctx.state[self.name]["cases"][: _count(ctx)]
        kind = owner_type("cases.case")
        seconds = max(ctx.duration, 5.0)
        with bench_files(ctx):
            bench_ca()
            for person in (author, approver):  # new keys from this authority (the old ones superseded)
                certificate_issue(actor=person, passphrase=PASSPHRASE)
            ctx.progress(f"document_sign: generating {len(cases)} PDFs to sign")
            documents = [
                document_generate(actor=author, template=template, kind=kind, owner=case, output_format="pdf")
                for case in cases
            ]
            # pyHanko alone, on the same bytes, with the key already open (no database, no passphrase).
            certificate = active_certificate(author)
            assert certificate is not None
            key = ca.decrypt_key(certificate.encrypted_key_pem.encode(), PASSPHRASE)
            assert key is not None
            cert = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
            chain = [ca.ca_certificate()]

            def raw_sign(document: Any) -> bytes:
                content = version_read(document.current_version)
                plan = _plan(document, content)
                return pdf.sign_pdf(
                    content,
                    key=key,
                    certificate=cert,
                    chain=chain,
                    field_name=plan.field_name,
                    appearance=_appearance(author, "author", plan),
                )

            raw_samples, _signed = _loop(documents, raw_sign, seconds=seconds)
            key_samples, _keys = _loop(
                documents[:5],
                lambda _doc: ca.decrypt_key(certificate.encrypted_key_pem.encode(), PASSPHRASE),
                seconds=seconds,
            )

            def sign_as(person: Any, role: str) -> Callable[[Any], Any]:
                def sign(document: Any) -> Any:
                    document.refresh_from_db()
                    return document_sign(actor=person, document=document, role=role, passphrase=PASSPHRASE)

                return sign

            # The loops' unmeasured first call signs the first document: it is measured again below
            # on the next one, so the loop starts from the second document.
            first, rest = documents[:1], documents[1:]
            sign_as(author, "author")(first[0])
            sign_as(approver, "approver")(first[0])
            author_samples = [_time(sign_as(author, "author"), doc) for doc in rest]
            approver_samples = [_time(sign_as(approver, "approver"), doc) for doc in rest]
            signed_bytes = len(version_read(_refreshed(rest[-1]).current_version)) if rest else 0
        rows = [
            _row("pyHanko alone (sign_pdf, key open, same bytes)", raw_samples),
            _row("opening the passphrase-protected key (ca.decrypt_key)", key_samples),
            _row("document_sign, author (1st signature)", author_samples, raw_samples),
            _row("document_sign, approver (2nd signature)", approver_samples, raw_samples),
        ]
        return ScenarioResult(
            self.title,
            COLUMNS,
            rows,
            [
                f"{len(rest)} PDFs generated from seeded cases ({TEMPLATE}), each signed by its author (the"
                " benchmark employee) and then by an approver (a General Prosecutor's Office supervisor);"
                f" a twice-signed file is {signed_bytes / 1024:.0f} KB.",
                "document_sign: the checks, the key opened with the passphrase, pyHanko, the signed bytes"
                " stored as a new version, the document marked signed, the signature row, the audit event.",
            ],
            {
                "raw_sign": _summary(raw_samples),
                "decrypt_key": _summary(key_samples),
                "author": _summary(author_samples),
                "approver": _summary(approver_samples),
                "signed_bytes": signed_bytes,
            },
        )


def _time(fn: Callable[[Any], Any], item: Any) -> float:
    began = time.perf_counter()
    fn(item)
    return time.perf_counter() - began


def _refreshed(document: Any) -> Any:
    document.refresh_from_db()
    return document


# --- OCR ---------------------------------------------------------------------------------------------

OCR_PAGES = 4
DPI = 300
OCR_LINES = (
    "AZƏRBAYCAN RESPUBLİKASI BAŞ PROKURORLUĞU",
    "İZAHAT",
    "Mən, Məmmədov Elşən Rauf oğlu, 1984-cü ildə Bakı şəhərində anadan olmuşam,",
    "Nəsimi rayonu, Azadlıq prospekti 45, mənzil 12 ünvanında yaşayıram.",
    "Bildirirəm ki, 2026-cı il martın 12-də saat 21 radələrində evə qayıdarkən",
    "mənzilin qapısının sındırıldığını gördüm. Mənzildən noutbuk, qızıl üzük",
    "və 1500 manat nağd pul oğurlanmışdır. Hadisə barədə dərhal polisə məlumat verdim.",
    "Şübhəli bildiyim şəxs yoxdur. Qonşularım Hüseynova Aygün və Quliyev Şahin",
    "həmin axşam pilləkənlərdə naməlum şəxsləri gördüklərini bildirmişlər.",
    "İzahat mənim sözlərimdən düzgün yazılmış, mənim tərəfimdən oxunmuşdur.",
    "Cinayət Məcəlləsinin 177.2.4-cü maddəsi ilə nəzərdə tutulmuş əməlin əlamətləri.",
    "Qərar: material cinayət işinin başlanması üçün müstəntiqə göndərilsin.",
)


def scanned_pdf(pages: int = OCR_PAGES) -> tuple[bytes, str]:
    """A PDF of `pages` A4 page images at 300 dpi with Azerbaijani text (a scan without a text layer)."""
    from PIL import Image, ImageDraw, ImageFont

    from eprok.drafting.render import fonts_dir

    font_path = fonts_dir() / "DejaVuSerifCondensed.ttf"
    font = ImageFont.truetype(str(font_path), 46) if font_path.is_file() else ImageFont.load_default()
    width, height = round(8.27 * DPI), round(11.69 * DPI)
    images = []
    words: list[str] = []
    line_height, top, bottom = 68, 260, height - 260
    per_page = (bottom - top) // line_height
    for page in range(pages):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        for n in range(per_page):
            line = OCR_LINES[n % len(OCR_LINES)]
            text = line if n < len(OCR_LINES) else f"{page + 1}.{n // len(OCR_LINES)}. {line}"
            draw.text((230, top + n * line_height), text, fill=0, font=font)
            words.extend(text.split())
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(DPI), save_all=True, append_images=images[1:])
    return out.getvalue(), " ".join(words)


def recall(source: str, recognised: str) -> float:
    """The share of the source's words (4+ letters, case folded) found in the recognised text."""
    from eprok.core.collation import az_lower

    found = {w.strip(".,:;") for w in az_lower(recognised).split()}
    wanted = [w.strip(".,:;") for w in az_lower(source).split()]
    wanted = [w for w in wanted if len(w) >= 4 and w.isalpha()]
    return sum(w in found for w in wanted) / len(wanted) if wanted else 0.0


class Ocr(Scenario):
    name = "ocr"
    title = "OCR of a scanned PDF (ocrmypdf, aze+rus+eng): pages per minute (in-process, one job)"

    def setup(self, ctx: BenchContext) -> None:
        try:
            from eprok.documents import ocr
        except ImportError as exc:
            raise ScenarioSkipped("the documents app has no OCR in this build") from exc
        if not ocr.available():
            raise ScenarioSkipped("ocrmypdf or tesseract is not installed")
        ctx.state[self.name] = {"case": bench_cases(1)[0]}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from eprok.documents import ocr
        from eprok.documents.models import Document
        from eprok.documents.services import document_upload

        user = bench_employee()
        case = ctx.state[self.name]["case"]
        content, words = scanned_pdf()
        ctx.progress(f"ocr: {OCR_PAGES} pages, {len(content) / 1024:.0f} KB; ocrmypdf alone first")
        raw_began = time.perf_counter()
        _result, raw_text = ocr.run_ocrmypdf(content)
        raw_seconds = time.perf_counter() - raw_began
        with bench_files(ctx):
            document = document_upload(
                actor=user,
                owner_type="cases.case",
                owner=case,
                file=SimpleUploadedFile("skan-izahat.pdf", content, content_type="application/pdf"),
                title="Skan: izahat",
            )
            ctx.progress("ocr: the documents app's recognise()")
            began = time.perf_counter()
            status = ocr.recognise(document.pk, user.pk)
            seconds = time.perf_counter() - began
        text = Document.objects.get(pk=document.pk).text
        rows = [
            ["ocrmypdf alone (run_ocrmypdf)", OCR_PAGES, raw_seconds, OCR_PAGES / raw_seconds * 60,
             f"{recall(words, raw_text):.0%}"],
            [f"documents app: ocr.recognise → {status}", OCR_PAGES, seconds, OCR_PAGES / seconds * 60,
             f"{recall(words, text):.0%}"],
        ]  # fmt: skip
        return ScenarioResult(
            self.title,
            ["path", "pages", "seconds", "pages/min", "words recognised"],
            rows,
            [
                f"A4 pages at {DPI} dpi, {len(words.split()) // OCR_PAGES} Azerbaijani words each"
                " (DejaVu Serif), grayscale, no text layer; ocrmypdf --jobs 1 as the documents app runs it.",
                "words recognised: the share of the page's words of 4+ letters found verbatim in the text.",
            ],
            {
                "pages": OCR_PAGES,
                "raw_seconds": raw_seconds,
                "seconds": seconds,
                "status": status,
                "pdf_bytes": len(content),
            },
        )


register(DocumentGenerate())
register(DocumentSign())
register(Ocr())
