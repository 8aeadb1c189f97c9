"""(filled in by its module)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["statistics"])
