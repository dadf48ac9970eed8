"""Forms of the learning pages (their GET parameters)."""

from __future__ import annotations

from django import forms

WEEKS_DEFAULT = 12
WEEKS_MAX = 52


class WindowForm(forms.Form):
    """``?weeks=``: how many weeks the statistics pages cover, ending with the newest week. A value out of range
    is brought into 1–52; a missing or malformed one is the default of 12."""

    weeks = forms.IntegerField(required=False)

    def clean_weeks(self) -> int:
        weeks = self.cleaned_data.get("weeks")
        return WEEKS_DEFAULT if weeks is None else min(max(weeks, 1), WEEKS_MAX)

    @property
    def weeks_value(self) -> int:
        return int(self.cleaned_data["weeks"]) if self.is_valid() else WEEKS_DEFAULT
