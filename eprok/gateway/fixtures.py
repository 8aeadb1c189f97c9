"""The gateway's configured services and inbound allow-list, loaded from fixtures/services.json.

Rerunnable: existing rows (matched by code, or by client and service) keep what administrators changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "services.json"


def load_services(service_model: Any, permission_model: Any) -> tuple[int, int]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    services = permissions = 0
    for row in data["services"]:
        row = dict(row)
        code = row.pop("code")
        _obj, created = service_model.objects.get_or_create(code=code, defaults=row)
        services += created
    for row in data["inbound"]:
        _obj, created = permission_model.objects.get_or_create(
            client=row["client"], service=row["service"], defaults={"note": row.get("note", "")}
        )
        permissions += created
    return services, permissions
