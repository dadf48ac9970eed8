"""The 全国学籍号 is an ID number ("G" + the 18-character ID number): stored encrypted, matched by a keyed digest,
shown masked everywhere, revealed only through the audited reveal; masks cannot be rebuilt from what a page shows;
duplicate refusals say nothing about a child the requester cannot see."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.exchange.registry import NEW, REJECTED, UPDATED, Context, Rec, get_kind
from jiaoyun.people.models import Student, Teacher
from jiaoyun.people.services import student_create, student_update, teacher_create
from jiaoyun.people.tests.fixtures import BIRTH, ID_A

NO_A = "G" + ID_A
NO_B = "G" + idcard.make("530521", BIRTH, 21)
API = "/api/people"


@pytest.fixture
def numbered(students):
    """student_a and student_b with their 全国学籍号 (student_a2 has none)."""
    student_update(actor=None, student=students["a"], student_no=NO_A)
    student_update(actor=None, student=students["b"], student_no=NO_B)
    for s in students.values():
        s.refresh_from_db()
    return students


def old_mask(value: str) -> str:
    """The mask before: the first 6 and the last 4 characters."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


# -- 2. the mask cannot be undone ---------------------------------------------------------------------------------


def reconstruct(masked: str, *, area_codes: set[str], birth: dt.date, sex: str) -> list[str]:
    """Every checksum-valid 18-character ID number that fits the mask and what a student page shows beside it:
    the birth date, the sex and the hukou village (its area code), among the given area codes."""
    assert len(masked) == 18

    def fits(candidate: str) -> bool:
        return all(m == "*" or m == c for m, c in zip(masked, candidate, strict=True))

    found = []
    for area in sorted(area_codes):
        for order in range(1000):
            if (order % 2 == 1) != (sex == "M"):  # GB 11643: the order code is odd for men
                continue
            first17 = f"{area}{birth:%Y%m%d}{order:03d}"
            candidate = first17 + idcard.check_char(first17)
            if fits(candidate):
                found.append(candidate)
    return found


# At least 40 numbers fit: a guess is right with probability ≤ 1/40 (2.5 %), and nothing the role sees can tell the
# candidates apart (the digest is keyed, the cipher needs the data key). 500 order codes of the right parity share
# 11 check characters, so about 45 remain whatever the number; the minimum over every number is asserted below.
MIN_CANDIDATES = 40


def test_the_old_mask_is_undone_by_the_birth_date_on_the_same_page(numbered, village_a1, village_a2, village_b1):
    student = numbered["a"]
    areas = {v.code[:6] for v in (village_a1, village_a2, village_b1)}  # the county's villages: hukou area codes
    found = reconstruct(old_mask(ID_A), area_codes=areas, birth=student.birth_date, sex=student.sex)
    assert found == [ID_A]  # the flaw: exactly one number fits, the child's own


def test_the_mask_leaves_many_numbers_that_fit_what_the_page_shows(
    client, county_admin, numbered, village_a1, village_a2, village_b1
):
    student = numbered["a"]
    client.force_login(county_admin)
    page = client.get(reverse("people:student_detail", args=[student.pk])).content.decode()
    assert student.id_masked in page and student.birth_date.strftime("%Y-%m-%d") in page and "甸阳社区" in page
    areas = {v.code[:6] for v in (village_a1, village_a2, village_b1)}
    found = reconstruct(student.id_masked, area_codes=areas, birth=student.birth_date, sex=student.sex)
    assert ID_A in found and len(found) >= MIN_CANDIDATES
    # the 学籍号's mask shows the same two characters ("G" and the check character): it adds nothing
    no_masked = student.student_no_masked
    assert no_masked == "G" + "*" * 17 + ID_A[-1] and no_masked in page
    assert reconstruct("*" + no_masked[2:], area_codes=areas, birth=student.birth_date, sex=student.sex) == found


def test_every_number_keeps_at_least_the_threshold_of_candidates():
    """Whatever the birth date, sex and check character, ≥ MIN_CANDIDATES order codes remain."""
    fewest = 1000
    for birth in (dt.date(2015, 3, 1), dt.date(2012, 12, 31), dt.date(2019, 7, 9)):
        for order in range(1, 1000):
            number = idcard.make("530521", birth, order)
            sex = idcard.IdNumber(number).sex
            found = reconstruct(idcard.mask(number), area_codes={"530521"}, birth=birth, sex=sex)
            assert number in found
            fewest = min(fewest, len(found))
    assert fewest >= MIN_CANDIDATES


