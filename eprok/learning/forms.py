"""Forms of the distance-learning pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.learning.models import Course, CourseStatus, LessonKind
from eprok.org.models import Position, Unit
from eprok.org.roles import Role
from eprok.training.forms import DateInput, InviteForm, StyledForm
from eprok.training.models import ThematicArea


class CatalogueFilterForm(StyledForm):
    q = forms.CharField(label=_("Search by title or area"), required=False, max_length=200)
    area = forms.ModelChoiceField(
        label=_("Thematic area"),
        required=False,
        queryset=ThematicArea.objects.filter(is_active=True),
        empty_label=_("Any"),
    )


class CourseForm(StyledForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("Small Latin letters, digits and hyphens, e.g. “ethics-2026”."),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    area = forms.ModelChoiceField(
        label=_("Thematic area"), queryset=ThematicArea.objects.filter(is_active=True)
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    hours = forms.DecimalField(label=_("Academic hours"), max_digits=5, decimal_places=1, min_value=0)
    certificate = forms.BooleanField(label=_("Completion earns a certificate"), required=False, initial=True)


class ModuleForm(StyledForm):
    title = forms.CharField(label=_("Title of the module"), max_length=255)


class LessonForm(StyledForm):
    title = forms.CharField(label=_("Title of the lesson"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of lesson"), choices=LessonKind.choices, initial=LessonKind.TEXT)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=100000,
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )
    video_url = forms.CharField(
        label=_("Video link"), required=False, max_length=500, help_text=_("An https:// address.")
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("For a PDF lesson a PDF document; for a video lesson an MP4, WebM or Ogg video."),
    )
    minutes = forms.IntegerField(label=_("Minutes to study"), min_value=1, max_value=600, initial=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "usa-file-input"


class AssignForm(InviteForm):
    """The circle of employees (as for inviting to a training event) and the due date."""

    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=DateInput,
        help_text=_("Leave it empty to give 30 days from today."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["names"].label = _("Employees by name")
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)  # type: ignore[attr-defined]


class RuleForm(StyledForm):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(status=CourseStatus.PUBLISHED)
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("—")), *Role.choices],
        help_text=_("Everyone holding the role, anywhere."),
    )
    position = forms.ModelChoiceField(
        label=_("Position"), required=False, queryset=Position.objects.all(), empty_label=_("—")
    )
    renew_months = forms.IntegerField(
        label=_("Renew every, months"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Leave it empty when the course is taken once."),
    )
    due_days = forms.IntegerField(label=_("Days to complete"), min_value=1, max_value=730, initial=30)
