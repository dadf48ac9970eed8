"""县管校聘 hiring rounds: posts, applications with ranked preferences, school scores, placements, appeals."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.people.choices import Subject
from jiaoyun.teachers.choices import AppealStatus, RoundStatus, Stage, StandbyStatus


class HiringRound(models.Model):
    """One 县管校聘 round. Its status moves 草稿 → 报名 → 校内竞聘 → 跨校竞聘 → 组织调剂 → 审核 → 已发布 → 已执行;
    the applicants no stage placed are 落聘待岗 (``StandbyRecord`` once the round is executed)."""

    year = models.PositiveSmallIntegerField("学年")
    name = models.CharField("名称", max_length=100)
    status = models.CharField("状态", max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    effective_date = models.DateField("聘任生效日期")
    # None: a county-wide round run by the 人事股; a township: the round of that township's schools, opened by its
    # 中心校 (or the 人事股), whose posts, applicants and choices are the township's schools and teachers.
    township = models.ForeignKey(
        "areas.Area",
        verbose_name="乡镇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "township"},
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "县管校聘轮次"
        verbose_name_plural = "县管校聘轮次"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class RoundEvent(models.Model):
    """A status change of a round: who, when, from, to, note."""

    round = models.ForeignKey(HiringRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=20, choices=RoundStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=RoundStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "轮次状态记录"
        verbose_name_plural = "轮次状态记录"
        ordering = ["round_id", "id"]

    def __str__(self) -> str:
        return f"{self.round} {self.from_status}→{self.to_status}"


class RoundPost(models.Model):
    """Posts (岗位) a school offers in one subject in a round; ``cutoff`` is the lowest score placed there."""

    round = models.ForeignKey(HiringRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="posts")
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("学科", max_length=20, choices=Subject.choices)
    count = models.PositiveIntegerField("岗位数")
    filled = models.PositiveIntegerField("已聘", default=0)
    cutoff = models.DecimalField("最低录用分", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "竞聘岗位"
        verbose_name_plural = "竞聘岗位"
        ordering = ["round_id", "school_id", "subject"]
        constraints = [models.UniqueConstraint(fields=["round", "school", "subject"], name="round_post_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.get_subject_display()} {self.count}"


class Application(models.Model):
    """A teacher's application in a round: the subject applied for, whether they compete in their own school
    first, and the ranked school preferences (``choices``). ``school``/``stage`` hold the placement."""

    round = models.ForeignKey(HiringRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="applications")
    teacher = models.ForeignKey("people.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="+")
    origin_school = models.ForeignKey(
        "schools.School", verbose_name="原学校", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("竞聘学科", max_length=20, choices=Subject.choices)
    in_school = models.BooleanField("参加校内竞聘", default=True)
    choices = models.JSONField("志愿学校（按顺序）", default=list, blank=True)
    placed_school = models.ForeignKey(
        "schools.School", verbose_name="聘任学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.PositiveSmallIntegerField("聘任阶段", choices=Stage.choices, null=True, blank=True)
    preference_rank = models.PositiveSmallIntegerField("志愿序号", null=True, blank=True)
    explanation = models.JSONField("结果说明", default=list, blank=True)
    applied = models.BooleanField("已执行", default=False)

    class Meta:
        verbose_name = "竞聘报名"
        verbose_name_plural = "竞聘报名"
        ordering = ["round_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "teacher"], name="application_unique")]

    def __str__(self) -> str:
        return f"{self.teacher} {self.round}"


class Score(models.Model):
    """A school's score of an applicant (校内/跨校竞聘 评分); higher is better."""

    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE, related_name="scores")
    school = models.ForeignKey("schools.School", verbose_name="评分学校", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "竞聘评分"
        verbose_name_plural = "竞聘评分"
        constraints = [models.UniqueConstraint(fields=["application", "school"], name="score_unique")]

    def __str__(self) -> str:
        return f"{self.application} @ {self.school}: {self.score}"


class Appeal(models.Model):
    """A teacher's appeal (申诉) against a round result."""

    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField("申诉理由")
    status = models.CharField("状态", max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    outcome = models.TextField("处理结果", blank=True)
    filed_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "竞聘申诉"
        verbose_name_plural = "竞聘申诉"
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.application.teacher} 申诉"


class StandbyRecord(models.Model):
    """A 落聘待岗 teacher of an executed round: the training they take, then the later reassignment to a post."""

    application = models.OneToOneField(
        Application, verbose_name="报名", on_delete=models.CASCADE, related_name="standby"
    )
    status = models.CharField("状态", max_length=20, choices=StandbyStatus.choices, default=StandbyStatus.TRAINING)
    training = models.CharField("培训内容", max_length=200, blank=True)
    training_start = models.DateField("培训开始", null=True, blank=True)
    training_end = models.DateField("培训结束", null=True, blank=True)
    training_passed = models.BooleanField("培训考核合格", null=True, blank=True)
    reassigned_school = models.ForeignKey(
        "schools.School", verbose_name="重新安排学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reassigned_on = models.DateField("到岗日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "落聘待岗记录"
        verbose_name_plural = "落聘待岗记录"
        ordering = ["application_id"]

    def __str__(self) -> str:
        return f"{self.application.teacher} {self.get_status_display()}"
