"""The dashboard's forms: the upload form, with GOV.UK-style messages that name the field."""

from __future__ import annotations

from django import forms

from perinatal.dashboard.datasets.deprivation import (
    MOST_DEPRIVED_FIRST,
    QUINTILE_ORDER_WORDS,
    QUINTILE_ORDERS,
)
from perinatal.dashboard.datasets.schema import DATASET_NAMES, SCHEMAS
from perinatal.dashboard.services import TRUST_DATASETS

#: A dataset file must be a CSV (docs/rules/dashboard.md §1: "CSV, UTF-8, header row").
CSV_SUFFIX = ".csv"


def dataset_hint(name: str) -> str:
    schema = SCHEMAS[name]
    return f"{name}.csv: {schema.description}"


class UploadForm(forms.Form):
    """`trusts`: (code, name) of the trusts a trust's own staff upload for, who are offered only
    TRUST_DATASETS (docs/rules/dashboard.md §5); None for national programme admins (any dataset,
    any trust). With several trusts the form asks which one; with one, the file is that trust's."""

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

    # docs/rules/equity.md §1: a births file numbering quintiles least deprived first must say so.
    quintile_order = forms.ChoiceField(
        choices=[(order, QUINTILE_ORDER_WORDS[order]) for order in QUINTILE_ORDERS],
        initial=MOST_DEPRIVED_FIRST,
        required=False,
        error_messages={"invalid_choice": "Select how the file numbers deprivation quintiles"},
    )

    trust = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Select which trust's data the file holds"},
    )

    def __init__(self, *args, trusts: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trusts = trusts
        if trusts is None:
            del self.fields["trust"]
            return
        self.fields["dataset"].choices = [(name, SCHEMAS[name].title) for name in TRUST_DATASETS]
        self.fields["trust"].choices = list(trusts)
        self.fields["trust"].required = len(trusts) > 1
        self.fields["trust"].error_messages["required"] = "Select which trust's data the file holds"

    @property
    def asks_for_trust(self) -> bool:
        return self.trusts is not None and len(self.trusts) > 1

    def clean_trust(self):
        """The code of the trust the file is for (None for a national upload)."""
        if self.trusts is None:
            return None
        if len(self.trusts) == 1:
            return self.trusts[0][0]
        return self.cleaned_data["trust"]

    def clean_quintile_order(self):
        return self.cleaned_data["quintile_order"] or MOST_DEPRIVED_FIRST

    def clean(self):
        cleaned = super().clean()
        order, dataset = cleaned.get("quintile_order"), cleaned.get("dataset")
        if order not in (None, MOST_DEPRIVED_FIRST) and dataset not in (None, "births"):
            self.add_error(
                "quintile_order",
                "Only births files have deprivation quintiles: select 1 is the most deprived for this file",
            )
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(CSV_SUFFIX):
            raise forms.ValidationError("The selected file must be a CSV file (its name ends in .csv)")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return upload
