"""Azerbaijani alphabetical order, in Python and in the database.

The alphabet is A B C Ç D E Ə F G Ğ H X I İ J K Q L M N O Ö P R S Ş T U Ü V Y Z (W sorts after V),
which is not Unicode order; case mapping is Turkic (I ↔ ı, İ ↔ i). SQLite gets a collation named
"az" on every connection; PostgreSQL gets an ICU collation of the same name (core migration 0001).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

T = TypeVar("T")

ALPHABET = "abcçdeəfgğhxıijkqlmnoöprsştuüvwyz"
COLLATION_NAME = "az"

_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
_UPPER_TO_LOWER = {"I": "ı", "İ": "i"}
# Cyrillic schwa and the 1992 'ä' are normalised to the Latin schwa on input.
_SCHWA_VARIANTS = {"ә": "ə", "Ә": "Ə", "ä": "ə", "Ä": "Ə"}


def az_lower(text: str) -> str:
    """Lower-case with the Turkic dotted/dotless i rules."""
    text = unicodedata.normalize("NFC", text)
    return "".join(_UPPER_TO_LOWER.get(ch) or _SCHWA_VARIANTS.get(ch, ch).lower() for ch in text)


def az_sort_key(text: str | None) -> tuple[tuple[int, int], ...]:
    """A key that orders strings in Azerbaijani alphabetical order, case-insensitively."""
    key: list[tuple[int, int]] = []
    for ch in az_lower(text or ""):
        rank = _RANK.get(ch)
        key.append((1, rank) if rank is not None else ((0, ord(ch)) if not ch.isalpha() else (2, ord(ch))))
    return tuple(key)


def az_sorted(items: Iterable[T], key: Callable[[T], str | None] | None = None) -> list[T]:
    if key is None:
        return sorted(items, key=lambda item: az_sort_key(str(item)))
    return sorted(items, key=lambda item: az_sort_key(key(item)))


def _sqlite_collate(a: str, b: str) -> int:
    ka, kb = az_sort_key(a), az_sort_key(b)
    return (ka > kb) - (ka < kb)


def az_order(field: str) -> Any:
    """An ORDER BY expression for Azerbaijani order on either database."""
    return Collate(F(field), COLLATION_NAME)


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION_NAME, _sqlite_collate)


def install() -> None:
    connection_created.connect(_on_connection, dispatch_uid="eprok.core.collation")
