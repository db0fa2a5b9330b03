"""The perinatal quality minimum data set a trust enters for its board report where no feed
exists (docs/rules/board_report.md §1.6), framework-free: the items, their fields and how a
value is checked.

Each item is saved on its own ("saved as you go"). A field left empty is not provided; an
item never saved is not provided; either shows "Not provided", never 0. A value is refused
with a message naming its field, and nothing of the item is saved.

Counts marked ``people`` are counts of women, babies or events that happened to them: the
public edition controls them as every public output does (docs/rules/equity.md §2). Free text
is never shown in the public edition (**policy**: it may hold case details), and no free text
may hold an NHS number or a postcode (refused on entry).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

KIND_COUNT = "count"
KIND_PERCENT = "percent"
KIND_WTE = "wte"
KIND_TEXT = "text"
KIND_CHOICE = "choice"

NOT_PROVIDED = "Not provided"
MAX_COUNT = 100_000
MAX_WTE = Decimal("10000")
MAX_TEXT = 2000

#: An NHS number in any spacing (10 digits with anything but digits and letters between
#: them) and a UK postcode: refused in free text, which the board papers carry.
_NHS_NUMBER_ANY_SPACING = re.compile(r"(?<![0-9])(?:[0-9][\s\-./]*){9}[0-9](?![0-9])")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)

MIS_STATUSES = (
    ("met", "Met"),
    ("on_track", "On track to be met"),
    ("at_risk", "At risk"),
    ("not_met", "Will not be met"),
)


@dataclass(frozen=True)
class MdsField:
    key: str
    label: str
    kind: str
    hint: str = ""
    people: bool = False  # a count of people, controlled in the public edition
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MdsItem:
    key: str
    title: str
    description: str
    fields: tuple[MdsField, ...]

    def field(self, key: str) -> MdsField:
        return next(field for field in self.fields if field.key == key)


def _count(key, label, hint="", people=True):
    return MdsField(key, label, KIND_COUNT, hint, people)


def _percent(key, label, hint=""):
    return MdsField(key, label, KIND_PERCENT, hint)


def _text(key, label, hint="Do not name anyone or give NHS numbers, dates of birth or postcodes."):
    return MdsField(key, label, KIND_TEXT, hint)


MIS_ACTIONS = (
    "Perinatal mortality reviews (PMRT)",
    "Maternity Services Data Set",
    "Transitional care and avoiding term admissions",
    "Clinical workforce planning",
    "Midwifery workforce planning",
    "Saving Babies' Lives care bundle",
    "Listening to service users (MNVP)",
    "Training (core competency framework)",
    "Board assurance and safety champions",
    "MNSI and Early Notification referrals",
)

ITEMS: tuple[MdsItem, ...] = (
    MdsItem(
        "pmrt",
        "Perinatal mortality reviews (PMRT)",
        "Reviews completed in the month with the Perinatal Mortality Review Tool, by the care grading of each review.",
        (
            _count("reviews_completed", "Reviews completed"),
            _count("grade_a", "Graded A", "No issues with care identified"),
            _count("grade_b", "Graded B", "Issues that would have made no difference to the outcome"),
            _count("grade_c", "Graded C", "Issues that may have made a difference to the outcome"),
            _count("grade_d", "Graded D", "Issues likely to have made a difference to the outcome"),
        ),
    ),
    MdsItem(
        "harm_incidents",
        "Incidents of moderate or greater harm",
        "Patient safety incidents in maternity and neonatal services graded moderate harm or above, and the "
        "learning responses to them (Patient Safety Incident Response Framework).",
        (
            _count("incidents", "Incidents reported"),
            _count("learning_responses_started", "Learning responses started"),
            _count("learning_responses_completed", "Learning responses completed"),
            _text("themes", "Themes and learning"),
        ),
    ),
    MdsItem(
        "training",
        "Training compliance by staff group",
        "Percentage of each staff group up to date with the core competency framework training.",
        (
            _percent("midwives", "Midwives"),
            _percent("obstetricians", "Obstetric doctors"),
            _percent("anaesthetists", "Anaesthetists"),
            _percent("neonatal_doctors", "Neonatal doctors"),
            _percent("neonatal_nurses", "Neonatal nurses"),
            _percent("support_workers", "Maternity support workers"),
        ),
    ),
    MdsItem(
        "staffing",
        "Staffing",
        "Midwifery staffing planned against actual, the labour ward coordinator's supernumerary status, "
        "one-to-one care in labour and gaps in the medical rotas.",
        (
            MdsField("midwives_planned_wte", "Midwives planned (whole-time equivalent)", KIND_WTE),
            MdsField("midwives_actual_wte", "Midwives in post (whole-time equivalent)", KIND_WTE),
            _percent("coordinator_supernumerary", "Shifts with a supernumerary labour ward coordinator"),
            _percent("one_to_one_care", "Women in established labour given one-to-one care"),
            _count("obstetric_rota_gaps", "Obstetric rota gaps (shifts not filled)", people=False),
            _count("neonatal_rota_gaps", "Neonatal rota gaps (shifts not filled)", people=False),
        ),
    ),
    MdsItem(
        "red_flags",
        "Midwifery red flags",
        "Staffing red flags reported in the month (NICE safe midwifery staffing).",
        (_count("red_flags", "Red flags reported"), _text("actions", "Actions taken")),
    ),
    MdsItem(
        "service_user_voice",
        "Service-user voice",
        "What the Maternity and Neonatal Voices Partnership heard and the trust's response.",
        (
            _count("feedback_items", "Items of feedback received", people=False),
            _text("summary", "What was heard and the response"),
        ),
    ),
    MdsItem(
        "walkabouts",
        "Safety champions' walkabouts",
        "Walkabouts by the board and non-executive safety champions and what staff told them.",
        (
            _count("walkabouts", "Walkabouts held", people=False),
            _text("staff_feedback", "What staff said and what is being done"),
        ),
    ),
    MdsItem(
        "external_concerns",
        "Concerns or requests from external bodies",
        "Concerns or requests for information from MNSI, NHS Resolution, the CQC or others.",
        (
            _count("concerns", "Concerns or requests received", people=False),
            _text("details", "Who raised them and the response"),
        ),
    ),
    MdsItem(
        "regulation_28",
        "Coroner Regulation 28 reports",
        "Reports to prevent future deaths received from a coroner about maternity or neonatal care.",
        (_count("reports", "Reports received"), _text("response", "The trust's response")),
    ),
    MdsItem(
        "mis",
        "Maternity Incentive Scheme safety actions",
        "Progress on each of the ten safety actions of the current year of the scheme.",
        tuple(
            MdsField(f"action_{number}", f"Safety action {number}: {title}", KIND_CHOICE, choices=MIS_STATUSES)
            for number, title in enumerate(MIS_ACTIONS, start=1)
        ),
    ),
)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}


class MdsRefused(ValueError):
    """Values refused, each message under the field it names (nothing of the item is saved)."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def holds_identifier(text: str) -> bool:
    """An NHS number (in any spacing) or a postcode in free text."""
    return bool(_NHS_NUMBER_ANY_SPACING.search(text) or _POSTCODE.search(text))


