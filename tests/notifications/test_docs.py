"""docs/notifications.md shows each body's field set exactly as the code sends it."""

from pathlib import Path

from perinatal.notifications.docs import BEGIN, END, field_sets_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"


def test_the_field_set_tables_match_the_code():
    text = DOC.read_text()
    generated = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert generated.strip() == field_sets_markdown().strip(), "regenerate with perinatal.notifications.docs"
