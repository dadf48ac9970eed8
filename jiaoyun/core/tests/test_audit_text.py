"""The audit log in words (``jiaoyun.core.audit_text``): one sentence per entry, for each kind of action, with
names masked as ``audit_mask`` says, ids turned into names and no code left (ADR 0030)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.audit_text import sentences
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.tests.fixtures import ID_A, student_a  # noqa: F401

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\w+\.\w+ ?#\d+|_id\b|_id=|\{'|\{\"|\w+=\w+|\b[a-z]+_[a-z_]+\b|Traceback")


@pytest.fixture
def admin(county):
    return UserFactory(username="wangjg", display_name="王建国", role="county_admin")


def render(entry: AuditEntry) -> AuditEntry:
    [e] = sentences([AuditEntry.objects.select_related("actor").get(pk=entry.pk)])
    assert not CODE.search(e.sentence), e.sentence
    assert e.sentence.startswith(timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M") + " ")
    return e


def test_a_reveal_names_the_number_and_the_reason(admin, student_a):  # noqa: F811
    entry = audit_record(actor=admin, action="reveal", obj=student_a, changes={"field": "id_number", "reason": "劝返工作"},
                         note="劝返工作")  # fmt: skip
    e = render(entry)
    assert e.what == "查看了 学生 张*明 的完整身份证号（理由：劝返工作）"
    assert e.who == "县局管理员 王*国（wangjg）"
    assert "张小明" not in e.sentence and ID_A not in e.sentence
    assert e.details == ["号码 身份证号", "理由 劝返工作"]


def test_an_old_reveal_without_a_reason_says_so(admin, student_a):  # noqa: F811
    entry = audit_record(actor=admin, action="reveal", obj=student_a, changes={"field": "student_no"},
                         note="查看完整全国学籍号")  # fmt: skip
    assert render(entry).what == "查看了 学生 张*明 的完整全国学籍号（未填写理由）"


def test_an_export_gives_rows_and_filters_in_words(principal, township_a, school_a):
    filters = {"township": str(township_a.pk), "school": str(school_a.pk), "status": "in_school", "grade": "3",
               "left_behind": "1", "q": "张小明", "format": "xlsx"}  # fmt: skip
    entry = audit_record(actor=principal, action="export", object_type="people.Student", object_repr="学生名单（1234行）",
                         changes={"filters": filters, "rows": 1234, "format": "xlsx", "encoding": "utf-8",
                                  "revealed": False})  # fmt: skip
    e = render(entry)
    assert (
        e.what
        == f"导出了 学生名单（1,234 行，筛选：{township_a.name}、{school_a.name}、关键词“张*明”、三年级、留守儿童、在校）"
    )
    assert e.who.startswith("校长/学校管理员 ")


def test_an_export_without_filters(admin):
    entry = audit_record(actor=admin, action="export", object_type="dropout.DropoutCase", object_repr="控辍台账（5行）",
                         changes={"filters": {}, "rows": 5, "format": "csv", "revealed": True})  # fmt: skip
    assert render(entry).what == "导出了 控辍台账（5 行，未筛选，含完整身份证号）"


def test_an_export_with_full_numbers_is_a_reveal_in_words(admin, township_a):
    changes = {"filters": {"township": str(township_a.pk)}, "rows": 12, "format": "xlsx", "revealed": True}
    entry = audit_record(actor=admin, action="reveal", object_type="people.Student",
                         object_repr="导出学生名单：12人的完整身份证号", changes=changes)  # fmt: skip
    assert render(entry).what == f"导出了 学生名单 中 12 人的完整身份证号（筛选：{township_a.name}）（未填写理由）"


def test_an_update_masks_the_values_and_names_the_fields(admin, student_a, school_a, school_b):  # noqa: F811
    changes = {
        "guardian_phone": ["13800000000", "13911111111"],
        "current_school_id": [school_a.pk, school_b.pk],
        "status": ["in_school", "suspended"],
        "left_behind": [False, True],
        "guardian_name": ["张大山", "李四"],
    }
    entry = audit_record(actor=admin, action="update", obj=student_a, changes=changes)
    e = render(entry)
    assert e.what == (  # fields in the model's order, whatever order the database keeps the keys in
        "修改了 学生 张*明：监护人 张*山 → 李*；监护人电话 138****0000 → 139****1111；留守儿童 否 → 是；学籍状态 在校 → 休学"
        " 等5项"
    )
    assert e.details[-1] == f"就读（最近）学校 {school_a.name} → {school_b.name}"
    assert "监护人 张*山 → 李*" in e.details
    assert not any(n in " ".join(e.details) for n in ("张大山", "13800000000"))


def test_create_delete_and_a_transition(admin, school_a):
    created = render(audit_record(actor=admin, action="create", obj=school_a, changes={"name": school_a.name}))
    assert created.what == f"新增了 学校 {school_a.name}"
    deleted = render(audit_record(actor=admin, action="delete", object_type="people.Student", object_id="9",
                                  object_repr="王小刚"))  # fmt: skip
    assert deleted.what == "删除了 学生 王*刚"
    moved = render(audit_record(actor=admin, action="transition", object_type="dropout.DropoutCase", object_id="3",
                                object_repr="张小明", changes={"status": ["pending", "verified"]}, note="入户核实"))  # fmt: skip
    assert moved.what == "办理了 控辍保学案件 张*明：状态 待核实 → 已核实辍学（入户核实）"


def test_logins_imports_and_jobs(admin):
    assert render(audit_record(actor=admin, action="login", obj=admin)).what == "登录了系统"
    assert render(audit_record(actor=admin, action="logout", obj=admin)).what == "退出了系统"
    failed = render(audit_record(actor=None, action="login_failed", obj=admin, note="密码错误"))
    assert failed.who == "系统" and failed.what == "登录失败 用户账号 王*国（密码错误）"
    job = render(audit_record(actor=admin, action="create", object_type="core.PeriodicJob", object_id="safety_daily",
                              object_repr="平安校园达标计算与逾期隐患升级", note="手动排队立即运行"))  # fmt: skip
    assert job.what == "新增了 定时任务 平安校园达标计算与逾期隐患升级（手动排队立即运行）"


def test_a_crossmatch_run_in_words(admin):
    from jiaoyun.dropout.models import MatchRun

    run = MatchRun.objects.create(as_of=timezone.localdate(), figures={"linked_by_id": 3, "hits": 2})
    e = render(audit_record(actor=admin, action="update", obj=run, changes={"linked_by_id": 3, "hits": 2}))
    assert "户籍按身份证号对应学籍 3" in e.details and "比对命中 2" in e.details
    assert e.what.startswith(f"修改了 四查三比对 {run.as_of} 比对：")  # names nobody: nothing masked
    assert run.figures_text == ["户籍按身份证号对应学籍 3", "比对命中 2"]


def test_a_page_of_entries_looks_names_up_once_per_model(admin, student_a, school_a, school_b, township_a,  # noqa: F811
                                                         django_assert_max_num_queries):  # fmt: skip
    for _ in range(5):
        audit_record(
            actor=admin, action="update", obj=student_a, changes={"current_school_id": [school_a.pk, school_b.pk]}
        )
        audit_record(actor=admin, action="export", object_type="people.Student", object_repr="学生名单（1行）",
                     changes={"filters": {"township": str(township_a.pk)}, "rows": 1})  # fmt: skip
    entries = list(AuditEntry.objects.filter(actor=admin).select_related("actor"))
    assert len(entries) == 10
    with django_assert_max_num_queries(2):  # schools, areas
        sentences(entries)


def test_an_import_in_words(admin):
    changes = {"batch": 12, "kind": "students", "file_sha256": "ab" * 32, "total": 2021, "new": 3, "updated": 1}
    e = render(audit_record(actor=admin, action="import", object_type="schools.School", object_repr="学校：学校.xlsx",
                            changes=changes))  # fmt: skip
    assert e.what == "导入了 学校 学校：学校.xlsx"
    assert e.details == ["导入批次 12", "新增 3", "更新 1", "总行数 2021", "文件摘要 abababababab…"]
