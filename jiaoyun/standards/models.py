"""School resources per year, the 优质均衡 checklist, the county's 办学条件 standards and demonstration schools."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from jiaoyun.standards.choices import CheckGroup, CheckStatus, Comparison, DemoLevel, DemoStatus, Part

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
AREA = {"max_digits": 12, "decimal_places": 2, "default": 0, "validators": [MinValueValidator(0)]}


class SchoolResources(models.Model):
    """One school's 学部 in one school year (start year): pupils, the registry's teacher counts, the buildings.

    The teacher counts are a snapshot of the teachers registry taken by ``services.sync_from_registry`` (they
    are never typed in); the rest is imported (``resources`` exchange kind) or entered by the county."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("学年", validators=YEAR_VALIDATORS, db_index=True)
    part = models.CharField("学部", max_length=10, choices=Part.choices)
    pupils = models.PositiveIntegerField("在校生数", default=0)
    classes = models.PositiveIntegerField("班级数", default=0)
    max_class_size = models.PositiveIntegerField("最大班额", default=0)
    # From the teachers registry (apportioned by pupils between the parts of a 九年一贯制 school).
    teachers = models.DecimalField("专任教师数", max_digits=8, decimal_places=2, default=0)
    qualified_teachers = models.DecimalField("高于规定学历教师数", max_digits=8, decimal_places=2, default=0)
    backbone_teachers = models.DecimalField("县级以上骨干教师数", max_digits=8, decimal_places=2, default=0)
    pe_art_teachers = models.DecimalField("体育艺术专任教师数", max_digits=8, decimal_places=2, default=0)
    teachers_synced_on = models.DateField("教师数取自教职工库日期", null=True, blank=True)
    # Imported.
    teaching_area = models.DecimalField("教学及辅助用房面积（㎡）", **AREA)  # type: ignore[arg-type]
    ground_area = models.DecimalField("室外运动场面积（㎡）", **AREA)  # type: ignore[arg-type]
    indoor_sports_area = models.DecimalField("室内体育用房面积（㎡）", **AREA)  # type: ignore[arg-type]
    equipment_value = models.DecimalField("教学仪器设备值（元）", **AREA)  # type: ignore[arg-type]
    multimedia_rooms = models.PositiveIntegerField("网络多媒体教室数", default=0)
    books = models.PositiveIntegerField("图书册数", default=0)
    building_area = models.DecimalField("校舍建筑面积（㎡）", **AREA)  # type: ignore[arg-type]
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "学校办学条件"
        verbose_name_plural = "学校办学条件"
        ordering = ["year", "school_id", "part"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "part"], name="resources_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.year}学年 {self.get_part_display()}"

    @property
    def sports_area(self) -> object:
        return self.ground_area + self.indoor_sports_area


class CheckItem(models.Model):
    """One item of 政府保障程度 (15), 教育质量 (9) or 社会认可度, held as data (wording, target) for the county to edit."""

    group = models.CharField("维度", max_length=12, choices=CheckGroup.choices)
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("内容")
    target = models.CharField("要求", max_length=100, blank=True)
    veto = models.BooleanField("一票否决", default=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "评估项目"
        verbose_name_plural = "评估项目"
        ordering = ["group", "number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="check_item_unique")]

    def __str__(self) -> str:
        return f"{self.get_group_display()}{self.number}"


class CheckResult(models.Model):
    """The county's self-assessment of one item for one year, with its evidence."""

    item = models.ForeignKey(CheckItem, verbose_name="评估项目", on_delete=models.PROTECT, related_name="results")
    year = models.PositiveSmallIntegerField("学年", validators=YEAR_VALIDATORS)
    status = models.CharField("结论", max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    value = models.CharField("实际值", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "自评结果"
        verbose_name_plural = "自评结果"
        ordering = ["year", "item"]
        constraints = [models.UniqueConstraint(fields=["item", "year"], name="check_result_unique")]

    def __str__(self) -> str:
        return f"{self.item} {self.year}"


class ConditionStandard(models.Model):
    """A 办学条件 standard the county adopts (班额, 生均校舍, 生均设备, 生均图书…), per 学部; the county edits it."""

    code = models.CharField("指标代码", max_length=20)
    part = models.CharField("学部", max_length=10, choices=Part.choices)
    label = models.CharField("指标", max_length=50)
    comparison = models.CharField("比较", max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST)
    value = models.DecimalField("标准值", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField("单位", max_length=10, blank=True)
    project_kind = models.CharField("补短板项目类型", max_length=20, blank=True)
    basis = models.CharField("依据", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "办学条件标准"
        verbose_name_plural = "办学条件标准"
        ordering = ["part", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "part"], name="condition_standard_unique")]

    def __str__(self) -> str:
        return f"{self.get_part_display()}{self.label}"


class DemoTarget(models.Model):
    """How many 教育现代化示范校 a township is to have recognised in a year."""

    township = models.ForeignKey("areas.Area", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    count = models.PositiveSmallIntegerField("目标数", default=1, validators=[MaxValueValidator(20)])

    class Meta:
        verbose_name = "示范校创建目标"
        verbose_name_plural = "示范校创建目标"
        ordering = ["year", "township_id"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="demo_target_unique")]

    def __str__(self) -> str:
        return f"{self.township} {self.year}"


class DemoCriterion(models.Model):
    """A criterion of the 教育现代化示范校 assessment, held as data."""

    number = models.PositiveSmallIntegerField("序号", unique=True)
    text = models.CharField("内容", max_length=300)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "示范校标准"
        verbose_name_plural = "示范校标准"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class DemoApplication(models.Model):
    """A school's way to recognition: candidate → applied → 县评审 → 市/省认定."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    level = models.CharField("申报级别", max_length=10, choices=DemoLevel.choices, default=DemoLevel.CITY)
    status = models.CharField("状态", max_length=16, choices=DemoStatus.choices, default=DemoStatus.CANDIDATE)
    note = models.TextField("说明", blank=True)
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "示范校申报"
        verbose_name_plural = "示范校申报"
        ordering = ["-year", "school_id"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="demo_application_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.year}{self.get_level_display()}示范校"


class DemoCheck(models.Model):
    """One criterion of one application: met or not, with a note and evidence."""

    application = models.ForeignKey(
        DemoApplication, verbose_name="申报", on_delete=models.CASCADE, related_name="checks"
    )
    criterion = models.ForeignKey(DemoCriterion, verbose_name="标准", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("结论", max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "示范校自评"
        verbose_name_plural = "示范校自评"
        ordering = ["application_id", "criterion__number"]
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="demo_check_unique")]

    def __str__(self) -> str:
        return f"{self.application} {self.criterion.number}"


class DemoEvent(models.Model):
    """One step of an application (who moved it from which state to which, when, why)."""

    application = models.ForeignKey(
        DemoApplication, verbose_name="申报", on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("意见", max_length=300, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "示范校申报记录"
        verbose_name_plural = "示范校申报记录"
        ordering = ["application_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application} → {self.to_status}"

    def to_label(self) -> str:
        return str(DemoStatus(self.to_status).label) if self.to_status in DemoStatus.values else self.to_status


class Evidence(models.Model):
    """A file proving a checklist item (one of ``result`` or ``demo_check``), served by the scoped download path."""

    result = models.ForeignKey(
        CheckResult, verbose_name="自评结果", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    demo_check = models.ForeignKey(
        DemoCheck, verbose_name="示范校自评", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="standards/evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__isnull=False, demo_check__isnull=True)
                | models.Q(result__isnull=True, demo_check__isnull=False),
                name="evidence_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name
