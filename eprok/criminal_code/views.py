"""Criminal Code pages: the searchable article list and an article with its versions (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import NotFound
from eprok.criminal_code import access, selectors
from eprok.criminal_code.models import GravityCategory

PAGE_SIZE = 50
HELP = {"help_page": "criminal-code"}


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Article or words of the title"), max_length=100, required=False)
    chapter = forms.TypedChoiceField(label=_("Chapter"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(
        label=_("Gravity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any gravity")), *GravityCategory.choices],
    )
    on = forms.DateField(label=_("In force on"), required=False)

    def __init__(self, *args: Any, chapters: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chapter"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All chapters")), *((c, str(c)) for c in chapters)]


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None, chapters=selectors.chapter_choices())
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    articles = selectors.article_list(user=request.user, **filters)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {**HELP, "form": form, "page": page, "query": query.urlencode()}
    template = (
        "criminal_code/_article_results.html"
        if request.headers.get("HX-Request")
        else "criminal_code/article_list.html"
    )
    return render(request, template, context)


@login_required
def article_detail(request: HttpRequest, number: str) -> HttpResponse:
    versions = selectors.article_versions(user=request.user, number=number)
    if not versions:
        raise Http404(str(_("There is no such article in the catalogue.")))
    try:
        current = access.get_article_for(request.user, number, on=timezone.localdate())
    except NotFound:
        current = versions[-1]
    context = {**HELP, "article": current, "versions": versions}
    return render(request, "criminal_code/article_detail.html", context)
