import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from jiaoyun.core import schedule
from jiaoyun.core.errors import DomainError
from jiaoyun.core.tasks import periodic_run

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(
    ("spec", "now", "due"),
    [
        ("every:5m", at(2021, 9, 1, 10, 7, 30), at(2021, 9, 1, 10, 10)),
        ("every:5m", at(2021, 9, 1, 10, 10), at(2021, 9, 1, 10, 15)),
        ("every:5m", at(2021, 9, 1, 23, 58), at(2021, 9, 2, 0, 0)),
        ("daily:02:00", at(2021, 9, 1, 1, 59), at(2021, 9, 1, 2, 0)),
        ("daily:02:00", at(2021, 9, 1, 2, 0), at(2021, 9, 2, 2, 0)),
        ("daily:02:00", at(2021, 12, 31, 23, 0), at(2022, 1, 1, 2, 0)),
        ("monthly:1 01:00", at(2021, 12, 15, 10, 0), at(2022, 1, 1, 1, 0)),
        ("monthly:1 01:00", at(2021, 11, 1, 0, 59), at(2021, 11, 1, 1, 0)),
        ("monthly:1 01:00", at(2021, 11, 1, 1, 0), at(2021, 12, 1, 1, 0)),
    ],
)
def test_next_after_gives_the_first_due_time_after_now(spec, now, due):
    assert schedule.next_after(spec, now) == due


def test_next_after_accepts_utc_input_and_answers_in_local_time():
    # 18:30 UTC on 31 August is 02:30 on 1 September in Shidian: the next 02:00 is on 2 September.
    assert schedule.next_after("daily:02:00", dt.datetime(2021, 8, 31, 18, 30, tzinfo=dt.UTC)) == at(2021, 9, 2, 2, 0)


@pytest.mark.parametrize("spec", ["hourly", "every:0m", "daily:2", "monthly:31 01:00"])
def test_bad_schedules_are_refused_with_a_reason(spec):
    with pytest.raises(DomainError, match="定时规则"):
        schedule.next_after(spec, at(2021, 9, 1, 0, 0))


def test_every_job_points_at_callables_that_exist():
    from django.utils.module_loading import import_string

    for job in schedule.JOBS:
        for path in job.calls:
            assert callable(import_string(path)), path


@pytest.mark.django_db
def test_schedule_all_queues_each_job_once_and_is_idempotent():
    now = at(2021, 9, 1, 10, 7)
    first = schedule.schedule_all(now=now)
    again = schedule.schedule_all(now=now + dt.timedelta(minutes=1))
    assert [due for _, _, due in first] == [due for _, _, due in again]
    waiting = DBTaskResult.objects.filter(task_path=schedule.TASK_PATH, status="READY")
    assert waiting.count() == len(schedule.JOBS)
    dues = {r.args_kwargs["kwargs"]["job"]: timezone_local(r.run_after) for r in waiting}
    assert dues == {
        "devices_offline": at(2021, 9, 1, 10, 10),
        "safety_daily": at(2021, 9, 2, 2, 0),
        "indicators_nightly": at(2021, 9, 2, 3, 0),
        "facilities_late": at(2021, 9, 2, 6, 30),
        "dropout_monthly": at(2021, 10, 1, 1, 0),
        "accounts_dormant": at(2021, 9, 2, 1, 30),
        "tasks_prune": at(2021, 9, 2, 4, 30),
        "uploads_purge": at(2021, 9, 2, 4, 45),
        "audit_archive": at(2021, 9, 2, 4, 50),
        "forecast_monthly": at(2021, 9, 2, 3, 30),
        "supervision_daily": at(2021, 9, 2, 7, 30),
        "notices_deliver": at(2021, 9, 1, 10, 8),
        "decisions_overdue": at(2021, 9, 2, 2, 30),
        "bulletins_monthly": at(2021, 9, 2, 2, 0),
    }


def timezone_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(SH)


@pytest.mark.django_db
def test_a_switched_off_job_is_not_queued(settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "SCHEDULE": {"devices_offline": "off", "safety_daily": "daily:04:30"}}
    rows = {job.name: (spec, due) for job, spec, due in schedule.schedule_all(now=at(2021, 9, 1, 10, 0))}
    assert rows["devices_offline"] == ("off", None)
    assert rows["safety_daily"] == ("daily:04:30", at(2021, 9, 2, 4, 30))
    assert not DBTaskResult.objects.filter(args_kwargs__kwargs__job="devices_offline").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_due_job_and_queues_its_next_run():
    periodic_run.enqueue(job="devices_offline")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO(), stderr=StringIO())
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value == ["0"]
    following = DBTaskResult.objects.get(status="READY")
    assert following.args_kwargs["kwargs"] == {"job": "devices_offline"}
    assert following.run_after > done.finished_at


@pytest.mark.django_db
def test_schedule_jobs_command_lists_and_runs_jobs():
    out = StringIO()
    call_command("schedule_jobs", stdout=out)
    text = out.getvalue()
    assert "devices_offline" in text and "安防设备离线检查" in text and "上次：—" in text
    assert DBTaskResult.objects.filter(status="READY").count() == len(schedule.JOBS)
    out = StringIO()
    call_command("schedule_jobs", "--run", "devices_offline", stdout=out)
    assert out.getvalue().strip() == "0"
    with pytest.raises(CommandError, match="没有名为“nightly”的定时任务"):
        call_command("schedule_jobs", "--run", "nightly")


@pytest.mark.django_db
def test_prune_deletes_only_finished_records_past_their_keeping_period():
    from django.utils import timezone

    now = timezone.now()

    def finished(status, days_ago):
        result = periodic_run.enqueue(job="devices_offline")
        DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=now - dt.timedelta(days=days_ago))
        return result.id

    old_ok, recent_ok = finished("SUCCESSFUL", 46), finished("SUCCESSFUL", 44)
    old_failed, kept_failed = finished("FAILED", 181), finished("FAILED", 100)
    waiting = periodic_run.enqueue(job="safety_daily").id
    assert schedule.task_results_prune(now=now) == 2
    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(i) for i in left} == {str(recent_ok), str(kept_failed), str(waiting)}
    assert str(old_ok) not in {str(i) for i in left} and str(old_failed) not in {str(i) for i in left}
