"""Forms of the teachers pages: every POST, and the year the list pages are shown for.

The forms read the values the pages post (numbers, dates, yes/no) and resolve the rows an action names
(a move, a standby record, an ethics record…) through the scoped selectors, so a forged id of a row the
user may not see selects nothing. The rules of the domain (which subjects, which grades, who may act in which
state) stay in the services, which word their refusals themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import User
from jiaoyun.schools.choices_in_scope import township_in_scope
from jiaoyun.teachers import selectors
from jiaoyun.teachers.choices import EthicsResult

DATE_FORMAT = "日期格式应为YYYY-MM-DD"
MISSING_MOVE = "计划或人员不存在"


def current_year() -> int:
    return SchoolYear.current().start_year


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, error_messages={"required": DATE_FORMAT, "invalid": DATE_FORMAT})


def _text(label: str) -> forms.CharField:
    """Free text or a choice value: passed on as posted (the service checks and words the refusal)."""
    return forms.CharField(label=label, required=False)


def _id(label: str) -> forms.IntegerField:
    """The id of a row the form resolves (empty or malformed: none)."""
    return forms.IntegerField(label=label, required=False)


class FlagField(forms.Field):
    """A yes/no as the pages' selects post it: ``1`` (or ``true``) is yes, anything else or nothing is no."""

    def __init__(self, *, label: str) -> None:
        super().__init__(label=label, required=False)

    def to_python(self, value: Any) -> bool:
        return str(value).lower() in ("1", "true")


class IdListField(forms.Field):
    """A list of ids posted under one name (``choices``: the schools a teacher lists); blanks are skipped."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, label: str) -> None:
        super().__init__(label=label, required=False)

    def to_python(self, value: Any) -> list[int]:
        return [int(v) for v in value or [] if str(v).isdigit()]


class YearForm(forms.Form):
    """The school year of a list page (``?year=``); an empty or malformed one means the page's default."""

    year = forms.IntegerField(required=False)

    @classmethod
    def year_of(cls, data: Any, default: int) -> int:
        form = cls(data)
        return (form.cleaned_data["year"] if form.is_valid() else None) or default


class ActionChoiceForm(forms.Form):
    """Which action of a page's action table a POST asks for."""

    action = forms.CharField(required=False)


# How a form finds the row an id names (given the form, for its user and object) and what it says when
# there is none (a ``Http404`` is raised as it is: the page answers 404, as for a page the user may not open).
Lookup = tuple[Callable[[Any, int], Any], "str | Http404"]


class ActionForm(forms.Form):
    """The form of one action on one object: ``user`` and ``obj`` let it resolve, within the user's scope,
    the rows the posted ids name (``rows``: field name → lookup); in ``cleaned_data`` the id becomes the row."""

    rows: ClassVar[dict[str, Lookup]] = {}

    def __init__(self, data: Any = None, *, user: User, obj: Any = None) -> None:
        super().__init__(data)
        self.user = user
        self.obj = obj

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, (find, missing) in self.rows.items():
            if name not in data:
                continue
            try:
                row = find(self, data[name] or 0)
            except ObjectDoesNotExist:
                row = None
            if row is not None:
                data[name] = row
            elif isinstance(missing, Http404):
                raise missing
            else:
                self.add_error(name, missing)
        return data


class YearField(forms.IntegerField):
    """A school year; empty means the current one."""

    def __init__(self) -> None:
        super().__init__(label="学年", required=False)

    def clean(self, value: Any) -> int:
        return super().clean(value) or current_year()


# ---------------------------------------------------------------- quotas


class QuotaComputeForm(forms.Form):
    year = YearField()


