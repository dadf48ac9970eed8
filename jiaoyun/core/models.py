"""Users with roles and data scope, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from jiaoyun.core.choices import AuditAction, Role, ScopeLevel, Section

ROLE_SCOPE = {
    Role.COUNTY_ADMIN: ScopeLevel.COUNTY,
    Role.BUREAU_STAFF: ScopeLevel.COUNTY,
    Role.COUNTY_LEADER: ScopeLevel.COUNTY,
    Role.TOWNSHIP_GOV: ScopeLevel.TOWNSHIP,
    Role.TOWNSHIP_OFFICER: ScopeLevel.TOWNSHIP,
    Role.PRINCIPAL: ScopeLevel.SCHOOL,
    Role.CLASS_TEACHER: ScopeLevel.CLASS,
    Role.VILLAGE_CADRE: ScopeLevel.VILLAGE,
    Role.SYSTEM_ADMIN: ScopeLevel.NONE,
    Role.SECURITY_ADMIN: ScopeLevel.NONE,
    Role.AUDIT_ADMIN: ScopeLevel.NONE,
    Role.NONE: ScopeLevel.NONE,
}


class User(AbstractUser):
    """A person who logs in. The role fixes the scope level; area/school/classes fix the scope itself.

    * township officer: ``area`` is a township; village cadre: ``area`` is a village;
    * principal: ``school``; class teacher: ``school`` and ``classes``;
    * county roles see the whole county; the three administrators (三员分立) see no people-level data.
    """

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.NONE)
    section = models.CharField("股室", max_length=20, choices=Section.choices, blank=True, default="")
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="所属学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classes = models.ManyToManyField("schools.SchoolClass", verbose_name="任教班级", blank=True, related_name="+")
    read_only = models.BooleanField("只读", default=False)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        # Learning records name teachers by mbox (mailto:email): looked up for every statement batch.
        indexes = [models.Index(fields=["email"], name="user_email_idx")]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def scope_level(self) -> str:
        if self.is_superuser and self.role == Role.NONE:
            return ScopeLevel.COUNTY
        return ROLE_SCOPE.get(Role(self.role), ScopeLevel.NONE)

    @property
    def can_write(self) -> bool:
        return not self.read_only and self.role != Role.COUNTY_LEADER

    @property
    def can_reveal_id(self) -> bool:
        """Who may see a full ID number (each reveal is audited)."""
        return self.role in (Role.COUNTY_ADMIN, Role.PRINCIPAL, Role.TOWNSHIP_OFFICER) or (
            self.role == Role.BUREAU_STAFF and self.section in (Section.BASIC, Section.PERSONNEL)
        )


class AuditEntry(models.Model):
    """One audited action. Rows are only ever inserted; nobody can edit or delete them through the app."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise ValueError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("审计日志不可删除")
