"""Marking rules of quiz answers (eprok.learning.scoring): pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eprok.learning import scoring
from eprok.learning.scoring import QuestionKey, mark, normalise_answer

SINGLE = QuestionKey(kind="single", points=1, options=(11, 12, 13), correct=frozenset({11}))
MULTIPLE = QuestionKey(kind="multiple", points=2, options=(21, 22, 23, 24), correct=frozenset({21, 22}))
TRUE_FALSE = QuestionKey(kind="true_false", points=1, options=(31, 32), correct=frozenset({32}))
SHORT = QuestionKey(kind="short", points=3, accepted=("Cinayət-Prosessual Məcəlləsi", "CPM"))


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ([11], True),
        (["11"], True),  # ids from a form arrive as text
        ([11, 11], True),  # a repeated id counts once
        ([11, 999], True),  # an unknown id is ignored
        ([999], False),  # ...and an answer of unknown ids only is wrong
        ([12], False),
        ([11, 12], False),  # two options on a single-choice question
        ([11, 12, 13], False),
        ([], False),
        (None, False),
        (["x", None], False),
    ],
)
def test_single_choice_is_right_only_with_exactly_the_correct_option(chosen, right):
    result = mark(SINGLE, choices=chosen)
    assert result.correct is right
    assert result.points == (Decimal(1) if right else Decimal(0))


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ([21, 22], True),
        ([22, 21], True),
        ([21, 22, 22, 21], True),
        ([21, 22, 777], True),
        ([21], False),  # all-or-nothing: a missing option scores nothing
        ([21, 22, 23], False),  # ...and so does an extra one
        ([21, 22, 23, 24], False),  # ticking every box never pays
        ([], False),
        ([777, 778], False),
    ],
)
def test_multiple_choice_is_all_or_nothing(chosen, right):
    result = mark(MULTIPLE, choices=chosen)
    assert result.correct is right
    assert result.points == (Decimal(2) if right else Decimal(0))


def test_cleaned_choices_keep_the_first_order_and_drop_unknown_and_repeated_ids():
    assert scoring.clean_choices([22, "21", 22, 5, "a"], (21, 22, 23)) == (22, 21)


@pytest.mark.parametrize(("chosen", "right"), [([32], True), ([31], False), ([31, 32], False), ([], False)])
def test_true_false_is_right_only_with_the_right_statement(chosen, right):
    assert mark(TRUE_FALSE, choices=chosen).correct is right


def test_a_correct_option_that_was_not_shown_cannot_be_chosen():
    key = QuestionKey(kind="single", points=1, options=(12, 13), correct=frozenset({11}))
    assert not mark(key, choices=[11]).correct
    assert not mark(key, choices=[12]).correct


@pytest.mark.parametrize(
    "answer",
    [
        "Cinayət-Prosessual Məcəlləsi",
        "  cinayət-prosessual   məcəlləsi  ",
        "CİNAYƏT-PROSESSUAL MƏCƏLLƏSİ",
        "cinayet-prosessual mecellesi",  # typed without Azerbaijani letters
        "Cinayət-Prosessual Məcəlləsi.",
        "Cinayət-Prosessual Məcəlləsi?!",
        "cpm",
        "CPM.",
    ],
)
def test_short_answer_matches_after_folding(answer):
    result = mark(SHORT, text=answer)
    assert result.correct
    assert result.points == Decimal(3)


@pytest.mark.parametrize(
    "answer", ["", "   ", "...", "Cinayət Məcəlləsi", "Cinayət-Prosessual", "CPM x", None]
)
def test_short_answer_is_wrong_when_empty_or_different(answer):
    result = mark(SHORT, text=answer)
    assert not result.correct
    assert result.points == Decimal(0)


def test_short_answer_ignores_chosen_options():
    assert not mark(SHORT, choices=[1, 2]).correct


def test_an_empty_accepted_answer_never_matches_an_empty_answer():
    key = QuestionKey(kind="short", points=1, accepted=("", "  "))
    assert not mark(key, text="").correct


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("İstintaq", "istintaq"),
        ("ISTINTAQ", "istintaq"),  # dotless I folds to i too
        ("ıstıntaq", "istintaq"),
        ("Şəki Gəncə Ağdam", "seki gence agdam"),
        ("Öz Üzü Çay", "oz uzu cay"),
        ("a\t \n b", "a b"),
        ("Café…", "cafe"),
        ("sual.", "sual"),
        ("ә", "e"),  # Cyrillic schwa typed by mistake
        ("", ""),
    ],
)
def test_normalise_answer(text, folded):
    assert normalise_answer(text) == folded


@pytest.mark.parametrize(
    ("score", "maximum", "expected"),
    [
        (0, 3, Decimal("0.00")),
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (3, 3, Decimal("100.00")),
        (1, 8, Decimal("12.50")),
        (Decimal("1"), 200000, Decimal("0.00")),
        (Decimal("1"), 40000, Decimal("0.00")),  # 0.0025 → 0.00
        (Decimal("1"), 8000, Decimal("0.01")),  # 0.0125 → 0.01
        (Decimal("1"), 400, Decimal("0.25")),
        (Decimal("1"), 1600, Decimal("0.06")),
        (Decimal("1"), 800, Decimal("0.13")),  # 0.125: half up, not to even
        (Decimal("5"), 16, Decimal("31.25")),
        (5, 0, Decimal("0.00")),
    ],
)
def test_percent_is_rounded_half_up_to_two_decimals(score, maximum, expected):
    assert scoring.percent(score, maximum) == expected


def test_percent_exactly_at_the_pass_mark_passes_and_just_below_fails():
    assert scoring.passed(Decimal("70.00"), 70)
    assert not scoring.passed(Decimal("69.99"), 70)
    assert scoring.passed(scoring.percent(7, 10), 70)
    assert not scoring.passed(scoring.percent(69, 100), 70)
    assert scoring.passed(Decimal("100.00"), 100)


@pytest.mark.parametrize(
    ("kind", "correct", "options", "accepted", "drawable"),
    [
        ("single", 1, 3, [], True),
        ("single", 0, 3, [], False),  # no correct option: never drawn
        ("single", 2, 3, [], False),
        ("single", 1, 1, [], False),
        ("true_false", 1, 2, [], True),
        ("true_false", 0, 2, [], False),
        ("multiple", 2, 4, [], True),
        ("multiple", 0, 4, [], False),
        ("multiple", 4, 4, [], True),
        ("short", 0, 0, ["CPM"], True),
        ("short", 0, 0, [], False),
        ("short", 0, 0, [" ", "."], False),
        ("essay", 1, 2, ["x"], False),
    ],
)
def test_which_questions_can_be_drawn(kind, correct, options, accepted, drawable):
    assert (
        scoring.is_drawable(kind=kind, correct_count=correct, option_count=options, accepted=accepted)
        is drawable
    )


def test_an_unknown_kind_is_never_right():
    assert not mark(QuestionKey(kind="essay", points=1), text="x").correct
