"""The dashboard's forms: the upload form, with GOV.UK-style messages that name the field."""

from __future__ import annotations

from django import forms

from perinatal.dashboard.datasets.schema import DATASET_NAMES, SCHEMAS

#: A dataset file must be a CSV (docs/rules/dashboard.md §1: "CSV, UTF-8, header row").
CSV_SUFFIX = ".csv"


def dataset_hint(name: str) -> str:
    schema = SCHEMAS[name]
    return f"{name}.csv: {schema.description}"


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(
        choices=[(name, SCHEMAS[name].title) for name in DATASET_NAMES],
        error_messages={
            "required": "Select which dataset the file holds",
            "invalid_choice": "Select which dataset the file holds",
        },
    )
    file = forms.FileField(
        error_messages={
            "required": "Select a CSV file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file to upload",
            "missing": "Select a CSV file to upload",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(CSV_SUFFIX):
            raise forms.ValidationError("The selected file must be a CSV file (its name ends in .csv)")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return upload
