"""待办: the items a home page leads with, and the providers of the core module (audit, accounts, policy).

Each module owns its own items: ``jiaoyun/<app>/todo.py`` holds functions that take the user (and the day) and
return ``TodoItem`` rows read through the data scope with a fixed number of aggregate queries. The home page
(``jiaoyun.web.workplace``) picks the providers that fit the role and shows their items, the overdue first.
Core imports no domain app, so this module knows nothing of cases, hazards or hiring rounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.types import User

# The days a deadline counts as "soon" (shown in amber).
SOON_DAYS = 3


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: what (``title``), how many or who/what (``count``, ``subject``), by when (``deadline``),
    and where it is done (``url``). ``module`` names the module it comes from (控辍保学, 校园安全, …); ``key``
    identifies the kind of item (tests and page hooks)."""

    key: str
    title: str
    url: str
    module: str = ""
    count: int | None = None
    subject: str = ""
    deadline: dt.date | None = None
    note: str = ""
    today: dt.date = field(default_factory=timezone.localdate)
    # -1: listed first (today's own items and the summaries of what is overdue); 1: listed last (the "rest" links)
    order: int = 0

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def overdue(self) -> bool:
        days = self.days_left
        return days is not None and days < 0

    @property
    def due_text(self) -> str:
        """The deadline in words: 已逾期3天, 今天到期, 还剩2天 (or the date when it is further away)."""
        days = self.days_left
        if days is None or self.deadline is None:
            return ""
        if days < 0:
            return f"已逾期{-days}天"
        if days == 0:
            return "今天到期"
        if days <= SOON_DAYS:
            return f"还剩{days}天"
        return f"{self.deadline.month}月{self.deadline.day}日前"

    @property
    def tone(self) -> str:
        """The badge colour of the deadline: red overdue, amber due soon, none otherwise."""
        days = self.days_left
        if days is None:
            return ""
        return "red" if days < 0 else "amber" if days <= SOON_DAYS else ""


def ordered(items: Iterable[TodoItem]) -> list[TodoItem]:
    """The pinned items (``order`` -1) first; then by deadline, so the overdue first (the longest overdue first);
    then the items without a deadline; the "rest" links (``order`` 1) last; ties in the order the providers gave."""
    listed = list(items)
    position = {id(item): n for n, item in enumerate(listed)}

    def key(item: TodoItem) -> tuple[int, int, dt.date, int]:
        if item.deadline is None:
            return (item.order, 1, dt.date.max, position[id(item)])
        return (item.order, 0, item.deadline, position[id(item)])

    return sorted(listed, key=key)


