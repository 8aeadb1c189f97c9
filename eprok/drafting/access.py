"""Who may do what with templates and generation.

- Generating from a template for an owner: whoever may attach documents to the owner
  (`eprok.documents.access.get_owner_for`, re-exported here: the owner's own rules, then `can_attach`); an
  owner the user may not see is a 404, one they see but may not add to is an audited 403.
- Reading the template list for generation: any signed-in employee (the texts are not protected data).
- Administering templates (edit, preview, publish, retire, compare): Role.MANAGE_TEMPLATES, anywhere.
"""

from __future__ import annotations

from typing import Any, NoReturn

from eprok.core.access import deny
from eprok.documents.access import get_owner_for  # noqa: F401  (the owner look-up is the documents' own)
from eprok.drafting.models import Template
from eprok.org.grants import has_role
from eprok.org.roles import Role


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_manage_templates(user: Any) -> bool:
    return _signed_in(user) and has_role(user, Role.MANAGE_TEMPLATES)


def require_manage(user: Any, key: str = "templates") -> None:
    if not can_manage_templates(user):
        deny(
            user,
            action="drafting.template.manage",
            target_type="drafting.template",
            target_key=key,
            visible=True,
        )


def get_template_for(user: Any, code: str, action: str = "view") -> Template:
    """A template by code: "view" for any signed-in user (active templates only unless they manage),
    "manage" for template administrators."""
    template = Template.objects.filter(code=code).first()
    manager = can_manage_templates(user)
    if template is None or not _signed_in(user) or (not template.is_active and not manager):
        deny(
            user,
            action=f"drafting.template.{action}",
            target_type="drafting.template",
            target_key=code[:64],
            visible=False,
        )
    if action == "manage" and not manager:
        deny(
            user,
            action="drafting.template.manage",
            target_type="drafting.template",
            target_key=code,
            visible=True,
        )
    return template


def deny_unpublished(user: Any, template: Template) -> NoReturn:
    """A template with no such (published) version: 404."""
    deny(
        user,
        action="drafting.template.version",
        target_type="drafting.template",
        target_key=template.code,
        visible=False,
    )
