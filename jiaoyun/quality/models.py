"""教育质量: 普通高中综合素质评价, 学业水平考试, 1+X 证书, 竞赛, 职普融合与中高职衔接 (docs/quality.md, ADR 0039)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jiaoyun.quality.choices import (
    Award,
    CertLevel,
    CompetitionKind,
    CompetitionLevel,
    Dimension,
    EntrantRole,
    Outcome,
    PilotKind,
    PortfolioState,
    ResultGrade,
    Subject,
    Term,
    Track,
)

USER = settings.AUTH_USER_MODEL


class StudentAccount(models.Model):
    """The link from a login (role 学生) to the student it is: the student's scope is this one record."""

    user = models.OneToOneField(USER, verbose_name="账号", on_delete=models.CASCADE, related_name="student_account")
    student = models.OneToOneField(
        "people.Student", verbose_name="学生", on_delete=models.CASCADE, related_name="account"
    )

    class Meta:
        verbose_name = "学生账号"
        verbose_name_plural = "学生账号"

    def __str__(self) -> str:
        return f"{self.user} → {self.student}"


class Holiday(models.Model):
    """A configured day off (法定节假日) or a weekend working day (调休上班), for counting working days."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=50)
    is_workday = models.BooleanField("调休上班", default=False, help_text="勾选表示该周末日为工作日")

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class EvaluationTerm(models.Model):
    """A term of 综合素质评价 with its deadlines (写实记录, 整理遴选, 审核确认)."""

    school_year = models.PositiveSmallIntegerField("学年（起始年）")
    term = models.PositiveSmallIntegerField("学期", choices=Term.choices)
    starts = models.DateField("学期开始")
    ends = models.DateField("学期结束")
    record_deadline = models.DateField("写实记录截止")
    select_deadline = models.DateField("整理遴选截止")
    confirm_deadline = models.DateField("审核确认截止")

    class Meta:
        verbose_name = "评价学期"
        verbose_name_plural = "评价学期"
        ordering = ["-school_year", "-term"]
        constraints = [models.UniqueConstraint(fields=["school_year", "term"], name="quality_term_unique")]

    def __str__(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}学年{Term(self.term).label}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not (self.starts <= self.record_deadline <= self.select_deadline <= self.confirm_deadline):
            raise ValidationError("截止日期须依次为：学期开始 ≤ 写实记录截止 ≤ 整理遴选截止 ≤ 审核确认截止")


class Portfolio(models.Model):
    """One senior student's 综合素质评价 of one term; its state is the procedure's step."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(EvaluationTerm, verbose_name="学期", on_delete=models.PROTECT, related_name="portfolios")
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=12, choices=PortfolioState.choices, default=PortfolioState.RECORDING, db_index=True
    )
    selected_at = models.DateTimeField("遴选时间", null=True, blank=True)
    selected_by = models.ForeignKey(
        USER, verbose_name="遴选人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archive = models.FileField("档案PDF", upload_to="quality/archives/%Y/", blank=True)
    archive_sha256 = models.CharField("档案SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "综合素质评价"
        verbose_name_plural = "综合素质评价"
        constraints = [models.UniqueConstraint(fields=["student", "term"], name="quality_portfolio_unique")]
        indexes = [models.Index(fields=["school", "term", "state"], name="quality_portfolio_school_idx")]

    def __str__(self) -> str:
        return f"{self.student.name} {self.term}"

    @property
    def is_confirmed(self) -> bool:
        return self.state == PortfolioState.CONFIRMED


class ActivityRecord(models.Model):
    """A 写实记录: what the student did (dimension, date, hours, description), written by the student."""

    portfolio = models.ForeignKey(Portfolio, verbose_name="评价", on_delete=models.CASCADE, related_name="records")
    dimension = models.CharField("维度", max_length=10, choices=Dimension.choices)
    title = models.CharField("活动名称", max_length=100)
    date = models.DateField("日期")
    hours = models.DecimalField("时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True)
    description = models.TextField("过程与收获", max_length=2000, blank=True)
    selected = models.BooleanField("入选", default=False)
    created_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "写实记录"
        verbose_name_plural = "写实记录"
        ordering = ["dimension", "date", "id"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A photo or file proving a 写实记录 (served only through the scoped download view)."""

    record = models.ForeignKey(
        ActivityRecord, verbose_name="写实记录", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="quality/evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(USER, verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name


class Publicity(models.Model):
    """The 公示 of one class's selected records for a term: ``working_days`` working days from ``starts``."""

    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(EvaluationTerm, verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    starts = models.DateField("公示开始")
    ends = models.DateField("公示结束（含）")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    opened_by = models.ForeignKey(USER, verbose_name="发起人", on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name="结束人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        constraints = [models.UniqueConstraint(fields=["school_class", "term"], name="quality_publicity_unique")]

    def __str__(self) -> str:
        return f"{self.school_class} {self.term} 公示"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Objection(models.Model):
    """An objection raised during a 公示, and how it was resolved."""

    publicity = models.ForeignKey(Publicity, verbose_name="公示", on_delete=models.CASCADE, related_name="objections")
    portfolio = models.ForeignKey(
        Portfolio, verbose_name="涉及学生", on_delete=models.PROTECT, related_name="objections"
    )
    raised_on = models.DateField("提出日期")
    raised_by = models.CharField("反映人", max_length=50)
    content = models.TextField("异议内容", max_length=1000)
    resolution = models.TextField("处理结果", max_length=1000, blank=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, verbose_name="处理人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"异议：{self.content[:20]}"


class PortfolioEvent(models.Model):
    """A step of a portfolio (from → to state), with who and when (the audit log has the same in words)."""

    portfolio = models.ForeignKey(Portfolio, verbose_name="评价", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        USER, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField("原状态", max_length=12, choices=PortfolioState.choices)
    to_state = models.CharField("新状态", max_length=12, choices=PortfolioState.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "评价流转记录"
        verbose_name_plural = "评价流转记录"
        ordering = ["at", "id"]


class AcademicResult(models.Model):
    """One 学业水平考试 result (feeds the 学业水平 dimension)."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("科目", max_length=15, choices=Subject.choices)
    session = models.CharField("考试批次", max_length=20, help_text="如 2025年6月")
    exam_date = models.DateField("考试日期")
    score = models.DecimalField("成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等级", max_length=4, choices=ResultGrade.choices)

    class Meta:
        verbose_name = "学业水平考试成绩"
        verbose_name_plural = "学业水平考试成绩"
        ordering = ["exam_date", "subject"]
        constraints = [models.UniqueConstraint(fields=["student", "subject", "session"], name="quality_result_unique")]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.session} {self.get_grade_display()}"


# -- 1+X -----------------------------------------------------------------------------------------------


class Major(models.Model):
    """A major (专业) a vocational school offers."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("专业代码", max_length=10)
    name = models.CharField("专业名称", max_length=50)

    class Meta:
        verbose_name = "专业"
        verbose_name_plural = "专业"
        ordering = ["school", "code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="quality_major_unique")]

    def __str__(self) -> str:
        return self.name


class CertificateProgramme(models.Model):
    """A 1+X certificate programme (试点项目) a school runs for a major."""

    major = models.ForeignKey(Major, verbose_name="专业", on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField("证书名称", max_length=100)
    level = models.CharField("等级", max_length=8, choices=CertLevel.choices)
    organisation = models.CharField("培训评价组织", max_length=100)
    since = models.PositiveSmallIntegerField("开设年份")

    class Meta:
        verbose_name = "1+X证书项目"
        verbose_name_plural = "1+X证书项目"
        ordering = ["major", "name", "level"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class VocationalStudent(models.Model):
    """A student of a vocational school's major: the cohort (入学年份) the holding rate counts by."""

    student = models.OneToOneField("people.Student", verbose_name="学生", on_delete=models.CASCADE, related_name="+")
    major = models.ForeignKey(Major, verbose_name="专业", on_delete=models.PROTECT, related_name="students")
    cohort = models.PositiveSmallIntegerField("入学年份", db_index=True)

    class Meta:
        verbose_name = "中职学生专业"
        verbose_name_plural = "中职学生专业"

    def __str__(self) -> str:
        return f"{self.student} {self.major} {self.cohort}级"

    @property
    def graduation_year(self) -> int:
        return self.cohort + 3


class Certificate(models.Model):
    """A 1+X 职业技能等级证书 held by a student."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("证书名称", max_length=100)
    level = models.CharField("等级", max_length=8, choices=CertLevel.choices)
    organisation = models.CharField("发证机构（培训评价组织）", max_length=100)
    issued_on = models.DateField("发证日期")
    number = models.CharField("证书编号", max_length=40)
    revoked = models.BooleanField("已撤销", default=False)
    created_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "1+X证书"
        verbose_name_plural = "1+X证书"
        ordering = ["-issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="quality_cert_number_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）{self.number}"


class HoldingTarget(models.Model):
    """The bureau's target 1+X holding rate (%) for the class graduating in ``year``."""

    year = models.PositiveSmallIntegerField("毕业年份", unique=True)
    rate = models.DecimalField("目标持证率（%）", max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(
        USER, verbose_name="设定人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "持证率目标"
        verbose_name_plural = "持证率目标"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}届 {self.rate}%"


# -- competitions ---------------------------------------------------------------------------------------


class Competition(models.Model):
    """A competition (技能大赛, 学科竞赛, …) at a level, by an organiser, on a date."""

    name = models.CharField("竞赛名称", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=CompetitionKind.choices, default=CompetitionKind.SKILLS)
    level = models.CharField("级别", max_length=12, choices=CompetitionLevel.choices)
    organiser = models.CharField("主办单位", max_length=100)
    date = models.DateField("日期", db_index=True)
    created_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "竞赛"
        verbose_name_plural = "竞赛"
        ordering = ["-date", "name"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One entrant of a competition (a student, a teacher, or a teacher advising) and the award won."""

    competition = models.ForeignKey(Competition, verbose_name="竞赛", on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("身份", max_length=10, choices=EntrantRole.choices)
    student = models.ForeignKey(
        "people.Student", verbose_name="学生", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        "people.Teacher", verbose_name="教师", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField("项目", max_length=100, blank=True)
    award = models.CharField("获奖等次", max_length=8, choices=Award.choices, default=Award.NONE)
    created_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "参赛与获奖"
        verbose_name_plural = "参赛与获奖"
        ordering = ["competition", "school", "id"]

    def __str__(self) -> str:
        who = self.student or self.teacher
        return f"{who} {self.get_award_display()}"


# -- 职普融合 and 中高职衔接 ------------------------------------------------------------------------------


class PilotClass(models.Model):
    """A class of a 职普融合 / 综合高中 / 中高职衔接 pilot."""

    school_class = models.OneToOneField(
        "schools.SchoolClass", verbose_name="班级", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("试点类型", max_length=15, choices=PilotKind.choices)
    partner = models.CharField("合作学校/高职院校", max_length=100, blank=True)
    since = models.DateField("开始日期")

    class Meta:
        verbose_name = "试点班"
        verbose_name_plural = "试点班"

    def __str__(self) -> str:
        return f"{self.school_class} {self.get_kind_display()}"


class CreditRecognition(models.Model):
    """Credits one track recognises for a course taken in the other (学分互认)."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    from_track = models.CharField("修读学段", max_length=12, choices=Track.choices)
    to_track = models.CharField("认定学段", max_length=12, choices=Track.choices)
    course = models.CharField("课程", max_length=100)
    credits = models.DecimalField("认定学分", max_digits=4, decimal_places=1)
    recognised_on = models.DateField("认定日期")
    recorded_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "学分互认"
        verbose_name_plural = "学分互认"
        ordering = ["-recognised_on", "id"]


class TrackTransfer(models.Model):
    """A move between 普高 and 中职, recorded as a 学籍 转入 event of the people app (``event``)."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    from_school = models.ForeignKey("schools.School", verbose_name="原学校", on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey("schools.School", verbose_name="转入学校", on_delete=models.PROTECT, related_name="+")
    from_track = models.CharField("原学段", max_length=12, choices=Track.choices)
    to_track = models.CharField("转入学段", max_length=12, choices=Track.choices)
    date = models.DateField("日期")
    event = models.OneToOneField(
        "people.EnrolmentEvent", verbose_name="学籍事件", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "普职转学"
        verbose_name_plural = "普职转学"
        ordering = ["-date", "id"]


class Progression(models.Model):
    """Where a 中职 graduate went (高职 admission, employment, …)."""

    student = models.OneToOneField("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", verbose_name="毕业学校", on_delete=models.PROTECT, related_name="+")
    graduation_year = models.PositiveSmallIntegerField("毕业年份", db_index=True)
    outcome = models.CharField("去向", max_length=20, choices=Outcome.choices)
    destination = models.CharField("录取院校/就业单位", max_length=100, blank=True)
    bridge = models.BooleanField("中高职衔接（3+2）升学", default=False)
    recorded_on = models.DateField("登记日期", default=timezone.localdate)
    recorded_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "毕业生去向"
        verbose_name_plural = "毕业生去向"
        ordering = ["-graduation_year", "id"]


__all__ = [
    "AcademicResult",
    "ActivityRecord",
    "Award",
    "Certificate",
    "CertificateProgramme",
    "Competition",
    "CreditRecognition",
    "Entry",
    "EvaluationTerm",
    "Evidence",
    "Holiday",
    "HoldingTarget",
    "Major",
    "Objection",
    "PilotClass",
    "Portfolio",
    "PortfolioEvent",
    "Progression",
    "Publicity",
    "ResultGrade",
    "StudentAccount",
    "TrackTransfer",
    "VocationalStudent",
]
