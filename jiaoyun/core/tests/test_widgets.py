"""``FastSelect`` writes the same HTML as Django's ``Select`` templates."""

from __future__ import annotations

import pytest
from django import forms

from jiaoyun.core.widgets import FastSelect

CHOICES = [("", "—"), (1, "甸阳镇中心小学"), (2, 'a "quoted" <b>name</b> & more'), ("x", "其他")]
GROUPED = [("", "—"), ("甸阳镇", [(1, "一小"), (2, "二小")]), ("老麦乡", [(3, "<三小>")]), (4, "县外")]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, None, None),
        (CHOICES, 1, {"id": "id_school", "required": True}),
        (CHOICES, "2", {"class": "wide", "disabled": False, "data-x": 'a"b'}),
        (CHOICES, "x", {"aria-invalid": "true"}),
        (GROUPED, 3, {"id": "g"}),
        ([], None, {"id": "empty"}),
    ],
)
def test_fast_select_writes_what_the_templates_write(choices, value, attrs):
    slow, fast = forms.Select(choices=choices), FastSelect(choices=choices)
    assert fast.render("school", value, attrs) == slow.render("school", value, attrs)


def test_a_form_field_with_fast_select_renders_as_with_select():
    class Slow(forms.Form):
        school = forms.ChoiceField(choices=CHOICES, required=False)

    class Fast(forms.Form):
        school = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect)

    for data in ({"school": "2"}, {"school": "nope"}, None):
        assert str(Fast(data)["school"]) == str(Slow(data)["school"])


def test_a_multiple_select_is_left_to_the_templates():
    class Multi(FastSelect):
        allow_multiple_selected = True

    assert Multi(choices=CHOICES).render("s", ["1"]) == forms.SelectMultiple(choices=CHOICES).render("s", ["1"])
