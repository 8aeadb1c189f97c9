"""User guides: docs/user/<slug>.<lang>.md rendered as help pages.

Only files that exist are served (the slug is looked up, never joined into a path unchecked).
Azerbaijani is the primary language of the guides; English is the fallback, also for Russian.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings

GUIDE_FILE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>az|en|ru)\.md$")
# Guides readable before signing in.
PUBLIC = frozenset({"sign-in", "open-data"})
FALLBACKS = {"az": ("az", "en"), "en": ("en", "az"), "ru": ("ru", "en", "az")}


@dataclass(frozen=True)
class Guide:
    slug: str
    lang: str  # the language the text is in (may differ from the one asked for)
    title: str
    html: str


def guides_dir() -> Path:
    return Path(getattr(settings, "USER_GUIDES_DIR", settings.BASE_DIR / "docs" / "user"))


def _files() -> dict[str, dict[str, Path]]:
    found: dict[str, dict[str, Path]] = {}
    folder = guides_dir()
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = GUIDE_FILE.match(path.name)
        if match and path.is_file():
            found.setdefault(match["slug"], {})[match["lang"]] = path
    return found


def available() -> set[str]:
    return set(_files())


def _pick(files: dict[str, Path], lang: str) -> tuple[str, Path]:
    for candidate in FALLBACKS.get(lang[:2], ("az", "en")):
        if candidate in files:
            return candidate, files[candidate]
    first = sorted(files)[0]
    return first, files[first]


@lru_cache(maxsize=64)
def _render_file(path: str, mtime: float) -> tuple[str, str]:
    text = Path(path).read_text(encoding="utf-8")
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, flags=re.MULTILINE)
    html = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"], output_format="html")
    return (heading.group(1) if heading else Path(path).name), html


def render(slug: str, lang: str) -> Guide:
    """The guide in `lang` or its fallback; KeyError if there is no such guide."""
    files = _files()[slug]
    used, path = _pick(files, lang)
    title, html = _render_file(str(path), path.stat().st_mtime)
    return Guide(slug=slug, lang=used, title=title, html=html)


def index(lang: str | None = None) -> list[tuple[str, str]]:
    """(slug, title) of every guide, in the interface language where it exists, ordered by title."""
    from django.utils.translation import get_language

    lang = lang or get_language() or "az"
    entries = []
    for slug, files in _files().items():
        _used, path = _pick(files, lang)
        title, _html = _render_file(str(path), path.stat().st_mtime)
        entries.append((slug, title))
    from eprok.core.collation import az_sort_key

    return sorted(entries, key=lambda entry: az_sort_key(entry[1]))
