"""Every demo role's menu, link by link (the table is docs/roles.md): each link shown opens (200) for that role,
each page of the menu not shown is refused (403, in Chinese) — or answers for a reason written down below."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.web.context import NAVIGATION

# The demo accounts (manage.py demo_data): username → role, section, where it sits.
ROLES: dict[str, dict[str, object]] = {
    "admin": {"role": Role.COUNTY_ADMIN, "is_staff": True},
    "personnel": {"role": Role.BUREAU_STAFF, "section": Section.PERSONNEL},
    "safety": {"role": Role.BUREAU_STAFF, "section": Section.SAFETY},
    "supervision": {"role": Role.BUREAU_STAFF, "section": Section.SUPERVISION},
    "basic": {"role": Role.BUREAU_STAFF, "section": Section.BASIC},
    "finance": {"role": Role.BUREAU_STAFF, "section": Section.FINANCE},
    "leader": {"role": Role.COUNTY_LEADER, "read_only": True},
    "township": {"role": Role.TOWNSHIP_OFFICER, "area": "township_a"},
    "towngov": {"role": Role.TOWNSHIP_GOV, "area": "township_a"},
    "principal": {"role": Role.PRINCIPAL, "school": "school_a"},
    "teacher": {"role": Role.CLASS_TEACHER, "school": "school_a"},
    "village": {"role": Role.VILLAGE_CADRE, "area": "village_a1"},
    "sysadmin": {"role": Role.SYSTEM_ADMIN, "is_staff": True},
    "secadmin": {"role": Role.SECURITY_ADMIN, "is_staff": True},
    "auditor": {"role": Role.AUDIT_ADMIN, "is_staff": True},
    "student": {"role": Role.STUDENT},
}

# What every role with a data scope sees (the scope narrows what each page holds).
BASE = {
    "indicators:dashboard", "areas:list", "schools:list", "people:students", "dropout:dashboard",
    "dropout:bulletins", "bulletins:list",
}  # fmt: skip
SAFETY = {"safety:dashboard", "safety:hazards", "safety:devices"}
PROJECTS = {"facilities:projects"}  # 项目建设: county, township and school read (the 计财股 and county admin write)
COUNTY = BASE | SAFETY | PROJECTS | {"people:teachers", "teachers:dashboard", "learning:dashboard"}
PERSONNEL_CHAIN = {"teachers:rounds", "teachers:rotation"}

# The exact menu of each role (docs/roles.md is this table): the platform's first modules …
MENUS: dict[str, set[str]] = {
    "admin": COUNTY | PERSONNEL_CHAIN | {"teachers:ethics", "exchange:imports", "web:jobs", "admin:index"},
    "personnel": COUNTY | PERSONNEL_CHAIN | {"teachers:ethics", "exchange:imports"},
    "safety": COUNTY,
    "supervision": COUNTY,
    "basic": COUNTY | {"exchange:imports"},
    "finance": COUNTY,
    "leader": COUNTY | PERSONNEL_CHAIN,
    "township": COUNTY | PERSONNEL_CHAIN,
    "towngov": COUNTY,
    "principal": COUNTY | PERSONNEL_CHAIN | {"teachers:ethics"},
    "teacher": BASE | SAFETY | {"learning:dashboard"},
    "village": BASE,
    "sysadmin": {"web:jobs", "admin:index"},
    "secadmin": {"admin:index"},
    "auditor": {"web:audit", "admin:index"},
    "student": {"quality:evaluation"},
}
BUREAU = ("admin", "personnel", "safety", "supervision", "basic", "finance", "leader")
TOWNSHIPS = ("township", "towngov")

# … and the work plan's modules: (pages, the roles whose menu shows them).
ADDED: list[tuple[set[str], tuple[str, ...]]] = [
    ({"bulletins:screen"}, BUREAU),  # the 数据大屏: county roles
    ({"exchange:imports"}, ("finance", "supervision")),  # each section imports its own formats (Kind.importers)
    # 督导: the county and the townships read the plan, links, areas and assessment; a school works its 整改
    (
        {
            "supervision:plan",
            "supervision:links",
            "supervision:zones",
            "supervision:rectifications",
            "supervision:assessment",
        },
        BUREAU + TOWNSHIPS,
    ),
    ({"supervision:rectifications"}, ("principal",)),
    ({"facilities:coverage"}, BUREAU + TOWNSHIPS),  # the county and the townships plan the preschool layout
    ({"finance:dashboard"}, ("admin", "finance", "leader")),  # the 计财股 writes; the admin and the leaders read
    ({"forecast:dashboard"}, BUREAU + TOWNSHIPS),  # the county's roles and a township's (forecast.permissions)
    # 教育质量: every role with a class, school, township or county scope (a student: only their own evaluation)
    (
        {"quality:evaluation", "quality:certificates", "quality:competitions", "quality:pathways"},
        BUREAU + TOWNSHIPS + ("principal", "teacher"),
    ),
    # 辍学预警: every role with a class, school, township or county scope (not villages, not the administrators)
    ({"warning:dashboard"}, BUREAU + TOWNSHIPS + ("principal", "teacher")),
    # 办学标准与均衡: the county sections, leaders, townships and principals (not class teachers, villages, admins)
    ({"standards:balance", "standards:compliance", "standards:demonstration"}, BUREAU + TOWNSHIPS + ("principal",)),
]
for pages, roles in ADDED:
    for role in roles:
        MENUS[role] = MENUS[role] | pages

ADMINS = ("sysadmin", "secadmin", "auditor")
NO_ROW_PAGES = ("areas:list", "schools:list", "people:students", "people:teachers", "dropout:dashboard",
                "dropout:bulletins")  # fmt: skip

# Pages of the menu a role does not see but that answer 200, and why that is right.
REACHABLE: dict[tuple[str, str], str] = {
    **{
        (admin, page): "no scope (三员分立): the scope chokepoint gives the administrators no row, the page is empty"
        for admin in ADMINS
        for page in NO_ROW_PAGES
    },
    **{
        (admin, "indicators:dashboard"): "aggregate figures, readable without a scope (ADR 0020); no person in them"
        for admin in ADMINS
    },
    ("teacher", "people:teachers"): "teacher_q: the class teacher's own record only, so not a list of theirs",
    ("village", "people:teachers"): "teacher_q gives a village no teacher: the list is empty",
    **{
        ("student", page): "student_q: the student's own record only, school_q nothing: no list is theirs"
        for page in NO_ROW_PAGES
    },
    ("student", "indicators:dashboard"): "aggregate figures, readable without a scope (ADR 0020); no person in them",
}
# Refusals other than 403, and why.
NOT_FOUND = {
    "teachers:ethics": "ethics files are not acknowledged to exist for anyone not allowed (404, docs/teachers.md)",
    "learning:dashboard": "a village or no scope has no unit to analyse: 404, as for a unit outside the scope",
}
ADMIN_SITE = "admin:index"  # the admin site sends an account that is not staff to its own login page (302)


def _user(username: str, request: pytest.FixtureRequest, class_a1):
    attrs = dict(ROLES[username])
    for key in ("area", "school"):
        if isinstance(attrs.get(key), str):
            attrs[key] = request.getfixturevalue(str(attrs[key]))
    user = UserFactory(username=username, **attrs)
    if username == "teacher":
        user.classes.add(class_a1)
    if username == "student":
        from jiaoyun.people.tests.factories import StudentFactory
        from jiaoyun.quality.models import StudentAccount

        StudentAccount.objects.create(user=user, student=StudentFactory(name="杨小梅"))
    return user


def installed(name: str) -> bool:
    """A menu line whose page is not installed is hidden (``context._url``), so it is not checked either."""
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def menu_names(client) -> set[str]:
    by_url = {reverse(name): name for _, items in NAVIGATION for _, name in items if installed(name)}
    return {by_url[link["url"]] for s in client.get("/").context["nav_sections"] for link in s["links"]}


def test_the_table_covers_every_role_and_names_only_menu_pages():
    assert set(MENUS) == set(ROLES)
    every = {name for _, items in NAVIGATION for _, name in items}
    assert set().union(*MENUS.values()) <= every
    assert {page for _, page in REACHABLE} <= every


@pytest.mark.django_db
@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_sees_exactly_its_menu_and_each_link_opens(client, request, username, school_a, class_a1):
    user = _user(username, request, class_a1)
    client.force_login(user)
    assert menu_names(client) == MENUS[username]
    for _, items in NAVIGATION:
        for _, name in items:
            if not installed(name):
                continue
            response = client.get(reverse(name))
            status = response.status_code
            if name in MENUS[username] or (username, name) in REACHABLE:
                assert status == 200, (username, name, status)
            elif name in NOT_FOUND:
                assert status == 404, (username, name, status)
            elif name == ADMIN_SITE:
                assert status == 302 and "/admin/login/" in response["Location"], (username, name, status)
            else:
                assert status == 403, (username, name, status)
                assert "无权访问" in response.content.decode()  # the platform's Chinese page, not Django's


@pytest.mark.django_db
def test_the_administrators_see_only_their_administration_items(client, request, class_a1):
    for username in ADMINS:
        client.force_login(_user(username, request, class_a1))
        sections = {s["label"] for s in client.get("/").context["nav_sections"]}
        assert sections == {"系统"}, (username, sections)


@pytest.mark.django_db
def test_a_class_teacher_sees_no_staffing_or_rotation_and_the_pages_refuse_in_chinese(client, class_teacher):
    client.force_login(class_teacher)
    labels = {link["label"] for s in client.get("/").context["nav_sections"] for link in s["links"]}
    assert not {"编制与缺口", "县管校聘", "交流轮岗", "师德档案"} & labels
    for url, reason in (
        ("/teachers/quotas/", "编制与缺口仅县教育局、乡镇和学校负责人可查看"),
        ("/teachers/gaps/", "编制与缺口仅县教育局、乡镇和学校负责人可查看"),
        ("/teachers/rounds/", "县管校聘仅县教育局人事股、中心校和校长可查看"),
        ("/teachers/rotation/", "交流轮岗仅县教育局人事股、中心校和校长可查看"),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert reason in response.content.decode()
    # and the API gives the staffing figures of the teacher's school to nobody outside the rule
    assert client.get("/api/teachers/quotas").json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u, menu in MENUS.items() if "teachers:dashboard" in menu])
def test_the_teachers_tabs_link_only_pages_the_role_opens(client, request, username, school_a, class_a1):
    """The tabs of the teachers pages follow the menu's predicates (``page_access``): no tab answers 403."""
    import re

    client.force_login(_user(username, request, class_a1))
    html = client.get(reverse("teachers:dashboard")).content.decode()
    tabs = re.search(r'<nav class="subnav[^"]*"[^>]*data-module="teachers"><ul>(.*?)</ul></nav>', html)
    assert tabs is not None
    hrefs = re.findall(r'href="([^"]+)"', tabs.group(1))
    assert ("/teachers/rounds/" in hrefs) == ("teachers:rounds" in MENUS[username]), username
    for href in hrefs:
        assert client.get(href).status_code == 200, (username, href)
