"""NHS.UK form fields the service's forms share: the GOV.UK date input (day, month, year), a
time of day, and text and email fields whose every message names the field. Messages follow the
GOV.UK error message pattern and name the field, using the words the caller gives for it
(`what`): never Django's "This field is required" or "Ensure this value has at most 10
characters".

Each field is rendered by the macros in ``templates/core/fields.jinja``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from urllib.parse import urlencode

from django import forms

from perinatal.core import clock
from perinatal.kernel.text import sentence

__all__ = [
    "DatePartsField",
    "DatePartsWidget",
    "EmailAddressField",
    "FilterForm",
    "TextField",
    "TimeField",
    "date_parts",
    "named_messages",
    "time_of",
]


def named_messages(what: str, *, max_length: int | None = None, min_length: int | None = None) -> dict[str, str]:
    """GOV.UK messages for a text input that name it: "Enter your job title", "Your job title
    must be 150 characters or fewer"."""
    messages = {"required": f"Enter {what}"}
    if max_length is not None:
        messages["max_length"] = f"{sentence(what)} must be {max_length:,} characters or fewer"
    if min_length is not None:
        messages["min_length"] = f"{sentence(what)} must be {min_length:,} characters or more"
    return messages


class TextField(forms.CharField):
    """A text input whose messages name it (`what`, e.g. "your full name").

    ``required_message`` replaces "Enter …" where another verb is clearer ("Select …")."""

    def __init__(self, *, what: str, max_length: int, required_message: str | None = None, **kwargs):
        self.what = what
        messages = named_messages(what, max_length=max_length, min_length=kwargs.get("min_length"))
        if required_message:
            messages["required"] = required_message
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(max_length=max_length, error_messages=messages, **kwargs)


class EmailAddressField(forms.EmailField):
    """An email address whose messages name it: "Enter your work email address", "Enter your work
    email address in the correct format, like name@nhs.net"."""

    def __init__(self, *, what: str, example: str = "name@nhs.net", **kwargs):
        self.what = what
        messages = named_messages(what, max_length=254)
        messages["invalid"] = f"Enter {what} in the correct format, like {example}"
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(max_length=254, error_messages=messages, **kwargs)


class DatePartsWidget(forms.MultiWidget):
    """Day, month and year inputs (the GOV.UK date input pattern); names end _day, _month, _year."""

    def __init__(self):
        super().__init__(widgets={"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()})

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DatePartsField(forms.Field):
    """A date entered as day, month and year, with GOV.UK messages that name the date.

    `what` names the date in a message ("the date the baby was born"). The value is a
    `date`, or None when nothing was entered and the date is optional.
    """

    widget = DatePartsWidget

    def __init__(self, *, what: str, allow_future: bool = False, **kwargs):
        self.what = what
        self.allow_future = allow_future
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # A date given as the form's initial value shows in the three inputs as typed ones do.
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return value

    def clean(self, value):
        parts = [(part or "").strip() for part in (value or [None, None, None])]
        day, month, year = parts
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {self.what}")
            return None
        missing = [name for name, part in (("a day", day), ("a month", month), ("a year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{sentence(self.what)} must include {' and '.join(missing)}")
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(f"{sentence(self.what)} must be a real date, like 27 3 2025")
        if len(year) != 4:
            raise forms.ValidationError(f"The year of {self.what} must include 4 numbers, like 2025")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{sentence(self.what)} must be a real date") from None
        if not self.allow_future and result > clock.today():
            raise forms.ValidationError(f"{sentence(self.what)} must be today or in the past")
        return result


def date_parts(value: str | None) -> list[str] | None:
    """An ISO date or timestamp from the answers as the three inputs' values."""
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return [str(day.day), str(day.month), str(day.year)]


_TIME = re.compile(r"([0-9]{1,2})\s*[:.]?\s*([0-9]{2})")


class TimeField(forms.CharField):
    """A time of day on the 24-hour clock: "03:20", "3:20", "0320" or "15.45"."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        # Longer than any way of writing a time: the same message as any other wrong time.
        messages = {"required": f"Enter {what}", "max_length": _not_a_time(what)}
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(max_length=8, error_messages=messages, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        match = _TIME.fullmatch(text.strip())
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise forms.ValidationError(_not_a_time(self.what))
        return f"{int(match.group(1)):02d}:{match.group(2)}"


def _not_a_time(what: str) -> str:
    return f"{sentence(what)} must be a real time on the 24-hour clock, like 03:20 or 15:45"


def time_of(value: str | None) -> str | None:
    if not value or "T" not in str(value):
        return None
    return str(value).split("T", 1)[1][:5]


class FilterForm(forms.Form):
    """A GET form that filters a list: an unknown choice (an old bookmark) means "any", not an
    error, and the list's links (pages, downloads) keep the filter."""

    def __init__(self, data=None, *, known_choices: Mapping[str, Iterable[str]] | None = None, **kwargs):
        query = data.copy() if data is not None else None
        for name, known in (known_choices or {}).items():
            if query is not None and name in query and query.get(name) not in set(known):
                query[name] = ""
        super().__init__(query, **kwargs)

    def query_string(self, **extra) -> str:
        """This filter's address, with ``extra`` (a page number, a format) set."""
        pairs = []
        if hasattr(self.data, "lists"):
            for key, values in self.data.lists():
                if key not in extra:
                    pairs += [(key, value) for value in values if value]
        pairs += [(key, str(value)) for key, value in extra.items() if value not in (None, "")]
        return "?" + urlencode(pairs)
