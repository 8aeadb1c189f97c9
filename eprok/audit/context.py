"""Attributing work done outside a request: background tasks run in a "task" work context.

    @task()
    @audited_task
    def send_reminders(...): ...

Every audit event the task writes then carries source "task" and one request id per run, so the
events of one run can be found together. (The CLI opens WorkContext(source="cli") itself.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from eprok.core.context import WorkContext, work_context

P = ParamSpec("P")
T = TypeVar("T")


def audited_task(func: Callable[P, T]) -> Callable[P, T]:
    """Run `func` in its own work context with source "task"."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with work_context(WorkContext(source="task")):
            return func(*args, **kwargs)

    return run
