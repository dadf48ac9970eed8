import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaoyun.core import idcard
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import OUTCOME_STATUS, CaseStatus, MatchRule, Outcome
from jiaoyun.dropout.models import Absence, DropoutCase, HukouRecord, MatchHit
from jiaoyun.dropout.services.matching import compulsory_birth_range, school_days
from jiaoyun.people.models import Student
from jiaoyun.people.services import enrolment_record

D = dt.date


def roster(student=None, *, name=None, birth=None, village, number=None, poverty="", group=""):
    """A 户籍 record, with the student's ID number (or a given one, or none)."""
    fields = {"name": name or student.name, "birth_date": birth or student.birth_date, "hukou_village": village,
              "sex": "M", "poverty": poverty, "group_name": group}  # fmt: skip
    if number:
        fields.update(
            id_hash=idcard.match_hash(number), id_cipher=idcard.encrypt(number), id_masked=idcard.mask(number)
        )
    elif student is not None and student.id_cipher:
        fields.update(id_hash=student.id_hash, id_cipher=student.id_cipher, id_masked=student.id_masked)
    return HukouRecord.objects.create(**fields)


def absent(student, days, kind="unexcused"):
    Absence.objects.bulk_create([Absence(student=student, date=d, kind=kind) for d in days])


def test_compulsory_age_band_uses_the_cutoff_date():
    assert compulsory_birth_range(D(2021, 11, 15)) == (D(2005, 8, 31), D(2015, 8, 31))
    assert school_days(D(2021, 11, 15), 5) == [D(2021, 11, 9), D(2021, 11, 10), D(2021, 11, 11), D(2021, 11, 12),
                                                D(2021, 11, 15)]  # fmt: skip


@pytest.fixture
def county_roster(enrolled, make_student, village_a1, village_a2, village_b1, school_a, as_of):
    days = school_days(as_of, 5)
    s = {}
    s["in_school"] = enrolled("在校生")
    roster(s["in_school"], village=village_a1)
    s["out_of_county"] = make_student("外县生", birth=D(2012, 5, 5))
    enrolment_record(actor=None, student=s["out_of_county"], kind="out_of_county", date=D(2021, 9, 1),
                     external_school="昆明市盘龙区小学")  # fmt: skip
    roster(s["out_of_county"], village=village_a1)
    s["never"] = make_student("未入学", birth=D(2014, 6, 1))
    roster(s["never"], village=village_a1, group="一组")
    s["no_id_in_school"] = enrolled("无证号", with_id=False)
    roster(name="无证号", birth=s["no_id_in_school"].birth_date, village=village_a1)
    s["absent"] = enrolled("缺勤五天")
    absent(s["absent"], days)
    s["sick"] = enrolled("病假一天")
    absent(s["sick"], days[:4])
    absent(s["sick"], days[4:], kind="sick")
    s["dropped"] = enrolled("已辍学", poverty="monitored")
    enrolment_record(actor=None, student=s["dropped"], kind="drop_out", date=D(2021, 10, 20))
    s["overage"] = make_student("超龄未入学", birth=D(2004, 1, 1))
    s["residence_only"] = make_student("随迁未入学", village=None, residence_village=village_b1, birth=D(2013, 1, 1))
    s["lookalike"] = enrolled("张三峰", village=village_a2, birth=D(2015, 2, 2))
    roster(name="张三丰", birth=D(2015, 2, 2), village=village_a2)  # no ID: only the police roster knows the child
    roster(name="户籍独有", birth=D(2011, 7, 7), village=village_b1, number=idcard.make("530521", D(2011, 7, 7), 551),
           poverty="lifted")  # fmt: skip
    return s


def hits_of(student):
    return set(MatchHit.objects.filter(case__student=student).values_list("rule", flat=True))


def test_crossmatch_finds_each_class_and_no_false_positives(county_roster, as_of, county_admin):
    s = county_roster
    run = services.crossmatch_run(actor=county_admin, as_of=as_of)
    assert hits_of(s["never"]) == {MatchRule.HUKOU_NO_ENROLMENT}
    assert hits_of(s["residence_only"]) == {MatchRule.NOT_ENROLLED}
    assert hits_of(s["absent"]) == {MatchRule.ABSENT}
    assert hits_of(s["dropped"]) == {MatchRule.DROPOUT_STATUS, MatchRule.POVERTY}
    for key in ("in_school", "out_of_county", "no_id_in_school", "sick", "overage"):
        assert not DropoutCase.objects.filter(student=s[key]).exists(), key
    # the child only on the police roster now has a roster student and a 失学 case, with the poverty flag
    only = Student.objects.get(name="户籍独有")
    assert only.status == "not_enrolled" and only.id_masked.startswith("5*") and only.id_cipher
    assert hits_of(only) == {MatchRule.HUKOU_NO_ENROLMENT, MatchRule.POVERTY}
    assert DropoutCase.objects.get(student=only).priority
    # the record without ID was linked to the student by name and birth date
    assert HukouRecord.objects.get(name="无证号").student == s["no_id_in_school"]
    # the near miss becomes a case with a hint naming the likely same child
    twin = Student.objects.get(name="张三丰")
    assert "张三峰" in MatchHit.objects.get(case__student=twin).hint
    assert DropoutCase.objects.get(student=s["never"]).responsibles.count() == 0  # none configured here
    assert DropoutCase.objects.count() == 6
    assert DropoutCase.objects.filter(status=CaseStatus.PENDING).count() == 6
    assert run.figures["cases_created"] == 6 and run.figures["roster_only"] == 2
    # re-running finds the same and duplicates nothing
    again = services.crossmatch_run(actor=county_admin, as_of=as_of)
    assert DropoutCase.objects.count() == 6 and MatchHit.objects.count() == 8
    assert again.figures.get("cases_created", 0) == 0


