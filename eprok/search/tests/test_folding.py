"""Folding: one function for the index and the query, built on the persons app's name folding."""

from __future__ import annotations

import pytest

from eprok.search import folding


def terms(text: str) -> set[str]:
    return set(folding.index_terms(text, is_name=True))


@pytest.mark.parametrize(
    "spellings",
    [
        ("Məmmədov", "Mammadov", "Mamedov", "Мамедов", "MƏMMƏDOV", "Mammedov"),
        ("Əliyev", "Aliyev", "Алиев", "Aliev"),
        ("Hüseynov", "Huseynov", "Guseynov", "Гусейнов"),
        ("Şükürov", "Shukurov", "Sukurov", "Шукюров"),
        ("Çələbi", "Chelebi", "Чалаби"),
    ],
)
def test_every_spelling_meets_the_same_skeleton_term(spellings):
    skeletons = [{t for t in terms(s) if t.startswith(folding.SKELETON_MARK)} for s in spellings]
    common = set.intersection(*skeletons)
    assert common, skeletons


def test_plain_letters_meet_the_azerbaijani_ones():
    # "Celebi" (no cedilla) has another skeleton than Çələbi (c and ç are different letters) but the
    # same plain form, which the full-text terms carry.
    assert "celebi" in terms("Çələbi") and "celebi" in terms("Celebi")


def test_schwa_is_indexed_under_both_readings():
    assert {"memmedov", "mammadov"} <= terms("Məmmədov")


def test_dotless_and_dotted_i_fold_to_plain_i():
    assert "qilinc" in terms("QILINC")
    assert "qilinc" in terms("Qılınc")
    assert "ilkin" in terms("İLKİN")


def test_a_query_splits_into_exact_numbers_and_words():
    numbers, words = folding.split_query("5zk8p2m Məmmədov cm-baku-xetai-2026-00012 (050) 123-45-67")
    assert numbers == ["+994501234567", "5ZK8P2M", "CM-BAKU-XETAI-2026-00012"]
    assert words == ["məmmədov"]


@pytest.mark.parametrize("phone", ["+994 50 123 45 67", "050 123 45 67", "(050) 123-45-67", "994501234567"])
def test_phones_in_any_formatting_become_e164(phone):
    assert folding.split_query(phone)[0] == ["+994501234567"]


def test_article_codes_are_exact_keys():
    assert folding.split_query("178.1")[0] == ["178.1"]
