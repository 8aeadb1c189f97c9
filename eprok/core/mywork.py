"""The "My work" registry: each module contributes the items a user has to act on.

A module registers a provider in its AppConfig.ready():

    from eprok.core.mywork import WorkItem, register_provider

    def my_checks(user) -> list[WorkItem]:
        return [WorkItem(title=m.number, url=m.get_absolute_url(), module=_("Crime reports"),
                         kind=_("Check"), due=m.check_due) for m in selectors.material_assigned(user=user)]

    register_provider(my_checks)

A provider must be cheap (one or two queries, bounded by a limit): the page calls every provider.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkItem:
    """One thing on a user's desk: a check, a case, an appeal, an instruction to acknowledge."""

    title: str
    url: str
    module: Any  # the module's name, translatable ("Appeals")
    kind: Any  # what the item is, translatable ("Check", "Instruction")
    due: dt.date | None = None
    detail: str = ""

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today

    def days_left(self, today: dt.date) -> int | None:
        return (self.due - today).days if self.due is not None else None


Provider = Callable[[Any], list[WorkItem]]

_PROVIDERS: dict[str, Provider] = {}


def register_provider(provider: Provider, *, name: str | None = None) -> None:
    """Add (or replace, by name) a provider of work items; registering twice does not duplicate."""
    _PROVIDERS[name or f"{provider.__module__}.{provider.__qualname__}"] = provider


def unregister_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def work_items(user: Any) -> list[WorkItem]:
    """Every provider's items for `user`.

    In production a failing provider is logged and skipped, so one broken module does not take the
    landing page down; under the test suite it raises, so the bug is seen.
    """
    items: list[WorkItem] = []
    for name, provider in list(_PROVIDERS.items()):
        try:
            items.extend(provider(user))
        except Exception:
            if getattr(settings, "TESTING", False):
                raise
            logger.exception("My work provider %s failed", name)
    return items


def nearest_deadlines(items: list[WorkItem], limit: int = 10) -> list[WorkItem]:
    dated = [item for item in items if item.due is not None]
    return sorted(dated, key=lambda item: (item.due, str(item.title)))[:limit]
