"""Cases (辍学/失学 cases) with their hits, responsible persons, 四步法 steps, 劝返 attempts, events and documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.dropout.choices import (
    TERMINAL_STATUSES,
    AnswerKind,
    AttemptMethod,
    AttemptResult,
    CaseKind,
    CaseStatus,
    DocumentKind,
    Level,
    Line,
    MatchRule,
    Outcome,
    Placement,
    Reason,
    Source,
    Stage,
)

EVIDENCE_DIR = "dropout/evidence/%Y/%m/"


class MatchRun(models.Model):
    """One run of the 四查三比对 cross-match, with the counts it found."""

    as_of = models.DateField("比对基准日")
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    figures = models.JSONField("结果", default=dict, blank=True)

    class Meta:
        verbose_name = "四查三比对"
        verbose_name_plural = "四查三比对"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of} 比对"

    @property
    def figures_text(self) -> list[str]:
        """The counts in words ("户籍按身份证号对应学籍 3"), for pages and the audit log."""
        from jiaoyun.dropout.audit_text import figures_text

        return figures_text(self.figures)


class DropoutCase(models.Model):
    """A child out of school (or suspected so), from detection to 销号. ``status`` changes only via services.

    ``township``, ``village`` and ``school`` are fixed at detection (hukou township/village, school at exit)
    so that rankings and bulletins count each case where it belongs.
    """

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=20, choices=CaseKind.choices)
    status = models.CharField("状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.PENDING)
    source = models.CharField("发现途径", max_length=20, choices=Source.choices, default=Source.CROSSMATCH)
    reason = models.CharField("辍学原因", max_length=12, choices=Reason.choices, blank=True, default="")
    township = models.ForeignKey(
        "areas.Area", verbose_name="乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name="村（社区）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.SmallIntegerField("年级", null=True, blank=True)
    priority = models.BooleanField("脱贫/监测户子女", default=False)
    detected_on = models.DateField("发现日期", db_index=True)
    verified_on = models.DateField("核实日期", null=True, blank=True)
    outcome = models.CharField("核实结论", max_length=20, choices=Outcome.choices, blank=True, default="")
    stage = models.PositiveSmallIntegerField("当前四步法阶段", choices=Stage.choices, null=True, blank=True)
    placement = models.CharField("安置方式", max_length=20, choices=Placement.choices, blank=True, default="")
    placement_school = models.ForeignKey(
        "schools.School", verbose_name="安置学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_on = models.DateField("复学/安置日期", null=True, blank=True, db_index=True)
    observe_until = models.DateField("巩固观察至", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    no_return_reason = models.CharField("不需劝返理由", max_length=300, blank=True)
    reopen_count = models.PositiveSmallIntegerField("复辍次数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "控辍保学案件"
        verbose_name_plural = "控辍保学案件"
        ordering = ["-detected_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=~models.Q(status__in=TERMINAL_STATUSES),
                name="dropout_one_active_case_per_student",
            )
        ]
        indexes = [models.Index(fields=["status", "township"]), models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.student.name}（{self.get_kind_display()}·{self.get_status_display()}）"


class MatchHit(models.Model):
    """One finding of the cross-match that put a case on the 疑似 ledger (deduplicated per case and rule)."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="hits")
    rule = models.CharField("比对规则", max_length=20, choices=MatchRule.choices)
    run = models.ForeignKey(MatchRun, verbose_name="首次发现", null=True, on_delete=models.SET_NULL, related_name="+")
    hukou_record = models.ForeignKey(
        "dropout.HukouRecord",
        verbose_name="户籍记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_date = models.DateField("依据日期")
    detail = models.CharField("说明", max_length=300, blank=True)
    hint = models.CharField("比对提示", max_length=300, blank=True)
    last_seen = models.DateField("最近一次命中")

    class Meta:
        verbose_name = "比对命中"
        verbose_name_plural = "比对命中"
        ordering = ["case_id", "rule"]
        constraints = [models.UniqueConstraint(fields=["case", "rule"], name="dropout_hit_unique")]

    def __str__(self) -> str:
        return self.get_rule_display()


class CaseResponsible(models.Model):
    """A 包保责任人 of a case on one level of one line (name kept as at assignment)."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="responsibles")
    line = models.CharField("责任线", max_length=10, choices=Line.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    person = models.ForeignKey(
        "dropout.ResponsiblePerson", verbose_name="责任人", on_delete=models.PROTECT, related_name="cases"
    )
    name = models.CharField("姓名", max_length=50)

    class Meta:
        verbose_name = "包保责任人（案件）"
        verbose_name_plural = "包保责任人（案件）"
        ordering = ["line", "level"]
        constraints = [models.UniqueConstraint(fields=["case", "line", "level"], name="dropout_case_resp_unique")]

    def __str__(self) -> str:
        return f"{self.get_line_display()}{self.level} {self.name}"


class CaseStep(models.Model):
    """One step of the 四步法 in one round of a case (a re-dropout starts a new round)."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField("轮次", default=0)
    stage = models.PositiveSmallIntegerField("阶段", choices=Stage.choices)
    started_on = models.DateField("开始日期")
    deadline = models.DateField("期限", null=True, blank=True, db_index=True)
    doc_number = models.CharField("文书编号", max_length=40, blank=True)
    responsible = models.ForeignKey(
        "dropout.ResponsiblePerson",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible_name = models.CharField("责任人姓名", max_length=50, blank=True)
    completed_on = models.DateField("结束日期", null=True, blank=True)
    outcome = models.CharField("结果", max_length=200, blank=True)
    skipped = models.BooleanField("跳过", default=False)
    skip_reason = models.CharField("跳过理由", max_length=300, blank=True)
    escalation_level = models.PositiveSmallIntegerField("已上报层级", null=True, blank=True)

    class Meta:
        verbose_name = "四步法阶段"
        verbose_name_plural = "四步法阶段"
        ordering = ["case_id", "round", "stage"]
        constraints = [models.UniqueConstraint(fields=["case", "round", "stage"], name="dropout_step_unique")]

    def __str__(self) -> str:
        return self.get_stage_display()

    def is_overdue(self, today: object) -> bool:
        return bool(self.deadline and self.completed_on is None and not self.skipped and self.deadline < today)  # type: ignore[operator]


class ReturnAttempt(models.Model):
    """One 劝返 attempt (or post-return follow-up visit): date, people, method, result."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="attempts")
    stage = models.PositiveSmallIntegerField("阶段", choices=Stage.choices, null=True, blank=True)
    date = models.DateField("日期")
    people = models.CharField("参加人员", max_length=200)
    method = models.CharField("方式", max_length=12, choices=AttemptMethod.choices)
    result = models.CharField("结果", max_length=12, choices=AttemptResult.choices)
    note = models.TextField("情况记录", blank=True)
    evidence = models.FileField("佐证材料", upload_to=EVIDENCE_DIR, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "劝返记录"
        verbose_name_plural = "劝返记录"
        ordering = ["case_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_method_display()} {self.get_result_display()}"


class CaseEvent(models.Model):
    """The timeline of a case: every transition and action, with actor, time, note and evidence."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    on = models.DateField("业务日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=50, blank=True)
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=CaseStatus.choices, blank=True)
    note = models.TextField("说明", blank=True)
    evidence = models.FileField("佐证材料", upload_to=EVIDENCE_DIR, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "案件记录"
        verbose_name_plural = "案件记录"
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.action}"