def test_teacher_pages_show_the_same_mask(client, county_admin, teacher_a):
    client.force_login(county_admin)
    number = idcard.make("530521", dt.date(1985, 5, 1), 22)
    assert teacher_a.id_masked == number[0] + "*" * 16 + number[-1]
    for url in (reverse("people:teachers"), reverse("people:teacher_detail", args=[teacher_a.pk])):
        body = client.get(url).content.decode()
        assert teacher_a.id_masked in body and old_mask(number) not in body and number not in body


# -- 1. the 全国学籍号 is stored, matched, shown and revealed as an ID number -----------------------------------


def test_student_no_is_stored_only_encrypted_hashed_and_masked(numbered):
    student = numbered["a"]
    assert not hasattr(student, "student_no")
    assert idcard.decrypt(student.student_no_cipher) == NO_A and NO_A not in student.student_no_cipher
    assert student.student_no_hash == idcard.match_hash(NO_A)
    assert student.student_no_masked == idcard.mask(NO_A)
    row = Student.objects.filter(pk=student.pk).values().get()
    assert not any(NO_A in str(v) or ID_A in str(v) for v in row.values())


def test_student_no_is_unique_by_its_digest(numbered):
    with pytest.raises(DomainError, match="全国学籍号"):
        student_create(actor=None, name="丙", sex="M", birth_date=BIRTH, student_no=NO_A.lower())
    assert Student.objects.filter(name="丙").count() == 0


@pytest.mark.django_db
def test_student_no_format_errors_do_not_repeat_the_number():
    with pytest.raises(DomainError) as err:
        student_create(actor=None, name="丙", sex="M", birth_date=BIRTH, student_no="G5305212015")
    assert "G5305212015" not in str(err.value)


PERSONAS = ("county_admin", "county_leader", "township_officer", "principal", "class_teacher", "village_cadre")


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_partial_api_or_export_shows_a_full_student_no(client, numbered, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    student = numbered["a"]  # in every persona's scope (the county leader's through a 挂钩 link, ADR 0037)
    if persona == "county_leader":
        _link(user, student.current_school)
    responses = [
        client.get(reverse("people:students")),
        client.get(reverse("people:students"), HTTP_HX_REQUEST="true"),
        client.get(reverse("people:student_detail", args=[student.pk])),
        client.get(reverse("people:student_detail", args=[student.pk]), {"on": "2022-01-01"}, HTTP_HX_REQUEST="true"),
        client.get(f"{API}/students"),
        client.get(f"{API}/students/{student.pk}"),
        client.get(reverse("people:students"), {"format": "csv"}),
        client.get(reverse("people:students"), {"format": "xlsx"}),
    ]
    shown = False
    for response in responses:
        assert response.status_code == 200
        if response["Content-Type"].startswith("application/vnd.openxmlformats"):
            book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
            body = str([row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)])
            assert "张小明" in body
        else:
            body = response.content.decode("utf-8", errors="replace")
        assert NO_A not in body and ID_A not in body and ID_A[6:14] + ID_A[14:] not in body
        shown = shown or student.student_no_masked in body
    assert shown
    detail = client.get(f"{API}/students/{student.pk}").json()
    assert detail["student_no_masked"] == idcard.mask(NO_A) and "student_no" not in detail


