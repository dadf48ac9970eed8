from __future__ import annotations

from django import forms

from jiaoyun.core.errors import DomainError


def attach_domain_error(form: forms.BaseForm, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's DomainError next to the field it names (by Chinese label), else above the form."""
    label = exc.field or ""
    target = (aliases or {}).get(label)
    if target is None:
        target = next((name for name, f in form.fields.items() if label and str(f.label) == label), None)
    form.add_error(target, exc.message if target else str(exc))


class JobRunForm(forms.Form):
    """Run a scheduled job now: its name as the jobs page lists it."""

    job = forms.CharField(label="任务", max_length=100)
