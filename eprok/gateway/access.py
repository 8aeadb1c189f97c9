"""Who may do what in the gateway: administration, register look-ups, e-Court deliveries.

Deny by default; objects a user may not see are reported as not found (404).
"""

from __future__ import annotations

# --- administration of the gateway (services, allow-list, message log) ------------------------------------

# --- register look-ups ----------------------------------------------------------------------------------------

# --- e-Court deliveries ---------------------------------------------------------------------------------------
