"""Identifiable data never reaches the logs, even when code slips."""

import logging
import os
import subprocess
import sys

import pytest

from perinatal.core.logging import RedactIdentifiersFilter, redact


def test_redacts_nhs_numbers_in_every_accepted_layout_and_postcodes():
    text = redact("mother 943 476 5919 baby 9434765919 alt 943-476-5919 at M13 9WL and sw1a1aa")
    assert "5919" not in text and "M13" not in text and "sw1a" not in text.lower()
    assert text.count("[nhs-number]") == 3 and text.count("[postcode]") == 2


def test_leaves_ordinary_numbers_alone():
    assert (
        redact("processed 1234 rows in 0.5 s; reference PEN-2026-000123")
        == "processed 1234 rows in 0.5 s; reference PEN-2026-000123"
    )


def test_filter_applies_to_formatted_arguments(caplog):
    logger = logging.getLogger("perinatal.test")
    logger.addFilter(RedactIdentifiersFilter())
    with caplog.at_level(logging.INFO, logger="perinatal.test"):
        logger.info("submitted for %s", "9434765919")
    assert "9434765919" not in caplog.text and "[nhs-number]" in caplog.text


def _handler_output(log) -> str:
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactIdentifiersFilter())
    logger = logging.getLogger("perinatal.test.exceptions")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        log(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_exception_text_and_tracebacks_are_redacted_too():
    def failing_task(logger):
        try:
            raise ValueError("no trust for mother 943 476 5919 at M13 9WL")
        except ValueError:
            # How django-tasks logs a failed task: a message without data, the exception after it.
            logger.exception("Task id=%s path=%s state=%s", "abc", "perinatal.tasks.x", "FAILED")

    text = _handler_output(failing_task)
    assert "ValueError: no trust for mother [nhs-number] at [postcode]" in text
    assert "5919" not in text and "M13" not in text
    stack = _handler_output(lambda logger: logger.warning("at %s", "9434765919", stack_info=True))
    assert "Stack (most recent call last)" in stack and "9434765" not in stack


@pytest.mark.django_db
def test_a_failed_tasks_stored_error_is_redacted(settings):
    from django_tasks_db.models import DBTaskResult

    from perinatal.dashboard.pages.tasks import warm_up_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = DBTaskResult.objects.get(id=warm_up_task.enqueue().id)
    try:
        raise KeyError("baby 9434765919")
    except KeyError as error:
        result.set_failed(error)  # what the worker does when a task raises
    result.refresh_from_db()
    assert "[nhs-number]" in result.traceback and "9434765919" not in result.traceback


def test_every_handler_the_settings_configure_redacts(settings):
    filters = settings.LOGGING["filters"]
    redacting = {
        name for name, spec in filters.items() if spec.get("()") == "perinatal.core.logging.RedactIdentifiersFilter"
    }
    assert redacting
    for name, handler in settings.LOGGING["handlers"].items():
        assert redacting & set(handler.get("filters", [])), f"handler {name!r} does not redact"
    loggers = [settings.LOGGING["root"], *settings.LOGGING["loggers"].values()]
    assert all(set(logger["handlers"]) <= set(settings.LOGGING["handlers"]) for logger in loggers)


# A process as the worker (`perinatal db_worker`) and the web server start: the settings' LOGGING
# configured by django.setup(), then the worker's own set-up, which adds a plain handler to the
# django_tasks loggers if they have none. A failed task is logged as django-tasks does it.
FAILING_PROCESS = """
import logging
import django
django.setup()
from django_tasks_db.management.commands.db_worker import Command
Command().configure_logging(1)
for name in ("django_tasks", "django_tasks_db", "perinatal.dashboard.pages.tasks", "django.request", ""):
    try:
        raise ValueError("no trust for mother 943 476 5919")
    except ValueError:
        logging.getLogger(name).exception("Task id=%s failed for %s", "abc", "9434765919")
"""


def test_a_failed_tasks_traceback_is_redacted_by_the_configured_handlers():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "perinatal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", FAILING_PROCESS], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout + result.stderr
    assert printed.count("ValueError: no trust for mother [nhs-number]") == 5
    assert printed.count("Task id=abc failed for [nhs-number]") == 5
    assert "5919" not in printed
