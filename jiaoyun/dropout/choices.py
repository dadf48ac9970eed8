"""Vocabularies of 控辍保学 (REFERENCE.md §3.4–3.6)."""

from __future__ import annotations

from django.db import models


class CaseKind(models.TextChoices):
    OUT_OF_SCHOOL = "out_of_school", "失学（从未入学）"
    DROPOUT = "dropout", "辍学"


class CaseStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    VERIFIED = "verified", "已核实辍学"
    RETURNING = "returning", "劝返中"
    RETURNED = "returned", "已复学"
    PLACED = "placed", "已安置"
    OBSERVING = "observing", "巩固观察"
    NO_RETURN = "no_return", "不需劝返"
    DISMISSED = "dismissed", "核实排除"
    CLOSED = "closed", "销号"


OPEN_STATUSES = (CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING)
# Confirmed out of school and not yet back: the 辍学学生台账 "still out".
OUT_STATUSES = (CaseStatus.VERIFIED, CaseStatus.RETURNING)
CONFIRMED_STATUSES = (
    CaseStatus.VERIFIED,
    CaseStatus.RETURNING,
    CaseStatus.RETURNED,
    CaseStatus.PLACED,
    CaseStatus.OBSERVING,
    CaseStatus.CLOSED,
)
TERMINAL_STATUSES = (CaseStatus.DISMISSED, CaseStatus.CLOSED)


class Source(models.TextChoices):
    CROSSMATCH = "crossmatch", "四查三比对"
    DOOR_TO_DOOR = "door_to_door", "铁脚板摸排"
    SCHOOL_REPORT = "school_report", "学校月报"
    PREVENTIVE = "preventive", "预防性跟进"  # a 辍学预警 follow-up found the child had left school (ADR 0047)
    OTHER = "other", "其他"


class MatchRule(models.TextChoices):
    HUKOU_NO_ENROLMENT = "hukou_no_enrolment", "户籍比学籍：无学籍（疑似失学）"
    NOT_ENROLLED = "not_enrolled", "适龄未入学（疑似失学）"
    ABSENT = "absent", "学籍比在校：连续缺勤（疑似辍学）"
    DROPOUT_STATUS = "dropout_status", "学籍状态为辍学"
    POVERTY = "poverty", "辍学学生比脱贫户：脱贫/监测户子女"


class Outcome(models.TextChoices):
    """Verification outcomes (REFERENCE.md §3.5 vocabulary of a 疑似失学 check)."""

    CONFIRMED_DROPOUT = "confirmed_dropout", "确认辍学"
    CONFIRMED_OUT = "confirmed_out", "确认失学"
    SEND_TEACHING = "send_teaching", "因病因残送教/不具备学习能力"
    OUT_OF_COUNTY = "out_of_county", "在外县就读"
    OUT_OF_PROVINCE = "out_of_province", "省外就读无学籍"
    DECEASED = "deceased", "已死亡"
    EMPTY_HUKOU = "empty_hukou", "空挂户/双重户籍"
    ABROAD = "abroad", "出国在外"
    OVERAGE = "overage", "已超出义务教育年龄"
    MISSING = "missing", "失踪失联（经公安认定）"
    WRONG_ID = "wrong_id", "身份证号或姓名错误/查无此人"
    IN_SCHOOL = "in_school", "已在校（数据错误）"


# Where each verification outcome leads.
OUTCOME_STATUS: dict[str, str] = {
    Outcome.CONFIRMED_DROPOUT: CaseStatus.VERIFIED,
    Outcome.CONFIRMED_OUT: CaseStatus.VERIFIED,
    Outcome.SEND_TEACHING: CaseStatus.VERIFIED,
    Outcome.OUT_OF_COUNTY: CaseStatus.NO_RETURN,
    Outcome.OUT_OF_PROVINCE: CaseStatus.NO_RETURN,
    Outcome.DECEASED: CaseStatus.NO_RETURN,
    Outcome.EMPTY_HUKOU: CaseStatus.NO_RETURN,
    Outcome.ABROAD: CaseStatus.NO_RETURN,
    Outcome.OVERAGE: CaseStatus.NO_RETURN,
    Outcome.MISSING: CaseStatus.NO_RETURN,
    Outcome.WRONG_ID: CaseStatus.DISMISSED,
    Outcome.IN_SCHOOL: CaseStatus.DISMISSED,
}


class Reason(models.TextChoices):
    """辍学原因 (REFERENCE.md §3.6)."""

    LEARNING = "learning", "学习困难/厌学"
    WORK = "work", "外出务工"
    POVERTY = "poverty", "因贫"
    ILLNESS = "illness", "因病因残"
    DISTANCE = "distance", "上学远"
    MARRIAGE = "marriage", "早婚早育"
    RELIGION = "religion", "宗教"
    FAMILY = "family", "家庭变故"
    OTHER = "other", "其他"
    UNKNOWN = "", "待查明"


class Stage(models.IntegerChoices):
    """依法控辍 四步法."""

    EDUCATION = 1, "宣传教育"
    CORRECTION = 2, "责令改正"
    PENALTY = 3, "行政处罚"
    LITIGATION = 4, "提起诉讼或强制执行"


class Placement(models.TextChoices):
    """分类安置 (REFERENCE.md §3.5)."""

    SAME_SCHOOL = "same_school", "原校复学"
    TRANSFER = "transfer", "转学复学"
    INCLUSIVE = "inclusive", "随班就读"
    SPECIAL_SCHOOL = "special_school", "特殊教育学校"
    SEND_TEACHING = "send_teaching", "送教上门"
    VOCATIONAL = "vocational", "职业学校/普职融合"
    DEFERRED = "deferred", "延缓入学"
    SUSPENDED = "suspended", "休学"


