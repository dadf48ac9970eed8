"""School-building projects (项目建设): what is built where, its money by source, contracts and payments, and the
milestones from 立项 to 投入使用 that drive its status (ADR 0033)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from jiaoyun.core.choices import Section
from jiaoyun.facilities.choices import (
    FileKind,
    FundingSource,
    MilestoneKind,
    PlanTarget,
    ProjectKind,
    ProjectStatus,
)
from jiaoyun.schools.choices import Level, Ownership

MONEY = {"max_digits": 14, "decimal_places": 2}


class Project(models.Model):
    """One building project: at a school, or at a planned site (a school not yet founded)."""

    name = models.CharField("项目名称", max_length=120)
    kind = models.CharField("建设类型", max_length=20, choices=ProjectKind.choices, db_index=True)
    level = models.CharField("学段", max_length=20, choices=Level.choices, db_index=True)
    ownership = models.CharField("举办者类型", max_length=20, choices=Ownership.choices, default=Ownership.PUBLIC)
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", on_delete=models.PROTECT, null=True, blank=True,
        related_name="projects",
    )  # fmt: skip
    site_name = models.CharField("规划选址", max_length=120, blank=True)
    township = models.ForeignKey("areas.Area", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", verbose_name="村（社区）", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    seats = models.PositiveIntegerField("新增学位", default=0)
    classes = models.PositiveIntegerField("新增班级", default=0)
    floor_area = models.DecimalField("建筑面积（㎡）", max_digits=10, decimal_places=2, null=True, blank=True)
    budget = models.DecimalField(
        "总投资（元）", max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    plan_year = models.PositiveSmallIntegerField("计划年度")
    plan_line = models.CharField("对应规划条目", max_length=20, blank=True, help_text="例如 四(一)、四(二)")
    target = models.CharField("计入规划目标", max_length=20, choices=PlanTarget.choices, blank=True, default="")
    owner_section = models.CharField("责任股室", max_length=20, choices=Section.choices, default=Section.FINANCE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="项目负责人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(
        "状态", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED, db_index=True,
        help_text="由里程碑的实际日期得出",
    )  # fmt: skip
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "建设项目"
        verbose_name_plural = "建设项目"
        ordering = ["township__sort", "township__code", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        return self.school.name if self.school_id and self.school else self.site_name


class ProjectFunding(models.Model):
    """The part of the budget one source pays (元). The parts add up to the budget."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="funding")
    source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="funding_once_per_source")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class Contract(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField("合同名称", max_length=120)
    contractor = models.CharField("承包单位", max_length=120)
    amount = models.DecimalField("合同金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    signed_on = models.DateField("签订日期", null=True, blank=True)

    class Meta:
        verbose_name = "合同"
        verbose_name_plural = "合同"
        ordering = ["project_id", "signed_on", "id"]

    def __str__(self) -> str:
        return self.title


class Payment(models.Model):
    """Money paid against a contract, from one funding source."""

    contract = models.ForeignKey(Contract, verbose_name="合同", on_delete=models.CASCADE, related_name="payments")
    date = models.DateField("支付日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    note = models.CharField("摘要", max_length=200, blank=True)

    class Meta:
        verbose_name = "支付"
        verbose_name_plural = "支付"
        ordering = ["contract_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class Milestone(models.Model):
    """One step of a project with its planned and actual date; every project has all eight."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones")
    kind = models.PositiveSmallIntegerField("节点", choices=MilestoneKind.choices)
    planned = models.DateField("计划日期", null=True, blank=True)
    actual = models.DateField("实际日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True, help_text="滞后原因或进展说明")

    class Meta:
        verbose_name = "里程碑"
        verbose_name_plural = "里程碑"
        ordering = ["project_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_once_per_kind")]
        indexes = [models.Index(fields=["planned", "actual"], name="milestone_due")]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"


class ProjectFile(models.Model):
    """A photo or a document of a project, served only through the scoped download route."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="files")
    milestone = models.PositiveSmallIntegerField("节点", choices=MilestoneKind.choices, null=True, blank=True)
    kind = models.CharField("类别", max_length=10, choices=FileKind.choices, default=FileKind.PHOTO)
    file = models.FileField("文件", upload_to="facilities/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目照片与文件"
        verbose_name_plural = "项目照片与文件"
        ordering = ["project_id", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name
