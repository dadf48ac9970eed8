"""Forms of the exchange pages (what a service does with the data stays in the service)."""

from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    """The file of an import. An empty file is accepted here: the reader says why it cannot be imported."""

    file = forms.FileField(allow_empty_file=True, error_messages={"required": "请选择要上传的文件"})


class ConfirmForm(forms.Form):
    """The confirm button, with the acknowledgement of flagged updates (unticked: those rows are skipped)."""

    accept_flagged = forms.BooleanField(required=False)
