"""The data migrations: every stored 全国学籍号 is encrypted, hashed and masked, then the plaintext column dropped;
every stored mask of an ID number (students, teachers, the 户籍 roster) is recomputed with the new mask."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiaoyun.core import idcard

BEFORE = [
    ("people", "0004_event_chain_graduation_and_student"),
    ("dropout", "0001_initial"),
    ("exchange", "0002_batch_confirming"),
]
AFTER = [
    ("people", "0007_student_no_drop_plaintext"),
    ("dropout", "0002_hukou_id_new_mask"),
    ("exchange", "0003_rejection_numbers_new_mask"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_converted():
    kid = idcard.make("530521", dt.date(2015, 3, 1), 13)
    adult = idcard.make("530521", dt.date(1985, 5, 1), 22)
    roster = idcard.make("530521", dt.date(2014, 1, 2), 31)
    old = migrate(BEFORE)
    try:
        Area = old.get_model("areas", "Area")
        county = Area.objects.create(code="530521", name="县", level="county")
        township = Area.objects.create(code="530521100", name="镇", level="township", parent=county)
        village = Area.objects.create(code="530521100001", name="村", level="village", parent=township)
        Student = old.get_model("people", "Student")
        ids = {
            "id_hash": idcard.match_hash(kid),
            "id_cipher": idcard.encrypt(kid),
            "id_masked": kid[:6] + "*" * 8 + kid[-4:],
        }
        with_no = Student.objects.create(
            name="甲", sex="M", birth_date=dt.date(2015, 3, 1), student_no="G" + kid, **ids
        )
        without = Student.objects.create(name="乙", sex="F", birth_date=dt.date(2015, 3, 2), student_no=None)
        Teacher = old.get_model("people", "Teacher")
        teacher = Teacher.objects.create(
            name="丙", sex="F", birth_date=dt.date(1985, 5, 1), id_hash=idcard.match_hash(adult),
            id_cipher=idcard.encrypt(adult), id_masked=adult[:6] + "*" * 8 + adult[-4:],
        )  # fmt: skip
        HukouRecord = old.get_model("dropout", "HukouRecord")
        record = HukouRecord.objects.create(
            name="丁", sex="M", birth_date=dt.date(2014, 1, 2), hukou_village=village,
            id_hash=idcard.match_hash(roster), id_cipher=idcard.encrypt(roster),
            id_masked=roster[:6] + "*" * 8 + roster[-4:],
        )  # fmt: skip
        ImportBatch = old.get_model("exchange", "ImportBatch")
        ImportRejection = old.get_model("exchange", "ImportRejection")
        batch = ImportBatch.objects.create(kind="students", file_name="名册.csv")
        rejected = [
            ImportRejection.objects.create(batch=batch, row=2, column="身份证号", value=ids["id_masked"], reason="x"),
            ImportRejection.objects.create(
                batch=batch,
                row=3,
                column="全国学籍号",
                value="G" + kid,
                reason=f"全国学籍号G{kid}已属于身份证号不同的学生",
            ),
            ImportRejection.objects.create(batch=batch, row=4, column="姓名", value="甲", reason="不能为空"),
        ]
    finally:
        new = migrate(AFTER)
    Student = new.get_model("people", "Student")
    s = Student.objects.get(pk=with_no.pk)
    assert idcard.decrypt(s.student_no_cipher) == "G" + kid and s.student_no_hash == idcard.match_hash("G" + kid)
    assert s.student_no_masked == idcard.mask("G" + kid) and s.id_masked == idcard.mask(kid)
    assert "student_no" not in {f.name for f in Student._meta.get_fields()}
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "people_student")}
    assert "student_no" not in columns and {"student_no_hash", "student_no_cipher", "student_no_masked"} <= columns
    blank = Student.objects.get(pk=without.pk)
    assert (blank.student_no_hash, blank.student_no_cipher, blank.student_no_masked) == (None, "", "")
    assert new.get_model("people", "Teacher").objects.get(pk=teacher.pk).id_masked == idcard.mask(adult)
    assert new.get_model("dropout", "HukouRecord").objects.get(pk=record.pk).id_masked == idcard.mask(roster)
    stored = new.get_model("exchange", "ImportRejection").objects.in_bulk([r.pk for r in rejected])
    assert stored[rejected[0].pk].value == idcard.mask(kid)
    assert stored[rejected[1].pk].value == idcard.mask("G" + kid) and kid not in stored[rejected[1].pk].reason
    assert (stored[rejected[2].pk].value, stored[rejected[2].pk].reason) == ("甲", "不能为空")
