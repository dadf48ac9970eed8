"""Settings of the standards module ([U] values of REFERENCE.md §2 and §11), overridable via ``settings.JIAOYUN``.

Every key may be set in ``settings.JIAOYUN`` under the same name. The per-indicator thresholds of 教督〔2017〕6号
(§2.1) are [V] but held here all the same, so that a province's stricter rules need no code change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 资源配置 7 indicators: (小学, 初中) thresholds, REFERENCE §2.1.
    "STANDARDS_THRESHOLDS": {
        "qualified": (4.2, 5.3),
        "backbone": (1.0, 1.0),
        "pe_art": (0.9, 0.9),
        "teaching_area": (4.5, 5.8),
        "sports_area": (7.5, 10.2),
        "equipment": (2000.0, 2500.0),
        "multimedia": (2.3, 2.4),
    },
    # 校际差异系数 limits per indicator (§2.1 rules): 小学 ≤ 0.50, 初中 ≤ 0.45.
    "STANDARDS_CV_LIMITS": (0.50, 0.45),
    # How many of the 7 a school must meet, and the share of its threshold the remaining one must reach ([U] 85%).
    "STANDARDS_SCHOOL_MIN_MET": 6,
    "STANDARDS_REMAINDER_SHARE": 0.85,
    # 教学点 with fewer pupils than this are outside the resource indicators (§2, Hebei restatement).
    "STANDARDS_TEACHING_POINT_MIN_PUPILS": 50,
    # 高于规定学历: the lowest degree counted, per 学部 (§2.1 notes [U]): 小学 专科及以上, 初中 本科及以上.
    "STANDARDS_QUALIFIED_DEGREES": (
        ("college", "bachelor", "master", "doctor"),
        ("bachelor", "master", "doctor"),
    ),
    # 县级以上骨干教师.
    "STANDARDS_BACKBONE_LEVELS": ("county", "city", "province"),
    # 体育、艺术（美术、音乐）专任教师: main subjects counted.
    "STANDARDS_PE_ART_SUBJECTS": ("pe", "music", "art"),
    # Unit costs of the what-if's cheapest plan (元) [P]: a teacher for a year (salary and on-costs), a m² of
    # teaching building, a m² of sports ground, 1 元 of equipment, one networked multimedia classroom.
    "STANDARDS_UNIT_COSTS": {
        "teacher": Decimal("120000"),
        "building_m2": Decimal("3500"),
        "ground_m2": Decimal("300"),
        "equipment_yuan": Decimal("1"),
        "multimedia_room": Decimal("60000"),
    },
    # Steps of the cheapest-plan search for the 差异系数 (units added per step: m², 元).
    "STANDARDS_AREA_STEP": 50,
    "STANDARDS_EQUIPMENT_STEP": 10000,
    # 教育现代化示范校 per township and year (the seed: 1–2 per township).
    "STANDARDS_DEMO_PER_TOWNSHIP": (1, 2),
}


def get(key: str) -> Any:
    overrides = getattr(settings, "JIAOYUN", {}) or {}
    if key in overrides:
        return overrides[key]
    return DEFAULTS[key]
