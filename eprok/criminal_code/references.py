"""References to a provision of the Code as written in case files: "177", "177.2", "177.2.3", "144-1.1".

The first component is the article (with an inserted "-N" suffix when any); the rest are its parts
(hissələr) and clauses (bəndlər).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed
from eprok.criminal_code.models import Article
from eprok.criminal_code.selectors import article_valid_on

_REFERENCE = re.compile(r"^(\d{1,4}(?:-\d{1,3})?)((?:\.\d{1,3})*)$")


class InvalidReference(ValidationFailed):
    code = "invalid_reference"
    default_message = _("This is not a valid reference to an article of the Criminal Code.")


@dataclass(frozen=True)
class Reference:
    article: Article
    parts: list[str]

    @property
    def number(self) -> str:
        return self.article.number

    def __str__(self) -> str:
        return ".".join([self.article.number, *self.parts])


def split_reference(text: str) -> tuple[str, list[str]]:
    """("177", ["2", "3"]) for "177.2.3"; InvalidReference when the text is malformed."""
    match = _REFERENCE.match((text or "").strip())
    if match is None:
        raise InvalidReference(details={"reference": (text or "")[:40]})
    number, rest = match.groups()
    return number, [p for p in rest.split(".") if p]


def parse_reference(text: str, *, on: dt.date | None = None) -> Reference:
    """The article in force on `on` (today by default) and the parts named; InvalidReference otherwise."""
    number, parts = split_reference(text)
    on = on or timezone.localdate()
    article = article_valid_on(number, on)
    if article is None:
        raise InvalidReference(
            _("There is no article %(number)s of the Criminal Code in force on %(date)s.")
            % {"number": number, "date": on.isoformat()},
            code="unknown_article",
            details={"reference": text.strip(), "article": number},
        )
    return Reference(article=article, parts=parts)
