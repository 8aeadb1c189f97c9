# ruff: noqa: RUF001 - Cyrillic letters are the point of this module (transliteration).
"""Name folding for person search across Azerbaijani, passport (ICAO) and Russian spellings.

Məmmədov, Mammadov, Mamedov, Mehmedov, Mammadli and Мамедов all fold to the same key, "mamd", so a
search in any spelling finds the person through an index on Person.name_key instead of a fuzzy scan.
The recipe follows ../shared/data/identifiers_az.md §7-8:

1. NFC, Cyrillic/1992 schwa to ə, Turkic lower-casing (I → ı, İ → i).
2. Cyrillic (Russian tradition and Azerbaijani Cyrillic) transliterated to Azerbaijani Latin.
3. Digraphs of the passport and Russian-based Latin spellings folded: dzh/dj → c, kh → x, sh → ş,
   ch → ç, gh → ğ, zh → j.
4. Patronymic words (oğlu, qızı, оглы, кызы) dropped; surname and patronymic endings
   (-ov/-ova/-yev/-yeva/-ev/-eva, -li/-lı/-lu/-lü, -zadə, -oviç/-yeviç/-ovna/-yevna) cut to the stem.
5. A skeleton: the first vowel kept as its class (a = a e ə i ı; u = o ö u ü), every other vowel and
   y dropped; h/x before a consonant dropped (Mehmed → Memed, Əhməd → Əməd, Мехтиев → Метиев) after
   devoicing d to t behind them (Mehdi → Mehti); h x ğ g q k are one class (Гусейн = Hüseyn,
   Рагимов = Rəhimov); c and j one class (Cəfərov = Jafarov = Джафаров); ç → c, ş → s; doubled
   letters collapsed (Mammedov = Mamedov, Abbasov = Abasov).

The key is deliberately coarse: it finds candidates, and people confirm them by FIN, birth date and
documents. Never merge on a key match alone.
"""

from __future__ import annotations

import re
import unicodedata

from eprok.core.collation import az_lower

# Russian tradition reversed (identifiers_az.md §8), plus the letters of Azerbaijani Cyrillic (1958-1991).
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "x",
    "ц": "ts",
    "ч": "ç",
    "ш": "ş",
    "щ": "şç",
    "ъ": "",
    "ы": "ı",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ә": "ə",
    "ғ": "ğ",
    "ҹ": "c",
    "һ": "h",
    "ө": "ö",
    "ү": "ü",
    "ҝ": "g",
    "ј": "y",
    "і": "i",
    "ї": "i",
    "є": "e",
}
_LETTERS = set("abcçdeəfgğhxıijkqlmnoöprsştuüvwyz")
_DIGRAPHS = (("dzh", "c"), ("dj", "c"), ("kh", "x"), ("sh", "ş"), ("ch", "ç"), ("gh", "ğ"), ("zh", "j"))
_VOWEL_CLASS = {v: "a" for v in "aeəiı"} | {v: "u" for v in "oöuü"}
_CONSONANT_CLASS = {"h": "g", "x": "g", "ğ": "g", "q": "g", "k": "g", "c": "j", "ç": "c", "ş": "s", "w": "v"}
# Endings cut from a word to its stem, longest first; a stem keeps at least three letters.
_SUFFIXES = tuple(
    sorted(
        (
            "ov",
            "ova",
            "ev",
            "eva",
            "yev",
            "yeva",
            "li",
            "lı",
            "lu",
            "lü",
            "ly",
            "zadə",
            "zade",
            "zada",
            "oğlu",
            "oglu",
            "oviç",
            "eviç",
            "yeviç",
            "ovna",
            "evna",
            "yevna",
        ),
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 3
# "oğlu" (son of) and "qızı" (daughter of) in any spelling, compared after a light fold.
_PATRONYMIC_WORDS = frozenset({"oglu", "ogli", "gizi"})
_LIGHT = str.maketrans({"ğ": "g", "ı": "i", "y": "i", "q": "g", "k": "g", "ü": "u", "ö": "o"})
_WORD = re.compile(r"[^\W\d_]+")


def normalise(text: str) -> str:
    """NFC, schwa variants fixed, Turkic lower case, Cyrillic transliterated; letters outside the
    Azerbaijani alphabet reduced to their base letter (é → e)."""
    lowered = az_lower(text or "")
    out: list[str] = []
    for ch in lowered:
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LETTERS or not ch.isalpha():
            out.append(ch)
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if base in _LETTERS else ch)
    return "".join(out)


def words(text: str) -> list[str]:
    """The normalised words of `text`, without the patronymic words oğlu/qızı."""
    found = []
    for word in _WORD.findall(normalise(text)):
        if _fold_digraphs(word).translate(_LIGHT) in _PATRONYMIC_WORDS:
            continue
        found.append(word)
    return found


def _fold_digraphs(word: str) -> str:
    for source, target in _DIGRAPHS:
        word = word.replace(source, target)
    return word


def stem(word: str) -> str:
    """The word without a surname or patronymic ending, when enough of it is left."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def skeleton(word: str) -> str:
    """The folded key of one normalised word (see the module docstring)."""
    word = stem(_fold_digraphs(word))
    # Devoice d behind h/x (Mehdi = Mehti = Mekhti), then drop h/x before a consonant (Mehmed = Memed).
    word = re.sub(r"(?<=[hx])d", "t", word)
    word = re.sub(r"[hx](?=[^aeəiıoöuüy])", "", word)
    out: list[str] = []
    seen_vowel = False
    for ch in word:
        if ch in _VOWEL_CLASS:
            if not seen_vowel:
                seen_vowel = True
                out.append(_VOWEL_CLASS[ch])
            continue
        if ch == "y" or ch not in _LETTERS:
            continue
        out.append(_CONSONANT_CLASS.get(ch, ch))
    collapsed: list[str] = []
    for ch in out:
        if not collapsed or collapsed[-1] != ch:
            collapsed.append(ch)
    return "".join(collapsed)


def name_tokens(text: str) -> list[str]:
    """The folded tokens of a name, in order, without empty or repeated ones."""
    tokens: list[str] = []
    for word in words(text):
        token = skeleton(word)
        if token and token not in tokens:
            tokens.append(token)
    return tokens


def name_key(text: str, *, max_length: int = 400) -> str:
    """The search key stored in Person.name_key: space-separated folded tokens, cut at a token."""
    key = ""
    for token in name_tokens(text):
        candidate = f"{key} {token}" if key else token
        if len(candidate) > max_length:
            break
        key = candidate
    return key


def query_keys(text: str) -> list[str]:
    """The folded tokens of a search query; a person matches when each is one of their key's tokens."""
    return name_tokens(text)


def same_name(a: str, b: str) -> bool:
    """True when two spellings fold to the same key ("Məmmədov Əli" and "Мамедов Али")."""
    return bool(name_key(a)) and name_key(a) == name_key(b)
