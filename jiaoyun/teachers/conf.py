"""Module settings ([U] values of REFERENCE.md §4–5), overridable through ``settings.JIAOYUN``.

The staffing ratios below only seed the ``StaffingStandard`` rows; once rows exist, the 人事股 edits
them in the app and the rows win.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 中央编办发〔2014〕72号 (unified urban/rural standard): students per staff member by level.
    # Class rule (班师比) for small schools: staff per class, applied when the level has fewer students than
    # ``small_below``; 教学点 always use the class rule as a floor. Boarding: extra staff per student boarder
    # school (生活管理、安保、卫生). Kindergarten: teachers and caregivers per class (2 + 1, boarding +1 + 1).
    "TEACHERS_STANDARDS": {
        "primary": {"students_per_staff": "19", "staff_per_class": "1.7", "small_below": 200, "boarding_rate": "0.01"},
        "junior": {"students_per_staff": "13.5", "staff_per_class": "3.0", "small_below": 300, "boarding_rate": "0.01"},
        "senior": {"students_per_staff": "12.5", "staff_per_class": "3.5", "small_below": 300, "boarding_rate": "0.01"},
        "preschool": {"teachers_per_class": "2", "caregivers_per_class": "1", "boarding_extra_per_class": "2"},
        "teaching_point": {"staff_per_class": "1.5"},
        "special": {"students_per_staff": "4"},
    },
    # Weekly periods per class per subject (课时) by level, and the weekly teaching load of one teacher.
    # Subject need = Σ classes × periods ÷ load.
    "TEACHERS_SUBJECT_HOURS": {
        "primary": {
            "chinese": 7,
            "math": 5,
            "english": 2,
            "pe": 3,
            "music": 2,
            "art": 2,
            "it": 1,
            "science": 2,
            "morality": 2,
        },
        "junior": {
            "chinese": 5,
            "math": 5,
            "english": 4,
            "pe": 3,
            "music": 1,
            "art": 1,
            "it": 1,
            "morality": 2,
            "physics": 2,
            "chemistry": 1,
            "biology": 2,
            "history": 2,
            "geography": 2,
        },
        "senior": {
            "chinese": 5,
            "math": 5,
            "english": 5,
            "pe": 2,
            "music": 1,
            "art": 1,
            "it": 1,
            "politics": 2,
            "physics": 3,
            "chemistry": 3,
            "biology": 3,
            "history": 2,
            "geography": 2,
        },
    },  # fmt: skip
    "TEACHERS_WEEKLY_LOAD": {"primary": 16, "junior": 14, "senior": 12},
    # Rotation (教师〔2014〕4号 and provincial rules).
    "TEACHERS_ROTATION_MIN_YEARS": 6,
    "TEACHERS_ROTATION_MIN_RATE": "0.10",
    "TEACHERS_ROTATION_MIN_BACKBONE_RATE": "0.20",
    # 骨干 levels that count toward the backbone share (教师〔2014〕4号: "骨干教师…不低于交流总数的20%").
    # Default: county level and above (县级及以上骨干); add "school" to count 校级骨干 as well.
    "TEACHERS_ROTATION_BACKBONE_LEVELS": ["county", "city", "province"],
    "TEACHERS_RETIREMENT_AGE": {"M": 60, "F": 55},
    "TEACHERS_ROTATION_EXEMPT_YEARS_BEFORE_RETIREMENT": 5,
    # Only these staffing kinds rotate (在编).
    "TEACHERS_ROTATION_STAFFING": ["established"],
    # 中小学教师违反职业道德行为处理办法 (2018): months a sanction lasts (None = permanent).
    "TEACHERS_SANCTION_MONTHS": {
        "warning": 6,
        "demerit": 12,
        "demotion": 24,
        "expulsion": None,
        "disqualification": 24,
    },
}


def get(key: str) -> Any:
    return settings.JIAOYUN.get(key, DEFAULTS[key])