# Placements that are a return to school (已复学); the rest are 已安置.
RETURN_PLACEMENTS = (Placement.SAME_SCHOOL, Placement.TRANSFER, Placement.INCLUSIVE)
# Placements that put a child back in school, on a county school's register (a 学籍 event is recorded):
# 送教上门 children are registered at the school that sends the teachers. 休学 records 休学; 延缓入学 nothing.
ENROLMENT_PLACEMENTS = (
    Placement.SAME_SCHOOL,
    Placement.TRANSFER,
    Placement.INCLUSIVE,
    Placement.SPECIAL_SCHOOL,
    Placement.SEND_TEACHING,
    Placement.VOCATIONAL,
)


class AttemptMethod(models.TextChoices):
    HOME_VISIT = "home_visit", "上门家访"
    PHONE = "phone", "电话/视频"
    INTERVIEW = "interview", "约谈家长"
    NOTICE = "notice", "送达文书"
    FOLLOW_UP = "follow_up", "复学后回访"
    OTHER = "other", "其他"


class AttemptResult(models.TextChoices):
    AGREED = "agreed", "同意返校"
    REFUSED = "refused", "拒绝返校"
    UNREACHABLE = "unreachable", "未见到人"
    PROMISED = "promised", "签订承诺书"
    STABLE = "stable", "在校稳定"
    OTHER = "other", "其他"


class Line(models.TextChoices):
    """双线: the government line (县政府 → 乡镇人民政府 → 村委会 → 村民小组) and the education line
    (县教育体育局 → 中心校/学校 → 班主任 → 任课教师)."""

    ADMIN = "admin", "政府线"
    EDUCATION = "education", "教育线"


class Level(models.IntegerChoices):
    L1 = 1, "一级"
    L2 = 2, "二级"
    L3 = 3, "三级"
    L4 = 4, "四级"


LEVEL_LABELS: dict[tuple[str, int], str] = {
    (Line.ADMIN, 1): "县（区）政府",
    (Line.ADMIN, 2): "乡（镇）人民政府",
    (Line.ADMIN, 3): "村（居）委会",
    (Line.ADMIN, 4): "村（居）民小组",
    (Line.EDUCATION, 1): "县教育体育局",
    (Line.EDUCATION, 2): "中心校/学校",
    (Line.EDUCATION, 3): "班主任",
    (Line.EDUCATION, 4): "任课教师",
}
# Who answers for each step of the 四步法 (level on each line).
STAGE_LEVEL: dict[int, int] = {1: 3, 2: 2, 3: 2, 4: 1}


class AbsenceKind(models.TextChoices):
    """Why a pupil was absent. Only 旷课 (no leave asked: ``unexcused``) counts towards 名在人不在."""

    SICK = "sick", "病假"
    PERSONAL = "personal", "事假"
    UNEXCUSED = "unexcused", "旷课"
    OTHER = "other", "其他"


class DocumentKind(models.TextChoices):
    """Documents of the 四步法 (docs/dropout.md names the step, the issuer and the legal source of each)."""

    RETURN_NOTICE = "return_notice", "限期复学通知书"
    CORRECTION_NOTICE = "correction_notice", "责令限期改正通知书"
    PENALTY_NOTICE = "penalty_notice", "行政处罚事先告知书"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定书"
    REMINDER = "reminder", "催告书"
    COURT_APPLICATION = "court_application", "强制执行申请书"
    COMPLAINT = "complaint", "起诉状"


# The step each document belongs to.
DOCUMENT_STAGE: dict[str, int] = {
    DocumentKind.RETURN_NOTICE: 2,
    DocumentKind.CORRECTION_NOTICE: 2,
    DocumentKind.PENALTY_NOTICE: 3,
    DocumentKind.PENALTY_DECISION: 3,
    DocumentKind.REMINDER: 4,
    DocumentKind.COURT_APPLICATION: 4,
    DocumentKind.COMPLAINT: 4,
}


class AnswerKind(models.TextChoices):
    """The guardian's answer to a 行政处罚事先告知书 (行政处罚法 §44, §45, §63, §64)."""

    STATEMENT = "statement", "陈述、申辩"
    WAIVED = "waived", "明确放弃陈述、申辩"
    HEARING_REQUESTED = "hearing_requested", "要求听证"
    HEARING_HELD = "hearing_held", "已举行听证"


class ReviewResult(models.TextChoices):
    PASSED = "passed", "复核通过"
    RECTIFY = "rectify", "需整改"


class SpecialGroup(models.TextChoices):
    """重点人群 filters (REFERENCE.md §3.2, §3.6)."""

    POVERTY = "poverty", "脱贫户/监测户"
    ORPHAN = "orphan", "孤儿/事实无人抚养"
    DISABILITY = "disability", "残疾儿童"
    LEFT_BEHIND = "left_behind", "留守儿童"
    MIGRANT = "migrant", "随迁子女"


# The case ledgers: name → (title, the statuses listed).
LEDGERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "suspected": ("疑似辍学/失学台账", (CaseStatus.PENDING,)),
    "dropouts": ("辍学学生台账", (*CONFIRMED_STATUSES, CaseStatus.NO_RETURN)),
    "all": ("全部案件", tuple(CaseStatus.values)),
}