def without_identifiers(text: str) -> str:
    """Free text written elsewhere (a safety check's actions) as a report may show it: NHS
    numbers in any spacing and postcodes replaced, as the platform's redaction words them."""
    return _POSTCODE.sub("[postcode]", _NHS_NUMBER_ANY_SPACING.sub("[nhs-number]", text))


def _clean_value(field: MdsField, raw: str) -> object:
    text = (raw or "").strip()
    if not text:
        return None
    name = field.label
    if field.kind == KIND_COUNT:
        if not re.fullmatch(r"[0-9]{1,7}", text.replace(",", "")):
            raise ValueError(f"{name} must be a whole number, like 3")
        value = int(text.replace(",", ""))
        if value > MAX_COUNT:
            raise ValueError(f"{name} must be {MAX_COUNT:,} or fewer")
        return value
    if field.kind in (KIND_PERCENT, KIND_WTE):
        try:
            value = Decimal(text.rstrip("%").strip())
        except InvalidOperation:
            raise ValueError(f"{name} must be a number, like 92.5") from None
        if not value.is_finite() or value < 0:
            raise ValueError(f"{name} must be a number of 0 or more")
        if field.kind == KIND_PERCENT and value > 100:
            raise ValueError(f"{name} must be a percentage from 0 to 100")
        if field.kind == KIND_WTE and value > MAX_WTE:
            raise ValueError(f"{name} must be {MAX_WTE:,} or less")
        if value != value.quantize(Decimal("0.1")):
            raise ValueError(f"{name} must have at most 1 decimal place")
        return str(value.quantize(Decimal("0.1")))
    if field.kind == KIND_CHOICE:
        allowed = {value for value, _label in field.choices}
        if text not in allowed:
            raise ValueError(f"Select the status of {name[0].lower() + name[1:]}")
        return text
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name} must be {MAX_TEXT:,} characters or fewer")
    if holds_identifier(text):
        raise ValueError(f"{name} must not contain an NHS number or a postcode")
    return text


def _consistency(item: MdsItem, values: dict[str, object]) -> dict[str, str]:
    """Checks across an item's fields, each naming the field that must change."""
    errors: dict[str, str] = {}
    if item.key == "pmrt" and values.get("reviews_completed") is not None:
        grades = [values.get(key) for key in ("grade_a", "grade_b", "grade_c", "grade_d")]
        given = [grade for grade in grades if grade is not None]
        if given and sum(given) > values["reviews_completed"]:
            errors["grade_a"] = "The reviews graded A to D add up to more than the reviews completed"
    if item.key == "harm_incidents":
        started, completed = values.get("learning_responses_started"), values.get("learning_responses_completed")
        if started is not None and completed is not None and completed > started:
            errors["learning_responses_completed"] = (
                "Learning responses completed cannot be more than learning responses started"
            )
    return errors


def clean_item(item_key: str, raw: Mapping[str, str]) -> dict[str, object]:
    """The item's values from the submitted text (every field of the item, None when empty),
    or MdsRefused naming each bad field."""
    item = ITEMS_BY_KEY.get(item_key)
    if item is None:
        raise MdsRefused({"item": f"There is no minimum data set item '{item_key}'"})
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in item.fields:
        try:
            values[field.key] = _clean_value(field, raw.get(field.key, ""))
        except ValueError as error:
            errors[field.key] = str(error)
    if not errors:
        errors = _consistency(item, values)
    if errors:
        raise MdsRefused(errors)
    return values


def display_value(field: MdsField, value: object) -> str:
    """A stored value as the report shows it; never 0 for a value not entered."""
    if value is None or value == "":
        return NOT_PROVIDED
    if field.kind == KIND_COUNT:
        return f"{value:,}" if isinstance(value, int) else str(value)
    if field.kind == KIND_PERCENT:
        return f"{value}%"
    if field.kind == KIND_CHOICE:
        return dict(field.choices).get(str(value), str(value))
    return str(value)
