"""Form widgets that write their HTML in Python, for inputs with many options.

Django renders a ``<select>`` with one template per option (the option, then its attributes): a list of every
school of a county (1,711 at ten times the demo county) took about 80 ms of CPU on each view of a 控辍保学 case
page (docs/load.md). ``FastSelect`` writes exactly the HTML the templates write, in one pass.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"`` each, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)))
    return "".join(out)


class FastSelect(forms.Select):
    """``forms.Select``, its options written in one pass (the same HTML as ``select.html`` and
    ``select_option.html``); a multiple select is left to the templates."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if self.allow_multiple_selected or self.template_name != forms.Select.template_name:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        out = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                out.append(
                    format_html('\n  <option value="{}"', str(option["value"]))
                    + _attrs(option["attrs"])
                    + format_html(">{}</option>\n", option["label"])
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 (every part above is escaped by format_html)
