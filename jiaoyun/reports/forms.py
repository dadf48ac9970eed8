"""The form of the 公文格式设置 page (the validation of values stays in ``reports.services``)."""

from __future__ import annotations

from django import forms

from jiaoyun.reports.official import DATE_STYLES, DEFAULT_LETTERHEADS


class LetterheadPickForm(forms.Form):
    """Which letterhead a POST saves (each has its own form on the page, prefixed with its key)."""

    letterhead = forms.ChoiceField(choices=[(k, v["name"]) for k, v in DEFAULT_LETTERHEADS.items()])


class LetterheadForm(forms.Form):
    """One kind of document's settings (``code`` is the letterhead's ``prefix``: a form has its own ``prefix``)."""

    name = forms.CharField(label="文种", max_length=60)
    authority = forms.CharField(label="发文机关署名（落款）", max_length=60)
    mark = forms.CharField(label="发文机关标志（红头）", max_length=60, help_text="如：施甸县教育体育局文件")
    code = forms.CharField(label="发文机关代字（文号）", max_length=20, help_text="如：施教体 → 施教体〔2021〕12号")
    recipients = forms.CharField(label="主送机关", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="多个机关用逗号或顿号分隔")  # fmt: skip
    copy_to = forms.CharField(label="抄送机关", max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), help_text="不抄送可留空")  # fmt: skip
    printer = forms.CharField(label="印发机关", max_length=60, required=False)
    date_style = forms.ChoiceField(label="成文日期写法", choices=DATE_STYLES)
