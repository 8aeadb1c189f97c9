# ruff: noqa: RUF001 - Cyrillic spellings are the test data.
"""Name folding: every spelling in the variants table of identifiers_az.md §8 finds the same person."""

from __future__ import annotations

import pytest

from eprok.persons.names import name_key, query_keys, same_name, skeleton, words

# identifiers_az.md §8: AZ (official) | Latin variants | Cyrillic, copied as they stand.
SURNAMES: list[tuple[str, list[str]]] = [
    (
        "Məmmədov",
        ["Mammadov", "Mamedov", "Mammedov", "Mamadov", "Mehmedov", "Mammadli", "Мамедов", "Маммадов"],
    ),
    ("Əliyev", ["Aliyev", "Aliev", "Alıyev", "Eliyev", "Алиев"]),
    ("Hüseynov", ["Huseynov", "Guseynov", "Guseinov", "Husseinov", "Huseinov", "Гусейнов", "Гусеинов"]),
    ("Quliyev", ["Guliyev", "Guliev", "Kuliyev", "Kuliev", "Qulıyev", "Кулиев", "Гулиев"]),
    ("Həsənov", ["Hasanov", "Gasanov", "Hasanli", "Гасанов", "Гасанлы"]),
    ("Hacıyev", ["Hajiyev", "Hajiev", "Gadzhiyev", "Gadjiev", "Hadjiyev", "Гаджиев"]),
    ("Cəfərov", ["Jafarov", "Jafarli", "Djafarov", "Dzhafarov", "Cafarov", "Джафаров"]),
    ("Qasımov", ["Gasimov", "Gasymov", "Kasimov", "Kasumov", "Гасымов", "Касимов", "Касумов"]),
    ("İbrahimov", ["Ibrahimov", "Ibragimov", "Ebrahimov", "Ибрагимов"]),
    ("İsmayılov", ["Ismayilov", "Ismailov", "Ismaylov", "Исмаилов", "Исмайлов"]),
    ("Rəhimov", ["Rahimov", "Ragimov", "Rakhimov", "Рагимов", "Рахимов"]),
    ("Vəliyev", ["Valiyev", "Veliyev", "Veliev", "Valiev", "Велиев", "Валиев"]),
    ("Xəlilov", ["Khalilov", "Xalilov", "Halilov", "Халилов"]),
    ("Bağırov", ["Bagirov", "Baghirov", "Bagyrov", "Багиров"]),
    ("Orucov", ["Orujov", "Orudzhov", "Orucov", "Orujev", "Оруджев", "Оруджов"]),
    ("Şükürov", ["Shukurov", "Shukyurov", "Sukurov", "Шукюров", "Шукуров"]),
    ("Əsgərov", ["Asgarov", "Askerov", "Askarov", "Esgerov", "Аскеров"]),
    ("Səfərov", ["Safarov", "Sefarov", "Сафаров"]),
    ("Mehdiyev", ["Mehdiyev", "Mekhtiyev", "Mehtiyev", "Mekhtiev", "Мехтиев", "Мехдиев"]),
    ("Nəsibov", ["Nasibov", "Nesibov", "Насибов"]),
    ("Zeynalov", ["Zeynalov", "Zeinalov", "Zaynalov", "Зейналов"]),
    ("Musayev", ["Musayev", "Musaev", "Мусаев"]),
    ("Abbasov", ["Abbasov", "Abasov", "Аббасов"]),
    ("Kərimov", ["Karimov", "Kerimov", "Керимов", "Каримов"]),
    ("Nağıyev", ["Nagiyev", "Naghiyev", "Nagiev", "Нагиев"]),
]
GIVEN_NAMES: list[list[str]] = [
    ["Məhəmməd", "Mahammad", "Magomed", "Магомед"],
    ["Hüseyn", "Huseyn", "Guseyn", "Гусейн"],
    ["Əli", "Ali", "Али"],
    ["Elçin", "Elchin", "Эльчин"],
    ["Ülvi", "Ulvi", "Ульви"],
    ["Şahin", "Shahin", "Шахин"],
    ["Günel", "Gunel", "Гюнель"],
    ["Aygün", "Aygun", "Айгюн"],
    ["Xədicə", "Khadija", "Хадиджа"],
    ["Rəşad", "Rashad", "Рашад"],
]

