"""Periodic jobs, run by the task worker (``manage.py db_worker``) without cron.

django-tasks has no scheduler of its own. Each job below is one ``periodic_run`` task in the queue with
``run_after`` set to its next due time; when the worker has run it, the task enqueues the job's next run.
``manage.py schedule_jobs`` puts every job in the queue once (idempotent: a job that already has a waiting or
running task is left alone), so a deployment needs only that command after each release and a running worker.

Schedules are ``every:<minutes>m``, ``daily:HH:MM`` or ``monthly:<day> HH:MM`` in local time
(``settings.TIME_ZONE``); ``settings.JIAOYUN["SCHEDULE"]`` may override any job's schedule, or switch a job off
with ``"off"``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from jiaoyun.core.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiaoyun.core.models import User

TASK_PATH = "jiaoyun.core.tasks.periodic_run"


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    schedule: str
    calls: tuple[str, ...]  # dotted paths of callables run in order, each without arguments
    kwargs: tuple[tuple[str, Any], ...] = ()
    purpose: str = ""  # what it is for, in a sentence (the 定时任务 page)


JOBS: tuple[Job, ...] = (
    Job(
        "devices_offline",
        "安防设备离线检查",
        "every:5m",
        ("jiaoyun.safety.services.devices_check_offline",),
        purpose="超过心跳间隔没有消息的安防设备标记为离线，每台发出一条预警",
    ),
    Job(
        "safety_daily",
        "平安校园达标计算与逾期隐患升级",
        "daily:02:00",
        ("jiaoyun.safety.services.compliance_compute", "jiaoyun.safety.services.hazards_escalate_overdue"),
        purpose="重新计算各校平安校园达标情况；超过整改期限仍未整改的隐患上报上一级",
    ),
    Job(
        "indicators_nightly",
        "本学年指标重算",
        "daily:03:00",
        ("jiaoyun.indicators.services.indicators_refresh",),
        (("triggered_by", "schedule"),),
        purpose="按学籍变动重新计算本学年的各项教育指标",
    ),
    Job(
        "dropout_monthly",
        "控辍保学月度作业与通报",
        "monthly:1 01:00",
        ("jiaoyun.dropout.services.monthly.monthly_run",),
        purpose="检查劝返期限并发出逾期预警，刷新统计，生成上月控辍保学通报",
    ),
    Job(
        "facilities_late",
        "建设项目进度滞后提醒与升级",
        "daily:06:30",
        ("jiaoyun.facilities.services.late_milestones_alert",),
        purpose="计划日期已过仍未完成的项目节点提醒项目负责人，每滞后满一周升级一级（计划财务股、县局管理员）",
    ),
    Job(
        "supervision_daily",
        "工作计划与整改逾期提醒",
        "daily:07:30",
        ("jiaoyun.supervision.services.alerts_run",),
        purpose="逾期的计划任务节点和整改事项提醒责任人，逾期每满一周升级一级（督导室、局领导）",
    ),
    Job(
        "notices_deliver",
        "消息分发与发送（群机器人、邮件、短信）",
        "every:1m",
        ("jiaoyun.notices.services.notices_run",),
        purpose="把控辍保学逾期步骤、设备离线等预警转为站内消息，按提醒设置分发到企业微信、钉钉群和邮件、短信，失败的按间隔重试",
    ),
    Job(
        "decisions_overdue",
        "通报决定逾期检查",
        "daily:02:30",
        ("jiaoyun.bulletins.services.decisions_check_overdue",),
        purpose="超过整改期限仍未反馈的约谈、通报、限期整改决定标记为逾期，并提醒被通报单位、督导室和上一级",
    ),
    Job(
        "bulletins_monthly",
        "月度督查通报汇编",
        "monthly:2 02:00",
        ("jiaoyun.bulletins.services.bulletin_monthly_run",),
        purpose="汇编上月督查通报草稿（各模块情况、表扬和处理决定），由督导室预览后印发",
    ),
    Job(
        "accounts_dormant",
        "停用休眠账号、清理过期的登录失败记录",
        "daily:01:30",
        ("jiaoyun.core.accounts.dormant_accounts_disable", "jiaoyun.core.accounts.login_failures_prune"),
        purpose="长期未登录的账号自动停用；过期的登录失败记录删除",
    ),
    Job(
        "tasks_prune",
        "清理过期的后台任务记录",
        "daily:04:30",
        ("jiaoyun.core.schedule.task_results_prune",),
        purpose="删除保存期已过的后台任务运行记录",
    ),
    Job(
        "uploads_purge",
        "删除过期的上传文件和临时文件（剩余信息保护）",
        "daily:04:45",
        ("jiaoyun.core.files.uploads_purge",),
        purpose="删除超过保存期的上传文件和导入临时文件",
    ),
    Job(
        "audit_archive",
        "审计日志归档（超过保存期限的记录先归档再删除）",
        "daily:04:50",
        ("jiaoyun.core.audit_archive.audit_archive_run",),
        purpose="超过保存期限的审计日志先归档成文件，核对无误后从数据库删除",
    ),
    Job(
        "forecast_monthly",
        "学位预测重算",
        "monthly:2 03:30",
        ("jiaoyun.forecast.services.forecast_refresh",),
        purpose="按最新的学籍、分年龄人口、核定学位和在建项目重新计算各乡镇五到十年的学位需求",
    ),
)

# Finished task records are kept this many days (successful / failed): long enough that the monthly job's last
# run stays visible on the 定时任务 page, while the five-minute device check does not grow the queue table forever.
KEEP_SUCCESSFUL_DAYS = 45
KEEP_FAILED_DAYS = 180

_SPEC = re.compile(
    r"^(?:every:(?P<minutes>\d+)m|daily:(?P<dh>\d{1,2}):(?P<dm>\d{2})|monthly:(?P<day>\d{1,2}) (?P<mh>\d{1,2}):(?P<mm>\d{2}))$"
)


def job_get(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise DomainError(f"没有名为“{name}”的定时任务；可用：{'、'.join(j.name for j in JOBS)}")


def _clock(hour: int, minute: int) -> str:
    """02:00 → 凌晨2时, 15:30 → 下午3时30分."""
    part = "凌晨" if hour < 6 else "上午" if hour < 12 else "中午" if hour == 12 else "下午" if hour < 18 else "晚上"
    shown = hour - 12 if hour > 12 else hour
    return f"{part}{shown}时" + (f"{minute}分" if minute else "")


def schedule_text(spec: str) -> str:
    """A schedule in words: ``every:5m`` → 每5分钟, ``daily:02:00`` → 每日凌晨2时, ``monthly:1 01:00`` →
    每月1日凌晨1时, ``off`` → 已停用."""
    if spec == "off":
        return "已停用"
    match = _SPEC.match(spec)
    if not match:
        return "规则无法识别（请检查部署设置）"
    if match["minutes"]:
        minutes = int(match["minutes"])
        return f"每{minutes // 60}小时" if minutes % 60 == 0 else f"每{minutes}分钟"
    if match["dh"]:
        return "每日" + _clock(int(match["dh"]), int(match["dm"]))
    return f"每月{int(match['day'])}日" + _clock(int(match["mh"]), int(match["mm"]))


# Background tasks by their Chinese name (the task queue on the 定时任务 page shows no code paths).
TASK_LABELS: dict[str, str] = {
    "jiaoyun.core.tasks.periodic_run": "定时任务",
    "jiaoyun.indicators.tasks.indicators_refresh_task": "重新计算教育指标",
    "jiaoyun.dropout.tasks.crossmatch_task": "四查三比对",
    "jiaoyun.dropout.tasks.monthly_task": "控辍保学月度作业",
    "jiaoyun.safety.tasks.devices_check_offline_task": "安防设备离线检查",
    "jiaoyun.safety.tasks.hazards_escalate_overdue_task": "逾期隐患升级",
    "jiaoyun.safety.tasks.compliance_compute_task": "平安校园达标计算",
    "jiaoyun.exchange.tasks.import_preview_task": "导入文件检查（预览）",
    "jiaoyun.exchange.tasks.import_confirm_task": "导入确认写入",
    "jiaoyun.teachers.tasks.quota_compute_task": "编制核定计算",
    "jiaoyun.learning.tasks.learning_stats_task": "学习数据统计",
}
# Errors in words, by the exception's class (its last dotted part); the full error stays in the task record
# (admin) and the worker's log.
ERROR_LABELS: dict[str, str] = {
    "DomainError": "业务规则不允许",
    "PermissionDenied": "无权执行",
    "OperationalError": "数据库暂时不可用",
    "DatabaseError": "数据库错误",
    "IntegrityError": "数据冲突（重复或被引用）",
    "InterfaceError": "数据库连接中断",
    "TimeoutError": "运行超时",
    "FileNotFoundError": "文件不存在",
    "PermissionError": "文件无权读写",
    "OSError": "文件或系统错误",
    "MemoryError": "内存不足",
    "ImproperlyConfigured": "部署设置有误",
    "ValueError": "数据格式有误",
}


def task_label(task_path: str, job: str | None = None) -> str:
    """The Chinese name of a background task (a periodic run is named by its job)."""
    if task_path == TASK_PATH and job:
        return next((j.label for j in JOBS if j.name == job), "定时任务")
    return TASK_LABELS.get(task_path, "后台任务")


def error_text(exception_class_path: str) -> str:
    """A failed task's error in words: 失败：数据库暂时不可用 (no class path)."""
    if not exception_class_path:
        return ""
    return ERROR_LABELS.get(exception_class_path.rsplit(".", 1)[-1], "程序错误")


