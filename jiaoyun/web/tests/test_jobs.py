"""定时任务 page: the system administrator sees each periodic job and the task queue, and can run a job now."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from jiaoyun.core import schedule
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(county):
    return UserFactory(role="system_admin")


def test_sysadmin_sees_jobs_with_next_runs_and_the_nav_link(client, sysadmin):
    schedule.schedule_all()
    client.force_login(sysadmin)
    response = client.get(reverse("web:jobs"))
    assert response.status_code == 200
    body = response.content.decode()
    for job in schedule.JOBS:
        assert job.label in body and job.name in body
    assert "未排队" not in body and body.count("排队中") == len(schedule.JOBS)
    labels = {link["label"] for s in client.get("/").context["nav_sections"] for link in s["links"]}
    assert "定时任务" in labels


def test_a_job_never_queued_is_flagged(client, county_admin):
    client.force_login(county_admin)
    body = client.get(reverse("web:jobs")).content.decode()
    assert body.count("未排队") == len(schedule.JOBS)


@pytest.mark.parametrize("persona", ["principal", "township_officer", "county_leader"])
def test_other_roles_may_not_open_or_run_jobs(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("web:jobs")).status_code == 403
    assert client.post(reverse("web:jobs"), {"job": "safety_daily"}).status_code == 403
    assert not DBTaskResult.objects.exists()


def test_an_auditor_may_not_open_the_jobs_page(client, county):
    client.force_login(UserFactory(role="audit_admin"))
    assert client.get(reverse("web:jobs")).status_code == 403


def test_run_now_queues_the_job_once_and_is_audited(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("web:jobs"), {"job": "safety_daily"}, follow=True)
    assert "已排入队列" in response.content.decode()
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"] == {"job": "safety_daily"} and queued.status == "READY"
    entry = AuditEntry.objects.get(object_type="core.PeriodicJob")
    assert (entry.object_id, entry.actor) == ("safety_daily", sysadmin)
    response = client.post(reverse("web:jobs"), {"job": "nope"}, follow=True)
    assert "没有这个定时任务" in response.content.decode()
    assert DBTaskResult.objects.count() == 1
