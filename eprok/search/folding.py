"""Folding text for the index and for queries, one way for both.

Built on the persons app's name folding (`eprok.persons.names`): its `normalise` does NFC, Turkic
lower case and Cyrillic→Latin transliteration, its `skeleton` gives the coarse key under which
Məmmədov, Mammadov, Mamedov and Мамедов meet. On top of that this module:

- folds a word to plain Latin letters (ə ı ö ü ğ ç ş → e i o u g c s, after the passport and Russian
  digraphs sh/ch/kh/dzh/gh/zh are read as ş/ç/x/c/ğ/j), and indexes a word with ə under both
  readings, ə→e ("Memmedov", the Russian tradition) and ə→a ("Mammadov", the passport spelling);
- adds the name skeleton of each word as a separate term, marked with a leading "0" so that it never
  meets an ordinary word (a skeleton is letters only; real terms never start with "0" and a letter);
- extracts exact keys (numbers): FIN, register and case numbers, phone numbers in E.164.
"""

from __future__ import annotations

import re

from eprok.persons import names
from eprok.persons.validators import normalise_phone

_PLAIN = str.maketrans({"ə": "e", "ı": "i", "ö": "o", "ü": "u", "ğ": "g", "ç": "c", "ş": "s"})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A number-like token: letters/digits joined by - / . with at least one digit (CI-BAKU-2026-00012, 178.1).
_NUMBER = re.compile(r"[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*")
# A phone as people write it: an optional +, then digits with spaces, dashes, dots or brackets.
_PHONE = re.compile(r"(?<![\w\-/.])\+?\(?\d[\d\s\-.()]{6,}\d(?![\w\-/])")
SKELETON_MARK = "0"
# Skeletons this short ("al" for Əli) are kept only for names: in ordinary text they meet too many words.
_MIN_TEXT_SKELETON = 3
MAX_TERM = 64


def plain(word: str) -> str:
    """A normalised word (persons.names.normalise) folded to plain Latin letters, ə read as e."""
    return names._fold_digraphs(word).translate(_PLAIN)


def variants(word: str) -> list[str]:
    """The plain forms of one normalised word: ə→e always, and ə→a when the word has a schwa."""
    folded = plain(word)
    out = [folded]
    if "ə" in word:
        alt = names._fold_digraphs(word).replace("ə", "a").translate(_PLAIN)
        if alt != folded:
            out.append(alt)
    return out


def skeleton_term(word: str) -> str:
    key = names.skeleton(word)
    return f"{SKELETON_MARK}{key}" if key else ""


def normalised_words(text: str) -> list[str]:
    """The words of `text` after NFC, Turkic lower case and transliteration (digits kept as words)."""
    return _WORD.findall(names.normalise(text or ""))


def index_terms(text: str, *, is_name: bool = False) -> list[str]:
    """The terms one text contributes to the index, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in normalised_words(text):
        for form in variants(word):
            if form:
                seen.setdefault(form[:MAX_TERM], None)
        if word.isalpha():
            key = names.skeleton(word)
            if key and (is_name or len(key) >= _MIN_TEXT_SKELETON):
                seen.setdefault(f"{SKELETON_MARK}{key}", None)
    return list(seen)


def name_words(text: str) -> list[str]:
    """The plain forms of the words of a name, for the fuzzy vocabulary."""
    out: dict[str, None] = {}
    for word in names.words(text or ""):
        if word.isalpha() and len(word) >= 3:
            for form in variants(word):
                out.setdefault(form[:MAX_TERM], None)
    return list(out)


def normalise_number(value: str) -> str:
    """The stored form of an exact key: upper case, without surrounding punctuation or inner spaces."""
    return re.sub(r"\s+", "", (value or "").strip().strip(".,;:()[]")).upper()[:MAX_TERM]


def phone_key(value: str) -> str:
    """A phone number in E.164 (+994...), or "" when the text is not a phone number."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) < 7 or len(digits) > 15:
        return ""
    try:
        return normalise_phone(value)
    except Exception:
        return ""


def is_number_token(token: str) -> bool:
    return any(ch.isdigit() for ch in token) and bool(_NUMBER.fullmatch(token))


def split_query(query: str) -> tuple[list[str], list[str]]:
    """(number keys, words) of a query. Phone numbers in any formatting become E.164 keys; tokens
    with a digit (FIN, register/case numbers, article codes) become exact keys; the rest are words."""
    text = (query or "").strip()[:500]
    numbers: list[str] = []
    for match in _PHONE.finditer(text):
        key = phone_key(match.group(0))
        if key:
            numbers.append(key)
            text = text.replace(match.group(0), " ", 1)
    words: list[str] = []
    for raw in text.split():
        token = raw.strip(".,;:!?\"'()[]{}«»")
        if not token:
            continue
        if is_number_token(token):
            numbers.append(normalise_number(token))
        else:
            words.extend(normalised_words(token))
    return list(dict.fromkeys(numbers)), list(dict.fromkeys(words))


def word_terms(word: str) -> tuple[list[str], str]:
    """For one normalised query word: its plain forms (matched as prefixes) and its skeleton term."""
    key = names.skeleton(word) if word.isalpha() else ""
    return variants(word), (f"{SKELETON_MARK}{key}" if key else "")