class CountyQuotaForm(forms.Form):
    year = YearField()
    approved_staffing = forms.IntegerField(label="核定编制总量", required=False)
    approved_posts = forms.IntegerField(label="核定岗位总量", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("approved_staffing", "approved_posts"):
            data[name] = data.get(name) or 0  # the service refuses a missing total with its own message
        return data


class StandardForm(forms.Form):
    """One level's 编制标准; a field left empty keeps its value."""

    FIELDS = ("students_per_staff", "staff_per_class", "small_below", "boarding_rate")

    level = _text("学段")
    students_per_staff = forms.DecimalField(label="生师比", required=False)
    staff_per_class = forms.DecimalField(label="班师比", required=False)
    small_below = forms.IntegerField(label="小规模学校标准", required=False)
    boarding_rate = forms.DecimalField(label="寄宿生比例", required=False)

    def changes(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.FIELDS if self.cleaned_data.get(k) is not None}


# ---------------------------------------------------------------- rounds


class RoundCreateForm(forms.Form):
    """A new round: a township officer's is always his township's; the 人事股 picks a township in scope or none
    (county-wide)."""

    year = YearField()
    name = _text("名称")
    effective_date = _date("聘任生效日期")
    township = _id("乡镇")

    def __init__(self, data: Any = None, *, user: User) -> None:
        super().__init__(data)
        self.user = user

    def clean_township(self) -> Area | None:
        if self.user.role == Role.TOWNSHIP_OFFICER:
            return self.user.area
        pk = self.cleaned_data.get("township")
        if not pk:
            return None
        township = township_in_scope(self.user, pk)
        if township is None:
            raise forms.ValidationError("乡镇不存在或不在您的范围内")
        return township


class NoteForm(ActionForm):
    note = _text("说明")


class PostForm(ActionForm):
    school = _id("学校")
    subject = _text("学科")
    count = forms.IntegerField(label="岗位数", required=False)

    rows = {"school": (lambda form, pk: selectors.round_school_get(school_id=pk), "请选择学校")}

    def clean_count(self) -> int:
        return self.cleaned_data["count"] or 0


class ApplyForm(ActionForm):
    teacher = _id("教师")
    choices = IdListField(label="志愿")
    subject = _text("竞聘学科")
    in_school = FlagField(label="参加校内竞聘")

    rows = {"teacher": (lambda form, pk: selectors.round_teacher_get(user=form.user, teacher_id=pk), "请选择教师")}


def _application(form: ActionForm, pk: int) -> Any:
    return selectors.round_application_get(user=form.user, round=form.obj, application_id=pk)


def _appeal(form: ActionForm, pk: int) -> Any:
    return selectors.round_appeal_get(user=form.user, round=form.obj, appeal_id=pk)


def _standby(form: ActionForm, pk: int) -> Any:
    return selectors.round_standby_get(user=form.user, round=form.obj, standby_id=pk)


def _ethics_record(form: ActionForm, pk: int) -> Any:
    return selectors.ethics_record_get(user=form.user, teacher=form.obj, record_id=pk)


class _ApplicationForm(ActionForm):
    application = _id("报名")

    rows = {"application": (_application, "报名不存在或无权查看")}


class ScoreForm(_ApplicationForm):
    school = _id("评分学校")
    score = _text("得分")

    rows = {**_ApplicationForm.rows, **PostForm.rows}


class AppealForm(_ApplicationForm):
    reason = _text("申诉理由")


class DecideForm(ActionForm):
    appeal = _id("申诉")
    upheld = FlagField(label="申诉成立")
    outcome = _text("处理结果")

    rows = {"appeal": (_appeal, "申诉不存在或无权查看")}


class _StandbyForm(ActionForm):
    standby = _id("待岗记录")
    note = _text("说明")

    rows = {"standby": (_standby, Http404("待岗记录不存在或无权查看"))}


class TrainingForm(_StandbyForm):
    training = _text("培训内容")
    start = _date("培训开始")
    end = _date("培训结束")
    passed = FlagField(label="考核合格")


class ReassignForm(_StandbyForm):
    school = _id("学校")
    date = _date("到岗日期")

    rows = {
        **_StandbyForm.rows,
        "school": (lambda form, pk: selectors.round_schools(user=form.user).filter(pk=pk).first(), "请选择学校"),
    }


# ---------------------------------------------------------------- rotation


class RotationForm(ActionForm):
    year = YearField()


class GenerateForm(RotationForm):
    start_date = forms.DateField(
        label="交流起始日期", required=False, error_messages={"invalid": DATE_FORMAT}
    )  # empty: 1 September of the year


class ApproveForm(RotationForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = selectors.rotation_plan_for(year=data.get("year") or current_year())
        if plan is None:
            raise forms.ValidationError(MISSING_MOVE)
        data["plan"] = plan
        return data


class _MoveForm(RotationForm):
    move = _id("人员")

    rows = {"move": (lambda form, pk: selectors.rotation_move_get(user=form.user, move_id=pk), MISSING_MOVE)}


class MoveDoneForm(_MoveForm):
    date = forms.DateField(label="到岗日期", required=False, error_messages={"invalid": DATE_FORMAT})  # empty: today


class MoveCancelForm(_MoveForm):
    reason = _text("取消原因")


# ---------------------------------------------------------------- ethics (on one teacher)


class RecordForm(ActionForm):
    kind = _text("类别")
    date = _date("日期")
    title = _text("事由")
    principle = forms.IntegerField(label="对应准则", required=False)
    details = _text("详情")
    source = _text("来源")


class SanctionForm(ActionForm):
    record = _id("违规记录")
    type = _text("处理类型")
    start = _date("起始日期")
    body = _text("决定机关")

    rows = {"record": (_ethics_record, Http404("记录不存在"))}


class PledgeForm(ActionForm):
    kind = _text("类别")
    date = _date("日期")
    note = _text("说明")


class AppraisalForm(ActionForm):
    year = YearField()
    grade = _text("等次")
    ethics = _text("师德考核")

    def clean_ethics(self) -> str:
        return self.cleaned_data["ethics"] or EthicsResult.PASS


class TitleForm(ActionForm):
    to_title = _text("聘任职称")
    date = _date("聘任日期")


class HonourForm(ActionForm):
    name = _text("荣誉名称")
    level = _text("级别")
    date = _date("授予日期")
