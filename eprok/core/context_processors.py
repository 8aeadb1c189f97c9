"""Context every page of the shell needs: navigation by role, the user's unit, unread notifications.

Everything is computed lazily on first use, so a page that does not draw the shell (a fragment, the
public sign-in pages) costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from eprok.org.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    current: bool


def _plans_user(user: Any) -> bool:
    from eprok.training.access import menu_uses_plans

    return menu_uses_plans(user)


def _unit_head(user: Any) -> bool:
    from eprok.training.access import menu_heads_a_unit

    return menu_heads_a_unit(user)


def _training_analyst(user: Any) -> bool:
    """Administrators of training, and unit heads (the analysis of their unit's subtree)."""
    from eprok.org.grants import roles_of

    return Role.ADMINISTER_TRAINING in roles_of(user) or _unit_head(user)


# (label, url name, who opens it: the roles, a cheap predicate of the user, or None = everyone signed in).
# Order is the menu's order.
NAVIGATION: list[tuple[Any, str, frozenset[str] | Callable[[Any], bool] | None]] = [
    (_("My work"), "core:my_work", None),
    (
        _("Crime reports"),
        "materials:list",
        frozenset({Role.REGISTER_MATERIALS, Role.INVESTIGATE, Role.SUPERVISE}),
    ),
    (_("Criminal cases"), "cases:list", frozenset({Role.INVESTIGATE, Role.SUPERVISE, Role.PROSECUTE})),
    (_("Procedural supervision"), "supervision:list", frozenset({Role.SUPERVISE})),
    (_("Appeals"), "appeals:list", frozenset({Role.REGISTER_APPEALS, Role.ANSWER_APPEALS})),
    (_("Call centre"), "contact:workspace", frozenset({Role.OPERATE_CALLS, Role.SUPERVISE_CALLS})),
    (
        _("Hotline 161"),
        "contact:hotline_list",
        frozenset({Role.OPERATE_CALLS, Role.SUPERVISE_CALLS, Role.HOTLINE_CUSTODIAN}),
    ),
    (
        _("Special reports"),
        "special:list",
        frozenset({Role.REPORT_SPECIAL, Role.READ_SPECIAL, Role.DUTY_PROSECUTOR}),
    ),
    (_("Duty console"), "special:console", frozenset({Role.DUTY_PROSECUTOR})),
    (_("State prosecution in court"), "courtwork:list", frozenset({Role.PROSECUTE})),
    (_("Statistics"), "stats:home", frozenset({Role.VIEW_STATISTICS})),
    (_("e-Court deliveries"), "gateway:ecourt:list", frozenset({Role.PROSECUTE, Role.SUPERVISE})),
    (  # the roles the registers allow (eprok/gateway/fixtures/services.json); the page offers each its own
        _("State registers"),
        "gateway:registers:browser",
        frozenset({Role.INVESTIGATE, Role.SUPERVISE, Role.PROSECUTE, Role.REGISTER_MATERIALS}),
    ),
    (_("Training events"), "training:list", frozenset({Role.ADMINISTER_TRAINING, Role.TEACH_TRAINING})),
    (_("My training"), "training:my", None),
    (_("Thematic plans"), "training:plans", _plans_user),
    (_("Unit training record"), "training:unit_record", _unit_head),
    (_("My learning"), "learning:my", None),
    (_("Courses"), "learning:manage", frozenset({Role.ADMINISTER_TRAINING})),
    (_("Training analysis"), "training:analysis", _training_analyst),
    (_("Correspondence register"), "documents:correspondence_list", frozenset({Role.KEEP_CORRESPONDENCE})),
    (_("My signature"), "signing:my", None),
    (_("Signing certificates"), "signing:certificates", frozenset({Role.ADMINISTER_USERS})),
    (  # the person registry: every casework role, and the administrators who merge duplicates
        _("Persons"),
        "persons:search",
        frozenset(
            {
                Role.REGISTER_MATERIALS,
                Role.INVESTIGATE,
                Role.SUPERVISE,
                Role.PROSECUTE,
                Role.REGISTER_APPEALS,
                Role.ANSWER_APPEALS,
                Role.OPERATE_CALLS,
                Role.ADMINISTER_USERS,
            }
        ),
    ),
    (  # the roles each register names in eprok.core.calendar.access.register_unit_list_roles
        _("Overdue terms"),
        "core:unit_deadlines",
        frozenset(
            {
                Role.SUPERVISE,
                Role.REGISTER_MATERIALS,
                Role.REGISTER_APPEALS,
                Role.ANSWER_APPEALS,
                Role.SUPERVISE_CALLS,
                Role.KEEP_CORRESPONDENCE,
            }
        ),
    ),
    (_("Calendar and terms"), "core:calendar", None),
    (_("Criminal Code"), "criminal_code:article_list", None),
    (_("Organisation"), "org:unit_list", None),
    (_("Audit log"), "audit:event_list", frozenset({Role.READ_AUDIT})),
    (_("e-Government gateway"), "gateway:admin_services", frozenset({Role.ADMINISTER_GATEWAY})),
    (_("Document templates"), "drafting:templates", frozenset({Role.MANAGE_TEMPLATES})),
    # The page itself is for administrators at the root unit (notifications/outbound/access.py).
    (_("Messages to citizens"), "notifications:outbound_list", frozenset({Role.ADMINISTER_USERS})),
]


def safe_reverse(name: str, *args: Any) -> str | None:
    """The URL, or None while the page that would answer it is not there (its link is then hidden)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


# The shell's links without arguments are the same on every request: reversed once per process (for
# each script prefix and URLconf), not a dozen times per page.
_LINKS: dict[tuple[str, str, Any], str | None] = {}


def shell_url(name: str) -> str | None:
    """safe_reverse(name), remembered for the process."""
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    try:
        return _LINKS[key]
    except KeyError:
        url = _LINKS[key] = safe_reverse(name)
        return url


_UNREAD_ATTR = "_eprok_unread_count"


def prime_unread_count(request: HttpRequest, count: int) -> None:
    """A view that already knows the unread count hands it to the header, saving its query."""
    setattr(request, _UNREAD_ATTR, count)


def _is_current(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    return path.startswith(url)


class Shell:
    """The parts of the page frame that depend on the signed-in user."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user = getattr(request, "user", None)

    @property
    def signed_in(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated)

    @cached_property
    def nav(self) -> list[NavItem]:
        if not self.signed_in:
            return []
        from eprok.org.grants import roles_of

        roles = roles_of(self.user)
        items = []
        for label, url_name, needs in NAVIGATION:
            if callable(needs):
                if not needs(self.user):
                    continue
            elif needs is not None and not (roles & needs):
                continue
            url = shell_url(url_name)
            if url is not None:
                items.append(NavItem(label=label, url=url, current=_is_current(self.request.path, url)))
        return items

    @cached_property
    def unit_name(self) -> str:
        unit = getattr(self.user, "unit", None) if self.signed_in else None
        return unit.name if unit is not None else ""

    @cached_property
    def unread_count(self) -> int:
        if not self.signed_in:
            return 0
        known = getattr(self.request, _UNREAD_ATTR, None)
        if known is not None:
            return int(known)
        from eprok.notifications.selectors import notification_unread_count

        return notification_unread_count(user=self.user)

    @cached_property
    def links(self) -> dict[str, str | None]:
        return {key: shell_url(name) for key, name in _LINK_NAMES}


_LINK_NAMES = (
    ("home", "core:my_work"),
    ("notifications", "notifications:list"),
    ("unread_count", "notifications:unread_count"),
    ("security", "accounts:security"),
    ("logout", "accounts:logout"),
    ("login", "accounts:login"),
    ("set_language", "set_language"),
)


def shell(request: HttpRequest) -> dict[str, Any]:
    return {"shell": Shell(request), "EPROK_LANGUAGES": settings.LANGUAGES}
