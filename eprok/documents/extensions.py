"""Extension points of the document page and of an owner's documents panel.

Other modules add to the documents UI without the documents app knowing them:

    register_document_section(DocumentSection(key, template, context, order))
        a section on the document page below the versions (signing adds "Signatures");
        `context(request, document)` returns the template's context, or None to hide the section.
    register_owner_action(OwnerAction(key, label, url, allowed))
        a button on an owner's documents panel (drafting adds "Generate from a template").
        `url(owner_type_label, owner_key)` is its link; `allowed(user, owner_type, owner)` decides who
        sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentSection:
    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class OwnerAction:
    key: str
    label: Any  # translated
    url: Callable[[str, str], str]
    allowed: Callable[[Any, Any, Any], bool]


_SECTIONS: dict[str, DocumentSection] = {}
_ACTIONS: dict[str, OwnerAction] = {}


def register_document_section(section: DocumentSection) -> None:
    """Add (or replace, by key) a section of the document page."""
    _SECTIONS[section.key] = section


def register_owner_action(action: OwnerAction) -> None:
    """Add (or replace, by key) a button of every owner's documents panel."""
    _ACTIONS[action.key] = action


def document_sections() -> list[DocumentSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def owner_actions() -> list[OwnerAction]:
    return [_ACTIONS[key] for key in sorted(_ACTIONS)]


# Document.category holds a code that another app defines (a drafting template's code). That app names it.
_CATEGORY_NAMERS: list[Callable[[str], str | None]] = []


def register_category_namer(namer: Callable[[str], str | None]) -> None:
    """`namer(code)` returns the category's name in the active language, or None when it does not know it."""
    _CATEGORY_NAMERS.append(namer)


def category_name(code: str) -> str:
    """The name of a document category for people (e.g. the act's name), or the code itself."""
    for namer in _CATEGORY_NAMERS:
        name = namer(code) if code else None
        if name:
            return name
    return code
