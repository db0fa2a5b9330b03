"""What the author writes in a board report, framework-free: the cover, the summary's words and
the risks and decisions (docs/rules/board_report.md §1.1, §1.2, §1.9), each part saved on its own.

The same checks as the minimum data set (`perinatal.reports.mds`): a value is refused with a
message naming its field; free text may not hold an NHS number or a postcode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from perinatal.core.formatting import long_date
from perinatal.kernel.text import sentence
from perinatal.reports.mds import MAX_TEXT, MdsRefused, holds_identifier

PART_COVER = "cover"
PART_SUMMARY = "summary"
PART_RISKS = "risks"
PARTS = (PART_COVER, PART_SUMMARY, PART_RISKS)

MEETINGS = (("public", "Public board meeting"), ("private", "Private board meeting"))
PURPOSES = (("assurance", "For assurance"), ("discussion", "For discussion"), ("approval", "For approval"))
#: Risks are entered when scored 15 or more on the risk register (5 × 5 scale) (docs/rules/board_report.md §1.9).
RISK_SCORE_MIN = 15
RISK_SCORE_MAX = 25
RISK_ROWS = 5
SHORT_TEXT = 200

KIND_SHORT = "short"
KIND_LONG = "long"
KIND_CHOICE = "choice"
KIND_DATE = "date"
KIND_SCORE = "score"


@dataclass(frozen=True)
class NarrativeField:
    key: str
    label: str
    kind: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    public: bool = True  # shown in the public edition (names never are)
    what: str = ""  # how a message names a date ("the date of the board meeting")


_NAME_HINT = "Their name (shown in the private edition only)"

FIELDS: dict[str, tuple[NarrativeField, ...]] = {
    PART_COVER: (
        NarrativeField("meeting", "Meeting", KIND_CHOICE, choices=MEETINGS),
        NarrativeField("meeting_on", "Date of the board meeting", KIND_DATE, what="the date of the board meeting"),
        NarrativeField("purpose", "What the paper is for", KIND_CHOICE, choices=PURPOSES),
        NarrativeField("executive_lead_title", "Executive lead: job title", KIND_SHORT, "For example, Chief Nurse"),
        NarrativeField("executive_lead_name", "Executive lead: name", KIND_SHORT, _NAME_HINT, public=False),
        NarrativeField("authors_title", "Authors: job titles", KIND_SHORT, "For example, Director of Midwifery"),
        NarrativeField("authors_name", "Authors: names", KIND_SHORT, _NAME_HINT, public=False),
        NarrativeField("safety_champion_title", "Board safety champion: job title", KIND_SHORT),
        NarrativeField("safety_champion_name", "Board safety champion: name", KIND_SHORT, _NAME_HINT, public=False),
        NarrativeField("ned_champion_title", "Non-executive safety champion: job title", KIND_SHORT),
        NarrativeField(
            "ned_champion_name", "Non-executive safety champion: name", KIND_SHORT, _NAME_HINT, public=False
        ),
        NarrativeField(
            "committees", "Committees that have seen this paper", KIND_SHORT, "For example, Quality Committee"
        ),
    ),
    PART_SUMMARY: (
        NarrativeField(
            "changed",
            "What changed this month",
            KIND_LONG,
            "Written from the data. Change it as you need, one point to a line. Empty the box to use the "
            "list from the data again. The public edition lists what changed from its own rounded figures.",
            public=False,
        ),
        NarrativeField("meaning", "What it means", KIND_LONG, "Your reading of what changed this month"),
        NarrativeField("actions", "What is being done", KIND_LONG),
        NarrativeField("board_asked", "The board is asked to", KIND_LONG, "For example, note the report for assurance"),
    ),
    PART_RISKS: (
        *(
            field
            for number in range(1, RISK_ROWS + 1)
            for field in (
                NarrativeField(f"risk_{number}", f"Risk {number}", KIND_SHORT, "As worded on the risk register"),
                NarrativeField(f"risk_{number}_score", f"Risk {number}: score", KIND_SCORE, "From 15 to 25"),
            )
        ),
        NarrativeField("escalations", "Escalations to the ICB or region", KIND_LONG, "Beyond the improvement case's"),
        NarrativeField("decisions", "Decisions the board is asked to take", KIND_LONG),
    ),
}


def _clean(field: NarrativeField, raw: str) -> object:
    text = (raw or "").strip()
    if not text:
        return None
    if field.kind == KIND_CHOICE:
        if text not in dict(field.choices):
            raise ValueError(f"Select {field.label.lower()}")
        return text
    if field.kind == KIND_DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"{sentence(field.what or field.label)} must be a real date") from None
    if field.kind == KIND_SCORE:
        if not text.isdigit() or not RISK_SCORE_MIN <= int(text) <= RISK_SCORE_MAX:
            raise ValueError(f"{field.label} must be a whole number from {RISK_SCORE_MIN} to {RISK_SCORE_MAX}")
        return int(text)
    limit = SHORT_TEXT if field.kind == KIND_SHORT else MAX_TEXT
    if len(text) > limit:
        raise ValueError(f"{field.label} must be {limit:,} characters or fewer")
    if holds_identifier(text):
        raise ValueError(f"{field.label} must not contain an NHS number or a postcode")
    return text


def clean_part(part: str, raw: Mapping[str, str], *, month_end: date | None = None) -> dict[str, object]:
    """The part's values (every field, None when empty), or MdsRefused naming each bad field.

    `month_end`, the last day of the month the report covers: the board cannot meet on the
    report before the month has ended."""
    if part not in FIELDS:
        raise MdsRefused({"part": f"There is no part '{part}' of a board report to write"})
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in FIELDS[part]:
        try:
            values[field.key] = _clean(field, raw.get(field.key, ""))
        except ValueError as error:
            errors[field.key] = str(error)
    meeting_on = values.get("meeting_on")
    if part == PART_COVER and meeting_on and month_end and date.fromisoformat(meeting_on) <= month_end:
        errors["meeting_on"] = (
            f"The date of the board meeting must be after {long_date(month_end)}, "
            "the end of the month the report covers"
        )
    if part == PART_RISKS:
        for number in range(1, RISK_ROWS + 1):
            risk, score = values.get(f"risk_{number}"), values.get(f"risk_{number}_score")
            if (risk is None) != (score is None) and f"risk_{number}_score" not in errors:
                key = f"risk_{number}_score" if score is None else f"risk_{number}"
                errors[key] = f"Give both risk {number} and its score, or neither"
    if errors:
        raise MdsRefused(errors)
    return values