def with_query(url: str, **params: object) -> str:
    """``url`` with a query string of the non-empty ``params``."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


def names(values: Iterable[str], limit: int = 5, unit: str = "人") -> str:
    """Up to ``limit`` names joined with 、 and 等N人 (or another ``unit``: 所 for schools) when there are more."""
    listed = [v for v in values if v]
    shown = "、".join(listed[:limit])
    return f"{shown}等{len(listed)}{unit}" if len(listed) > limit else shown


# ---------------------------------------------------------------- the core module's providers

# Recent sensitive actions the auditor reviews: audit action → (title, filter of the audit log).
SENSITIVE_DAYS = 7
PERMISSION_FIELDS = ("role", "section", "area", "school", "classes", "read_only", "is_active", "is_staff")


def audit_items(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """审计管理员: the sensitive actions of the last seven days (ID reveals, exports, failed logins, changes of
    accounts and permissions), each a count linking to the audit log filtered to them."""
    if getattr(user, "role", None) != Role.AUDIT_ADMIN:
        return []
    from jiaoyun.core.models import AuditEntry

    today = today or timezone.localdate()
    since = today - dt.timedelta(days=SENSITIVE_DAYS - 1)
    account = Q(object_type="core.User") & Q(action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE))
    counts = AuditEntry.objects.filter(at__date__gte=since).aggregate(
        reveal=Count("id", filter=Q(action=AuditAction.REVEAL)),
        export=Count("id", filter=Q(action=AuditAction.EXPORT)),
        login_failed=Count("id", filter=Q(action=AuditAction.LOGIN_FAILED)),
        account=Count("id", filter=account),
    )
    log = reverse("web:audit")
    rows = (
        ("reveal", "查看完整身份证号", with_query(log, action=AuditAction.REVEAL, since=since.isoformat())),
        ("export", "导出数据", with_query(log, action=AuditAction.EXPORT, since=since.isoformat())),
        ("login_failed", "登录失败", with_query(log, action=AuditAction.LOGIN_FAILED, since=since.isoformat())),
        ("account", "账号与权限变更", with_query(log, object_type="core.User", since=since.isoformat())),
    )
    return [
        TodoItem(key=f"audit.{key}", title=f"近{SENSITIVE_DAYS}天{title}", url=url, module="安全审计",
                 count=counts[key], note="逐条核查操作人、对象和理由", today=today)
        for key, title, url in rows
        if counts[key]
    ]  # fmt: skip


def recent_sensitive(*, user: User, limit: int = 10) -> list[object]:
    """The latest sensitive audit entries (reveals, exports, failed logins, account changes), masked as the audit
    log shows them, each as the log's sentence; only for the auditor."""
    if getattr(user, "role", None) != Role.AUDIT_ADMIN:
        return []
    from jiaoyun.core.audit_mask import mask_entry
    from jiaoyun.core.audit_text import sentences
    from jiaoyun.core.models import AuditEntry

    sensitive = Q(action__in=(AuditAction.REVEAL, AuditAction.EXPORT, AuditAction.LOGIN_FAILED)) | Q(
        object_type="core.User", action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
    )
    rows = AuditEntry.objects.filter(sensitive).select_related("actor").order_by("-at", "-id")[:limit]
    return sentences(mask_entry(e) for e in rows)


PASSWORD_WARN_DAYS = 14


def account_items(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """系统管理员 and 安全管理员: locked accounts, passwords expiring within two weeks or never set by their owner,
    and (security administrator) the failed logins of the last day and the policy itself."""
    role = getattr(user, "role", None)
    if role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        return []
    from jiaoyun.core.models import LoginFailure
    from jiaoyun.core.models import User as UserModel
    from jiaoyun.core.security_policy import policy_get

    today = today or timezone.localdate()
    now = timezone.now()
    policy = policy_get()
    users = UserModel.objects.filter(is_active=True)
    expiring = Q(password_changed_at__isnull=True)
    if policy.password_max_age_days:
        edge = now - dt.timedelta(days=policy.password_max_age_days - PASSWORD_WARN_DAYS)
        expiring |= Q(password_changed_at__lt=edge)
    counts = users.aggregate(
        locked=Count("id", filter=Q(locked_until__gt=now)),
        expiring=Count("id", filter=expiring),
    )
    admin = reverse("admin:core_user_changelist")
    items = []
    if counts["locked"]:
        items.append(TodoItem(key="accounts.locked", title="已锁定的账号", url=admin, module="账号",
                              count=counts["locked"], note="核实后解锁或停用", today=today))  # fmt: skip
    if counts["expiring"]:
        items.append(TodoItem(key="accounts.expiring", title=f"密码已到期或{PASSWORD_WARN_DAYS}天内到期", url=admin,
                              module="账号", count=counts["expiring"], note="提醒本人修改密码", today=today))  # fmt: skip
    if role == Role.SECURITY_ADMIN:
        failed = LoginFailure.objects.filter(at__gte=now - dt.timedelta(days=1)).count()
        if failed:
            items.append(TodoItem(key="accounts.failed", title="近24小时登录失败", url=reverse("admin:core_securitypolicy_changelist"), module="安全策略", count=failed,
                                  note="同一地址多次失败时核查来源，必要时收紧锁定策略", today=today))  # fmt: skip
    return items
