"""Access primitives shared by every app's access.py.

Each app decides access to its own objects in its access.py with three kinds of function:
`visible_to(user)` (a queryset), `can_<action>(user, obj)` (a bool) and
`get_<entity>_for(user, key, action=)` which returns the object or raises NotFound (invisible)
or Forbidden (visible but the action is not allowed). Denials are audited by `deny`.
An app registers an explainer so administrators can ask "why can this user see this?".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from eprok.core.errors import Forbidden, NotFound


@dataclass
class Explanation:
    """Why a user can or cannot see an object, in sentences an administrator reads."""

    visible: bool
    reasons: list[str] = field(default_factory=list)
    actions: dict[str, bool] = field(default_factory=dict)


Explainer = Callable[[Any, str], tuple[Any, Explanation] | None]

# object type label (e.g. "org.employee") -> (verbose name, explainer(user, key))
_EXPLAINERS: dict[str, tuple[Any, Explainer]] = {}


def register_explainer(label: str, verbose_name: Any, explainer: Explainer) -> None:
    _EXPLAINERS[label] = (verbose_name, explainer)


def explainable_types() -> list[tuple[str, Any]]:
    return [(label, name) for label, (name, _fn) in sorted(_EXPLAINERS.items())]


def explain(user: Any, label: str, key: str) -> tuple[Any, Explanation] | None:
    """The object named by (label, key) and why `user` can or cannot see it; None if no such object."""
    entry = _EXPLAINERS.get(label)
    if entry is None:
        return None
    return entry[1](user, key)


def deny(user: Any, *, action: str, target_type: str, target_key: str, visible: bool) -> NoReturn:
    """Record a denied attempt on a protected object and raise the right error (404 or 403)."""
    from eprok.audit.services import audit_denied_access

    audit_denied_access(
        actor=user, action=action, target_type=target_type, target_key=target_key, visible=visible
    )
    if visible:
        raise Forbidden()
    raise NotFound()