def test_every_verification_outcome_leads_where_it_should(county_roster, as_of, county_admin, make_student):
    for i, outcome in enumerate(Outcome):
        student = make_student(f"核实{i}", birth=D(2012, 1, 1 + i))
        case = services.case_open(actor=county_admin, student=student, on=as_of)
        case = services.case_verify(actor=county_admin, case=case, outcome=outcome, on=as_of, note="入户核实",
                                    evidence=SimpleUploadedFile("核实.jpg", b"\xff\xd8\xff\xe0jpg"))  # fmt: skip
        assert case.status == OUTCOME_STATUS[outcome], outcome
    assert OUTCOME_STATUS[Outcome.OUT_OF_COUNTY] == CaseStatus.NO_RETURN
    assert OUTCOME_STATUS[Outcome.IN_SCHOOL] == CaseStatus.DISMISSED


def test_a_dismissed_suspicion_is_not_raised_again_but_new_absences_are(county_roster, as_of, county_admin):
    s = county_roster
    services.crossmatch_run(actor=county_admin, as_of=as_of)
    case = DropoutCase.objects.get(student=s["absent"])
    services.case_verify(actor=county_admin, case=case, outcome="in_school", on=as_of, note="考勤录入错误")
    services.crossmatch_run(actor=county_admin, as_of=as_of)
    assert DropoutCase.objects.filter(student=s["absent"]).count() == 1
    later = school_days(D(2021, 11, 26), 5)
    absent(s["absent"], later)
    services.crossmatch_run(actor=county_admin, as_of=D(2021, 11, 26))
    assert DropoutCase.objects.filter(student=s["absent"]).count() == 2


def test_a_returned_child_absent_again_reopens_the_case(enrolled, as_of, county_admin):
    student = enrolled("复辍生")
    case = services.case_open(actor=county_admin, student=student, on=D(2021, 10, 1))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 1))
    case = services.case_return(actor=county_admin, case=case, placement="same_school", on=D(2021, 10, 11))
    services.case_observe_start(actor=county_admin, case=case, on=D(2021, 10, 11))
    absent(student, school_days(as_of, 5))
    run = services.crossmatch_run(actor=county_admin, as_of=as_of)
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED and case.reopen_count == 1 and run.figures["reopened"] == 1


def test_hukou_import_from_csv(county_admin, village_a1, settings, tmp_path):
    """The roster lands through its exchange kind: new, then updated by ID number; a bad row names row and field."""
    from jiaoyun.dropout.tests.roster import preview_roster
    from jiaoyun.exchange.services import import_confirm

    settings.MEDIA_ROOT = tmp_path
    number = idcard.make("530521", D(2013, 4, 4), 17)
    header = "姓名,性别,出生日期,身份证号,户籍村（社区）代码,村民小组,户主,脱贫户/监测户\n"
    first = f"李花,女,2013-04-04,{number},{village_a1.code},二组,李大,监测户\n"
    data = (header + first + f"王草,男,2014-02-02,,{village_a1.code},三组,王大,\n").encode("utf-8-sig")
    batch = import_confirm(actor=county_admin, batch=preview_roster(county_admin, data))
    assert (batch.new, batch.updated, batch.rejected) == (2, 0, 0)
    again = preview_roster(county_admin, (header + first.replace("二组", "四组")).encode("utf-8-sig"))
    again = import_confirm(actor=county_admin, batch=again)
    assert (again.new, again.updated) == (0, 1)
    rec = HukouRecord.objects.get(name="李花")
    assert rec.poverty == "monitored" and rec.id_masked == idcard.mask(number) and rec.group_name == "四组"
    assert rec.batch == f"导入批次{again.pk}"
    bad = preview_roster(county_admin, (header + f"错号,,,530521201304041234,{village_a1.code},,,\n").encode())
    assert bad.rejected == 1
    rejection = bad.rejections.get()
    assert (rejection.row, rejection.column) == (2, "身份证号") and "校验码" in rejection.reason
    assert HukouRecord.objects.filter(name="错号").count() == 0
