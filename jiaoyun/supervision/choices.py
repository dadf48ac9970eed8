"""Choices of the supervision app: plan parts, item status, measure kinds, 整改 states, assessment kinds."""

from __future__ import annotations

from django.db import models


class Part(models.TextChoices):
    """The parts of the yearly work plan (工作计划) that hold tasks, in the order of the plan."""

    TARGETS = "3", "三、工作目标"
    P41 = "4.1", "四（一）加快普及学前教育"
    P42 = "4.2", "四（二）推进义务教育优质均衡发展"
    P43 = "4.3", "四（三）推进高中阶段教育普及攻坚"
    P44 = "4.4", "四（四）提升职业教育发展质量"
    P45 = "4.5", "四（五）加强教师队伍建设"
    P46 = "4.6", "四（六）提升教育科研和信息化水平"
    P47 = "4.7", "四（七）合理布局加强完善学校基础设施建设"
    P48 = "4.8", "四（八）提高校园安全水平"
    MEASURES = "5", "五、工作措施"


class ItemStatus(models.TextChoices):
    """An item's status on a day (derived from its milestones, never stored)."""

    NOT_STARTED = "not_started", "未开始"
    ON_TRACK = "on_track", "推进中"
    LATE = "late", "逾期"
    DONE = "done", "已完成"


class MeasureKind(models.TextChoices):
    """What measures a plan item (a registry of kinds: ``jiaoyun.supervision.measures``)."""

    NONE = "", "—"
    INDICATOR = "indicator", "教育指标"
    PROJECT = "project", "建设项目"
    DROPOUT = "dropout", "控辍保学台账"
    SAFETY = "safety", "平安校园达标"


class RectStatus(models.TextChoices):
    """整改 states; 逾期 is not a state but a day's view of one (deadline passed, not 已销号)."""

    OPEN = "open", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    SUBMITTED = "submitted", "待核验"
    CLOSED = "closed", "已销号"


OVERDUE = "overdue"  # the filter value and label key of the derived 逾期 view
OVERDUE_LABEL = "逾期"
RECT_ACTIVE = (RectStatus.OPEN, RectStatus.IN_PROGRESS, RectStatus.SUBMITTED)


class AssessLevel(models.TextChoices):
    TOWNSHIP = "township", "乡镇"
    SCHOOL = "school", "学校"


class AssessKind(models.TextChoices):
    """The assessment's indicator kinds, each computed by one adapter in ``jiaoyun.supervision.assessment``."""

    TARGETS = "targets", "目标任务完成（教育指标达标）"
    DROPOUT = "dropout", "控辍保学"
    SAFETY = "safety", "校园安全（隐患按期销号）"
    PROJECTS = "projects", "项目建设（按期推进）"
    PLAN = "plan", "工作计划任务按期完成"
    RECTIFY = "rectify", "整改按期销号"
