from django.db import models


class StandardLevel(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "普通高中"
    PRESCHOOL = "preschool", "学前（幼儿园）"
    TEACHING_POINT = "teaching_point", "教学点"
    SPECIAL = "special", "特殊教育"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPLYING = "applying", "报名"
    IN_SCHOOL = "in_school", "校内竞聘"
    CROSS_SCHOOL = "cross_school", "跨校竞聘"
    COUNTY = "county", "组织调剂"
    REVIEW = "review", "审核"
    PUBLISHED = "published", "已发布"
    APPLIED = "applied", "已执行"


ROUND_ORDER: list[str] = [s.value for s in RoundStatus]


class Stage(models.IntegerChoices):
    IN_SCHOOL = 1, "校内竞聘"
    CROSS_SCHOOL = 2, "跨校竞聘"
    COUNTY = 3, "组织调剂"
    STANDBY = 4, "落聘待岗"


class StandbyStatus(models.TextChoices):
    """A 落聘待岗 teacher: in training, trained (passed the training assessment), then reassigned to a post."""

    TRAINING = "training", "待岗培训"
    TRAINED = "trained", "培训合格"
    REASSIGNED = "reassigned", "已重新安排"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "申诉成立"
    REJECTED = "rejected", "维持原结果"


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "拟定"
    APPROVED = "approved", "已批准"
    COMPLETED = "completed", "已完成"


class MoveStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    DONE = "done", "已到岗"
    CANCELLED = "cancelled", "取消"


class Principle(models.IntegerChoices):
    """新时代中小学教师职业行为十项准则 (2018)."""

    POLITICS = 1, "一、坚定政治方向"
    PATRIOTISM = 2, "二、自觉爱国守法"
    CULTURE = 3, "三、传播优秀文化"
    TEACHING = 4, "四、潜心教书育人"
    CARE = 5, "五、关心爱护学生"
    SAFETY = 6, "六、加强安全防范"
    CONDUCT = 7, "七、坚持言行雅正"
    FAIRNESS = 8, "八、秉持公平诚信"
    INTEGRITY = 9, "九、坚守廉洁自律"
    PRACTICE = 10, "十、规范从教行为"


class RecordKind(models.TextChoices):
    COMMENDATION = "commendation", "表彰"
    VIOLATION = "violation", "违规"


class SanctionType(models.TextChoices):
    """处理 of the 2018 measure: 处分 (four) and 其他处理."""

    WARNING = "warning", "警告"
    DEMERIT = "demerit", "记过"
    DEMOTION = "demotion", "降低岗位等级或撤职"
    EXPULSION = "expulsion", "开除"
    DISQUALIFICATION = "disqualification", "取消评奖评优、职称评定等资格"
    CRITICISM = "criticism", "批评教育"
    ADMONITION = "admonition", "诫勉谈话"
    SELF_REVIEW = "self_review", "责令检查"
    NOTICE = "notice", "通报批评"


# Sanctions that carry a period and consequences (``TEACHERS_SANCTION_RULES`` in conf.py says which).
VETO_SANCTIONS = (
    SanctionType.WARNING,
    SanctionType.DEMERIT,
    SanctionType.DEMOTION,
    SanctionType.EXPULSION,
    SanctionType.DISQUALIFICATION,
)


class PledgeKind(models.TextChoices):
    OATH = "oath", "新教师入职宣誓"
    PLEDGE = "pledge", "师德承诺"


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"


# 年度考核 grades from the best down (a rule bars a grade "and above").
GRADE_ORDER = [AppraisalGrade.EXCELLENT, AppraisalGrade.COMPETENT, AppraisalGrade.BASIC, AppraisalGrade.FAIL]


class EthicsResult(models.TextChoices):
    """师德考核 result of the year (《关于加强和改进新时代师德师风建设的意见》, 2019)."""

    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class HonourLevel(models.TextChoices):
    SCHOOL = "school", "校级"
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"
