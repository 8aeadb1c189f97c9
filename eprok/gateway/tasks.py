"""The worker's side of the e-Court deliveries (`eprok worker`): sending one delivery.

Queued after the queueing transaction commits (ecourt.queue_send); if the worker is down the delivery
stays queued and due, and `manage.py gateway_sweep` (every minute) sends it. Sending twice is harmless: the
second run finds the delivery claimed or no longer queued, and the e-Court answers a repeated X-Road-Id
with its first answer.
"""

from __future__ import annotations

from django_tasks import task

from eprok.audit.context import audited_task


@task()
@audited_task
def delivery_send_task(delivery_pk: int) -> str:
    """One attempt to deliver; returns the delivery's status ("" when it no longer exists)."""
    from eprok.gateway.ecourt import delivery_send
    from eprok.gateway.models import CourtDelivery

    delivery = CourtDelivery.objects.filter(pk=delivery_pk).first()
    if delivery is None:
        return ""
    return str(delivery_send(delivery).status)


@task()
@audited_task
def deliveries_sweep_task() -> dict[str, int]:
    from eprok.gateway.ecourt import deliveries_sweep

    return deliveries_sweep()
