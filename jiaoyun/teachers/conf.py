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
    # Consequences of each 处理, as data (docs/teachers.md, "处分的后果"). Per type:
    #   months      — the period (None = permanent; missing type = no period, ends the day it starts);
    #   appraisal   — 年度考核 grades the teacher may not receive, and when: "decision_year" (the appraisal year
    #                 that contains the decision) or "period" (every appraisal year the period overlaps);
    #   promotion   — no 岗位等级晋升 / 职称聘任 to a higher post during the period;
    #   honour      — no 评优评先 during the period;
    #   ends_employment — the 人事关系 ends on the start date (no later appraisal, promotion, honour or round);
    #   source      — the legal text each consequence comes from (shown in refusals and on the pages).
    "TEACHERS_SANCTION_RULES": {
        "warning": {
            "months": 6,
            "appraisal": {"barred": ["excellent"], "when": "decision_year"},
            "promotion": True,
            "honour": True,
            "source": "事业单位工作人员处分规定第七条第一款（警告：受处分期间不得聘用到高于现聘岗位等级的岗位，"
            "作出处分决定的当年年度考核不能确定为优秀等次）；期间见第六条及中小学教师违反职业道德行为处理办法第三条",
        },
        "demerit": {
            "months": 12,
            "appraisal": {"barred": ["excellent", "competent"], "when": "period"},
            "promotion": True,
            "honour": True,
            "source": "事业单位工作人员处分规定第七条第二款（记过：受处分期间不得聘用到高于现聘岗位等级的岗位，"
            "年度考核不得确定为合格及以上等次）",
        },
        "demotion": {
            "months": 24,
            "appraisal": {"barred": ["excellent", "competent", "basic"], "when": "period"},
            "promotion": True,
            "honour": True,
            "source": "事业单位工作人员处分规定第七条第三款（降低岗位等级：降低一个以上岗位等级聘用；受处分期间"
            "不得聘用到高于受处分后所聘岗位等级的岗位，年度考核不得确定为基本合格及以上等次）",
        },
        "expulsion": {
            "months": None,
            "ends_employment": True,
            "source": "事业单位工作人员处分规定第七条第五款（开除：自处分决定生效之日起终止人事关系）",
        },
        "disqualification": {
            "months": 24,
            "promotion": True,
            "honour": True,
            "source": "中小学教师违反职业道德行为处理办法第三条（取消在评奖评优、职务晋升、职称评定、岗位聘用等"
            "方面的资格，执行期限不少于24个月）",
        },
    },
    # 师德考核不合格 (《关于加强和改进新时代师德师风建设的意见》, 2019): the 年度考核 of that year is 不合格, and
    # 职称评聘、推优评先 are vetoed (一票否决) in the assessed school year and this many following ones.
    "TEACHERS_ETHICS_FAIL_VETO_FOLLOWING_YEARS": 1,
}


def get(key: str) -> Any:
    return settings.JIAOYUN.get(key, DEFAULTS[key])
