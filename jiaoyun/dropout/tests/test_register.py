"""缺勤登记 per class: the class teacher saves the day's register of the whole class at once."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import services
from jiaoyun.dropout.models import Absence, ClassRegister
from jiaoyun.dropout.services import Mark
from jiaoyun.schools.tests.factories import SchoolClassFactory

D = dt.date
MONDAY = D(2021, 11, 15)
URL = reverse("dropout:absences")


@pytest.fixture
def pupils(enrolled):
    return [enrolled(name) for name in ("甲同学", "乙同学", "丙同学")]


@pytest.fixture
def class_b(make_student, school_b, village_b1):
    """A class of 老麦乡 (township B) with one pupil in school."""
    from jiaoyun.people.services import enrolment_record

    klass = SchoolClassFactory(school=school_b, school_year=2021, grade=2)
    other = make_student("老麦学生", village=village_b1, birth=D(2014, 3, 1))
    enrolment_record(actor=None, student=other, kind="enrol", date=D(2021, 9, 1), school=school_b, grade=2,
                     school_class=klass)  # fmt: skip
    return klass


def _post(client, klass, date, marks, notes=None):
    """Submit the register form: ``marks`` pupil → kind ("present" for the others)."""
    data = {"date": date.isoformat()}
    for pupil, kind in marks.items():
        data[f"m{pupil.pk}"] = kind
        data[f"n{pupil.pk}"] = (notes or {}).get(pupil, "")
    return client.post(f"{URL}?klass={klass.pk}&date={date.isoformat()}", data)


def test_class_teacher_sees_the_roster_of_her_class_present_by_default(client, pupils, class_teacher, class_a1):
    client.force_login(class_teacher)
    body = client.get(URL, {"date": MONDAY.isoformat()}).content.decode()
    assert all(p.name in body for p in pupils)
    assert str(class_a1) in body and "考勤尚未登记" in body
    # one control per pupil, 在校 checked
    checked = re.findall(r'<input type="radio" name="m(\d+)" value="(\w+)"[^>]*\bchecked>', body)
    assert sorted(checked) == sorted((str(p.pk), "present") for p in pupils)
    assert 'max="' + timezone.localdate().isoformat() + '"' in body  # a date picker bounded to today


def test_the_whole_class_is_saved_in_one_submit_and_resaving_replaces_the_day(client, pupils, class_teacher,
                                                                               class_a1):  # fmt: skip
    a, b, c = pupils
    client.force_login(class_teacher)
    response = _post(client, class_a1, MONDAY, {a: "sick", b: "unexcused", c: "present"}, {a: "发烧"})
    assert response.status_code == 302 and f"klass={class_a1.pk}" in response["Location"]
    assert dict(Absence.objects.values_list("student__name", "kind")) == {"甲同学": "sick", "乙同学": "unexcused"}
    assert Absence.objects.get(student=a).note == "发烧"
    register = ClassRegister.objects.get()
    assert (register.pupils, register.absent, register.recorded_by) == (3, 2, class_teacher)
    assert AuditEntry.objects.filter(object_type="dropout.ClassRegister", action="create").count() == 1
    body = client.get(response["Location"]).content.decode()
    assert "考勤已登记" in body and "缺勤2人" in body and "已保存" in body

    # re-saving the same class and day replaces its marks: 甲 came back, 丙 is now on personal leave
    _post(client, class_a1, MONDAY, {a: "present", b: "unexcused", c: "personal"})
    assert dict(Absence.objects.values_list("student__name", "kind")) == {"乙同学": "unexcused", "丙同学": "personal"}
    assert ClassRegister.objects.get().absent == 2 and ClassRegister.objects.count() == 1
    # and saving the same marks again changes nothing (idempotent)
    _post(client, class_a1, MONDAY, {a: "present", b: "unexcused", c: "personal"})
    assert Absence.objects.count() == 2 and ClassRegister.objects.count() == 1


def test_all_present_is_recorded_as_a_register_taken(client, pupils, class_teacher, class_a1):
    client.force_login(class_teacher)
    _post(client, class_a1, MONDAY, dict.fromkeys(pupils, "present"))
    assert Absence.objects.count() == 0
    assert ClassRegister.objects.get(school_class=class_a1, date=MONDAY).absent == 0


def test_nothing_is_half_written(pupils, class_teacher, class_a1, make_student, school_b):
    a, b, _ = pupils
    services.class_register_save(actor=class_teacher, school_class=class_a1, date=MONDAY, marks={a.pk: Mark("sick")})
    stranger = make_student("外班学生")
    with pytest.raises(DomainError, match="不在本班在校名单"):
        services.class_register_save(actor=class_teacher, school_class=class_a1, date=MONDAY,
                                     marks={b.pk: Mark("sick"), stranger.pk: Mark("unexcused")})  # fmt: skip
    with pytest.raises(DomainError, match="未知缺勤原因"):
        services.class_register_save(actor=class_teacher, school_class=class_a1, date=MONDAY,
                                     marks={b.pk: Mark("sick"), a.pk: Mark("truant")})  # fmt: skip
    assert list(Absence.objects.values_list("student_id", "kind")) == [(a.pk, "sick")]
    assert ClassRegister.objects.get().absent == 1


def test_no_future_day_and_no_weekend(client, pupils, class_teacher, class_a1):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="将来"):
        services.class_register_save(actor=class_teacher, school_class=class_a1, date=tomorrow, marks={})
    with pytest.raises(DomainError, match="周末"):
        services.class_register_save(actor=class_teacher, school_class=class_a1, date=D(2021, 11, 13), marks={})
    client.force_login(class_teacher)
    body = client.get(URL, {"klass": class_a1.pk, "date": tomorrow.isoformat()}).content.decode()
    assert "不能登记将来的日期" in body
    response = _post(client, class_a1, tomorrow, {pupils[0]: "sick"})
    assert response.status_code == 200 and "不能登记将来的缺勤" in response.content.decode()
    assert not Absence.objects.exists() and not ClassRegister.objects.exists()


def test_a_county_user_chooses_a_school_then_a_class(client, pupils, county_admin, school_a, school_b, class_a1,
                                                     class_b):  # fmt: skip
    client.force_login(county_admin)
    body = client.get(URL).content.decode()
    assert 'name="school"' in body and school_a.name in body and school_b.name in body
    assert f'name="m{pupils[0].pk}"' not in body
    second = SchoolClassFactory(school=school_a, school_year=2021, grade=2)
    from jiaoyun.people.models import Student

    Student.objects.filter(pk=pupils[2].pk).update(current_class=second)
    body = client.get(URL, {"school": school_a.pk, "date": MONDAY.isoformat()}).content.decode()
    assert f"?klass={class_a1.pk}&amp;date=2021-11-15" in body and f"?klass={second.pk}&amp;" in body
    assert body.count("未登记") == 2
    body = client.get(URL, {"klass": class_a1.pk, "date": MONDAY.isoformat()}).content.decode()
    assert f'name="m{pupils[0].pk}"' in body and f'name="m{pupils[2].pk}"' not in body
    response = _post(client, class_a1, MONDAY, {pupils[0]: "other", pupils[1]: "present"}, {pupils[0]: "参加县运动会"})
    assert response.status_code == 302
    assert Absence.objects.get().get_kind_display() == "其他"


def test_the_school_list_offers_only_schools_in_scope(client, pupils, township_officer, school_a, school_b,
                                                      class_b):  # fmt: skip
    klass_b = class_b
    client.force_login(township_officer)
    body = client.get(URL).content.decode()
    assert school_a.name in body and school_b.name not in body
    assert client.get(URL, {"school": school_b.pk}).status_code == 404
    assert client.get(URL, {"klass": klass_b.pk}).status_code == 404


@pytest.mark.parametrize("persona", ["class_teacher", "principal", "township_officer"])
def test_a_class_outside_the_scope_is_refused(request, client, persona, pupils, school_a, school_b):
    user = request.getfixturevalue(persona)
    other = SchoolClassFactory(school=school_b, school_year=2021, grade=1)
    client.force_login(user)
    assert client.get(URL, {"klass": other.pk}).status_code == 404
    assert client.post(f"{URL}?klass={other.pk}", {"date": MONDAY.isoformat()}).status_code == 404
    if persona == "class_teacher":  # another class of her own school is not hers
        mine_not = SchoolClassFactory(school=school_a, school_year=2021, grade=2)
        assert client.get(URL, {"klass": mine_not.pk}).status_code == 404
    assert not ClassRegister.objects.exists()


def test_read_only_and_village_users_take_no_register(client, pupils, county_leader, village_cadre, class_a1):
    from jiaoyun.supervision.models import Link

    # the leader reads the register of a school linked to him (挂钩联系, ADR 0037)
    Link.objects.create(school=class_a1.school, leader=county_leader, person="县领导", since=MONDAY)
    client.force_login(county_leader)
    body = client.get(URL, {"klass": class_a1.pk, "date": MONDAY.isoformat()}).content.decode()
    assert "以下为只读" in body and "保存整班考勤" not in body
    assert _post(client, class_a1, MONDAY, {pupils[0]: "sick"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.class_register_save(actor=county_leader, school_class=class_a1, date=MONDAY, marks={})
    client.force_login(village_cadre)
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"klass": class_a1.pk}).status_code == 404
    assert not Absence.objects.exists()


def test_unexcused_marks_of_the_register_feed_the_absence_rule(pupils, class_teacher, class_a1, county_admin):
    """名在人不在 reads the register's 旷课 marks: five consecutive school days flag the pupil."""
    from jiaoyun.dropout.services.matching import school_days

    days = school_days(D(2021, 11, 19), 5)
    for day in days:
        services.class_register_save(actor=class_teacher, school_class=class_a1, date=day,
                                     marks={pupils[0].pk: Mark("unexcused"), pupils[1].pk: Mark("sick")})  # fmt: skip
    services.crossmatch_run(actor=county_admin, as_of=D(2021, 11, 19))
    from jiaoyun.dropout.models import DropoutCase

    assert list(DropoutCase.objects.values_list("student__name", flat=True)) == ["甲同学"]


