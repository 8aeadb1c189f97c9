"""Checks of identifiers an employee record carries."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed

# FIN (fərdi identifikasiya nömrəsi): 7 characters, digits and Latin capitals without I and O.
FIN_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")


def normalise_fin(value: str | None) -> str | None:
    """The FIN upper-cased and stripped, or None when empty; raises ValidationFailed when malformed."""
    fin = (value or "").strip().upper()
    if not fin:
        return None
    if not FIN_RE.match(fin):
        raise ValidationFailed(
            _("A FIN has 7 characters: digits and Latin capital letters except I and O."),
            code="invalid_fin",
            details={"field": "fin"},
        )
    return fin
