"""Checks and normal forms of the identifiers a person record carries (identifiers_az.md §1-5).

Each function takes what a user typed and returns the stored form (or None/"" when empty), or raises
ValidationFailed with a translated message and the field it belongs to.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from stdnum.az import voen as stdnum_voen
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

from eprok.core.errors import ValidationFailed
from eprok.org.validators import FIN_RE
from eprok.org.validators import normalise_fin as _org_normalise_fin

__all__ = [
    "FIN_RE",
    "normalise_citizenship",
    "normalise_document",
    "normalise_fin",
    "normalise_phone",
    "normalise_postal_code",
    "normalise_virtual_pin",
    "normalise_voen",
]

# Separators people type inside numbers: spaces, dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-.()/]+")


def _fail(message: Any, *, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"field": field})


def normalise_fin(value: str | None, *, field: str = "fin") -> str | None:
    """The FIN (7 characters, no I or O) upper-cased, or None when empty."""
    try:
        return _org_normalise_fin(_SEPARATORS.sub("", value or ""))
    except ValidationFailed as exc:
        raise _fail(exc.message, code=exc.code, field=field) from None


# --- VÖEN (taxpayer number): 10 digits, check digit 9th, 10th is 1 (legal) or 2 (natural) -----------

VOEN_LEGAL = "1"
VOEN_NATURAL = "2"


def normalise_voen(value: str | None, *, status: str | None = None, field: str = "voen") -> str | None:
    """The VÖEN as 10 digits (a 9-digit one is padded with a leading 0, as stdnum does), or None.

    `status` asks for a legal ("1") or natural ("2") person's number.
    """
    text = _SEPARATORS.sub("", value or "")
    if not text:
        return None
    try:
        number = stdnum_voen.validate(text)
    except InvalidLength:
        raise _fail(_("A VÖEN has 10 digits."), code="invalid_voen", field=field) from None
    except InvalidComponent:
        raise _fail(
            _("The last digit of a VÖEN is 1 for a legal entity or 2 for a natural person."),
            code="invalid_voen",
            field=field,
        ) from None
    except InvalidChecksum:
        raise _fail(
            _("This VÖEN is not valid: its check digit does not match. Check the number."),
            code="invalid_voen",
            field=field,
        ) from None
    except ValidationError:
        raise _fail(_("A VÖEN has 10 digits."), code="invalid_voen", field=field) from None
    if status == VOEN_LEGAL and number[-1] != VOEN_LEGAL:
        raise _fail(
            _("A legal entity's VÖEN ends in 1; this one belongs to a natural person."),
            code="voen_status",
            field=field,
        )
    if status == VOEN_NATURAL and number[-1] != VOEN_NATURAL:
        raise _fail(
            _("A natural person's VÖEN ends in 2; this one belongs to a legal entity."),
            code="voen_status",
            field=field,
        )
    return number


# --- phone numbers: E.164 ---------------------------------------------------------------------------

# Mobile (10 50 51 55 60 70 77 99) and fixed (12 Baku, 18, 2x, 3x) codes; identifiers_az.md §4.
AZ_PHONE_RE = re.compile(r"^(?:\+?994|0)(10|50|51|55|60|70|77|99|12|18|2\d|3\d)(\d{7})$")
# Any other country: E.164 is + and at most 15 digits, the country code never starting with 0.
FOREIGN_PHONE_RE = re.compile(r"^(?:\+|00)([1-9]\d{6,14})$")


def normalise_phone(value: str | None, *, field: str = "number") -> str:
    """The number in E.164 form: +994XXXXXXXXX for Azerbaijani numbers, +<digits> for foreign ones."""
    text = _SEPARATORS.sub("", value or "")
    if not text:
        raise _fail(_("Enter a phone number."), code="invalid_phone", field=field)
    if text.startswith("00994"):
        text = "+" + text[2:]
    match = AZ_PHONE_RE.match(text)
    if match:
        return f"+994{match.group(1)}{match.group(2)}"
    if text.startswith(("+994", "994")) or (text.startswith("0") and not text.startswith("00")):
        raise _fail(
            _(
                "An Azerbaijani number is +994, a 2-digit operator or area code (50, 55, 70, 12, …) "
                "and 7 digits, e.g. +994 50 123 45 67 or 050 123 45 67."
            ),
            code="invalid_phone",
            field=field,
        )
    match = FOREIGN_PHONE_RE.match(text)
    if match:
        return f"+{match.group(1)}"
    raise _fail(
        _("Write the number with its code: 050 123 45 67, +994 12 123 45 67, or +7 … for a foreign one."),
        code="invalid_phone",
        field=field,
    )


# --- identity documents -----------------------------------------------------------------------------

# ID card: AZE + 8 digits (issued ~2013-2018) or AA + 7 digits (since ~2018); passport: C + 8 digits.
ID_CARD_RE = re.compile(r"^(AZE)(\d{8})$|^(AA)(\d{7})$")
PASSPORT_RE = re.compile(r"^(C)(\d{8})$")
# Other documents (foreign passports, permits, certificates): Latin or Cyrillic letters and digits.
_OTHER_CHARS = "0-9A-Z\u0410-\u042f\u0401\u018f"  # digits, Latin and Russian capitals, Ə
OTHER_DOCUMENT_RE = re.compile(f"^[{_OTHER_CHARS}]{{1,32}}$")
OTHER_SERIES_RE = re.compile(f"^[{_OTHER_CHARS}]{{0,8}}$")


def normalise_document(
    kind: str, series: str | None, number: str | None, *, field: str = "number"
) -> tuple[str, str]:
    """(series, number) of an identity document; Azerbaijani ID cards and passports are checked exactly."""
    from eprok.persons.models import DocumentKind

    series_text = _SEPARATORS.sub("", series or "").upper()
    number_text = _SEPARATORS.sub("", number or "").upper()
    joined = series_text + number_text
    if not number_text:
        raise _fail(_("Enter the document's number."), code="invalid_document", field=field)
    if kind == DocumentKind.ID_CARD:
        match = ID_CARD_RE.match(joined)
        if not match:
            raise _fail(
                _(
                    "An identity card number is AZE and 8 digits (AZE12345678) "
                    "or AA and 7 digits (AA1234567)."
                ),
                code="invalid_document",
                field=field,
            )
        return (match.group(1) or match.group(3), match.group(2) or match.group(4))
    if kind == DocumentKind.PASSPORT:
        match = PASSPORT_RE.match(joined)
        if not match:
            raise _fail(
                _("An Azerbaijani passport number is C and 8 digits, e.g. C01234567."),
                code="invalid_document",
                field=field,
            )
        return match.group(1), match.group(2)
    if not OTHER_SERIES_RE.match(series_text):
        raise _fail(
            _("The series has at most 8 letters and digits."), code="invalid_document", field="series"
        )
    if not OTHER_DOCUMENT_RE.match(number_text):
        raise _fail(_("The number has 1 to 32 letters and digits."), code="invalid_document", field=field)
    return series_text, number_text


def split_document_number(text: str) -> tuple[str, str] | None:
    """(series, number) when `text` is an Azerbaijani ID card or passport number, else None (for search)."""
    joined = _SEPARATORS.sub("", text or "").upper()
    match = ID_CARD_RE.match(joined)
    if match:
        return (match.group(1) or match.group(3), match.group(2) or match.group(4))
    match = PASSPORT_RE.match(joined)
    if match:
        return match.group(1), match.group(2)
    return None


# --- other identifiers ------------------------------------------------------------------------------

# A virtual PIN is given to a foreigner without a FIN; its format is not published, so only bound it.
VIRTUAL_PIN_RE = re.compile(r"^[0-9A-Z]{4,16}$")


def normalise_virtual_pin(value: str | None, *, field: str = "virtual_pin") -> str:
    text = _SEPARATORS.sub("", value or "").upper()
    if not text:
        return ""
    if not VIRTUAL_PIN_RE.match(text):
        raise _fail(
            _("A virtual PIN has 4 to 16 Latin letters and digits."), code="invalid_virtual_pin", field=field
        )
    return text


POSTAL_CODE_RE = re.compile(r"^AZ\s?(\d{4})$")


def normalise_postal_code(value: str | None, *, field: str = "postal_code") -> str:
    """AZ and 4 digits, stored without the space ("AZ 1000" → "AZ1000"); empty stays empty."""
    text = (value or "").strip().upper()
    if not text:
        return ""
    match = POSTAL_CODE_RE.match(text)
    if not match:
        raise _fail(
            _("A postal code is AZ and 4 digits, e.g. AZ1000."), code="invalid_postal_code", field=field
        )
    return f"AZ{match.group(1)}"


COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def normalise_citizenship(value: str | None, *, field: str = "citizenship") -> str:
    """An ISO 3166 two-letter country code in capitals ("az" → "AZ"); empty stays empty."""
    text = (value or "").strip().upper()
    if not text:
        return ""
    if not COUNTRY_RE.match(text):
        raise _fail(
            _("Use the two-letter country code, e.g. AZ, TR, RU, GE."), code="invalid_country", field=field
        )
    return text


def mask_fin(fin: str | None) -> str:
    """A FIN shown in lists and pickers: the first two and the last character ("5Z****7")."""
    if not fin:
        return ""
    return f"{fin[:2]}{'*' * (len(fin) - 3)}{fin[-1]}"
