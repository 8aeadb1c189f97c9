"""Register numbers: one sequence per register, scope (unit) and year; no gaps, no duplicates.

A number is taken inside the transaction that creates the record. The counter row is incremented
with one UPDATE, which locks it until commit, so a concurrent registration waits and takes the next
value; if the registration rolls back, so does the increment, and the number is not lost.

Patterns come from settings.EPROK_REGISTER_PATTERNS (register -> pattern) with the placeholders
{prefix}, {unit} (the unit's code in capitals), {year}, {yy} and {seq} (which accepts a format spec,
e.g. {seq:05d}). Numbers are used in URLs, so patterns must not produce "/".
"""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed
from eprok.core.models import RegisterSequence

REQUIRED_FIELDS = frozenset({"unit", "seq"})
YEAR_FIELDS = frozenset({"year", "yy"})
ALLOWED_FIELDS = frozenset({"prefix", "unit", "year", "yy", "seq"})

DEFAULT_PATTERNS: dict[str, str] = {
    "materials": "{prefix}-{unit}-{year}-{seq:05d}",
    "cases": "{prefix}-{unit}-{year}-{seq:05d}",
    "appeals": "{prefix}-{unit}-{year}-{seq:05d}",
    "hotline": "{prefix}-{unit}-{year}-{seq:05d}",
    "correspondence_in": "{prefix}-{unit}-{year}-{seq:05d}",
    "correspondence_out": "{prefix}-{unit}-{year}-{seq:05d}",
    "special": "{prefix}-{unit}-{year}-{seq:05d}",
    "training": "{prefix}-{unit}-{year}-{seq:05d}",
    "certificate": "{prefix}-{unit}-{year}-{seq:05d}",
}
# CM: cinayət materialı (crime report); CI: cinayət işi (criminal case); AP: appeal (müraciət);
# QX: qaynar xətt (the 161 hotline); DM / XM: daxil olan / xaric olan məktub (incoming / outgoing letter);
# XSM: xüsusi məlumat (a special report on a serious incident); TT: təlim tədbiri (a training event);
# SRT: sertifikat (a certificate of completion of a distance-learning course).
DEFAULT_PREFIXES: dict[str, str] = {
    "materials": "CM",
    "cases": "CI",
    "appeals": "AP",
    "hotline": "QX",
    "correspondence_in": "DM",
    "correspondence_out": "XM",
    "special": "XSM",
    "training": "TT",
    "certificate": "SRT",
}


def pattern_fields(pattern: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}


def check_pattern(pattern: str) -> None:
    """A pattern must name the unit, the year and the sequence, or numbers could repeat."""
    try:
        fields = pattern_fields(pattern)
    except ValueError as exc:
        raise ValidationFailed(_("The number pattern is malformed."), code="pattern_invalid") from exc
    if (
        "/" in pattern
        or not fields >= REQUIRED_FIELDS
        or not fields & YEAR_FIELDS
        or not fields <= ALLOWED_FIELDS
    ):
        raise ValidationFailed(
            _("A number pattern must contain {unit}, {seq} and {year} or {yy}, and nothing else in braces."),
            code="pattern_invalid",
        )


def pattern_for(register: str) -> str:
    patterns = {**DEFAULT_PATTERNS, **getattr(settings, "EPROK_REGISTER_PATTERNS", {})}
    return patterns[register]


def format_number(pattern: str, *, prefix: str, unit: str, year: int, seq: int) -> str:
    return pattern.format(prefix=prefix, unit=unit.upper(), year=year, yy=f"{year % 100:02d}", seq=seq)


def next_value(*, register: str, scope: str, year: int) -> int:
    """Take the next value of the sequence; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside the transaction that creates the record")
    counter = RegisterSequence.objects.filter(register=register, scope=scope, year=year)
    for _attempt in range(3):
        if counter.update(last_value=F("last_value") + 1):
            return int(counter.values_list("last_value", flat=True).get())
        try:
            with transaction.atomic():
                RegisterSequence.objects.create(register=register, scope=scope, year=year, last_value=1)
            return 1
        except IntegrityError:
            continue  # another registration created the row first: increment it
    raise RuntimeError(f"could not take a number in {register}/{scope}/{year}")


def next_number(*, register: str, unit_code: str, on: dt.date) -> str:
    """The next register number for `unit_code` in the year of `on`, formatted by the register's pattern."""
    pattern = pattern_for(register)
    check_pattern(pattern)
    seq = next_value(register=register, scope=unit_code, year=on.year)
    prefix = {**DEFAULT_PREFIXES, **getattr(settings, "EPROK_REGISTER_PREFIXES", {})}.get(register, "")
    return format_number(pattern, prefix=prefix, unit=unit_code, year=on.year, seq=seq)
