"""Marking of quiz answers: pure functions, no database.

Rules (one place, so the pages, the API and the tests agree):

- Single choice and true/false: correct when the learner chose exactly the one correct option.
- Multiple choice is all-or-nothing: full points only when the set chosen equals the set of correct
  options; a missing or an extra option scores nothing (no partial credit, so that ticking every box
  never pays).
- Choice ids are cleaned first: ids that are not options of the question as shown are ignored, and a
  repeated id counts once. An answer that is left with no option is wrong.
- Short answer: correct when the answer equals one of the accepted answers after `normalise_answer`
  (spaces, Azerbaijani case and letters, trailing punctuation folded).
- percent = score / max × 100, rounded half-up to two decimals; passed = percent ≥ pass mark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from eprok.core.collation import az_lower

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
SHORT = "short"
CHOICE_KINDS = frozenset({SINGLE, MULTIPLE, TRUE_FALSE})
ONE_CORRECT_KINDS = frozenset({SINGLE, TRUE_FALSE})

# Azerbaijani letters folded to their plain Latin base (after lower-casing), so "Şəki" matches "seki".
_LETTER_FOLD = str.maketrans({"ə": "e", "ö": "o", "ü": "u", "ğ": "g", "ç": "c", "ş": "s", "ı": "i"})
_SPACES = re.compile(r"\s+")
_TRAILING_PUNCTUATION = ".,;:!?…"
_CENT = Decimal("0.01")


def normalise_answer(text: str | None) -> str:
    """The form of a short answer that is compared: trimmed, inner spaces collapsed, lower-cased with the
    Turkic i rules, Azerbaijani and other diacritics folded, trailing punctuation dropped."""
    value = _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
    value = az_lower(value).translate(_LETTER_FOLD)
    # Any remaining accent (é, ñ...) is dropped as well; the letters above have no decomposition.
    value = "".join(ch for ch in unicodedata.normalize("NFD", value) if not unicodedata.combining(ch))
    return value.rstrip(_TRAILING_PUNCTUATION + " ")


@dataclass(frozen=True)
class QuestionKey:
    """What marking needs of a question as it was shown: its kind, points, the option ids shown, which of
    them are correct, and the accepted answers of a short-answer question."""

    kind: str
    points: int
    options: tuple[int, ...] = ()
    correct: frozenset[int] = frozenset()
    accepted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    correct: bool
    points: Decimal
    choices: tuple[int, ...]
    text: str


def clean_choices(raw: Iterable[Any] | None, options: Iterable[int]) -> tuple[int, ...]:
    """The chosen ids that are options of the question, each once, in the order first given."""
    allowed = set(options)
    seen: list[int] = []
    for item in raw or ():
        try:
            value = int(item)
        except (TypeError, ValueError):
            continue
        if value in allowed and value not in seen:
            seen.append(value)
    return tuple(seen)


def is_drawable(*, kind: str, correct_count: int, option_count: int, accepted: Iterable[str]) -> bool:
    """Whether a question can be asked: a choice question has options and a right answer (exactly one for
    single choice and true/false), a short-answer question at least one non-empty accepted answer."""
    if kind in ONE_CORRECT_KINDS:
        return correct_count == 1 and option_count >= 2
    if kind == MULTIPLE:
        return correct_count >= 1 and option_count >= 2
    if kind == SHORT:
        return any(normalise_answer(answer) for answer in accepted)
    return False


def mark(key: QuestionKey, *, choices: Iterable[Any] | None = None, text: str | None = None) -> Mark:
    """Mark one answer to one question."""
    points = Decimal(key.points)
    if key.kind in CHOICE_KINDS:
        chosen = clean_choices(choices, key.options)
        correct_shown = key.correct & set(key.options)
        if key.kind in ONE_CORRECT_KINDS:
            right = len(correct_shown) == 1 and set(chosen) == correct_shown
        else:
            right = bool(correct_shown) and set(chosen) == correct_shown
        return Mark(correct=right, points=points if right else Decimal(0), choices=chosen, text="")
    answer = (text or "").strip()
    if key.kind == SHORT:
        given = normalise_answer(answer)
        accepted = {normalise_answer(item) for item in key.accepted} - {""}
        right = bool(given) and given in accepted
        return Mark(correct=right, points=points if right else Decimal(0), choices=(), text=answer)
    return Mark(correct=False, points=Decimal(0), choices=(), text=answer)


def percent(score: Decimal | int, max_score: Decimal | int) -> Decimal:
    """score / max × 100, rounded half-up to two decimals; 0 when nothing could be scored."""
    if not max_score:
        return Decimal("0.00")
    return (Decimal(score) * 100 / Decimal(max_score)).quantize(_CENT, rounding=ROUND_HALF_UP)


def passed(result_percent: Decimal, pass_mark: int) -> bool:
    return result_percent >= Decimal(pass_mark)
