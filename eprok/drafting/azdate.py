"""Dates and ordinal numbers written the Azerbaijani way: "29 noyabr 2026-cı il", "3-cü".

The ordinal suffix follows the vowel harmony of the number as it is pronounced: the last word spoken
decides it (2026 → "iki min iyirmi altı" → altıncı → "-cı"; 2023 → üçüncü → "-cü"; 2030 → otuzuncu → "-cu";
2000 → ikiminci → "-ci"; 100 → yüzüncü → "-cü").
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "yanvar",
    "fevral",
    "mart",
    "aprel",
    "may",
    "iyun",
    "iyul",
    "avqust",
    "sentyabr",
    "oktyabr",
    "noyabr",
    "dekabr",
)

# The suffix after the last word spoken: ones 1..9, tens 10..90.
_ONES = {1: "ci", 2: "ci", 3: "cü", 4: "cü", 5: "ci", 6: "cı", 7: "ci", 8: "ci", 9: "cu"}
_TENS = {1: "cu", 2: "ci", 3: "cu", 4: "cı", 5: "ci", 6: "cı", 7: "ci", 8: "ci", 9: "cı"}


def ordinal_suffix(number: int) -> str:
    """The ordinal suffix of a whole number: ci, cı, cu or cü."""
    n = abs(int(number))
    if n == 0:
        return "cı"  # sıfırıncı
    if n % 10:
        return _ONES[n % 10]
    if (n // 10) % 10:
        return _TENS[(n // 10) % 10]
    if (n // 100) % 10:
        return "cü"  # yüz
    if (n // 1000) % 1000:
        return "ci"  # min
    return "cu"  # milyon, milyard


def ordinal(number: int) -> str:
    """'2026-cı', '3-cü', '9-cu', '1-ci'."""
    return f"{int(number)}-{ordinal_suffix(number)}"


def ordinal_text(text: str) -> str:
    """'2026' → '2026-cı', '177.2.3' → '177.2.3-cü'; text not ending in a number is returned as is."""
    import re

    text = text.strip()
    match = re.search(r"(\d+)$", text)
    if match is None:
        return text
    return f"{text}-{ordinal_suffix(int(match.group(1)))}"


def long_date(value: dt.date | dt.datetime | None) -> str:
    """'29 noyabr 2026-cı il'; empty for no date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {ordinal(value.year)} il"


def short_date(value: dt.date | dt.datetime | None) -> str:
    """'29.11.2026'; empty for no date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.strftime("%d.%m.%Y")


def az_upper(text: str) -> str:
    """Upper case with the Azerbaijani dotted and dotless i: i → İ, ı → I."""
    return str(text).replace("i", "İ").replace("ı", "I").upper()


# --- noun cases of names ("Xətai rayon prokurorluğu" → "Xətai rayon prokurorluğunun") ----------------

_BACK = set("aıou")
_FRONT = set("əeiöü")
_VOWELS = _BACK | _FRONT
_GENITIVE = {
    "a": "ın",
    "ı": "ın",
    "o": "un",
    "u": "un",
    "e": "in",
    "ə": "in",
    "i": "in",
    "ö": "ün",
    "ü": "ün",
}


def _last_vowel(word: str) -> str:
    for char in reversed(word.lower()):
        if char in _VOWELS:
            return char
    return "ə"


def noun_case(name: str, case: str) -> str:
    """The name in the genitive, dative, locative or ablative case, by vowel harmony on its last word.

    A name ending in a vowel (a compound with the possessive: "...prokurorluğu") takes the buffer "n";
    a final q/k softens to ğ/y before a vowel ("Baş Prokurorluq" → "Baş Prokurorluğun").
    """
    name = (name or "").strip()
    if not name:
        return ""
    vowel = _last_vowel(name)
    back = vowel in _BACK
    ends_vowel = name[-1].lower() in _VOWELS
    stem = name
    if case == "genitive":
        suffix = _GENITIVE[vowel]
        if ends_vowel:
            suffix = "n" + suffix
        elif name[-1] in "qk":
            stem = name[:-1] + ("ğ" if name[-1] == "q" else "y")
    elif case == "dative":
        suffix = "a" if back else "ə"
        if ends_vowel:
            suffix = "n" + suffix
        elif name[-1] in "qk":
            stem = name[:-1] + ("ğ" if name[-1] == "q" else "y")
    elif case == "locative":
        suffix = ("nda" if back else "ndə") if ends_vowel else ("da" if back else "də")
    elif case == "ablative":
        suffix = ("ndan" if back else "ndən") if ends_vowel else ("dan" if back else "dən")
    else:
        raise ValueError(case)
    return stem + suffix
