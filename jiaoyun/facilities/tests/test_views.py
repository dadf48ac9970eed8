"""The pages: who reads, who writes, the two-click answer of the 计财股, the new-project prefill, files."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.facilities import services
from jiaoyun.facilities.models import Contract, Milestone, Payment, Project

TODAY = timezone.localdate()


@pytest.fixture
def late_kg(make_project, finance, township_a, village_a2):
    p = make_project(
        name="大竹林村幼儿园新建工程",
        school_id=None,
        site_name="大竹林村幼儿园",
        kind="new",
        township_id=township_a.pk,
        village_id=village_a2.pk,
        target="rural_kg",
        milestones={1: TODAY - dt.timedelta(days=9)},
    )
    services.milestone_record(
        actor=finance, milestone=p.milestones.get(kind=1), actual=None, note="立项批复待县政府研究"
    )
    services.funding_set(actor=finance, project=p, amounts={"central": "700000", "county": "300000"})
    c = services.contract_add(actor=finance, project=p, title="设计合同", contractor="设计院", amount=Decimal("50000"))
    services.payment_add(actor=finance, contract=c, date=TODAY, amount="12345.67", source="county")
    return p


def test_the_finance_section_answers_which_kindergartens_are_late_in_two_clicks(client, finance, late_kg, project):
    client.force_login(finance)
    home = client.get("/").content.decode()
    assert reverse("facilities:projects") in home  # click 1: the menu
    page = client.get(reverse("facilities:projects")).content.decode()
    assert 'data-testid="late-kindergartens"' in page and "?target=plan&amp;level=preschool&amp;late=1" in page
    html = client.get(
        reverse("facilities:projects") + "?target=plan&level=preschool&late=1"
    ).content.decode()  # click 2
    assert "大竹林村幼儿园新建工程" in html and "甸阳镇中心幼儿园改扩建" not in html
    assert "立项 滞后9天" in html and "立项批复待县政府研究" in html
    assert 'data-testid="sum-county-paid">1.23<' in html  # 12,345.67 元 = 1.23 万元 of 县级配套 paid


def test_the_list_exports_to_excel(client, finance, late_kg):
    client.force_login(finance)
    response = client.get(reverse("facilities:projects") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    from jiaoyun.core.tests.routes import body_text

    text = body_text(response)
    assert "大竹林村幼儿园新建工程" in text and "县级配套（元）" in text and "立项滞后9天：立项批复待县政府研究" in text


@pytest.mark.parametrize("who", ["county_leader", "township_officer", "principal"])
def test_readers_see_but_may_not_write(client, request, who, project):
    client.force_login(request.getfixturevalue(who))
    url = reverse("facilities:project", args=[project.pk])
    response = client.get(url)
    assert response.status_code == 200 and 'data-testid="milestone-form"' not in response.content.decode()
    response = client.post(url, {"action": "milestone", "kind": 1, "actual": TODAY.isoformat()})
    assert response.status_code == 403
    assert client.get(reverse("facilities:project_new")).status_code == 403
    assert Milestone.objects.filter(actual__isnull=False).count() == 0


@pytest.mark.parametrize("who", ["class_teacher", "village_cadre", "outsider", "township_b_officer"])
def test_others_do_not_reach_the_project(client, request, who, project):
    client.force_login(request.getfixturevalue(who))
    status = client.get(reverse("facilities:project", args=[project.pk])).status_code
    assert status == (404 if who == "township_b_officer" else 403)


def test_recording_a_milestone_and_a_refusal_naming_the_field(client, finance, project):
    client.force_login(finance)
    url = reverse("facilities:project", args=[project.pk])
    day = TODAY - dt.timedelta(days=5)
    assert client.post(url, {"action": "milestone", "kind": 1, "actual": day.isoformat()}).status_code == 302
    response = client.post(url, {"action": "milestone", "kind": 2, "actual": (day - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "“可研批复实际日期”" in response.content.decode() and "早于前一节点“立项”" in response.content.decode()
    assert Milestone.objects.get(project=project, kind=2).actual is None


def test_money_forms(client, finance, project):
    client.force_login(finance)
    url = reverse("facilities:project", args=[project.pk])
    bad = {"action": "funding", "budget": "1000000", "src_central": "600000", "src_county": "300000"}
    response = client.post(url, bad)
    assert response.status_code == 400 and "相差100,000.00元" in response.content.decode()
    good = {**bad, "src_county": "400000"}
    assert client.post(url, good).status_code == 302
    client.post(url, {"action": "contract", "title": "施工合同", "contractor": "保山建工", "amount": "900000"})
    contract = Contract.objects.get(project=project)
    r = client.post(
        url,
        {
            "action": "payment",
            "contract": contract.pk,
            "date": TODAY.isoformat(),
            "amount": "900000.01",
            "source": "central",
        },
    )
    assert r.status_code == 400 and "超出合同金额0.01元" in r.content.decode() and Payment.objects.count() == 0
    client.post(
        url,
        {
            "action": "payment",
            "contract": contract.pk,
            "date": TODAY.isoformat(),
            "amount": "400000",
            "source": "county",
        },
    )
    assert Payment.objects.get().amount == Decimal("400000.00")
    assert 'data-testid="paid-county">400,000.00<' in client.get(url).content.decode()


def test_new_project_prefill_and_create(client, finance, school_a, township_a, village_a2):
    client.force_login(finance)
    url = reverse("facilities:project_new")
    query = (
        f"?township={township_a.pk}&village={village_a2.pk}&kind=new&level=preschool"
        "&name=大竹林村幼儿园&note=一村一幼缺口：3-5岁幼儿42人，无幼儿园"
    )
    form = client.get(url + query).context["form"]
    assert form.initial["township"] == township_a.pk and form.initial["village"] == village_a2.pk
    assert (form.initial["kind"], form.initial["level"], form.initial["name"]) == ("new", "preschool", "大竹林村幼儿园")
    assert form.initial["note"].startswith("一村一幼缺口")
    assert client.get(url + "?kind=castle&level=moon&school=x").context["form"].initial.keys() == {"plan_year"}
    data = {
        "name": "大竹林村幼儿园新建工程",
        "kind": "new",
        "level": "preschool",
        "ownership": "public",
        "site_name": "大竹林村",
        "township": township_a.pk,
        "village": village_a2.pk,
        "seats": 90,
        "classes": 3,
        "budget": "3000000",
        "plan_year": 2022,
        "planned_1": "2022-01-10",
        "planned_2": "2022-01-09",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "“可研批复计划日期”" in response.content.decode()
    assert Project.objects.count() == 0
    data["planned_2"] = "2022-03-01"
    assert client.post(url, data).status_code == 302
    p = Project.objects.get()
    assert p.milestones.get(kind=2).planned == dt.date(2022, 3, 1) and p.village_id == village_a2.pk


def test_a_photo_is_served_only_in_scope(
    client, finance, project, png, township_b_officer, principal, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(finance)
    url = reverse("facilities:project", args=[project.pk])
    assert (
        client.post(
            url, {"action": "file", "file": png, "kind": "photo", "milestone": "5", "caption": "开工"}
        ).status_code
        == 302
    )
    f = project.files.get()
    response = client.get(reverse("facilities:project_file", args=[f.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(principal)
    assert client.get(reverse("facilities:project_file", args=[f.pk])).status_code == 200
    client.force_login(township_b_officer)
    assert client.get(reverse("facilities:project_file", args=[f.pk])).status_code == 404


def test_the_api(client, finance, late_kg, township_b_officer):
    client.force_login(finance)
    items = client.get("/api/facilities/projects?late=true").json()["items"]
    assert [(i["name"], i["late_milestone"], i["late_note"]) for i in items] == [
        ("大竹林村幼儿园新建工程", "立项", "立项批复待县政府研究")
    ]
    detail = client.get(f"/api/facilities/projects/{late_kg.pk}").json()
    assert [m["label"] for m in detail["schedule"]][:2] == ["立项", "可研批复"]
    assert {m["source"]: m["paid"] for m in detail["money"]} == {"central": "0.00", "county": "12345.67"}
    rollup = client.get("/api/facilities/rollup").json()
    assert rollup[0]["county_paid"] == "12345.67"
    client.force_login(township_b_officer)
    assert client.get(f"/api/facilities/projects/{late_kg.pk}").status_code == 404
    assert client.get("/api/facilities/projects").json()["items"] == []


def test_the_finance_home_page_lists_late_milestones(client, finance, late_kg):
    client.force_login(finance)
    html = client.get("/").content.decode()
    assert "计划财务股工作台" in html and "“立项”滞后9天" in html


def test_the_bulletin_section(late_kg):
    from jiaoyun.facilities.bulletin import section

    month = TODAY.replace(day=1)
    s = section(month=month, on=TODAY)
    assert s is not None and s.key == "facilities" and s.order == 50
    assert "全县在库建设项目1个" in s.paragraphs[0]
    money = next(t for t in s.tables if t.caption.startswith("项目资金"))
    assert ["县级配套", "30.00", "1.23", "4.1%"] in money.rows
