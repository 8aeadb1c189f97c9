"""The server-side charts: bars scaled to the largest value (or the one given), a <title> per bar, every
text escaped, no inline style (the CSP forbids it), columns and a line over months."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from eprok.core.charts import Bar, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    # The markup has no namespace declaration (HTML5 inline SVG); add it to parse it as XML.
    return ElementTree.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314 - our own markup


def bars_of(markup: str) -> list[ElementTree.Element]:
    return [el for el in parse(markup).iter(f"{SVG}rect") if "eprok-chart__bar" in el.get("class", "")]


def test_the_bars_are_scaled_to_the_largest_value():
    markup = bar_chart([Bar("Xətai", 10), Bar("Nəsimi", 5), Bar("Səbail", 0)], title="Saatlar")
    widths = [float(rect.get("width", "")) for rect in bars_of(markup)]
    assert widths[0] > 0 and widths[1] == pytest.approx(widths[0] / 2) and widths[2] == 0


def test_a_maximum_given_scales_the_bars_and_caps_larger_values():
    markup = bar_chart([Bar("A", 50), Bar("B", 100), Bar("C", 150)], title="Faiz", max_value=100)
    a, b, c = (float(rect.get("width", "")) for rect in bars_of(markup))
    assert a == pytest.approx(b / 2) and c == b


def test_each_bar_has_a_title_with_its_label_and_value():
    markup = bar_chart([Bar("Xətai rayon prokurorluğu", Decimal("6.5"), text="6,5 saat")], title="Saatlar")
    (rect,) = bars_of(markup)
    title = rect.find(f"{SVG}title")
    assert title is not None and title.text == "Xətai rayon prokurorluğu: 6,5 saat"


def test_the_chart_is_an_image_labelled_by_its_title():
    root = parse(bar_chart([Bar("A", 1)], title="Qiymətlər", desc="Cədvəl aşağıdadır", dom_id="scores"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "scores-title scores-desc"
    assert root.find(f"{SVG}title").text == "Qiymətlər"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Cədvəl aşağıdadır"  # type: ignore[union-attr]


def test_texts_are_escaped_and_there_is_no_inline_style():
    markup = str(bar_chart([Bar('<script>alert("x")</script>', 3)], title="<b>başlıq</b>"))
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup
    assert "style=" not in markup
    parse(markup)  # well-formed


def test_a_long_label_is_cut_on_the_axis_but_whole_in_the_title():
    label = "Azərbaycan Respublikası Baş Prokurorluğunun Elm-Tədris Mərkəzi"
    root = parse(bar_chart([Bar(label, 1)], title="T"))
    texts = [el.text or "" for el in root.iter(f"{SVG}text")]
    assert texts[0].endswith("…") and len(texts[0]) < len(label)
    assert any((el.text or "") == f"{label}: 1" for el in root.iter(f"{SVG}title"))


def test_a_bar_class_must_be_a_class_list():
    assert 'class="eprok-chart__bar eprok-chart__bar--alt"' in bar_chart(
        [Bar("A", 1, css_class="eprok-chart__bar--alt")], title="T"
    )
    with pytest.raises(ValueError):
        bar_chart([Bar("A", 1, css_class='x" onclick="y')], title="T")
    with pytest.raises(ValueError):
        bar_chart([Bar("A", 1)], title="T", dom_id="1 bad")


def test_no_bars_draw_nothing():
    assert bar_chart([], title="T") == ""
    assert column_chart([], title="T") == ""


def test_columns_stand_on_the_axis_in_order_with_their_labels():
    months = [Bar("01.2026", 2), Bar("02.2026", 0), Bar("03.2026", 8)]
    root = parse(column_chart(months, title="Aylar üzrə"))
    columns = [el for el in root.iter(f"{SVG}rect") if "eprok-chart__column" in el.get("class", "")]
    heights = [float(el.get("height", "")) for el in columns]
    assert heights[1] == 0 and heights[2] == pytest.approx(heights[0] * 4)
    xs = [float(el.get("x", "")) for el in columns]
    assert xs == sorted(xs)
    bottoms = {float(el.get("y", "")) + float(el.get("height", "")) for el in columns}
    assert len(bottoms) == 1  # every column on the same baseline
    assert [el.text for el in root.iter(f"{SVG}text")][:3] == ["01.2026", "02.2026", "03.2026"]


def test_a_line_chart_has_a_polyline_and_a_dot_with_a_title_per_point():
    root = parse(column_chart([Bar("Yan", 1), Bar("Fev", 3)], title="Xətt", line=True))
    (polyline,) = root.iter(f"{SVG}polyline")
    assert len(polyline.get("points", "").split()) == 2
    dots = list(root.iter(f"{SVG}circle"))
    assert [dot.find(f"{SVG}title").text for dot in dots] == ["Yan: 1", "Fev: 3"]  # type: ignore[union-attr]


def test_many_periods_label_only_some_of_them():
    root = parse(column_chart([Bar(f"{m:02d}.2026", m) for m in range(1, 13)] * 3, title="36 ay"))
    labels = [el for el in root.iter(f"{SVG}text") if re.match(r"\d\d\.2026", el.text or "")]
    assert 6 <= len(labels) < 36
