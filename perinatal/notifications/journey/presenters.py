"""Page context for the reporter's journey: each question's words, the check-answers rows,
"where this will go and why", possible duplicates and the drafts list.

Plain functions and small frozen values; no database access except through arguments.
The words follow the NHS.UK content style: plain clinical words staff use, hints that
say what counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from perinatal.core.formatting import long_date
from perinatal.notifications.journey import steps
from perinatal.notifications.journey.forms import SIGN_LABELS, display_moment
from perinatal.notifications.journey.steps import (
    BRAIN_INJURY_SIGNS,
    WHAT_HAPPENED_CHOICES,
    Facts,
    WhatHappened,
    get_path,
)
from perinatal.notifications.models import body_name
from perinatal.notifications.presenters import category_label
from perinatal.notifications.routing import DueDate, FieldError, RoutingResult
from perinatal.notifications.routing.due_dates import Counting
from perinatal.notifications.wording import PLACE_LABELS, gestation_text, nhs_number_text, yes_no

BODY_DESCRIPTIONS = {
    "MBRRACE_UK": "Mothers and Babies: Reducing Risk through Audits and Confidential Enquiries across the UK",
    "MNSI": "Maternity and Newborn Safety Investigations",
    "NHSR_EN": "NHS Resolution Early Notification scheme",
}
# What each flag means for the reporter (the status pages use the shorter `flag_label`).
FLAG_EXPLANATIONS = {
    "termination": "Termination of pregnancy: notified, but left out of the death rates",
    "mri_awaited": "MRI awaited: update this notification when it is reported",
    "labour_onset_unknown": "Not known whether the baby was alive when labour started: MNSI will decide",
}
WHAT_HAPPENED_TEXT = {str(choice): text for choice, text, _hint in WHAT_HAPPENED_CHOICES}

LABOUR_HINT_HTML = (
    "<p>Answer yes if any of these happened:</p>"
    "<ul><li>a health professional diagnosed labour, including the latent phase</li>"
    "<li>induction of labour was started</li>"
    "<li>the mother called the unit with concerns that she was in labour</li>"
    "<li>the baby was thought to be alive after suspected or confirmed pre-labour rupture of membranes</li></ul>"
    "<p>Answer no if the baby was born by caesarean section before any of these.</p>"
)


# Questions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """The words of one question page. `template` is the page's template under
    notifications/journey/pages/; `hint_html` is trusted markup written here."""

    template: str
    text: str
    hint: str | None = None
    hint_html: str | None = None
    item_hints: Mapping[str, str] = field(default_factory=dict)
    inline: bool = False


def _died_question(facts: Facts) -> str:
    return "Has the baby died?" if facts.what_happened is WhatHappened.BRAIN_INJURY else "When did the baby die?"


def _anomaly_question(facts: Facts) -> str:
    if facts.what_happened is WhatHappened.BRAIN_INJURY and not facts.died_at_given:
        return "Was the brain injury caused by a congenital anomaly?"
    return "Was the baby's death caused by a congenital anomaly?"


_QUESTIONS: dict[str, Callable[[Facts], Question]] = {
    "what-happened": lambda f: Question(
        "radios",
        "What happened?",
        hint="Choose the event you are notifying. A mother's death and her baby's "
        "death are notified separately and can be linked.",
        item_hints={str(choice): hint for choice, _text, hint in WHAT_HAPPENED_CHOICES},
    ),
    "signs-of-life": lambda f: Question(
        "radios",
        "Did the baby show any signs of life after birth?",
        inline=True,
        hint="Signs of life include a heartbeat, breathing or movement after the baby was completely born. "
        "A baby who showed signs of life at any gestation was born alive, even if they died soon after.",
    ),
    "born-at": lambda f: Question("moment", "When was the baby born?"),
    "died-at": lambda f: Question("died", _died_question(f)),
    "place-of-birth": lambda f: Question(
        "place",
        "Where was the baby born?",
        hint="If the baby was born in another trust's hospital, choose 'Another hospital' and enter its ODS site code.",
    ),
    "place-of-death": lambda f: Question(
        "place",
        "Where did the mother die?" if f.maternal else "Where did the baby die?",
        hint=None if f.maternal else "For example, your neonatal unit, even if the baby was born in another hospital.",
    ),
    "pregnancy-place": lambda f: Question("place", "Where did the pregnancy end?"),
    "gestation": lambda f: Question(
        "gestation",
        "What was the gestation at birth?",
        hint="In completed weeks and days, for example 38 weeks and 2 days.",
        item_hints={
            "sure": "Dated by an ultrasound scan, or a reliable last menstrual period",
            "not_sure": "For example, no dating scan because the pregnancy was concealed or booked late",
            "not_known": "You will be asked for the birth weight instead",
        },
    ),
    "birth-weight": lambda f: Question("weight", "What was the baby's birth weight?"),
    "multiple-birth": lambda f: Question(
        "radios",
        "Was this a multiple birth?",
        inline=True,
        hint="Twins, triplets or more. Notify each baby separately.",
    ),
    "death-confirmed": lambda f: Question(
        "weeks_days",
        "At what gestation was the baby's death in the womb confirmed?",
        hint="If the death was found at birth, enter the gestation at birth. MBRRACE-UK does not count a baby of "
        "a multiple birth whose death was confirmed before 20 weeks.",
    ),
    "termination": lambda f: Question(
        "radios",
        "Was the pregnancy ended by a termination?",
        inline=True,
        hint="Include a termination for a fetal anomaly. Terminations are still notified.",
    ),
    "congenital-anomaly": lambda f: Question(
        "radios",
        _anomaly_question(f),
        hint="A congenital anomaly is a structural or functional condition present before birth, for example a "
        "heart defect. Answer yes only if it caused the outcome.",
    ),
    "labour": lambda f: Question("radios", "Was the mother in labour?", hint_html=LABOUR_HINT_HTML),
    "alive-at-onset": lambda f: Question(
        "radios",
        "Was the baby alive when labour started?",
        hint="For example, a fetal heartbeat was heard when labour was diagnosed or induction started. Choose "
        "'Not known' if it was not checked.",
    ),
    "brain-injury": lambda f: Question(
        "brain_injury",
        "Which of these signs did the baby have in the first 7 days after birth?",
        hint="Select all that apply.",
    ),
    "mri": lambda f: Question(
        "radios",
        "What did the baby's MRI show?",
        hint="If the MRI is not reported yet, update this notification when it is. NHS Resolution withdraws "
        "its notification if the MRI is normal.",
    ),
    "mother-death": lambda f: Question("mother_death", "When did the mother die?"),
    "pregnancy-end": lambda f: Question("pregnancy_end", "How did the pregnancy end?"),
    "mother": lambda f: Question("mother", "Mother's details"),
    "baby-nhs-number": lambda f: Question(
        "text",
        "What is the baby's NHS number?",
        hint=(
            "10 digits, like 943 476 5919. A stillborn baby may not have one: leave it blank if so."
            if f.born_alive is False
            else "10 digits, like 943 476 5919."
        ),
    ),
    "linked-notification": lambda f: Question(
        "text",
        "Is this linked to another notification?",
        hint=(
            "If her baby also died or may have a severe brain injury, enter the reference of the baby's "
            "notification, like PEN-2026-000123. Leave it blank if there is none."
            if f.maternal
            else "If the baby's mother also died, enter the reference of her notification, like PEN-2026-000123. "
            "Leave it blank if there is none."
        ),
    ),
}


def question_for(slug: str, answers: Mapping[str, Any]) -> Question:
    return _QUESTIONS[slug](Facts.from_answers(answers))


# Check your answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    slug: str
    label: str
    lines: tuple[str, ...]
    errors: tuple[str, ...] = ()


def _date(value: Any) -> str:
    try:
        return long_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def place_text(place: Any, *, site_names: Mapping[str, str], not_given: str = "Not known") -> str:
    if not isinstance(place, Mapping):
        return not_given
    kind = place.get("type")
    if kind == "hospital":
        code = place.get("site") or ""
        name = site_names.get(code)
        return f"{name} ({code})" if name else code
    return PLACE_LABELS.get(kind, str(kind))


def _gestation(value: Any) -> str:
    if not isinstance(value, Mapping):
        return "Not known"
    sure = "sure" if value.get("reliable") else "not sure"
    return f"{gestation_text(value.get('weeks'), value.get('days'))} ({sure})"


def _lines(slug: str, answers: Mapping[str, Any], site_names: Mapping[str, str]) -> tuple[str, ...]:
    facts = Facts.from_answers(answers)
    get = lambda path: get_path(answers, path)  # noqa: E731
    if slug == "what-happened":
        return (WHAT_HAPPENED_TEXT.get(facts.what_happened and str(facts.what_happened), ""),)
    if slug == "signs-of-life":
        return (yes_no(get("baby.born_alive")),)
    if slug == "born-at":
        return (display_moment(get("baby.born_at")),)
    if slug == "died-at":
        return (display_moment(get("baby.died_at")) if get("baby.died_at") else "The baby is alive",)
    if slug in ("place-of-birth", "pregnancy-place"):
        return (place_text(get("place_of_birth"), site_names=site_names),)
    if slug == "place-of-death":
        return (place_text(get("place_of_death"), site_names=site_names),)
    if slug == "gestation":
        return (_gestation(get("baby.gestation")),)
    if slug == "birth-weight":
        weight = get("baby.birth_weight_g")
        return (f"{weight:,} grams" if isinstance(weight, int) else "Not recorded",)
    if slug == "death-confirmed":
        value = get("baby.death_confirmed_gestation") or {}
        return (gestation_text(value.get("weeks"), value.get("days")),)
    if slug == "labour":
        return ({"labour": "In labour", "no_labour": "Not in labour"}.get(get("labour.status"), ""),)
    if slug == "brain-injury":
        signs = [SIGN_LABELS[name] for name in BRAIN_INJURY_SIGNS if get(f"brain_injury.{name}") is True]
        if not signs:
            return ("None of these",)
        day = get("brain_injury.diagnosed_day")
        age = "in the first 24 hours" if day == 0 else f"at {day} day{'s' if day != 1 else ''} old"
        return (*signs, f"First diagnosed {age}")
    if slug == "mri":
        return (
            {
                "hie": "Shows HIE",
                "normal": "Normal",
                "pending": "Not reported yet",
                "not_done": "Not done and not planned",
            }.get(get("brain_injury.mri"), ""),
        )
    if slug == "mother-death":
        return (
            display_moment(get("mother.death.died_at")),
            f"Pregnant when she died: {yes_no(get('mother.death.pregnant_at_death'))}",
        )
    if slug == "pregnancy-end":
        ended = get("mother.death.pregnancy_ended_on")
        outcome = {
            "birth": "A birth",
            "miscarriage": "Miscarriage",
            "ectopic": "Ectopic pregnancy",
            "termination": "Termination of pregnancy",
            "unknown": "Not known",
        }.get(get("mother.death.pregnancy_outcome"), "")
        return (f"Ended on {_date(ended)}" if ended else "Date not known", outcome)
    if slug == "mother":
        return (
            f"NHS number: {nhs_number_text(get('mother.nhs_number'))}",
            f"Date of birth: {_date(get('mother.date_of_birth'))}",
            f"Postcode: {get('mother.postcode') or 'Not given'}",
        )
    if slug == "baby-nhs-number":
        return (nhs_number_text(get("baby.nhs_number")),)
    if slug == "linked-notification":
        return (get("linked_notification") or "None",)
    paths = steps.STEPS_BY_SLUG[slug].paths
    return (yes_no(get(paths[0])),)


def answer_rows(
    answers: Mapping[str, Any], *, site_names: Mapping[str, str], errors: Sequence[FieldError] = ()
) -> list[AnswerRow]:
    """One row per page the event needs, with the validation errors of its fields."""
    by_step: dict[str, list[str]] = {}
    for error in errors:
        step = steps.step_for_field(answers, error.field)
        if step is not None:
            by_step.setdefault(step.slug, []).append(error.message)
    facts = Facts.from_answers(answers)
    rows = []
    for step in steps.steps_for(answers):
        label = step.label
        if step.slug == "place-of-death" and facts.maternal:
            label = "Where the mother died"
        rows.append(
            AnswerRow(
                slug=step.slug,
                label=label,
                lines=_lines(step.slug, answers, site_names),
                errors=tuple(by_step.get(step.slug, ())),
            )
        )
    return rows


def unplaced_errors(answers: Mapping[str, Any], errors: Sequence[FieldError]) -> list[str]:
    """Messages about fields that no page of this event asks (shown at the top)."""
    return [error.message for error in errors if steps.step_for_field(answers, error.field) is None]


# Where this will go and why --------------------------------------------------------------


@dataclass(frozen=True)
class DestinationView:
    body: str
    name: str
    description: str
    category: str
    reason: str
    rules: tuple[str, ...]
    flags: tuple[str, ...]
    due: str


@dataclass(frozen=True)
class RoutingView:
    destinations: tuple[DestinationView, ...]
    onward: tuple[str, ...]
    not_routed: tuple[tuple[str, str], ...]
    advice: tuple[str, ...]
    rules_version: str

    @property
    def summary(self) -> str:
        names = [destination.name for destination in self.destinations]
        if not names:
            return "No national body needs this notification"
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def due_text(due: DueDate | None) -> str:
    if due is None:
        return ""
    if due.due_on is None or due.policy.counting is Counting.NO_DEADLINE:
        return "As soon as possible (no deadline is published)"
    unit = "working days" if due.policy.counting is Counting.WORKING_DAYS else "days"
    return f"Due by {long_date(due.due_on)} ({due.policy.period} {unit} from {due.policy.runs_from})"


def routing_view(result: RoutingResult, dues: Sequence[DueDate]) -> RoutingView:
    by_body = {str(due.body): due for due in dues}
    destinations = tuple(
        DestinationView(
            body=str(d.body),
            name=body_name(d.body),
            description=BODY_DESCRIPTIONS.get(str(d.body), ""),
            category=category_label(str(d.category)),
            reason=d.reason,
            rules=d.rules,
            flags=tuple(FLAG_EXPLANATIONS.get(str(flag), str(flag)) for flag in d.flags),
            due=due_text(by_body.get(str(d.body))),
        )
        for d in result.destinations
    )
    onward = tuple(
        f"{body_name(route.via)} passes this notification on to the local child death overview panel "
        "(CDOP). You do not need to notify CDOP separately."
        if str(route.body) == "CDOP"
        else f"{body_name(route.via)} passes this notification on to {body_name(route.body)}."
        for route in result.onward
    )
    not_routed = tuple((body_name(item.body), item.reason) for item in result.not_routed)
    return RoutingView(
        destinations=destinations,
        onward=onward,
        not_routed=not_routed,
        advice=tuple(item.text for item in result.advice),
        rules_version=result.rules_version,
    )


def destinations_of(routing: Mapping[str, Any] | None) -> list[str]:
    """Body names from a stored routing result (docs/rules/routing.md §4 JSON)."""
    return [body_name(item.get("body")) for item in (routing or {}).get("destinations", [])]


# Drafts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftSummary:
    id: str
    what_happened: str
    started: Any
    saved: Any
    pages_left: int
    trust_name: str


def draft_summary(draft) -> DraftSummary:
    """A line of the drafts list: no identifiable data, only what and when."""
    answers = draft.answers or {}
    what = steps.journey_of(answers).get("what_happened")
    left = sum(1 for step in steps.steps_for(answers) if step.slug not in steps.answered_steps(answers))
    return DraftSummary(
        id=str(draft.pk),
        what_happened=WHAT_HAPPENED_TEXT.get(what, "Not started"),
        started=draft.created_at,
        saved=draft.updated_at,
        pages_left=left,
        trust_name=draft.trust.display_name,
    )


IDENTIFYING_PATHS = ("mother.nhs_number", "mother.date_of_birth", "mother.postcode", "baby.nhs_number")


def is_identifiable(answers: Mapping[str, Any]) -> bool:
    """A draft holding any identifier of the mother or baby (its views are audited)."""
    return any(get_path(answers, path) for path in IDENTIFYING_PATHS)


# Possible duplicates ------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateRow:
    """What the reporter needs to recognise a notification: no identifiers."""

    reference: str
    event: str
    date: str
    status: str


def duplicate_row(notification) -> DuplicateRow:
    moment = notification.born_at if notification.event == "baby" else notification.mother_died_at
    when = long_date(moment) if moment else "Not known"
    version = notification.current_version
    routing = version.routing if version else None
    names = destinations_of(routing)
    sent = f"Sent to {' and '.join(names)}" if names else "Not sent to any national body"
    event = "Baby" if notification.event == "baby" else "Maternal death"
    return DuplicateRow(
        reference=notification.reference,
        event=event,
        date=when,
        status=f"Submitted {long_date(notification.created_at)}. {sent}",
    )
