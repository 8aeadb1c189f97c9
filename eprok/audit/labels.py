"""Human labels of audit actions, shown in the viewer; an action missing here is shown as its code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    # Organisation
    "org.unit.created": _("Unit created"),
    "org.unit.updated": _("Unit changed"),
    "org.unit.moved": _("Unit moved in the structure"),
    "org.unit.deactivated": _("Unit deactivated"),
    "org.employee.created": _("Employee added"),
    "org.employee.updated": _("Employee's details changed"),
    "org.employee.deactivated": _("Employee deactivated"),
    "org.employee.clearance_changed": _("Employee's clearance changed"),
    "org.role_assignment.granted": _("Role granted"),
    "org.role_assignment.ended": _("Role withdrawn"),
    # Accounts and sign-in
    "accounts.login.succeeded": _("Signed in"),
    "accounts.login.failed": _("Sign-in failed"),
    "accounts.login.locked": _("Account locked after failed sign-ins"),
    "accounts.logout": _("Signed out"),
    "accounts.session.expired": _("Session expired after inactivity"),
    "accounts.totp.enrolled": _("Two-factor authentication set up"),
    "accounts.totp.failed": _("Wrong two-factor code"),
    "accounts.totp.reset": _("Two-factor authentication reset"),
    "accounts.password.changed": _("Password changed"),
    "accounts.password.reset_requested": _("Password reset requested"),
    "accounts.token.created": _("API token created"),
    "accounts.token.revoked": _("API token revoked"),
    # Audit
    "audit.chain.verified": _("Audit chain verified"),
    "audit.log.read": _("Audit log read"),
    "audit.log.exported": _("Audit log exported"),
    "audit.event.read": _("Audit event opened"),
    # Saved filters of lists
    "core.saved_filter.created": _("Saved filter created"),
    "core.saved_filter.updated": _("Saved filter changed"),
    "core.saved_filter.deleted": _("Saved filter deleted"),
    # Access
    "access.denied": _("Access denied"),
    "access.explained": _("Access explained to an administrator"),
    # Notifications
    "notifications.notification.sent": _("Notification sent"),
    "notifications.notification.read": _("Notification read"),
    "notifications.notification.all_read": _("All notifications marked as read"),
}


def action_label(action: str) -> Any:
    """The translated label of `action`, or the action code itself when it has none."""
    return ACTION_LABELS.get(action, action)


def known_action_prefixes() -> list[str]:
    """Every prefix of a known action ("org", "org.employee", ...), for the filter's suggestions."""
    prefixes: set[str] = set()
    for action in ACTION_LABELS:
        parts = action.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return sorted(prefixes)


def register_labels(labels: dict[str, Any]) -> None:
    """A module adds the labels of its own actions (from its AppConfig.ready)."""
    for action, label in labels.items():
        ACTION_LABELS.setdefault(action, label)
