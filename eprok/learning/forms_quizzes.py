"""Forms of the quiz pages: banks, questions with their answer options, a quiz lesson's settings, and the
answers of an attempt. They parse input; the services in `quizzes` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from eprok.learning.models import Course, Question, QuestionBank, QuestionKind, QuizAttempt
from eprok.learning.quizzes import AnswerInput, ChoiceInput, QuestionInput, QuizInput
from eprok.training.forms import StyledForm

# Answer option rows a question form offers beyond the existing ones (JS adds more on demand).
SPARE_OPTION_ROWS = 2
MIN_OPTION_ROWS = 4


class BankForm(StyledForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    title = forms.CharField(label=_("Title of the question bank"), max_length=255)

    def __init__(self, *args: Any, courses: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = courses


class BankRenameForm(StyledForm):
    title = forms.CharField(label=_("Title of the question bank"), max_length=255)


class QuestionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100, initial=1)
    true_is_correct = forms.TypedChoiceField(
        label=_("The statement is"),
        required=False,
        choices=[("true", _("true")), ("false", _("false"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("For a true-or-false question."),
    )
    accepted_answers = forms.CharField(
        label=_("Accepted answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_(
            "For a short-answer question: one accepted answer per line. Capital letters, extra spaces, "
            "final punctuation and the Azerbaijani letters (ə, ö, ü, ğ, ç, ş, ı) typed without their marks "
            "do not matter."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Shown to the learner on the result page."),
    )


class OptionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Answer option"), required=False, max_length=500)
    is_correct = forms.BooleanField(label=_("correct"), required=False)


OptionFormSet = forms.formset_factory(OptionForm, extra=0, max_num=30, validate_max=True)


def option_formset(data: Any, question: Question | None) -> Any:
    """The answer option rows: the question's options and a few empty rows."""
    initial = []
    if question is not None and question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        initial = [{"id": o.id, "text": o.text, "is_correct": o.is_correct} for o in question.choices.all()]
    rows = max(MIN_OPTION_ROWS, len(initial) + SPARE_OPTION_ROWS)
    initial += [{} for _row in range(rows - len(initial))]
    formset = OptionFormSet(data, initial=initial, prefix="option")
    for form in formset.forms:
        form.fields["text"].widget.attrs["class"] = "usa-input"
        form.fields["is_correct"].widget.attrs["class"] = "usa-checkbox__input"
    return formset


def question_initial(question: Question) -> dict[str, Any]:
    true_option = next((o for o in question.choices.all() if o.position == 0), None)
    return {
        "kind": question.kind,
        "text": question.text,
        "points": question.points,
        "explanation": question.explanation,
        "accepted_answers": "\n".join(question.accepted_answers or []),
        "true_is_correct": (
            ("true" if true_option.is_correct else "false")
            if question.kind == QuestionKind.TRUE_FALSE and true_option
            else None
        ),
    }


def question_input(form: QuestionForm, formset: Any) -> QuestionInput:
    data = form.cleaned_data
    choices = tuple(
        ChoiceInput(text=row.get("text") or "", is_correct=bool(row.get("is_correct")), id=row.get("id"))
        for row in (f.cleaned_data for f in formset.forms)
        if row
    )
    return QuestionInput(
        kind=data["kind"],
        text=data["text"],
        points=data["points"],
        explanation=data.get("explanation") or "",
        choices=choices,
        accepted_answers=tuple((data.get("accepted_answers") or "").splitlines()),
        true_is_correct=data.get("true_is_correct"),
    )


class QuizSettingsForm(StyledForm):
    bank = forms.ModelChoiceField(label=_("Question bank"), queryset=QuestionBank.objects.none())
    question_count = forms.IntegerField(
        label=_("Questions per attempt"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Drawn at random from the bank's active questions; leave it empty to ask them all."),
    )
    shuffle_questions = forms.BooleanField(label=_("Questions in random order"), required=False, initial=True)
    shuffle_choices = forms.BooleanField(
        label=_("Answer options in random order"), required=False, initial=True
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit, minutes"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("Leave it empty for no time limit."),
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave it empty for no limit."),
    )
    pass_mark = forms.IntegerField(label=_("Pass mark, %"), min_value=1, max_value=100, initial=70)

    def __init__(self, *args: Any, banks: QuerySet[QuestionBank], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bank"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = banks

    def to_input(self) -> QuizInput:
        data = self.cleaned_data
        return QuizInput(
            bank=data["bank"],
            question_count=data.get("question_count"),
            shuffle_questions=bool(data.get("shuffle_questions")),
            shuffle_choices=bool(data.get("shuffle_choices")),
            time_limit_minutes=data.get("time_limit_minutes"),
            max_attempts=data.get("max_attempts"),
            pass_mark=data["pass_mark"],
        )


def answer_field(question_id: int) -> str:
    return f"q{question_id}"


def answers_from_post(post: QueryDict, attempt: QuizAttempt) -> dict[int, AnswerInput]:
    """The answers posted for the questions of the attempt's layout: options as `q<id>` (one or many),
    a short answer as `q<id>-text`. A question the form did not carry keeps its saved answer."""
    answers: dict[int, AnswerInput] = {}
    for entry in attempt.layout:
        question_id = int(entry["question"])
        name = answer_field(question_id)
        if f"{name}-shown" not in post:
            continue
        answers[question_id] = AnswerInput(
            choices=tuple(post.getlist(name)), text=post.get(f"{name}-text", "")[:500]
        )
    return answers
