"""The Criminal Code catalogue: the seed, versions in force on a date, references, order and search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eprok.criminal_code import selectors
from eprok.criminal_code.models import Article, GravityCategory, number_sort_key
from eprok.criminal_code.references import InvalidReference, parse_reference, split_reference
from eprok.criminal_code.seeding import CODE_IN_FORCE, load_articles

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 1, 1)


def make_article(number: str, *, valid_from: dt.date = dt.date(2030, 1, 1), **fields) -> Article:
    values = {
        "title_az": f"Maddə {number}",
        "title_en": f"Article {number}",
        "chapter": 23,
        "section": "IX",
        "category": GravityCategory.LESS_GRAVE,
        "valid_from": valid_from,
    }
    values.update(fields)
    return Article.objects.create(number=number, **values)


def test_the_migration_loads_all_331_articles_in_force_since_2000():
    assert Article.objects.count() == 331
    assert not Article.objects.exclude(valid_from=CODE_IN_FORCE).exists()
    theft = Article.objects.get(number="177")
    assert theft.title_az == "Oğurluq" and theft.title_en == "Theft"
    assert theft.category == GravityCategory.LESS_GRAVE and theft.max_prison_years == Decimal("3")
    assert theft.search_key == "177 oğurluq theft"
    genocide = Article.objects.get(number="103")
    assert genocide.life_imprisonment and genocide.category == GravityCategory.ESPECIALLY_GRAVE
    no_sanction = Article.objects.get(number="327")
    assert no_sanction.max_prison_years is None and no_sanction.category is None


def test_loading_the_seed_again_changes_nothing_and_keeps_a_russian_title():
    Article.objects.filter(number="177").update(title_ru="Кража")
    assert load_articles(Article) == 331
    assert load_articles(Article) == 331
    assert Article.objects.count() == 331
    theft = Article.objects.get(number="177")
    assert theft.title_ru == "Кража" and "кража" in theft.search_key


def test_the_version_in_force_on_a_date_is_found():
    old = Article.objects.get(number="177")
    Article.objects.filter(pk=old.pk).update(valid_to=dt.date(2025, 6, 30))
    new = make_article("177", valid_from=dt.date(2025, 7, 1), title_az="Oğurluq", max_prison_years=3)
    assert selectors.article_valid_on("177", dt.date(2025, 6, 30)) == old
    assert selectors.article_valid_on("177", dt.date(2025, 7, 1)) == new
    assert selectors.article_valid_on("177", dt.date(1999, 12, 31)) is None
    assert selectors.article_valid_on("999", ON) is None


def test_a_reference_names_an_article_and_its_parts():
    ref = parse_reference("177.2.3", on=ON)
    assert ref.article.number == "177" and ref.parts == ["2", "3"]
    assert str(ref) == "177.2.3"
    assert split_reference("144-1.1") == ("144-1", ["1"])
    assert parse_reference(" 120 ", on=ON).parts == []


@pytest.mark.parametrize("text", ["177..2", "177.", ".2", "abc", "177.2a", "", "144-"])
def test_a_malformed_reference_is_refused(text):
    with pytest.raises(InvalidReference) as exc:
        parse_reference(text, on=ON)
    assert exc.value.code == "invalid_reference" and exc.value.status == 422


def test_a_reference_to_an_unknown_article_is_refused():
    with pytest.raises(InvalidReference) as exc:
        parse_reference("999.1", on=ON)
    assert exc.value.code == "unknown_article"
    with pytest.raises(InvalidReference):
        parse_reference("177.1", on=dt.date(1999, 1, 1))


def test_inserted_articles_sort_after_their_base_article():
    assert number_sort_key("144") < number_sort_key("144-1") < number_sort_key("144-2")
    assert number_sort_key("144-2") < number_sort_key("145") < number_sort_key("1000")
    for number in ("401", "400-10", "400", "400-2"):
        make_article(number)
    numbers = list(Article.objects.filter(number__startswith="40").values_list("number", flat=True))
    assert numbers == ["400", "400-2", "400-10", "401"]
    with pytest.raises(ValueError):
        number_sort_key("12a")


def test_search_finds_a_title_in_any_letter_case(personas):
    user = personas.investigator
    assert [a.number for a in selectors.article_list(user=user, q="OĞURLUQ", on=ON)] == ["177"]
    assert [a.number for a in selectors.article_list(user=user, q="oğurluq", on=ON)] == ["177"]
    # Only letter case is folded: "g" does not match "ğ".
    assert not selectors.article_list(user=user, q="ogurluq", on=ON).exists()
    assert "177" in [a.number for a in selectors.article_list(user=user, q="THEFT", on=ON)]


def test_search_by_number_prefix_and_filters(personas):
    user = personas.investigator
    numbers = [a.number for a in selectors.article_list(user=user, q="144", on=ON)]
    assert numbers[0] == "144" and "144-1" in numbers and all(n.startswith("144") for n in numbers)
    chapter = selectors.article_list(user=user, chapter=35, on=ON)
    assert chapter.exists() and not chapter.exclude(section="XII").exists()
    grave = selectors.article_list(user=user, category=GravityCategory.ESPECIALLY_GRAVE, on=ON)
    assert "103" in [a.number for a in grave]
    assert not selectors.article_list(user=user, on=dt.date(1999, 1, 1)).exists()


def test_nobody_signed_out_sees_the_catalogue():
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.article_list(user=AnonymousUser(), on=ON).exists()


def test_the_title_follows_the_language_and_russian_falls_back_to_english():
    from django.utils import translation

    theft = Article.objects.get(number="177")
    with translation.override("ru"):
        assert theft.title == "Theft"
        theft.title_ru = "Кража"
        assert theft.title == "Кража"
    with translation.override("az"):
        assert theft.title == "Oğurluq"
