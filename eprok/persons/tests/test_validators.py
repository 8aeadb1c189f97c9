# ruff: noqa: RUF001 - Cyrillic document series are test data.
"""Identifier checks: FIN, VÖEN (python-stdnum vectors), phones, documents, postal codes, virtual PINs."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from eprok.core.errors import ValidationFailed
from eprok.persons.models import DocumentKind
from eprok.persons.validators import (
    mask_fin,
    normalise_citizenship,
    normalise_document,
    normalise_fin,
    normalise_phone,
    normalise_postal_code,
    normalise_virtual_pin,
    normalise_voen,
    split_document_number,
)


@pytest.mark.parametrize(("raw", "stored"), [("5ZXK2P7", "5ZXK2P7"), (" 0a1b2c3 ", "0A1B2C3"), ("", None)])
def test_a_fin_is_upper_cased_and_stripped(raw, stored):
    assert normalise_fin(raw) == stored


@pytest.mark.parametrize("raw", ["5ZXK2P", "5ZXK2P77", "5ZXK2PI", "O123456", "5ZX-Ə2P"])
def test_a_malformed_fin_is_refused_on_its_field(raw):
    with pytest.raises(ValidationFailed) as caught:
        normalise_fin(raw)
    assert caught.value.details == {"field": "fin"}


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("1401555071", "1401555071"),
        ("140 155 5071", "1401555071"),
        ("2914177722", "2914177722"),
        ("3170669032", "3170669032"),
        ("4391500081", "4391500081"),
        ("6360837731", "6360837731"),
    ],
)
def test_valid_voens_from_the_reference_pass(raw, stored):
    assert normalise_voen(raw) == stored


def test_a_nine_digit_voen_is_padded_with_a_leading_zero():
    import stdnum.az.voen as reference

    # A 9-digit number that is valid once padded (stdnum's compact rule).
    padded = next(f"0{n:08d}1" for n in range(10_000_000, 10_100_000) if reference.is_valid(f"0{n:08d}1"))
    assert normalise_voen(padded[1:]) == padded


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("1401555081", "check digit"),
        ("1400057424", "last digit"),
        ("14015550", "10 digits"),
        ("14015A5071", "10 digits"),
    ],
)
def test_invalid_voens_are_refused_with_the_reason(raw, message_part):
    with override("en"):
        with pytest.raises(ValidationFailed) as caught:
            normalise_voen(raw)
        assert message_part in str(caught.value.message)
    assert caught.value.details == {"field": "voen"}


def test_a_legal_entity_needs_a_voen_ending_in_1_and_a_natural_person_one_ending_in_2():
    assert normalise_voen("1401555071", status="1") == "1401555071"
    assert normalise_voen("2914177722", status="2") == "2914177722"
    with pytest.raises(ValidationFailed):
        normalise_voen("2914177722", status="1")
    with pytest.raises(ValidationFailed):
        normalise_voen("1401555071", status="2")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("050 123 45 67", "+994501234567"),
        ("+994 50 123 45 67", "+994501234567"),
        ("994501234567", "+994501234567"),
        ("00994 55 765 43 21", "+994557654321"),
        ("(012) 493-12-34", "+994124931234"),
        ("070-222-33-44", "+994702223344"),
        ("+994 60 123 45 67", "+994601234567"),
        ("+7 912 345 67 89", "+79123456789"),
        ("0090 532 123 45 67", "+905321234567"),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, e164):
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["", "1658", "050 123 45", "+994 40 123 45 67", "+994501234567890", "abc"])
def test_malformed_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationFailed) as caught:
        normalise_phone(raw)
    assert caught.value.details == {"field": "number"}


@pytest.mark.parametrize(
    ("kind", "series", "number", "stored"),
    [
        (DocumentKind.ID_CARD, "", "AZE12345678", ("AZE", "12345678")),
        (DocumentKind.ID_CARD, "aze", "1234 5678", ("AZE", "12345678")),
        (DocumentKind.ID_CARD, "", "AA1234567", ("AA", "1234567")),
        (DocumentKind.PASSPORT, "", "C01234567", ("C", "01234567")),
        (DocumentKind.PASSPORT, "C", "01234567", ("C", "01234567")),
        (DocumentKind.FOREIGN_PASSPORT, "", "u 1234567", ("", "U1234567")),
        (DocumentKind.BIRTH_CERTIFICATE, "II-ТБ", "123456", ("IIТБ", "123456")),
    ],
)
def test_identity_documents_are_normalised_into_series_and_number(kind, series, number, stored):
    assert normalise_document(kind, series, number) == stored


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (DocumentKind.ID_CARD, "AZE1234567"),
        (DocumentKind.ID_CARD, "AA12345678"),
        (DocumentKind.ID_CARD, "C01234567"),
        (DocumentKind.PASSPORT, "C1234567"),
        (DocumentKind.PASSPORT, "AZE12345678"),
        (DocumentKind.OTHER, "#12"),
        (DocumentKind.OTHER, ""),
    ],
)
def test_malformed_document_numbers_are_refused(kind, number):
    with pytest.raises(ValidationFailed):
        normalise_document(kind, "", number)


def test_a_search_term_is_recognised_as_an_azerbaijani_document_number():
    assert split_document_number("aze 12345678") == ("AZE", "12345678")
    assert split_document_number("C01234567") == ("C", "01234567")
    assert split_document_number("Məmmədov") is None


@pytest.mark.parametrize(("raw", "stored"), [("AZ1000", "AZ1000"), ("az 1001", "AZ1001"), ("", "")])
def test_postal_codes_are_az_and_four_digits(raw, stored):
    assert normalise_postal_code(raw) == stored


@pytest.mark.parametrize("raw", ["1000", "AZ100", "AZ 10000", "BA1000"])
def test_malformed_postal_codes_are_refused(raw):
    with pytest.raises(ValidationFailed) as caught:
        normalise_postal_code(raw)
    assert caught.value.details == {"field": "postal_code"}


def test_a_virtual_pin_is_free_form_but_bounded():
    assert normalise_virtual_pin(" vp-12345 ") == "VP12345"
    assert normalise_virtual_pin("") == ""
    for bad in ("AB1", "X" * 17, "ƏLİ123"):
        with pytest.raises(ValidationFailed):
            normalise_virtual_pin(bad)


def test_citizenship_is_a_two_letter_code():
    assert normalise_citizenship("az") == "AZ"
    with pytest.raises(ValidationFailed):
        normalise_citizenship("AZE")


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_error_messages_are_translated(language):
    with override(language):
        with pytest.raises(ValidationFailed) as caught:
            normalise_postal_code("1000")
        message = str(caught.value.message)
    if language == "en":
        assert message.startswith("A postal code is AZ")
    else:
        assert not message.startswith("A postal code is AZ")


def test_a_fin_is_masked_in_lists():
    assert mask_fin("5ZXK2P7") == "5Z****7"
    assert mask_fin(None) == ""