def schedule_of(job: Job) -> str:
    """The job's schedule after ``settings.JIAOYUN["SCHEDULE"]`` overrides (``"off"`` when switched off)."""
    overrides: Any = settings.JIAOYUN.get("SCHEDULE") or {}
    return str(overrides.get(job.name, job.schedule))


def next_after(spec: str, now: dt.datetime) -> dt.datetime:
    """The first due time strictly after ``now`` for a schedule spec (aware datetime, local time zone)."""
    match = _SPEC.match(spec)
    if not match:
        raise DomainError(f"定时规则“{spec}”无法识别：应为 every:5m、daily:02:00 或 monthly:1 01:00")
    tz = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(tz)
    if match["minutes"]:
        step = int(match["minutes"])
        if step < 1:
            raise DomainError(f"定时规则“{spec}”的间隔必须至少1分钟")
        # Aligned on the clock (every:5m runs at :00, :05, …) so restarts do not drift the times.
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((local - midnight).total_seconds() // 60)
        due = midnight + dt.timedelta(minutes=(elapsed // step + 1) * step)
        return due
    if match["dh"]:
        hour, minute = int(match["dh"]), int(match["dm"])
        due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return due if due > local else (due + dt.timedelta(days=1)).replace(hour=hour, minute=minute)
    day, hour, minute = int(match["day"]), int(match["mh"]), int(match["mm"])
    if not 1 <= day <= 28:
        raise DomainError(f"定时规则“{spec}”的日期须在1–28日之间（每月都有）")
    due = local.replace(day=day, hour=hour, minute=minute, second=0, microsecond=0)
    if due <= local:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        due = due.replace(year=year, month=month)
    return due


def task_results_prune(*, now: dt.datetime | None = None) -> int:
    """Delete finished background-task records past their keeping period (every task, not only the periodic
    ones); returns how many were deleted. Waiting and running tasks are never touched."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    conf: Any = settings.JIAOYUN
    keep_ok = int(conf.get("TASK_KEEP_SUCCESSFUL_DAYS", KEEP_SUCCESSFUL_DAYS))
    keep_failed = int(conf.get("TASK_KEEP_FAILED_DAYS", KEEP_FAILED_DAYS))
    old = Q(status="SUCCESSFUL", finished_at__lt=now - dt.timedelta(days=keep_ok)) | Q(
        status="FAILED", finished_at__lt=now - dt.timedelta(days=keep_failed)
    )
    deleted, _ = DBTaskResult.objects.filter(old).delete()
    return deleted


def job_execute(job: Job) -> list[str]:
    """Run the job's callables now, in order; returns each one's result as text."""
    kwargs = dict(job.kwargs)
    return [str(import_string(path)(**kwargs)) for path in job.calls]


def _pending(name: str) -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=TASK_PATH, status__in=["READY", "RUNNING"], args_kwargs__kwargs__job=name
    )


def job_enqueue_next(name: str, *, now: dt.datetime | None = None, exclude_id: Any = None) -> dt.datetime | None:
    """Queue the job's next run unless one is already waiting; returns the due time (None when switched off)."""
    from jiaoyun.core.tasks import periodic_run

    job = job_get(name)
    spec = schedule_of(job)
    if spec == "off":
        return None
    pending = _pending(name).filter(status="READY")
    if exclude_id is not None:
        pending = pending.exclude(id=exclude_id)
    existing = pending.order_by("run_after").values_list("run_after", flat=True).first()
    if existing is not None:
        return existing
    due = next_after(spec, now or timezone.now())
    periodic_run.using(run_after=due).enqueue(job=name)
    return due


def job_run_now(*, actor: User | AnonymousUser, name: str) -> None:
    """Queue one run of a job for the worker to pick up at once (audited); its regular schedule is unchanged."""
    from django.db import transaction

    from jiaoyun.core.audit import audit_record
    from jiaoyun.core.choices import AuditAction, Role
    from jiaoyun.core.errors import PermissionDenied
    from jiaoyun.core.tasks import periodic_run

    if getattr(actor, "role", None) not in (Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN):
        raise PermissionDenied("只有系统管理员和县局管理员可以手动运行定时任务")
    job = job_get(name)
    with transaction.atomic():
        periodic_run.enqueue(job=job.name)
        audit_record(actor=actor, action=AuditAction.CREATE, object_type="core.PeriodicJob", object_id=job.name,
                     object_repr=job.label, note="手动排队立即运行")  # fmt: skip


def schedule_all(*, now: dt.datetime | None = None) -> list[tuple[Job, str, dt.datetime | None]]:
    """Make sure every job has its next run queued (idempotent). Returns (job, schedule, next due time)."""
    return [(job, schedule_of(job), job_enqueue_next(job.name, now=now)) for job in JOBS]


def schedule_status() -> list[dict[str, Any]]:
    """For each job: its schedule, next queued run, and the last finished run with its outcome.

    One query for everything waiting; one per job for its last run (the jobs are a handful, and finished
    records are pruned by ``tasks_prune``)."""
    from django_tasks_db.models import DBTaskResult

    periodic = DBTaskResult.objects.filter(task_path=TASK_PATH)
    nxt: dict[str, Any] = {}
    for args, run_after in periodic.filter(status__in=["READY", "RUNNING"]).values_list("args_kwargs", "run_after"):
        name = args["kwargs"].get("job")
        nxt[name] = min(run_after, nxt.get(name, run_after))
    rows = []
    for job in JOBS:
        last = (
            periodic.filter(status__in=["SUCCESSFUL", "FAILED"], args_kwargs__kwargs__job=job.name)
            .order_by("-finished_at")
            .values("status", "finished_at", "exception_class_path")
            .first()
        )
        spec = schedule_of(job)
        shown = None if last is None else {**last, "error": error_text(last["exception_class_path"])}
        rows.append({"job": job, "schedule": spec, "schedule_text": schedule_text(spec), "next": nxt.get(job.name),
                     "last": shown})  # fmt: skip
    return rows