def test_export_masks_both_numbers_and_audits_not_revealed(client, township_officer, numbered):
    client.force_login(township_officer)
    response = client.get(reverse("people:students"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    zhang = next(r for r in rows if r[0] == "张小明")
    assert zhang[header.index("身份证号")] == idcard.mask(ID_A)
    assert zhang[header.index("全国学籍号")] == idcard.mask(NO_A)
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["revealed"] is False and not AuditEntry.objects.filter(action="reveal").exists()


def test_export_reveals_both_numbers_only_when_allowed_and_asked_and_says_so(
    client, township_officer, class_teacher, numbered
):
    client.force_login(class_teacher)  # may not reveal
    assert client.get(reverse("people:students"), {"format": "csv", "reveal": "1"}).status_code == 403
    client.force_login(township_officer)
    response = client.get(reverse("people:students"), {"format": "csv", "reveal": "1", "reason": "核对身份"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    zhang = next(r for r in rows if r[0] == "张小明")
    assert zhang[rows[0].index("身份证号")] == ID_A and zhang[rows[0].index("全国学籍号")] == NO_A
    assert AuditEntry.objects.get(action="export").changes["revealed"] is True
    assert AuditEntry.objects.filter(action="reveal", actor=township_officer).count() == 1


@pytest.mark.parametrize("reason", [None, "", " ", "x"])
def test_an_export_with_full_numbers_needs_a_reason(client, township_officer, numbered, reason):
    """As on a student's page, full numbers are exported only for a stated reason; without one nothing is given
    and nothing is audited as revealed."""
    client.force_login(township_officer)
    query = {"format": "csv", "reveal": "1"} | ({} if reason is None else {"reason": reason})
    response = client.get(reverse("people:students"), query)
    assert response.status_code == 400 and "须说明原因" in response.content.decode()
    assert ID_A not in response.content.decode()
    assert not AuditEntry.objects.filter(action__in=("reveal", "export")).exists()
    response = client.get(reverse("people:students"), {"format": "csv", "reveal": "1", "reason": " 核对 劝返名单 "})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.changes["reason"] == "核对 劝返名单" and entry.note == "导出文件含完整身份证号（理由：核对 劝返名单）"


def test_list_search_finds_the_exact_student_no_through_the_digest(client, county_admin, numbered):
    client.force_login(county_admin)
    for term in (NO_A, NO_A.lower(), f" {NO_A} "):
        page = client.get(reverse("people:students"), {"q": term}).context["page"]
        assert [s.name for s in page] == ["张小明"]
    assert list(client.get(reverse("people:students"), {"q": NO_A[:10]}).context["page"]) == []
    assert [s["name"] for s in client.get(f"{API}/students", {"q": NO_B}).json()["items"]] == ["王小刚"]


def test_list_search_by_student_no_stays_within_scope(client, township_officer, numbered):
    client.force_login(township_officer)
    assert list(client.get(reverse("people:students"), {"q": NO_B}).context["page"]) == []


def test_reveal_of_the_student_no_is_audited(client, principal, numbered):
    student = numbered["a"]
    client.force_login(principal)
    page = client.get(reverse("people:student_detail", args=[student.pk])).content.decode()
    assert 'data-testid="student-no"' in page and "显示完整全国学籍号" in page
    url = reverse("people:student_reveal_id", args=[student.pk])
    response = client.post(url, {"what": "student_no", "reason_kind": "数据更正"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and NO_A in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == principal and entry.object_id == str(student.pk)
    assert entry.changes == {"field": "student_no", "reason": "数据更正"} and entry.note == "数据更正"
    assert NO_A not in str(entry.changes) + entry.note


def _link(leader, school):
    from jiaoyun.supervision.models import Link

    Link.objects.create(school=school, leader=leader, person="县领导", since=dt.date(2021, 2, 20))


@pytest.mark.parametrize("persona", ["class_teacher", "village_cadre", "county_leader"])
def test_roles_without_reveal_rights_cannot_reveal_the_student_no(client, numbered, persona, request):
    user = request.getfixturevalue(persona)
    if persona == "county_leader":
        _link(user, numbered["a"].current_school)  # the student is his to read, not to reveal
    client.force_login(user)
    url = reverse("people:student_reveal_id", args=[numbered["a"].pk])
    response = client.post(url, {"what": "student_no"})
    assert response.status_code == 403 and NO_A not in response.content.decode()
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_reveal_of_a_student_no_out_of_scope_is_404(client, township_officer, numbered):
    client.force_login(township_officer)
    url = reverse("people:student_reveal_id", args=[numbered["b"].pk])
    assert client.post(url, {"what": "student_no"}).status_code == 404


def _people_admin(user):
    """The county's business administrator with the admin permissions for students (no superuser: 三员分立)."""
    user.is_staff = True
    user.save()
    codes = ["view_student", "change_student", "view_enrolmentevent", "add_enrolmentevent", "change_enrolmentevent"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codes, content_type__app_label="people"))
    return user


def test_admin_shows_the_student_no_masked_and_searches_it_by_digest(client, numbered, county_admin):
    client.force_login(_people_admin(county_admin))
    student = numbered["a"]
    listing = client.get(reverse("admin:people_student_changelist"), {"q": NO_A})
    body = listing.content.decode()
    assert listing.status_code == 200 and "张小明" in body and "王小刚" not in body
    for echo in (f"q%3D{NO_A}", f"q={NO_A}", f'value="{NO_A}"'):  # the search box echoes what was typed
        body = body.replace(echo, "")
    assert NO_A not in body and ID_A not in body
    change = client.get(reverse("admin:people_student_change", args=[student.pk])).content.decode()
    assert student.student_no_masked in change and NO_A not in change and ID_A not in change


def test_admin_sets_a_student_no_through_the_service(client, numbered, county_admin):
    client.force_login(_people_admin(county_admin))
    student = numbered["a2"]
    url = reverse("admin:people_student_change", args=[student.pk])
    response = client.get(url)
    form = response.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"student_no": "L" + idcard.make("530521", BIRTH, 44), "hukou_village": student.hukou_village_id})
    data.update({"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    data = {k: v for k, v in data.items() if v is not None and k not in ("left_behind", "migrant")}
    assert client.post(url, data).status_code == 302
    student.refresh_from_db()
    assert idcard.decrypt(student.student_no_cipher) == "L" + idcard.make("530521", BIRTH, 44)
    update = AuditEntry.objects.filter(action="update", object_id=str(student.pk)).latest("id")
    assert update.changes["student_no"] == ["***", "***"]


# -- imports match by the digest -----------------------------------------------------------------------------------


def _classify(kind_key: str, actor, rows: list[dict]) -> tuple[list[Rec], Context]:
    kind = get_kind(kind_key)
    ctx = Context(actor=actor, write=False)
    kind.prepare(ctx)
    recs = [Rec(row=i + 2, data=kind.validate(values, ctx)) for i, values in enumerate(rows)]
    if kind_key == "students":
        kind.classify(recs, ctx)
    else:
        recs = kind.flush(recs, ctx)
    return recs, ctx


def test_student_import_matches_by_student_no_digest_set_based(numbered, county_admin, django_assert_max_num_queries):
    kind = get_kind("students")
    ctx = Context(actor=county_admin, write=False)
    kind.prepare(ctx)
    rows = [
        {"name": "李小红", "student_no": NO_A.lower(), "sex": "M", "birth_date": BIRTH},
        {"name": "王小刚", "student_no": NO_B, "sex": "M", "birth_date": BIRTH},
        {"name": "新生", "student_no": "G" + idcard.make("530521", BIRTH, 99), "sex": "M", "birth_date": BIRTH},
    ]
    recs = [Rec(row=i + 2, data=kind.validate(r, ctx)) for i, r in enumerate(rows)]
    assert all(NO_A not in str(r.data.get("student_no_hash")) for r in recs)
    with django_assert_max_num_queries(2):  # one query per digest column, whatever the number of rows
        kind.classify(recs, ctx)
    assert (recs[0].outcome, recs[0].pk) == (UPDATED, numbered["a"].pk)
    assert recs[0].before is not None and recs[0].before["name"] == ["张小明", "李小红"]
    assert recs[1].pk == numbered["b"].pk and recs[2].outcome == NEW


def test_event_import_finds_the_student_by_student_no_digest(numbered, county_admin):
    rows = [{"student_no": NO_B, "kind": "transfer_out", "date": dt.date(2023, 2, 1), "reason": "随父母外出"}]
    rejected, ctx = _classify("events", county_admin, rows)
    assert rejected == [] and list(ctx.cache["held"]) == [numbered["b"].pk]


# -- 6. duplicates refused without naming a child out of scope ---------------------------------------------------


def test_duplicate_id_number_out_of_scope_names_nobody(township_officer, student_b):
    number = idcard.decrypt(student_b.id_cipher)
    with pytest.raises(DomainError) as err:
        student_create(actor=township_officer, name="假冒", id_number=number)
    message = str(err.value)
    assert "王小刚" not in message and "老麦乡" not in message and "身份证号" in message


def test_duplicate_id_number_in_scope_names_the_child(township_officer, student_a):
    with pytest.raises(DomainError, match="张小明"):
        student_create(actor=township_officer, name="重复", id_number=ID_A)


def test_duplicate_student_no_out_of_scope_names_nobody(township_officer, numbered):
    with pytest.raises(DomainError) as err:
        student_create(actor=township_officer, name="假冒", sex="M", birth_date=BIRTH, student_no=NO_B)
    assert "王小刚" not in str(err.value) and "全国学籍号" in str(err.value) and NO_B not in str(err.value)
    with pytest.raises(DomainError, match="张小明"):
        student_create(actor=township_officer, name="重复", sex="M", birth_date=BIRTH, student_no=NO_A)


def test_duplicate_through_the_page_and_the_api_names_nobody_out_of_scope(client, township_officer, student_b):
    client.force_login(township_officer)
    number = idcard.decrypt(student_b.id_cipher)
    page = client.post(reverse("people:student_create"), {"name": "假冒", "sex": "M", "birth_date": "2015-03-01",
                                                          "id_number": number, "ethnicity": "01"})  # fmt: skip
    api = client.post(f"{API}/students", {"name": "假冒", "id_number": number}, content_type="application/json")
    page_body, api_body = page.content.decode(), str(api.json())
    for body in (page_body, api_body):  # (the page's village list names every township: the message must not)
        assert "王小刚" not in body and "已登记在另一名学生名下" in body
    assert "老麦乡" not in api_body


def test_student_update_to_a_number_out_of_scope_names_nobody(township_officer, student_a, student_b):
    with pytest.raises(DomainError) as err:
        student_update(actor=township_officer, student=student_a, id_number=idcard.decrypt(student_b.id_cipher))
    assert "王小刚" not in str(err.value)


def test_import_messages_name_only_students_the_importer_sees(numbered, township_officer, county_admin):
    conflict = {"name": "甲", "id_number": ID_A, "student_no": NO_B}  # ID of student_a, 学籍号 of student_b
    taken = {"name": "丙", "id_number": idcard.make("530521", BIRTH, 55), "student_no": NO_B}  # 学籍号 of student_b
    for actor, visible in ((township_officer, False), (county_admin, True)):
        recs, _ = _classify("students", actor, [conflict, taken])
        assert [r.outcome for r in recs] == [REJECTED, REJECTED]
        for rec in recs:
            message = str(rec.error)
            assert ("王小刚" in message) == visible and NO_B not in message and "老麦乡" not in message
    event = {"student_no": NO_B, "name": "别人", "kind": "transfer_out", "date": dt.date(2023, 2, 1)}
    for actor, visible in ((township_officer, False), (county_admin, True)):
        (rec,), _ = _classify("events", actor, [event])
        assert rec.outcome == REJECTED and ("王小刚" in str(rec.error)) == visible


def test_duplicate_teacher_id_out_of_scope_names_nobody(township_officer, teacher_b, county_admin):
    number = idcard.make("530521", dt.date(1980, 1, 2), 31)
    Teacher.objects.filter(pk=teacher_b.pk).update(
        id_hash=idcard.match_hash(number), id_cipher=idcard.encrypt(number), id_masked=idcard.mask(number)
    )
    fields = {"name": "新", "sex": "M", "birth_date": dt.date(1980, 1, 2), "id_number": number}
    with pytest.raises(DomainError) as err:
        teacher_create(actor=township_officer, **fields)
    assert "钱老师" not in str(err.value)
    with pytest.raises(DomainError, match="钱老师"):
        teacher_create(actor=county_admin, **fields)


@pytest.mark.parametrize("kind", ["students", "events"])
def test_registry_exports_mask_the_student_no_unless_revealed(client, county_admin, numbered, kind):
    client.force_login(county_admin)
    url = reverse("exchange:export", args=[kind])
    masked = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert NO_A not in masked and ID_A not in masked and idcard.mask(NO_A) in masked
    assert AuditEntry.objects.get(action="export").changes["revealed"] is False
    full = client.get(url, {"format": "csv", "reveal": "1", "reason": "数据更正"}).content.decode("utf-8-sig")
    assert NO_A in full and ID_A in full
    assert AuditEntry.objects.filter(action="export", changes__revealed=True).count() == 1


def test_api_create_with_a_student_no_stores_it_encrypted_and_answers_masked(client, township_officer, village_a1):
    client.force_login(township_officer)
    number = "G" + idcard.make("530521", BIRTH, 61)
    payload = {"name": "新生", "sex": "M", "birth_date": "2015-03-01", "student_no": number,
               "hukou_village_code": village_a1.code}  # fmt: skip
    response = client.post(f"{API}/students", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["student_no_masked"] == idcard.mask(number) and number not in response.content.decode()
    student = Student.objects.get(pk=body["id"])
    assert idcard.decrypt(student.student_no_cipher) == number
    created = AuditEntry.objects.get(action="create", object_id=str(student.pk))
    assert number not in str(created.changes) and "student_no_cipher" not in created.changes


def test_an_export_whose_id_column_cannot_reveal_is_not_audited_as_revealed(rf, township_officer, numbered):
    """A column headed like an ID number but without a way to reveal stays masked: the audit must say so."""
    from jiaoyun.reports.export import Column, export_response

    request = rf.get("/", {"format": "csv", "reveal": "1", "reason": "核对身份"})
    request.user = township_officer
    columns = [Column("姓名", lambda s: s.name), Column("身份证号", lambda s: s.id_masked)]
    response = export_response(
        request, rows=[numbered["a"]], columns=columns, filename="测试", object_type="people.Student"
    )
    assert ID_A not in response.content.decode("utf-8-sig")
    assert AuditEntry.objects.get(action="export").changes["revealed"] is False
    assert not AuditEntry.objects.filter(action="reveal").exists()