SURNAME_PAIRS = [(official, variant) for official, variants in SURNAMES for variant in variants]
GIVEN_PAIRS = [(group[0], variant) for group in GIVEN_NAMES for variant in group[1:]]


@pytest.mark.parametrize(("official", "variant"), SURNAME_PAIRS, ids=[f"{a}={b}" for a, b in SURNAME_PAIRS])
def test_every_surname_variant_folds_to_the_official_spelling(official, variant):
    assert name_key(variant) == name_key(official)


@pytest.mark.parametrize(("official", "variant"), SURNAME_PAIRS, ids=[f"{a}={b}" for a, b in SURNAME_PAIRS])
def test_the_female_form_of_every_surname_folds_the_same(official, variant):
    female = variant + ("a" if variant[-1] in "vV" else "")
    feminine_cyrillic = variant + "а" if variant.endswith("в") else female
    assert name_key(feminine_cyrillic) == name_key(official)


@pytest.mark.parametrize(("official", "variant"), GIVEN_PAIRS, ids=[f"{a}={b}" for a, b in GIVEN_PAIRS])
def test_every_given_name_variant_folds_to_the_official_spelling(official, variant):
    assert name_key(variant) == name_key(official)


def test_different_surnames_of_the_table_keep_different_keys():
    keys = [name_key(official) for official, _variants in SURNAMES]
    assert len(set(keys)) == len(keys)


def test_hasanov_and_huseynov_are_not_confused():
    assert name_key("Həsənov") != name_key("Hüseynov")


def test_letter_case_follows_turkic_rules():
    assert name_key("İSMAYILOVA") == name_key("İsmayılova") == name_key("ismayilova")
    assert name_key("ƏLİYEV") == name_key("Əliyev")


def test_the_cyrillic_and_1992_schwa_are_the_latin_schwa():
    assert name_key("Мәммәдов") == name_key("Məmmədov") == name_key("Mämmädov")


def test_patronymic_words_are_dropped_in_any_spelling():
    for text in ("Vəli oğlu", "Veli oglu", "Veli ogly", "Вели оглы", "Vəli qızı", "Veli kyzy", "Вели кызы"):
        assert words(text) == [words(text)[0]], text
        assert name_key(text) == name_key("Vəli")


def test_a_russian_style_full_name_matches_the_azerbaijani_one():
    assert same_name("Məmmədov Əli Vəli oğlu", "Мамедов Али Велиевич")
    assert same_name("Məmmədova Günel Əli qızı", "Мамедова Гюнель Алиевна")
    assert same_name("MAMMADOVA GUNEL ALI GIZI", "Məmmədova Günel Əli qızı")


def test_a_short_name_keeps_its_ending():
    # "Əli" and "Vəli" end in "li" but are names, not surnames with the -li suffix.
    assert name_key("Əli") != name_key("Ə")
    assert name_key("Vəli") == name_key("Vəliyev")


def test_the_key_is_space_separated_tokens_without_repeats():
    assert name_key("Əliyev Əli Əli oğlu") == "al"
    assert name_key("Məmmədov Elçin Əli oğlu") == " ".join(
        skeleton(word) for word in ("məmmədov", "elçin", "əli")
    )
    assert name_key("Məmmədov Elçin Əli oğlu") == "mamd alcn al"


def test_the_key_is_cut_at_a_token_boundary():
    key = name_key(
        " ".join(["Məmmədov"] + [f"Ad{chr(97 + i)}{chr(98 + i)}" for i in range(20)]), max_length=20
    )
    assert len(key) <= 20
    assert not key.endswith(" ")
    assert all(token for token in key.split(" "))


def test_query_keys_fold_a_search_the_same_way():
    assert query_keys("Mamedov Ali") == [name_key("Məmmədov"), name_key("Əli")]
    assert query_keys("  ,.  ") == []


def test_an_unfinished_surname_is_a_prefix_of_the_full_key():
    assert name_key("Məmmədov").startswith(name_key("Məmm"))
    assert name_key("Hüseynov").startswith(name_key("Hüs"))
