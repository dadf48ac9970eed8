"""The kinds, funding sources, milestones and statuses of a school-building project."""

from __future__ import annotations

from django.db import models


class ProjectKind(models.TextChoices):
    NEW = "new", "新建"
    EXPAND = "expand", "改扩建"
    RELOCATE = "relocate", "迁建"
    WEAK_IMPROVE = "weak_improve", "薄改"
    BOARDING = "boarding", "寄宿制"
    SPORTS = "sports", "运动场"
    CANTEEN = "canteen", "食堂"
    OTHER = "other", "其他"


class FundingSource(models.TextChoices):
    CENTRAL = "central", "中央"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县级配套"
    SOCIAL = "social", "社会/民办投入"


class MilestoneKind(models.IntegerChoices):
    """The steps of a project, in the order they happen (the value is the order)."""

    APPROVED = 1, "立项"
    FEASIBILITY = 2, "可研批复"
    DESIGN = 3, "设计"
    TENDER = 4, "招标"
    STARTED = 5, "开工"
    STRUCTURE = 6, "主体完工"
    ACCEPTED = 7, "竣工验收"
    IN_USE = 8, "投入使用"


class ProjectStatus(models.TextChoices):
    """Derived from the milestones done (ADR 0033): never set by hand."""

    PLANNED = "planned", "筹备"
    PREPARING = "preparing", "前期工作"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "已竣工"
    IN_USE = "in_use", "已投入使用"


class PlanTarget(models.TextChoices):
    """The 2021 plan's counted groups (四(一)): a project counts towards one of them or none."""

    NONE = "", "—"
    SEAT_KG = "seat_kg", "县城新建幼儿园"
    RURAL_KG = "rural_kg", "农村新建和改扩建幼儿园"


class FileKind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文件"


def status_for(done: set[int]) -> str:
    """The status of a project whose milestones ``done`` (their values) have an actual date."""
    if MilestoneKind.IN_USE in done:
        return ProjectStatus.IN_USE
    if MilestoneKind.ACCEPTED in done:
        return ProjectStatus.COMPLETED
    if MilestoneKind.STARTED in done or MilestoneKind.STRUCTURE in done:
        return ProjectStatus.BUILDING
    if done:
        return ProjectStatus.PREPARING
    return ProjectStatus.PLANNED
