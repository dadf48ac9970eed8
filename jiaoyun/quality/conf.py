"""Settings of the quality module (``settings.JIAOYUN``), with their defaults.

* ``QUALITY_PUBLICITY_WORKING_DAYS``: the length of a 公示 in working days. The national text (教基二〔2014〕11号)
  requires a 公示 but sets no length; provinces set ≥5 (Beijing) or ≥10 working days. Default 5.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "QUALITY_PUBLICITY_WORKING_DAYS": 5,
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])
