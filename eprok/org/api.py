"""API operations of this app (mounted in eprok.core.api)."""

from __future__ import annotations

from ninja import Router

router = Router()
