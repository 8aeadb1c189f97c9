"""Who may do what with templates and generation.

- Generating from a template for an owner: whoever may attach documents to the owner (the owner's own
  rules, through eprok.documents.owners: `get_for(user, key, "view")` then `can_attach`); an owner the
  user may not see is a 404, one they see but may not add to is a 403.
- Reading the template list for generation: any signed-in employee (the texts are not protected data).
- Administering templates (edit, preview, publish, retire, compare): Role.MANAGE_TEMPLATES, anywhere.
"""

from __future__ import annotations

from typing import Any, NoReturn

from eprok.core.access import deny
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


def get_owner_for(user: Any, owner_type_label: str, key: str, *, action: str = "generate") -> tuple[Any, Any]:
    """(owner type, owner) when the user may generate documents for it.

    404 for an owner the user cannot see, 403 for one they see but may not add documents to."""
    from eprok.documents.owners import is_owner_type, owner_type

    if not is_owner_type(owner_type_label):
        deny(
            user,
            action=f"drafting.{action}",
            target_type=owner_type_label[:64],
            target_key=key[:64],
            visible=False,
        )
    kind = owner_type(owner_type_label)
    owner = kind.get_for(user, key, "view")
    if action == "generate" and not kind.can_attach(user, owner):
        deny(user, action="drafting.generate", target_type=kind.label, target_key=key, visible=True)
    return kind, owner


def deny_unpublished(user: Any, template: Template) -> NoReturn:
    """A template with no such (published) version: 404."""
    deny(
        user,
        action="drafting.template.version",
        target_type="drafting.template",
        target_key=template.code,
        visible=False,
    )
