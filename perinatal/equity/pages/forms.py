"""The equity page's choices (docs/rules/equity.md §1): the period (from and to, GOV.UK date
inputs), the dimension (ethnic group, deprivation quintile, or both) and the measures.

The form is a GET form: the page's address holds the choices, so a page can be bookmarked
and its downloads carry the same choices. A first visit (no choice in the address) takes the
defaults: the last complete calendar year by the service clock, ethnic group, every measure.
Every message names its field (GOV.UK error message pattern).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms

from perinatal.core import clock
from perinatal.core.form_fields import DatePartsField
from perinatal.equity.breakdowns.rows import METRIC_IDS

from .wording import BY_OPTIONS

FROM, TO, BY, METRIC = "from", "to", "by", "metric"
METRIC_CHOICES = (
    ("stillbirth_rate", "Stillbirth rate"),
    ("neonatal_mortality_rate", "Neonatal mortality rate"),
    ("pph_1500_rate", "Postpartum haemorrhage of 1,500 ml or more"),
)


@dataclass(frozen=True)
class EquityChoice:
    date_from: date
    date_to: date
    by: tuple[str, ...]
    metric_ids: tuple[str, ...]

    @property
    def every_metric(self) -> bool:
        return self.metric_ids == METRIC_IDS


def last_complete_year(today: date | None = None) -> tuple[date, date]:
    """The last calendar year that has ended, by the service clock."""
    year = (today or clock.today()).year - 1
    return date(year, 1, 1), date(year, 12, 31)


def default_data(today: date | None = None) -> dict[str, object]:
    """The form's values on a first visit."""
    start, end = last_complete_year(today)
    data: dict[str, object] = {BY: BY_OPTIONS[0][0], METRIC: list(METRIC_IDS)}
    for name, day in ((FROM, start), (TO, end)):
        data.update({f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)})
    return data


def _is_choice(query, name: str) -> bool:
    return any(key == name or key.startswith(f"{name}_") for key in query)


def form_data(query) -> dict[str, object]:
    """The defaults, overridden by whatever the address gives. Once any choice is given
    the measures are taken as given, so unticking every measure is an error, not the default."""
    data = default_data()
    submitted = any(_is_choice(query, name) for name in (FROM, TO, BY, METRIC))
    for key in query:
        if key == METRIC:
            continue
        data[key] = query.get(key)
    if submitted:
        data[METRIC] = query.getlist(METRIC)
    return data


class EquityForm(forms.Form):
    by = forms.ChoiceField(
        choices=BY_OPTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what to break the outcomes down by",
            "invalid_choice": "Select what to break the outcomes down by",
        },
    )
    metric = forms.MultipleChoiceField(
        choices=METRIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one measure",
            "invalid_choice": "Select measures from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the date fields are added here rather than declared.
        dates = {
            FROM: DatePartsField(what="the start date"),
            TO: DatePartsField(what="the end date"),
        }
        self.fields = {**dates, **self.fields}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get(FROM), cleaned.get(TO)
        if start and end and end < start:
            self.add_error(TO, "The end date must be the same as or after the start date")
        return cleaned

    def choice(self) -> EquityChoice:
        """The validated choices (call after is_valid())."""
        data = self.cleaned_data
        return EquityChoice(
            date_from=data[FROM],
            date_to=data[TO],
            by=tuple(data[BY].split(",")),
            metric_ids=tuple(metric for metric in METRIC_IDS if metric in data[METRIC]),
        )
