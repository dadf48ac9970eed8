from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Sex
from jiaoyun.core.scope import school_q
from jiaoyun.core.types import User
from jiaoyun.core.widgets import FastSelect
from jiaoyun.people.choices import DisabilityCategory, Ethnicity, EventKind, OrphanStatus, PovertyStatus, StudyLevel
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import School

DATE = forms.DateInput(attrs={"type": "date"})


class StudentCreateForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(label="性别", choices=Sex.choices)
    birth_date = forms.DateField(label="出生日期", widget=DATE)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    student_no = forms.CharField(label="全国学籍号", max_length=19, required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=Ethnicity.choices, initial="01")
    hukou_village = forms.ModelChoiceField(
        widget=FastSelect, label="户籍所在村（社区）", queryset=Area.objects.none(), required=False
    )
    residence_village = forms.ModelChoiceField(
        widget=FastSelect, label="现居住村（社区）", queryset=Area.objects.none(), required=False
    )
    guardian_name = forms.CharField(label="监护人", max_length=50, required=False)
    guardian_phone = forms.CharField(label="监护人电话", max_length=20, required=False)
    left_behind = forms.BooleanField(label="留守儿童", required=False)
    migrant = forms.BooleanField(label="随迁子女", required=False)
    disability = forms.ChoiceField(label="残疾类别", choices=DisabilityCategory.choices, required=False)
    poverty = forms.ChoiceField(label="脱贫家庭/监测户", choices=PovertyStatus.choices, required=False)
    orphan = forms.ChoiceField(label="孤儿/事实无人抚养", choices=OrphanStatus.choices, required=False)
    enrol_kind = forms.ChoiceField(
        label="类型",
        choices=[("", "暂不办理"), (EventKind.ENROL, "入学"), (EventKind.TRANSFER_IN, "转入")],
        required=False,
    )
    enrol_date = forms.DateField(label="日期", widget=DATE, required=False)
    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none(), required=False)
    grade = forms.TypedChoiceField(
        label="年级", choices=[("", "—")] + list(Grade.choices), coerce=int, empty_value=None, required=False
    )

    ENROL_FIELDS = ("enrol_kind", "enrol_date", "school", "grade")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = cast(forms.ModelChoiceField, self.fields["school"])
        school_field.queryset = School.objects.filter(school_q(user), is_active=True).order_by("code")
        villages = Area.objects.filter(level=AreaLevel.VILLAGE).select_related("parent").order_by("code")
        for name in ("hukou_village", "residence_village"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = villages
            field.label_from_instance = lambda a: f"{a.parent.name if a.parent else ''} {a.name}"  # type: ignore[method-assign,assignment]

    def service_fields(self) -> dict[str, Any]:
        """Cleaned data as keyword arguments for ``student_create`` (empty optional values left out)."""
        data = dict(self.cleaned_data)
        id_number = data.pop("id_number", "") or None
        data = {k: v for k, v in data.items() if v not in ("", None) or k in ("left_behind", "migrant")}
        if not data.get("enrol_kind"):
            for key in self.ENROL_FIELDS:
                data.pop(key, None)
        return {"id_number": id_number, **data}


class EnrolmentEventForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=EventKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none(), required=False)
    grade = forms.TypedChoiceField(
        label="年级", choices=[("", "—")] + list(Grade.choices), coerce=int, empty_value=None, required=False
    )
    class_number = forms.IntegerField(label="班号", min_value=1, max_value=99, required=False)
    external_school = forms.CharField(label="县外学校", max_length=100, required=False)
    study_level = forms.ChoiceField(
        label="县外就读学段",
        choices=[("", "—")] + list(StudyLevel.choices),
        required=False,
        help_text="仅外县就读填写（普通高中、中职可计入高中阶段毛入学率）",
    )
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = cast(forms.ModelChoiceField, self.fields["school"])
        school_field.queryset = School.objects.filter(school_q(user), is_active=True).order_by("code")
        school_field.help_text = _("转出、休学、辍学、毕业等可不填，默认为原学校")


# Why a full number is shown (the choice on the page; "其他" needs the free text). Stored in the audit entry.
REVEAL_REASONS = [
    ("核对身份", "核对身份"),
    ("劝返工作", "劝返工作"),
    ("数据更正", "数据更正"),
    ("其他", "其他（请说明）"),
]


class RevealForm(forms.Form):
    """Show a pupil's full number: ``what`` (the ID number unless ``student_no``) and why — ``reason_kind`` (one of
    ``REVEAL_REASONS``) and/or ``reason`` (free text; alone it is the whole reason, as API clients send it). The
    service refuses a reveal without a reason."""

    what = forms.ChoiceField(
        label="号码", choices=[("id_number", "身份证号"), ("student_no", "全国学籍号")], required=False
    )
    reason_kind = forms.ChoiceField(label="查看原因", choices=[("", "请选择"), *REVEAL_REASONS], required=False)
    reason = forms.CharField(label="说明", max_length=200, required=False, strip=True)

    def target(self) -> str:
        """The number asked for; anything unknown reveals the ID number (whose reveal asks the most)."""
        self.is_valid()
        return self.cleaned_data.get("what") or "id_number"

    def reason_text(self) -> str:
        """ "劝返工作", "劝返工作：核对劝返名单", "其他：…", or the free text alone; "" when none was given
        (also for "其他" without a word: the service then refuses)."""
        self.is_valid()
        kind = self.cleaned_data.get("reason_kind") or ""
        text = self.cleaned_data.get("reason") or ""
        if kind == "其他":
            return f"其他：{text}" if text else ""
        if kind:
            return f"{kind}：{text}" if text else kind
        return text
