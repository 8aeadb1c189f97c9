"""The restricted engine: only our tags and filters, plain data, unknown fields refused."""

from __future__ import annotations

import pytest
from django.utils import translation

from eprok.drafting.context import specimen_context
from eprok.drafting.engine import TemplateBodyError, check_body, render_body
from eprok.drafting.render import check_markup


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}{% static 'x.css' %}",
        "{% include 'core/base.html' %}",
        "{% extends 'core/base.html' %}",
        "{% debug %}",
        "{% url 'drafting:templates' %}",
        "{% now 'Y' %}",
        "{% csrf_token %}",
        "{% autoescape off %}{{ record.summary }}{% endautoescape %}",
        "{{ record.summary|safe }}",
        "{{ record.summary|pprint }}",
        "{% ssi '/etc/passwd' %}",
    ],
)
def test_tags_and_filters_outside_the_library_do_not_compile(body):
    with translation.override("en"), pytest.raises(TemplateBodyError) as exc:
        check_body(body, specimen_context())
    assert exc.value.code == "template_error"
    assert "syntax error" in str(exc.value.message)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{{ owner.delete }}", "owner.delete"),
        ("{{ record.number.upper }}", "record.number.upper"),
        ("{{ record.__class__ }}", None),
        ("{% if record.secret %}x{% endif %}", "record.secret"),
        ("{% for p in victims %}{{ p.password }}{% endfor %}", "p.password"),
        ("{% for p in nobody %}{{ p.name }}{% endfor %}", "nobody"),
        ("{% with x=record.nope %}{{ x }}{% endwith %}", "record.nope"),
        ("{{ record.summary|default:request.user }}", "request.user"),
    ],
)
def test_unknown_fields_and_attribute_access_are_refused(body, field):
    with pytest.raises(TemplateBodyError) as exc:
        check_body(body, specimen_context())
    if field:
        assert field in str(exc.value.message)


def test_known_fields_loops_and_filters_pass():
    body = (
        "<p>{{ record.number }} {{ office.name_genitive }} {{ document.year|az_ordinal }}</p>"
        "{% for a in articles %}{{ a.ordinal }} {{ a.title|az_upper }}{% endfor %}"
        "{% if victim.name %}{{ victim.name }}{% else %}—{% endif %}{{ forloop }}"
    )
    with pytest.raises(TemplateBodyError):  # forloop outside a loop is unknown
        check_body(body, specimen_context())
    check_body(body.replace("{{ forloop }}", ""), specimen_context())


def test_values_are_escaped():
    out = render_body("<p>{{ record.summary }}</p>", {"record": {"summary": "<script>alert(1)</script>"}})
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_az_filters_render():
    out = render_body("{{ y|az_ordinal }} {{ t|az_upper }}", {"y": "2026", "t": "istintaq"})
    assert out == "2026-cı İSTİNTAQ"


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<p onclick="x()">a</p>',
        '<img src="https://example.org/x.png">',
        '<link rel="stylesheet" href="https://example.org/x.css">',
        "<style>@import url(https://example.org/x.css);</style>",
        '<p style="background:url(https://example.org/x)">a</p>',
        '<a href="javascript:alert(1)">a</a>',
    ],
)
def test_markup_beyond_document_formatting_is_refused(body):
    with pytest.raises(TemplateBodyError):
        check_markup(body)


def test_document_formatting_is_allowed():
    check_markup(
        '<h2>QƏRARA ALDI:</h2><p class="addressee">x<br><strong>b</strong></p>'
        '<table><tr><td colspan="2">1</td></tr></table>'
    )


def test_an_empty_body_is_refused():
    with pytest.raises(TemplateBodyError):
        check_body("   ", specimen_context())
