"""The work plan as data, 挂钩联系, 督学责任区 with visits and 整改, and the assessment's configuration."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from jiaoyun.core.choices import Section
from jiaoyun.supervision.choices import (
    OVERDUE_LABEL,
    RECT_ACTIVE,
    AssessKind,
    AssessLevel,
    MeasureKind,
    Part,
    RectStatus,
)

USER = settings.AUTH_USER_MODEL

# ---------------------------------------------------------------- the work plan


class Plan(models.Model):
    """The bureau's work plan of one year (工作计划); its items are the plan's lines."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("标题", max_length=200)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """One line of the plan: a task with its owning section, co-owners, where it applies, and what measures it."""

    plan = models.ForeignKey(Plan, verbose_name="工作计划", on_delete=models.CASCADE, related_name="items")
    part = models.CharField("部分", max_length=5, choices=Part.choices)
    number = models.PositiveSmallIntegerField("序号", default=1)
    title = models.CharField("任务", max_length=200)
    text = models.TextField("计划原文", blank=True)
    section = models.CharField("牵头股室", max_length=20, choices=Section.choices)
    co_owners = models.JSONField("配合股室", default=list, blank=True)  # Section values
    townships = models.ManyToManyField(
        "areas.Area", verbose_name="涉及乡镇", blank=True, related_name="+", limit_choices_to={"level": "township"}
    )
    schools = models.ManyToManyField("schools.School", verbose_name="涉及学校", blank=True, related_name="+")
    measure_kind = models.CharField("衡量依据", max_length=20, choices=MeasureKind.choices, blank=True, default="")
    measure_ref = models.CharField("依据编码", max_length=100, blank=True, default="")
    target = models.CharField("目标值", max_length=50, blank=True)
    percent = models.PositiveSmallIntegerField("进度（%）", default=0)

    class Meta:
        verbose_name = "计划任务"
        verbose_name_plural = "计划任务"
        ordering = ["plan", "part", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "part", "number"], name="supervision_item_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.part}-{self.number}"

    def co_owner_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [str(labels.get(s, s)) for s in self.co_owners]


class Milestone(models.Model):
    """A deadline of an item (节点): what is due by when; ``done_on`` once its owner reports it done."""

    item = models.ForeignKey(PlanItem, verbose_name="计划任务", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due = models.DateField("完成期限", db_index=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "任务节点"
        verbose_name_plural = "任务节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.due:%Y-%m-%d}）"

    def late_on(self, on: dt.date) -> bool:
        """Late on ``on``: not done and past due, or done after its due day."""
        return (self.done_on is None and self.due < on) or (self.done_on is not None and self.done_on > self.due)


class ProgressReport(models.Model):
    """What an owner reported: the progress, a note, optionally a milestone done, with evidence files."""

    item = models.ForeignKey(PlanItem, verbose_name="计划任务", on_delete=models.CASCADE, related_name="reports")
    milestone = models.ForeignKey(
        Milestone, verbose_name="完成节点", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField("报告日期")
    percent = models.PositiveSmallIntegerField("进度（%）")
    note = models.TextField("进展情况")
    reported_by = models.ForeignKey(USER, verbose_name="报告人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-on", "-id"]


class ProgressEvidence(models.Model):
    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("佐证材料", upload_to="supervision/progress/%Y/%m/")
    name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = "进展佐证"
        verbose_name_plural = "进展佐证"


# ---------------------------------------------------------------- 挂钩联系


class Link(models.Model):
    """A county leader or a county department linked to a school (挂钩联系学校)."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(
        USER, verbose_name="挂钩领导（账号）", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.CharField("挂钩领导/联系人", max_length=50)
    department = models.CharField("挂钩部门", max_length=100, blank=True)
    since = models.DateField("挂钩起始")
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "挂钩联系"
        verbose_name_plural = "挂钩联系"
        ordering = ["school__township__sort", "school__code", "id"]

    def __str__(self) -> str:
        return f"{self.person}{'（' + self.department + '）' if self.department else ''} 挂钩 {self.school}"


