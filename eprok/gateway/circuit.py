"""A circuit breaker per gateway service, shared by every app server through the database.

Closed: calls go through; each failure (no answer, unreachable, 5xx, malformed answer) adds one to
`failures`, a success resets it. When failures reach the service's threshold the circuit opens: calls are
refused at once, without trying, until `opened_until`. After that the first caller claims one trial call
(a conditional UPDATE, so exactly one wins) — its success closes the circuit, its failure opens it again.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from .models import CircuitState, RemoteService


def _state(service: RemoteService) -> CircuitState:
    state, _created = CircuitState.objects.get_or_create(service=service)
    return state


def _known_state(service: RemoteService) -> CircuitState | None:
    """The state row as loaded with the service (`select_related("circuit")`), or read; None: never failed."""
    try:
        return service.circuit
    except CircuitState.DoesNotExist:
        return None


def allow(service: RemoteService, *, now: dt.datetime | None = None) -> bool:
    """True when a call may be tried now (closed circuit, or this caller won the trial of an open one)."""
    now = now or timezone.now()
    state = _known_state(service)
    if state is None or state.opened_until is None:
        return True
    if now < state.opened_until:
        return False
    # Half-open: claim the single trial by pushing the window forward; whoever updates the row wins.
    claimed = CircuitState.objects.filter(pk=state.pk, opened_until=state.opened_until).update(
        opened_until=now + dt.timedelta(seconds=service.cooldown)
    )
    return claimed == 1


def record_success(service: RemoteService) -> None:
    """A success closes the circuit; nothing is written when it was closed and clean already."""
    state = _known_state(service)
    if state is None or (state.failures == 0 and state.opened_until is None):
        return
    CircuitState.objects.filter(pk=state.pk).update(failures=0, opened_until=None)
    state.failures, state.opened_until = 0, None


def record_failure(service: RemoteService, *, now: dt.datetime | None = None) -> bool:
    """Count a failure; returns True when this failure opened (or re-opened) the circuit."""
    now = now or timezone.now()
    state = _state(service)
    CircuitState.objects.filter(pk=state.pk).update(failures=F("failures") + 1)
    state.refresh_from_db(fields=["failures", "opened_until"])
    service.circuit = state
    if state.failures >= service.failure_threshold:
        state.opened_until = now + dt.timedelta(seconds=service.cooldown)
        CircuitState.objects.filter(pk=state.pk).update(opened_until=state.opened_until)
        return True
    return False


def is_open(service: RemoteService, *, now: dt.datetime | None = None) -> bool:
    state = CircuitState.objects.filter(service=service).first()
    return bool(state and state.opened_until and (now or timezone.now()) < state.opened_until)
