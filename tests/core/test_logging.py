"""Identifiable data never reaches the logs, even when code slips."""

import logging

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