def test_the_register_page_takes_as_many_queries_for_a_big_class(client, enrolled, class_teacher, class_a1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(class_teacher)
    url = f"{URL}?klass={class_a1.pk}&date={MONDAY.isoformat()}"

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = [enrolled(f"小班{n}") for n in range(3)]
    services.class_register_save(actor=class_teacher, school_class=class_a1, date=MONDAY,
                                 marks={few[0].pk: Mark("sick")})  # fmt: skip
    small = count()
    pupils = [enrolled(f"大班{n}") for n in range(9)]
    services.class_register_save(actor=class_teacher, school_class=class_a1, date=MONDAY,
                                 marks={p.pk: Mark("sick", "发烧") for p in pupils[:5]})  # fmt: skip
    assert count() == small <= 14  # the menu's predicates share the scope read once per request (ADR 0046)


def test_the_page_writes_each_input_as_its_widget_would(client, pupils, class_teacher, class_a1):
    """The register writes its radio buttons and notes itself (for speed, docs/load.md): the same HTML as the form's
    widgets, for a saved absence (checked, with its note) and after a refused submit (marked invalid)."""
    from jiaoyun.dropout.forms import ClassRegisterForm
    from jiaoyun.dropout.selectors import register_day

    services.class_register_save(actor=class_teacher, school_class=class_a1, date=MONDAY,
                                 marks={pupils[0].pk: Mark("sick", "发烧 <38℃>")})  # fmt: skip
    client.force_login(class_teacher)
    body = client.get(URL, {"klass": class_a1.pk, "date": MONDAY.isoformat()}).content.decode()
    day = register_day(user=class_teacher, school_class=class_a1, date=MONDAY)
    form = ClassRegisterForm(pupils=day.pupils, absences=day.absences, initial={"date": MONDAY})
    for _pupil, mark, note in form.rows():
        for radio in mark:
            assert str(radio.tag()) in body
        assert str(note) in body
    assert f'value="sick" id="id_m{pupils[0].pk}_1" required checked>' in body

    bad = {"date": MONDAY.isoformat(), **{f"m{p.pk}": "present" for p in pupils}, f"m{pupils[1].pk}": "bogus"}
    body = client.post(f"{URL}?klass={class_a1.pk}&date={MONDAY.isoformat()}", bad).content.decode()
    form = ClassRegisterForm(bad, pupils=day.pupils, absences=day.absences, initial={"date": MONDAY})
    assert not form.is_valid()
    for _pupil, mark, note in form.rows():
        for radio in mark:
            assert str(radio.tag()) in body
        assert str(note) in body
    assert 'aria-invalid="true"' in body
