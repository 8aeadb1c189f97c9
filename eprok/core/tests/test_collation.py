"""Azerbaijani alphabetical order, in Python (az_sort_key) and in the database (az_order)."""

from __future__ import annotations

import random

import pytest

from eprok.core.collation import ALPHABET, az_lower, az_order, az_sort_key, az_sorted
from eprok.org.models import Unit
from eprok.org.tests.factories import UnitFactory

# Each pair: the first sorts before the second in Azerbaijani (and not, for most, in Unicode order).
PAIRS = [
    ("cəza", "çay"),  # ç after c
    ("czar", "ça"),  # ç after every c-word
    ("ez", "əa"),  # ə after e
    ("gz", "ğa"),  # ğ after g
    ("hz", "xa"),  # x after h
    ("xz", "ıa"),  # ı after x
    ("ız", "ia"),  # ı before i
    ("kz", "qa"),  # q after k
    ("qz", "la"),  # q before l
    ("oz", "öa"),  # ö after o
    ("sz", "şa"),  # ş after s
    ("uz", "üa"),  # ü after u
    ("Əliyev", "Fərzəliyev"),
    ("Quliyev", "Ləmbəranski"),
]

WORDS = [
    "Zaqatala",
    "Şəki",
    "Qəbələ",
    "Xaçmaz",
    "İsmayıllı",
    "Ağdam",
    "Cəlilabad",
    "Ucar",
    "Ölkə",
    "Ağcabədi",
    "Çəmbərəkənd",
    "Əhmədli",
    "Gəncə",
    "Ğ",
    "Hövsan",
    "Lənkəran",
    "Bakı",
    "Ismayıl",
    "Kürdəmir",
    "Üzeyir",
]
EXPECTED = [
    "Ağcabədi",
    "Ağdam",
    "Bakı",
    "Cəlilabad",
    "Çəmbərəkənd",
    "Əhmədli",
    "Gəncə",
    "Ğ",
    "Hövsan",
    "Xaçmaz",
    "Ismayıl",
    "İsmayıllı",
    "Kürdəmir",
    "Qəbələ",
    "Lənkəran",
    "Ölkə",
    "Şəki",
    "Ucar",
    "Üzeyir",
    "Zaqatala",
]


def test_the_alphabet_has_33_letters_and_w():
    assert len(ALPHABET) == 33
    assert ALPHABET.index("ı") < ALPHABET.index("i")


@pytest.mark.parametrize(("before", "after"), PAIRS)
def test_az_sort_key_orders_the_special_letters(before, after):
    assert az_sort_key(before) < az_sort_key(after)


def test_it_sorts_place_names_in_azerbaijani_order():
    shuffled = WORDS[:]
    random.Random(7).shuffle(shuffled)

    assert az_sorted(shuffled) == EXPECTED


def test_it_maps_dotted_and_dotless_i_the_turkic_way():
    assert az_lower("İ") == "i"
    assert az_lower("I") == "ı"
    assert az_lower("İSMAYILLI") == "ismayıllı"
    assert az_sort_key("ISMAYIL") == az_sort_key("ısmayıl")
    assert az_sort_key("İlqar") == az_sort_key("ilqar")
    assert az_sort_key("Ilqar") != az_sort_key("İlqar")
    assert az_sort_key("Ilqar") < az_sort_key("İlqar")


def test_it_ignores_case_and_folds_the_cyrillic_schwa():
    assert az_sort_key("ƏLİYEV") == az_sort_key("əliyev")
    assert az_sort_key("Әliyev") == az_sort_key("Əliyev")  # Cyrillic Ә typed by mistake


def test_a_prefix_sorts_before_its_extensions_and_empty_first():
    assert az_sorted(["Əliyeva", "Əli", ""]) == ["", "Əli", "Əliyeva"]
    assert az_sort_key(None) == az_sort_key("")


def test_az_sorted_takes_a_key():
    rows = [{"n": "Şəki"}, {"n": "Sabirabad"}, {"n": "Salyan"}]

    assert [r["n"] for r in az_sorted(rows, key=lambda r: r["n"])] == ["Sabirabad", "Salyan", "Şəki"]


@pytest.mark.django_db
def test_the_database_orders_units_in_azerbaijani_order():
    root = UnitFactory.create(code="root", name_az="Kök")
    shuffled = WORDS[:]
    random.Random(3).shuffle(shuffled)
    for n, name in enumerate(shuffled):
        UnitFactory.create(code=f"u{n}", parent=root, name_az=name)

    names = list(
        Unit.objects.filter(parent_id=root.pk)
        .order_by(az_order("name_az"), "pk")
        .values_list("name_az", flat=True)
    )

    assert names == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "after"), PAIRS)
def test_the_database_orders_each_special_letter(before, after):
    root = UnitFactory.create(code="root", name_az="Kök")
    UnitFactory.create(code="b", parent=root, name_az=after)
    UnitFactory.create(code="a", parent=root, name_az=before)

    names = list(
        Unit.objects.filter(parent_id=root.pk).order_by(az_order("name_az")).values_list("name_az", flat=True)
    )

    assert names == [before, after]
