"""The statistics API (mounted in eprok.core.api at /api/v1/stats): reports, dashboards, the drill-down,
the report builder with saved queries, background exports, and open data (public, no token)."""

from __future__ import annotations

from ninja import Router

from .api_builder import router as builder_router
from .api_dashboard import router as dashboard_router
from .api_links import router as links_router
from .api_open import router as open_router
from .api_reports import router as reports_router

router = Router(tags=["statistics"])
router.add_router("", reports_router)
router.add_router("", dashboard_router)
router.add_router("", builder_router)
router.add_router("", links_router)
router.add_router("/open-data", open_router)
