from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from jiaoyun.core import idcard
from jiaoyun.core.admin_mixins import (
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ServiceAdminMixin,
    authed,
    changed_fields,
    scope_related,
)
from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import student_q, teacher_q
from jiaoyun.core.types import AuthedRequest
from jiaoyun.people import selectors
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher, TeacherAssignment
from jiaoyun.people.services import (
    enrolment_record,
    student_create,
    student_delete,
    student_update,
    teacher_create,
    teacher_update,
)
from jiaoyun.people.services.students import EDITABLE as STUDENT_EDITABLE
from jiaoyun.people.services.teachers import EDITABLE as TEACHER_EDITABLE


class IdNumberForm(forms.ModelForm):
    """The stored number is never shown; a new one may be typed in (validated and encrypted by the service)."""

    id_number = forms.CharField(
        label="录入/更正身份证号", max_length=18, required=False, help_text="留空则不修改；保存后只显示脱敏号码"
    )
    # The version the form was loaded with: a save over someone else's change in between is refused.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        updated_at = getattr(self.instance, "updated_at", None)
        if self.instance.pk and updated_at is not None:
            self.fields["loaded_version"].initial = updated_at.isoformat()

    def expected_version(self) -> dt.datetime | None:
        raw = self.cleaned_data.get("loaded_version") or ""
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None


class StudentAdminForm(IdNumberForm):
    student_no = forms.CharField(
        label="录入/更正全国学籍号", max_length=19, required=False, help_text="留空则不修改；保存后只显示脱敏号码"
    )


class EnrolmentEventInline(admin.TabularInline):
    model = EnrolmentEvent
    fk_name = "student"
    extra = 0
    can_delete = False
    fields = ("date", "seq", "kind", "school", "grade", "school_class", "external_school", "reason", "recorded_by")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Every scoped admin offers only the students in the user's scope as choices of a foreign key to Student.
scope_related(Student, student_q)


@admin.register(Student)
class StudentAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    deletes_through_service = True  # student_delete: only a student registered in error, with no 学籍 events
    scope_filter = student_q
    form = StudentAdminForm
    list_display = (
        "name", "sex", "birth_date", "id_masked", "student_no_masked", "status", "current_school", "current_grade",
    )  # fmt: skip
    list_filter = ("status", "sex", "current_grade", "left_behind", "migrant")
    search_fields = ("name",)  # and the exact 全国学籍号, through its digest (get_search_results)
    list_select_related = ("current_school",)
    raw_id_fields = ("hukou_village", "residence_village")
    readonly_fields = ("id_masked", "student_no_masked", "status", "current_school", "current_grade", "current_class")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "sex",
                    "birth_date",
                    "ethnicity",
                    "id_masked",
                    "id_number",
                    "student_no_masked",
                    "student_no",
                )
            },
        ),  # fmt: skip
        ("户籍与居住", {"fields": ("hukou_village", "residence_village", "guardian_name", "guardian_phone")}),
        ("关爱标记", {"fields": ("left_behind", "migrant", "disability", "poverty", "orphan")}),
        ("学籍（由学籍变动生成）", {"fields": ("status", "current_school", "current_grade", "current_class")}),
        (None, {"fields": ("loaded_version",)}),  # hidden: the version the form was loaded with
    )
    inlines = [EnrolmentEventInline]

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = idcard.normalize(search_term)
        if term and term.isascii():
            results = results | queryset.filter(student_no_hash=idcard.match_hash(term))
        return results, may_have_duplicates

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        fields = changed_fields(form, STUDENT_EDITABLE)
        id_number = form.cleaned_data.get("id_number") or None
        student_no = form.cleaned_data.get("student_no") or None
        if change:
            try:  # the row as stored, not the form's edited instance: the service diffs against it
                student = selectors.student_get(user=request.user, student_id=form.instance.pk)
            except Student.DoesNotExist:
                raise DomainError("学生不存在或不在您的数据范围内") from None
            return student_update(
                actor=request.user,
                student=student,
                id_number=id_number,
                student_no=student_no,
                expected_updated_at=form.expected_version(),
                **fields,
            )
        return student_create(actor=request.user, id_number=id_number, student_no=student_no, **fields)

    def delete_model(self, request: HttpRequest, obj: Student) -> None:  # type: ignore[override]
        student_delete(actor=authed(request).user, student=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for student in queryset:
                student_delete(actor=authed(request).user, student=student)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        with_events = [str(s) for s in objs if s.events.exists()]
        if with_events:
            protected = list(protected) + [f"{name}（已有学籍变动记录，不能删除）" for name in with_events]
        return deleted, counts, perms, protected


class EnrolmentEventForm(forms.ModelForm):
    class Meta:
        model = EnrolmentEvent
        fields = ("student", "kind", "date", "school", "grade", "school_class", "external_school", "reason")


@admin.register(EnrolmentEvent)
class EnrolmentEventAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """学籍 events are recorded through ``enrolment_record`` and never edited or deleted afterwards."""

    scope_filter = student_q
    scope_prefix = "student__"
    form = EnrolmentEventForm
    list_display = ("student", "date", "kind", "school", "grade", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("student__name",)
    list_select_related = ("student", "school", "recorded_by")
    raw_id_fields = ("student", "school_class")
    date_hierarchy = "date"

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        if change:
            raise DomainError("学籍变动记录不能修改；如有错误请办理新的学籍变动")
        d = form.cleaned_data
        return enrolment_record(
            actor=request.user,
            student=d["student"],
            kind=d["kind"],
            date=d["date"],
            school=d.get("school"),
            grade=d.get("grade"),
            school_class=d.get("school_class"),
            external_school=d.get("external_school") or "",
            study_level=d.get("study_level") or None,
            reason=d.get("reason") or "",
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TeacherAssignmentInline(admin.TabularInline):
    model = TeacherAssignment
    extra = 0
    can_delete = False
    fields = ("school", "start", "end", "kind", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Teacher)
class TeacherAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    scope_filter = teacher_q
    form = IdNumberForm
    list_display = ("name", "sex", "id_masked", "school", "post_type", "main_subject", "title", "staffing", "is_active")
    list_filter = ("post_type", "title", "staffing", "backbone", "is_active")
    search_fields = ("name", "staff_no")
    list_select_related = ("school",)
    raw_id_fields = ("user",)
    inlines = [TeacherAssignmentInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The school changes only through an assignment (teacher_assign), never by editing the field.
        return ("id_masked", "school") if obj is not None else ("id_masked",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("id_masked", "id_number", *TEACHER_EDITABLE)

    def service_save(self, request: AuthedRequest, form: Any, change: bool) -> models.Model:
        names = tuple(n for n in TEACHER_EDITABLE if not (change and n == "school"))
        fields = changed_fields(form, names)
        fields = {k: (None if k == "staff_no" and v == "" else v) for k, v in fields.items()}
        id_number = form.cleaned_data.get("id_number") or None
        if change:
            try:
                teacher = selectors.teacher_get(user=request.user, teacher_id=form.instance.pk)
            except Teacher.DoesNotExist:
                raise DomainError("教职工不存在或不在您的数据范围内") from None
            return teacher_update(actor=request.user, teacher=teacher, id_number=id_number, **fields)
        return teacher_create(actor=request.user, id_number=id_number, **fields)


@admin.register(TeacherAssignment)
class TeacherAssignmentAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """View only: an assignment is opened and closed by ``teacher_assign`` (任职变动), never edited here."""

    scope_filter = teacher_q
    scope_prefix = "teacher__"
    list_display = ("teacher", "school", "start", "end", "kind")
    list_select_related = ("teacher", "school")
    raw_id_fields = ("teacher",)
