"""Projects and payments through the exchange framework: preview with Chinese row errors, confirm, round trip."""

import io
from decimal import Decimal

from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.facilities import services
from jiaoyun.facilities.models import Contract, Payment, Project


def csv(text):
    return io.BytesIO(text.encode("utf-8"))


HEAD = "项目名称,建设类型,学段,学校标识码,规划选址,乡镇代码,村（社区）代码,新增学位,总投资（元）,计划年度,中央（元）,县级配套（元）,立项计划日期,可研批复计划日期\n"


def test_projects_import_with_row_errors(
    county_admin, township_a, village_a2, village_b1, school_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    text = HEAD + (
        f"大竹林村幼儿园新建工程,新建,学前,,大竹林村,{township_a.code},{village_a2.code},90,3000000,2022,2100000,900000,2022-01-10,2022-03-01\n"
        f"甸阳镇中心小学运动场,运动场,小学,{school_a.code},,{township_a.code},,0,500000,2022,,,,\n"
        f"跨乡村幼儿园,新建,学前,,某地,{township_a.code},{village_b1.code},90,100,2022,,,,\n"
        f"资金不符幼儿园,新建,学前,,某地,{township_a.code},,90,1000,2022,500,400,,\n"
        f"日期倒置幼儿园,新建,学前,,某地,{township_a.code},,90,1000,2022,,,2022-03-01,2022-01-01\n"
        f"未知学校项目,改扩建,小学,2153999999,,{township_a.code},,0,1000,2022,,,,\n"
    )
    batch = import_file(actor=county_admin, kind="projects", upload=csv(text), file_name="项目.csv")
    assert (batch.new, batch.rejected) == (2, 4)
    from jiaoyun.exchange.models import ImportRejection

    rejected = {(r.row, r.column): r.reason for r in ImportRejection.objects.filter(batch=batch)}
    assert any(col == "村（社区）" and "不属于甸阳镇" in why for (_, col), why in rejected.items()), rejected
    assert any(col == "资金来源" and "不一致" in why for (_, col), why in rejected.items()), rejected
    assert any(col == "可研批复计划日期" and "早于前一节点“立项”" in why for (_, col), why in rejected.items()), (
        rejected
    )
    assert any(col == "学校标识码" and "未知的学校标识码" in why for (_, col), why in rejected.items()), rejected
    import_confirm(actor=county_admin, batch=batch)
    p = Project.objects.get(name="大竹林村幼儿园新建工程")
    assert p.village_id == village_a2.pk and p.budget == Decimal("3000000.00")
    assert dict(p.funding.values_list("source", "amount")) == {
        "central": Decimal("2100000.00"),
        "county": Decimal("900000.00"),
    }
    assert p.milestones.get(kind=2).planned.isoformat() == "2022-03-01"
    assert Project.objects.count() == 2


def test_payments_import_counts_the_rows_above(county_admin, make_project, finance, township_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = make_project(name="甸阳幼儿园改扩建")
    services.funding_set(actor=finance, project=p, amounts={"central": "700000", "county": "300000"})
    head = "项目名称,乡镇代码,合同名称,承包单位,合同金额（元）,支付日期,金额（元）,资金来源,摘要\n"
    text = head + (
        f"甸阳幼儿园改扩建,{township_a.code},施工合同,保山建工,500000,2021-05-01,200000,县级配套,预付款\n"
        f"甸阳幼儿园改扩建,{township_a.code},施工合同,,,2021-06-01,150000,县级配套,进度款\n"  # 县级 350,000 > 300,000
        f"甸阳幼儿园改扩建,{township_a.code},施工合同,,,2021-06-01,250000,中央,进度款\n"
        f"甸阳幼儿园改扩建,{township_a.code},施工合同,,,2021-07-01,60000,中央,进度款\n"  # 510,000 > 500,000
        f"没有的项目,{township_a.code},施工合同,,,2021-07-01,1,中央,\n"
    )
    batch = import_file(actor=county_admin, kind="project_payments", upload=csv(text), file_name="支付.csv")
    assert (batch.new, batch.rejected) == (2, 3)
    from jiaoyun.exchange.models import ImportRejection

    reasons = {r.row: (r.column, r.reason) for r in ImportRejection.objects.filter(batch=batch)}
    assert reasons[3][0] == "资金来源" and "超出50,000.00元" in reasons[3][1]
    assert reasons[5][0] == "金额（元）" and "超出10,000.00元" in reasons[5][1]
    assert reasons[6][0] == "项目名称"
    import_confirm(actor=county_admin, batch=batch)
    c = Contract.objects.get()
    assert c.amount == Decimal("500000.00") and c.contractor == "保山建工"
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("200000.00"), Decimal("250000.00")]


def test_a_reader_may_not_import(principal, township_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import pytest

    from jiaoyun.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        batch = import_file(actor=principal, kind="projects", upload=csv(HEAD), file_name="项目.csv")
        if batch.status == "failed":
            raise PermissionDenied(batch.message)
