"""Markup a body smuggles past the source check (string literals) never reaches a preview, PDF or DOCX.

Django inserts string literals of a template without escaping, so `{{ "<" }}img ...{{ ">" }}` passes a check
of the template source. Two guards: a body with markup in a string literal is refused when it is saved,
and the rendered body is sanitised with the allow-list of document formatting before it is used, which also
covers versions stored before the first guard existed.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from eprok.drafting import render
from eprok.drafting.context import build_context, specimen_context
from eprok.drafting.engine import TemplateBodyError, check_body, render_body
from eprok.drafting.library import manifest
from eprok.drafting.models import Template, TemplateVersion, VersionStatus
from eprok.drafting.tests.test_generation import _pdftotext

REVIEWER_BODY = '<p>{{ "<" }}img src=x onerror=alert(1){{ ">" }} {% firstof "<b>x</b>" %}</p>'
# links, a style sheet that hides the body, a script: all smuggled through string literals
SMUGGLED_BODY = (
    "<p>{{ record.number }} "
    '{{ "<" }}a href="https://evil.example/x"{{ ">" }}Bax{{ "<" }}/a{{ ">" }} '
    '{{ "<" }}img src=x onerror=alert(1){{ ">" }}</p>'
    '{{ "<" }}style{{ ">" }}.body p{display:none}{{ "<" }}/style{{ ">" }}'
    '{{ "<" }}script{{ ">" }}var gizli = 1;{{ "<" }}/script{{ ">" }}'
    '{{ "<" }}span style="display:none"{{ ">" }}GİZLİ MƏTN{{ "<" }}/span{{ ">" }}'
    '{{ "<" }}/div{{ ">" }}{{ "<" }}/div{{ ">" }}<p>Sonuncu sətir</p>'
)


@pytest.mark.parametrize(
    "body",
    [
        REVIEWER_BODY,
        '{{ "<b>x</b>" }}',
        '{% firstof victim.name "<i>x</i>" %}',
        '{% firstof "<i>x</i>" %}',
        '{% cycle "<u>" "x" %}',
        '{{ record.number|default:"<img src=x>" }}',
        '{{ record.number|join:"<br>" }}',
        '{% with x="<b>" %}{{ x }}{% endwith %}',
        '{{ _("<b>x</b>") }}',
    ],
)
def test_markup_in_string_literals_is_refused(body):
    with translation.override("en"), pytest.raises(TemplateBodyError) as exc:
        check_body(body, specimen_context())
    assert exc.value.code == "template_error"


def test_plain_string_literals_are_allowed():
    check_body(
        '<p>{{ victim.name|default:"___________" }} {% firstof accused.name "təqsirləndirilən şəxs" %} '
        '{{ record.measure|default:"həbs"|lower }} {{ articles_text|default:"müvafiq" }}</p>',
        specimen_context(),
    )


def test_the_reviewers_body_is_refused_at_save_time_and_nothing_is_saved(world):
    from eprok.drafting import services

    template = Template.objects.get(code="case_open")
    before = template.versions.count()
    with pytest.raises(TemplateBodyError):
        services.version_save(actor=world.admin_t, template=template, title="x", body=REVIEWER_BODY)
    assert template.versions.count() == before


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p><img src=x onerror=alert(1)> <b>x</b></p>", "<p> <b>x</b></p>"),
        ('<p onclick="x()" class="addressee">a</p>', '<p class="addressee">a</p>'),
        ('<p class="addressee visually-hidden">a</p>', '<p class="addressee">a</p>'),
        ('<p class="d-none">a</p>', "<p>a</p>"),
        ('<a href="javascript:alert(1)">link</a>', "link"),
        ("<script>alert(1)</script><p>a</p>", "<p>a</p>"),
        ("<style>p{display:none}</style><p>a</p>", "<p>a</p>"),
        ('<span style="display:none">a</span>', "<span>a</span>"),
        ("<!-- <img src=x onerror=alert(1)> --><p>a</p>", "<p>a</p>"),
        ('<td colspan="2" rowspan="x1">a</td>', '<td colspan="2">a</td>'),
        ("</div></div><p>a</p>", "<p>a</p>"),
        ("<p><b>a</p>", "<p><b>a</b></p>"),
        ("<div><p>a", "<div><p>a</p></div>"),
        ("<br/><hr>", "<br><hr>"),
        ("a &lt;b&gt; &amp; &#x27;c&#x27; &quot;", "a &lt;b&gt; &amp; &#x27;c&#x27; &quot;"),
        ("a < b > c & d", "a &lt; b &gt; c &amp; d"),
        ("<form action=x><input name=y value=z><button>OK</button></form>", "OK"),
        ('<p title="x" id="y" data-x="1">a</p>', "<p>a</p>"),
        ('<svg><script>alert(1)</script></svg><iframe src="x"></iframe>', ""),
    ],
)
def test_sanitize_markup_keeps_only_document_formatting(dirty, clean):
    assert render.sanitize_markup(dirty) == clean
    assert render.sanitize_markup(clean) == clean


def test_an_unfinished_tag_at_the_end_stays_text():
    out = render.sanitize_markup("<p>a<img src=x onerror=alert(1)")
    assert out.startswith("<p>a") and out.endswith("</p>")
    assert "<img" not in out


def _store_published(code: str, body: str) -> TemplateVersion:
    """A published version with `body` as if saved before the literal check existed (no validation)."""
    version = TemplateVersion.objects.get(template__code=code, status=VersionStatus.PUBLISHED)
    version.body = body
    version.save(update_fields=["body"])
    return version


def test_a_stored_body_is_neutralised_in_the_previews(world, signed_in, client):
    from eprok.core.testing.api import bearer, make_token
    from eprok.documents.owners import owner_type
    from eprok.drafting import services

    version = _store_published("victim_recognition", REVIEWER_BODY)
    rendered = services.render_for(
        actor=world.investigator,
        version=version,
        kind=owner_type("cases.case"),
        owner=world.case,
        purpose="t",
    )
    for html in (rendered.sheet_html, rendered.html, rendered.body_html):
        assert "<img" not in html and "onerror" not in html
        assert "<b>x</b>" in html  # allowed formatting stays
    signed_in(world.investigator)
    url = reverse("drafting:generate", args=["cases.case", world.case.number])
    page = client.get(url, {"template": "victim_recognition"}).content.decode()
    assert "<b>x</b>" in page
    assert "onerror" not in page and "<img src=x" not in page
    token = make_token(world.investigator)
    body = {"template": "victim_recognition", "owner_type": "cases.case", "owner_key": world.case.number}
    api = client.post(
        "/api/v1/drafting/preview", body, content_type="application/json", headers=bearer(token)
    )
    assert api.status_code == 200
    assert "<b>x</b>" in api.json()["html"]
    assert "onerror" not in api.json()["html"] and "<img" not in api.json()["html"]


def _generate(world, fmt: str) -> bytes:
    from eprok.documents.owners import owner_type
    from eprok.documents.selectors import version_read
    from eprok.drafting import services

    document = services.document_generate(
        actor=world.investigator,
        template=Template.objects.get(code="victim_recognition"),
        kind=owner_type("cases.case"),
        owner=world.case,
        output_format=fmt,
    )
    return version_read(document.current_version)


def test_a_stored_body_is_neutralised_in_the_pdf(world):
    from pypdf import PdfReader

    _store_published("victim_recognition", SMUGGLED_BODY)
    data = _generate(world, "pdf")
    reader = PdfReader(io.BytesIO(data))
    assert all("/Annots" not in page for page in reader.pages)  # no link, no form field
    assert b"evil.example" not in data
    text = _pdftotext(data)
    assert world.case.number in text and "Bax" in text  # the injected style sheet hid nothing
    assert "Sonuncu sətir" in text
    assert "GİZLİ MƏTN" in text  # shown in the PDF just as in the preview: nothing hidden
    assert "var gizli" not in text


def test_a_stored_body_is_neutralised_in_the_docx(world):
    import docx

    _store_published("victim_recognition", SMUGGLED_BODY)
    document = docx.Document(io.BytesIO(_generate(world, "docx")))
    text = " ".join(p.text for p in document.paragraphs)
    assert "Bax" in text and "Sonuncu sətir" in text
    assert "var gizli" not in text and "display:none" not in text


def test_the_library_renders_identically_through_the_sanitiser(world):
    from eprok.documents.owners import owner_type

    checked = 0
    for item in manifest():
        version = TemplateVersion.objects.get(template__code=item["code"], status=VersionStatus.PUBLISHED)
        contexts = [specimen_context()]
        for label in item["owner_types"]:
            kind = owner_type(label)
            owner = world.records[label]
            contexts.append(
                build_context(
                    owner_type=label, owner=owner, unit=kind.unit_of(owner), signatory=world.investigator
                )
            )
        for context in contexts:
            raw = render_body(version.body, context)
            assert render.sanitize_markup(raw) == raw, item["code"]
            checked += 1
    assert checked >= 44
