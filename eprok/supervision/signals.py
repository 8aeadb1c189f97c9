"""The hook other modules attach to when a supervised case goes to court.

`indictment_approved` is sent with `case` (the SupervisedCase, now "sent to court") and `actor` inside the
approving transaction, after the approval is written: a receiver's rows (the court proceeding of the
courtwork module) commit or roll back with the approval itself.
"""

from django.dispatch import Signal

indictment_approved = Signal()
