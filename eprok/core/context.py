"""Where the current unit of work came from: a request, the CLI, or a background task.

The audit log reads this so that work done outside a request is attributed too.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkContext:
    source: str  # "web", "api", "cli", "task", "system"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[WorkContext | None] = ContextVar("eprok_work_context", default=None)


def current() -> WorkContext:
    ctx = _current.get()
    return ctx if ctx is not None else WorkContext(source="system")


@contextlib.contextmanager
def work_context(ctx: WorkContext) -> Iterator[WorkContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
