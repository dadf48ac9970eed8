"""The navigation shows each role only the pages it can open."""

import pytest

NAV_ITEMS = ("审计日志", "导入", "平安校园", "学习行为分析", "控辍保学", "学生")


def nav_labels(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {link["label"] for section in response.context["nav_sections"] for link in section["links"]}


@pytest.mark.django_db
def test_county_admin_sees_import_and_modules_but_not_the_audit_log(client, county_admin):
    labels = nav_labels(client, county_admin)
    assert {"导入", "平安校园", "控辍保学", "学生"} <= labels
    assert "审计日志" not in labels  # 三员分立: the audit administrator alone


@pytest.mark.django_db
def test_village_cadre_sees_cases_but_not_safety_learning_import_or_audit(client, village_cadre):
    labels = nav_labels(client, village_cadre)
    assert "控辍保学" in labels
    assert not {"审计日志", "导入", "平安校园", "学习行为分析", "师德档案"} & labels


@pytest.mark.django_db
def test_audit_admin_sees_the_audit_log_and_no_people_pages(client, county):
    from jiaoyun.core.tests.factories import UserFactory

    auditor = UserFactory(role="audit_admin")
    labels = nav_labels(client, auditor)
    assert "审计日志" in labels
    assert not {"学生", "控辍保学", "教职工"} & labels


@pytest.mark.django_db
def test_every_shown_link_opens_for_each_persona(
    client, county_admin, township_officer, principal, class_teacher, village_cadre, county_leader
):
    for user in (county_admin, township_officer, principal, class_teacher, village_cadre, county_leader):
        client.force_login(user)
        sections = client.get("/").context["nav_sections"]
        for section in sections:
            for link in section["links"]:
                status = client.get(link["url"]).status_code
                assert status == 200, (user.username, link["url"], status)
