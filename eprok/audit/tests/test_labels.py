"""Action labels: every known action reads as words in each language; an unknown one shows its code."""

from __future__ import annotations

import pytest
from django.utils import translation

from eprok.audit.labels import ACTION_LABELS, action_label, known_action_prefixes


def test_an_unknown_action_is_shown_as_its_code():
    assert action_label("cases.case.teleported") == "cases.case.teleported"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_known_action_is_translated(language):
    with translation.override("en"):
        english = {action: str(label) for action, label in ACTION_LABELS.items()}
    with translation.override(language):
        untranslated = [action for action, label in ACTION_LABELS.items() if str(label) == english[action]]
    assert untranslated == []


def test_the_action_filter_suggests_every_prefix():
    prefixes = known_action_prefixes()
    assert {"org", "org.employee", "accounts.login", "audit"} <= set(prefixes)
    assert "org.employee.created" not in prefixes


def test_the_casework_modules_label_their_actions():
    assert str(action_label("materials.material.registered")) != "materials.material.registered"
    assert str(action_label("persons.person.merged")) != "persons.person.merged"
    assert str(action_label("cases.case.opened")) != "cases.case.opened"
    assert {"materials", "persons", "cases"} <= set(known_action_prefixes())
