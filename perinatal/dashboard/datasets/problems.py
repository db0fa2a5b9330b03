"""What validation reports: errors that refuse a file, and data-quality notes that never do.

Spec: docs/rules/dashboard.md §1. "every bad row is reported with its physical line number (the header
is line 1), column and reason, and nothing from that file is kept"; consistency between
rows "is reported in the data-quality note, never a reason to refuse the file".

Every rule has an ID (the constants below), so a message in the interface, a test and the
code that raises it can be found from one another.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER_LINE = 1

# --- Errors: the file is refused -------------------------------------------------------
# Header (reported on line 1)
ERR_EMPTY_FILE = "empty_file"
ERR_UNREADABLE_CSV = "unreadable_csv"
ERR_MISSING_COLUMN = "missing_column"
ERR_UNKNOWN_COLUMN = "unknown_column"
ERR_DUPLICATE_COLUMN = "duplicate_column"
ERR_COLUMN_AND_ALTERNATIVE = "column_and_alternative"  # e.g. imd_quintile and imd_rank both given
ERR_RANK_IN_REVERSED_ORDER = "rank_in_reversed_order"  # imd_rank with quintiles said to be reversed
# Shape of a row
ERR_WRONG_CELL_COUNT = "wrong_cell_count"
ERR_NOT_TEXT = "not_text"
# One cell
ERR_REQUIRED = "required"
ERR_NOT_A_DATE = "not_a_date"
ERR_NOT_A_TIMESTAMP = "not_a_timestamp"
ERR_NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"
ERR_NOT_BOOLEAN = "not_boolean"
ERR_NOT_A_WHOLE_NUMBER = "not_a_whole_number"
ERR_NOT_A_NUMBER = "not_a_number"
ERR_OUT_OF_RANGE = "out_of_range"
ERR_NOT_A_CHOICE = "not_a_choice"
ERR_BAD_IDENTIFIER = "bad_identifier"
ERR_NHS_NUMBER_AS_IDENTIFIER = "nhs_number_as_identifier"
# Against the organisation register
ERR_UNKNOWN_TRUST = "unknown_trust"
ERR_ANOTHER_TRUST = "another_trust"  # a trust's own upload naming another trust
ERR_UNKNOWN_SITE = "unknown_site"
ERR_SITE_OF_OTHER_TRUST = "site_of_other_trust"
ERR_UNKNOWN_UNIT = "unknown_unit"
# Between cells of one row
ERR_NEONATAL_LEVEL_NOT_NEONATAL = "neonatal_level_not_neonatal"
ERR_CLOSED_NOT_AFTER_OPENED = "closed_not_after_opened"
ERR_DEATH_NOT_LIVE_BIRTH = "death_not_live_birth"
ERR_DEATH_BEFORE_BIRTH = "death_before_birth"
ERR_DEATH_AFTER_28_DAYS = "death_after_28_days"
ERR_STATUS_FOR_UNIT_TYPE = "status_for_unit_type"
ERR_ENDED_NOT_AFTER_STARTED = "ended_not_after_started"
ERR_STARTED_BEFORE_ADMITTED = "started_before_admitted"
ERR_YES_EXCEEDS_RESPONSES = "yes_exceeds_responses"
# Between rows of one file
ERR_DUPLICATE_KEY = "duplicate_key"

# --- Data-quality notes: reported, never a reason to refuse ---------------------------
DQ_BLANK_LINES = "blank_lines"
DQ_NEW_SITE = "new_site"
DQ_NEONATAL_LEVEL_UNKNOWN = "neonatal_level_unknown"
DQ_EMPTY_TERMINATION = "empty_termination"
DQ_UNKNOWN_GESTATION_UNDER_400G = "unknown_gestation_under_400g"
DQ_UNKNOWN_GESTATION_AND_WEIGHT = "unknown_gestation_and_weight"
DQ_BELOW_22_WEEKS_UNDER_400G = "below_22_weeks_under_400g"
DQ_DEATH_ON_DAY_28 = "death_on_day_28"
DQ_BLOOD_LOSS_DIFFERS = "blood_loss_differs"
DQ_ETHNIC_GROUP_DIFFERS = "ethnic_group_differs"
DQ_IMD_QUINTILE_DIFFERS = "imd_quintile_differs"
DQ_QUINTILES_REVERSED = "quintiles_reversed"
DQ_NEONATAL_CARE_34_WEEKS_OR_MORE = "neonatal_care_34_weeks_or_more"
DQ_NEONATAL_CARE_UNKNOWN_GESTATION = "neonatal_care_unknown_gestation"
DQ_OVERLAPPING_EPISODES = "overlapping_episodes"
DQ_EPISODE_AFTER_CLOSURE = "episode_after_closure"
DQ_EPISODE_BEFORE_OPENING = "episode_before_opening"
DQ_UNUSED_SURVEY_QUESTION = "unused_survey_question"

#: How many example line numbers a data-quality note lists.
NOTE_EXAMPLE_LINES = 10


@dataclass(frozen=True)
class DataQualityNote:
    """A consistency finding across the file; the file is still loaded."""

    code: str
    message: str
    count: int
    lines: tuple[int, ...]  # the first NOTE_EXAMPLE_LINES lines concerned, in order

    def __str__(self) -> str:
        shown = ", ".join(str(n) for n in self.lines)
        more = ", …" if self.count > len(self.lines) else ""
        label = "line" if len(self.lines) == 1 and not more else "lines"
        return f"{self.message} ({label} {shown}{more})" if self.lines else self.message
