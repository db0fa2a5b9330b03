"""Logging filter that keeps identifiable data out of logs.

Code must not log NHS numbers, names or postcodes in the first place; this filter is the
second line of defence for anything that slips through (an exception message quoting a
form value, a third-party library). It redacts 10-digit numbers in NHS number layouts and
UK postcodes from every record's message and arguments.
"""

from __future__ import annotations

import logging
import re

NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def redact(text: str) -> str:
    return POSTCODE.sub("[postcode]", NHS_NUMBER.sub("[nhs-number]", text))


class RedactIdentifiersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        return True
