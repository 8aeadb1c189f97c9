"""API operations of this app (mounted in eprok.core.api at /api/v1/cases)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
