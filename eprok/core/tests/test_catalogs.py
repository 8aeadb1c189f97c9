"""Every user-facing string is translated: az and ru catalogs are complete and current."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APPS = sorted(p.parents[3] for p in ROOT.glob("eprok/*/locale/az/LC_MESSAGES/django.po"))
# One catalog entry: optional fuzzy flag, msgid (multi-line), optional plural, msgstr(s).
ENTRY = re.compile(
    r'(#, fuzzy\n)?(?:#\|.*\n)*msgid ((?:".*"\n)+)'
    r'(?:msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr(?:\[\d\])? (?:".*"\n?)+)+)'
)


def _entries(po: Path) -> dict[str, tuple[bool, list[str]]]:
    text = po.read_text(encoding="utf-8") + "\n"
    found = {}
    for fuzzy, msgid, msgstrs in ENTRY.findall(text):
        key = "".join(re.findall(r'"(.*)"', msgid))
        if not key:
            continue
        values = [
            "".join(re.findall(r'"(.*)"', block)) for block in re.split(r"msgstr(?:\[\d\])? ", msgstrs)[1:]
        ]
        found[key] = (bool(fuzzy), values)
    return found


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_message_is_translated_and_none_is_fuzzy(app, language):
    entries = _entries(app / "locale" / language / "LC_MESSAGES" / "django.po")
    assert entries, "empty catalog"
    untranslated = [key for key, (fuzzy, values) in entries.items() if fuzzy or not all(values)]
    assert untranslated == [], f"{app.name}/{language}: untranslated or fuzzy: {untranslated[:10]}"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_the_catalog_holds_every_string_in_the_code(app, tmp_path, monkeypatch):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    from django.core.management import call_command

    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "static", "locale"))
    (copy / "locale").mkdir()
    # In this process (makemessages works on the current directory, and runs xgettext itself): the same
    # command as `django-admin makemessages` in the copy, without starting Django once more for each app.
    monkeypatch.chdir(copy)
    call_command("makemessages", "-l", "az", verbosity=0)
    current = set(_entries(copy / "locale" / "az" / "LC_MESSAGES" / "django.po"))
    committed = set(_entries(app / "locale" / "az" / "LC_MESSAGES" / "django.po"))
    missing = sorted(current - committed)
    assert missing == [], (
        f"{app.name}: strings missing from the catalog (run `make messages`): {missing[:10]}"
    )