class CaseDocument(models.Model):
    """A document issued for a case (PDF kept with its sha256), numbered in its issuer's yearly sequence.

    ``issuer_key`` names the issuing authority (``township:<area id>`` for a 乡镇人民政府, ``bureau`` for the
    县教育体育局); a 行政处罚事先告知书 also carries the guardian's answer (陈述、申辩 / 听证)."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="documents")
    step = models.ForeignKey(CaseStep, verbose_name="阶段", null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField("文书", max_length=20, choices=DocumentKind.choices)
    issuer_key = models.CharField("发文机关代码", max_length=40, default="bureau")
    issuer_name = models.CharField("发文机关", max_length=60, blank=True)
    number = models.CharField("文号", max_length=60)
    guardian = models.CharField("主送（监护人）", max_length=50, blank=True)
    deadline = models.DateField("限期", null=True, blank=True)
    issued_on = models.DateField("印发日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="印发人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    penalty = models.CharField("处罚内容", max_length=200, blank=True)
    fine = models.PositiveIntegerField("罚款（元）", null=True, blank=True)
    hearing_right = models.BooleanField("告知听证权利", default=False)
    answer_kind = models.CharField("当事人意见", max_length=20, choices=AnswerKind.choices, blank=True, default="")
    answered_on = models.DateField("意见日期", null=True, blank=True)
    answer_text = models.TextField("意见内容", blank=True)
    procuratorate = models.CharField("支持起诉的检察院", max_length=60, blank=True)
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "法律文书"
        verbose_name_plural = "法律文书"
        ordering = ["case_id", "issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["issuer_key", "number"], name="dropout_document_number_unique")]

    def __str__(self) -> str:
        return f"《{self.get_kind_display()}》{self.number}"


class DocumentSequence(models.Model):
    """The last number an issuing authority gave in a year (〔2026〕第N号), allocated under a row lock."""

    issuer_key = models.CharField("发文机关代码", max_length=40)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "文书编号"
        verbose_name_plural = "文书编号"
        constraints = [models.UniqueConstraint(fields=["issuer_key", "year"], name="dropout_docseq_unique")]

    def __str__(self) -> str:
        return f"{self.issuer_key} {self.year}: {self.last}"


class CaseAlert(models.Model):
    """An overdue alert for a step, addressed to one level of one line (escalation goes one level up)."""

    case = models.ForeignKey(DropoutCase, verbose_name="案件", on_delete=models.CASCADE, related_name="alerts")
    step = models.ForeignKey(CaseStep, verbose_name="阶段", on_delete=models.CASCADE, related_name="alerts")
    line = models.CharField("责任线", max_length=10, choices=Line.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    person = models.ForeignKey(
        "dropout.ResponsiblePerson",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person_name = models.CharField("责任人姓名", max_length=50, blank=True)
    escalated = models.BooleanField("上报", default=False)
    message = models.CharField("内容", max_length=300)
    created_on = models.DateField("日期")

    class Meta:
        verbose_name = "逾期预警"
        verbose_name_plural = "逾期预警"
        ordering = ["-created_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["step", "line", "level"], name="dropout_alert_unique")]

    def __str__(self) -> str:
        return self.message
