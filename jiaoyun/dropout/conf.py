"""Module settings ([U] values of REFERENCE.md §3) with defaults; override through ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 适龄儿童少年: aged MIN..MAX (周岁) on the entry cut-off date (month, day) of the school year.
    "DROPOUT_AGE_MIN": 6,
    "DROPOUT_AGE_MAX": 15,
    "DROPOUT_CUTOFF_MONTH_DAY": (8, 31),
    # 名在人不在: unexcused absence on this many consecutive school days makes a suspected dropout.
    "DROPOUT_ABSENCE_DAYS": 5,
    # Days allowed for each step of the 四步法 (宣传教育, 责令改正, 行政处罚, 诉讼/强制执行).
    "DROPOUT_STEP_DAYS": {1: 7, 2: 15, 3: 30, 4: 60},
    # An overdue step climbs one level up each line at most once per this many days.
    "DROPOUT_ESCALATION_DAYS": 7,
    # 巩固观察: months of follow-up after a return before the case may be closed (销号).
    "DROPOUT_OBSERVE_MONTHS": 3,
    # Document numbers: 〔issuer code〕〔kind code〕〔year〕第N号 — one sequence per issuer per year; the kind code
    # is only a label in the number.
    "DROPOUT_DOC_PREFIX": {
        "return_notice": "复",
        "correction_notice": "责改",
        "penalty_notice": "罚告",
        "penalty_decision": "罚决",
        "reminder": "催告",
        "court_application": "强执申",
        "complaint": "诉",
    },
    # Step 3: days the guardian has to state and defend (陈述、申辩) or ask for a hearing after the
    # 行政处罚事先告知书 (行政处罚法 §64: a hearing is asked for within 5 days of the notice).
    "DROPOUT_ANSWER_DAYS": 5,
    # Step 3: a fine at or above this amount (yuan) is a 较大数额罚款 — the notice states the right to a hearing
    # (行政处罚法 §63). Set it to the figure fixed by the province.
    "DROPOUT_HEARING_FINE": 2000,
    # Step 3: days to perform a 行政处罚决定书 (罚款 within 15 days, 行政处罚法 §67).
    "DROPOUT_PERFORM_DAYS": 15,
    # Step 4: days after the 催告书 before the court may be asked to enforce (行政强制法 §54: at least 10).
    "DROPOUT_REMINDER_DAYS": 10,
    # Step 3: the legal basis of the penalty as written in the notices (a provincial implementing regulation).
    "DROPOUT_PENALTY_BASIS": "《中华人民共和国义务教育法》第五十八条及本省实施《中华人民共和国义务教育法》的有关规定",
    # Step 4: the court that receives applications and suits ("" = the county's 人民法院).
    "DROPOUT_COURT": "",
    # Monthly bulletin: 约谈 when a township has at least this many overdue steps or cases still out;
    # 限期整改 for schools with at least this many overdue steps.
    "DROPOUT_INTERVIEW_OVERDUE": 5,
    "DROPOUT_INTERVIEW_STILL_OUT": 10,
    "DROPOUT_RECTIFY_OVERDUE": 1,
    # 表扬: no overdue step and at least this share (percent) of confirmed cases back in school.
    "DROPOUT_COMMEND_RATE": 80.0,
    # Monthly bulletin PDF: the schools' table lists at most this many schools (most overdue steps and cases still
    # out first); the others are counted in a sentence, and every school is in the bulletin's workbook (学校 sheet).
    # Stored in each bulletin's figures when it is generated, so an archived PDF re-renders the same.
    "DROPOUT_BULLETIN_SCHOOL_ROWS": 50,
    # 四查三比对 on PostgreSQL: ``work_mem`` for its transaction, so that joining the roster to the register at
    # province scale hashes in memory instead of spilling to disk ("" = the server's setting).
    "DROPOUT_CROSSMATCH_WORK_MEM": "256MB",
}


def get(key: str) -> Any:
    return settings.JIAOYUN.get(key, DEFAULTS[key])