class LinkVisit(models.Model):
    link = models.ForeignKey(Link, verbose_name="挂钩联系", on_delete=models.CASCADE, related_name="visits")
    date = models.DateField("走访日期")
    people = models.CharField("参加人员", max_length=200)
    findings = models.TextField("发现问题")
    follow_up = models.TextField("跟进措施", blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "挂钩走访"
        verbose_name_plural = "挂钩走访"
        ordering = ["-date", "-id"]


# ---------------------------------------------------------------- 督学责任区


class Zone(models.Model):
    """A responsibility area (督学责任区): a set of schools and its 责任督学."""

    name = models.CharField("责任区", max_length=50, unique=True)
    inspector = models.ForeignKey(
        USER, verbose_name="责任督学", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schools = models.ManyToManyField("schools.School", verbose_name="学校", related_name="+")

    class Meta:
        verbose_name = "督学责任区"
        verbose_name_plural = "督学责任区"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One line of the monthly visit checklist (held as data; the 督导室 edits it)."""

    text = models.CharField("检查内容", max_length=200)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "督导检查项"
        verbose_name_plural = "督导检查项"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.text


class ZoneVisit(models.Model):
    """A 责任督学's monthly visit to a school of the area, with the checklist's answers."""

    zone = models.ForeignKey(Zone, verbose_name="责任区", on_delete=models.CASCADE, related_name="visits")
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    date = models.DateField("督导日期")
    inspector = models.ForeignKey(USER, verbose_name="督学", null=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.TextField("督导意见", blank=True)

    class Meta:
        verbose_name = "督导记录"
        verbose_name_plural = "督导记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.school} {self.date:%Y-%m-%d}"


class VisitAnswer(models.Model):
    visit = models.ForeignKey(ZoneVisit, verbose_name="督导记录", on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="+")
    ok = models.BooleanField("符合")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["item__sort", "item_id"]


class Rectification(models.Model):
    """A finding to rectify (整改) by a deadline: 待整改 → 整改中 → 待核验 → 已销号, verified by the 督学."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(
        ZoneVisit,
        verbose_name="督导记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectifications",
    )
    finding = models.TextField("问题")
    deadline = models.DateField("整改期限", db_index=True)
    responsible = models.ForeignKey(
        USER, verbose_name="整改责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verifier = models.ForeignKey(
        USER, verbose_name="核验督学", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=RectStatus.choices, default=RectStatus.OPEN)
    opened_on = models.DateField("下达日期")
    closed_on = models.DateField("销号日期", null=True, blank=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="supervision_rect_due_idx")]

    def __str__(self) -> str:
        return f"{self.school} 整改：{self.finding[:30]}"

    def overdue_on(self, on: dt.date) -> bool:
        return self.status in RECT_ACTIVE and self.deadline < on

    def status_label_on(self, on: dt.date) -> str:
        return OVERDUE_LABEL if self.overdue_on(on) else self.get_status_display()


class RectificationEvent(models.Model):
    """One step of a 整改 (opened, started, submitted with evidence, verified or sent back)."""

    rectification = models.ForeignKey(
        Rectification, verbose_name="整改事项", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("动作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)
    note = models.TextField("说明", blank=True)
    file = models.FileField("佐证材料", upload_to="supervision/rectify/%Y/%m/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["at", "id"]

    @property
    def from_label(self) -> str:
        return str(dict(RectStatus.choices).get(self.from_status, "—"))

    @property
    def to_label(self) -> str:
        return str(dict(RectStatus.choices).get(self.to_status, self.to_status))


# ---------------------------------------------------------------- assessment


class AssessmentIndicator(models.Model):
    """One weighted indicator of a year's assessment of townships or schools (edited by the 督导室)."""

    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("考核对象", max_length=10, choices=AssessLevel.choices)
    kind = models.CharField("指标", max_length=12, choices=AssessKind.choices)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=1)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["year", "level", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "kind"], name="supervision_indicator_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="supervision_weight_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()} {self.get_kind_display()} {self.weight}"
