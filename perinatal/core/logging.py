"""Logging filter that keeps identifiable data out of logs, and out of the task table.

Code must not log NHS numbers, names or postcodes in the first place; this filter is the
second line of defence for anything that slips through (an exception message quoting a
form value, a third-party library). It redacts 10-digit numbers in NHS number layouts and
UK postcodes (perinatal.kernel.redaction) from every record's message and arguments, and from
the exception and stack text a handler would print after it: `logger.exception()` in a
failed background task prints the exception's message, which may quote a value.

A failed task's traceback is also stored, in the task table (django-tasks' DBTaskResult):
`redact_stored_task_error` cleans it before it is saved.
"""

from __future__ import annotations

import logging

from perinatal.kernel.redaction import NHS_NUMBER, POSTCODE, redact

__all__ = ["NHS_NUMBER", "POSTCODE", "RedactIdentifiersFilter", "redact", "redact_stored_task_error"]

_FORMATTER = logging.Formatter()


class RedactIdentifiersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            # A formatter prints `exc_text` when it is set instead of formatting `exc_info`
            # again: set it, redacted, so no handler prints the raw exception.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def redact_stored_task_error(sender, instance, **kwargs) -> None:
    """pre_save of a task result: its traceback (with the exception's message) redacted."""
    if getattr(instance, "traceback", ""):
        instance.traceback = redact(instance.traceback)
