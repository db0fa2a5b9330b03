"""The notification endpoints' schemas: the document a trust submits, the routing result,
and a notification's status.

The document is described here and validated by the service (`services.parse`), not by
ninja: the service reports every problem at once, in document order, with the messages the
web journey shows, and some checks (the register, the clock) are not schema checks. A test
keeps these fields the same as the document's (`routing.DOCUMENT_FIELDS`). Responses are
built by `presenters.status_json` and `RoutingResult.to_dict`; tests check real responses
against the generated description.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from perinatal.api.schemas.common import Closed, one_of
from perinatal.kernel.london_time import DATE_FORMAT, TIMESTAMP_FORMAT
from perinatal.kernel.nhs_numbers import NHS_NUMBER_FORMATS
from perinatal.notifications.models import Delivery, Notification
from perinatal.notifications.routing import (
    BODY_ORDER,
    RULES_VERSION,
    Category,
    EventType,
    Flag,
    LabourStatus,
    MriResult,
    PlaceType,
    PregnancyOutcome,
)
from perinatal.notifications.routing.document import (
    BIRTH_WEIGHT_RANGE_G,
    CONFIRMED_DEATH_WEEKS_RANGE,
    GESTATION_DAYS_RANGE,
    GESTATION_WEEKS_RANGE,
    POSTCODE_FORMAT,
)
from perinatal.notifications.services.submission import DISTINCT_REASON_MAX, REFERENCE_FORMAT

BODY = one_of(BODY_ORDER)
DELIVERY_STATUS = one_of(Delivery.Status.values)
REFERENCE_EXAMPLE = "PEN-2026-000123"
#: The key is stored with its source ("api:") in 200 characters: a longer key is refused, never cut.
IDEMPOTENCY_KEY_MAX = 196


#: ODS codes in the organisation register: letters and digits (trusts 3 or 5, sites 5).
ODS_CODE_FORMAT = "[A-Za-z0-9]{3,6}"


def _text(format_: str, *, optional: bool = True) -> str:
    """The pattern of text the service reads: trimmed first, and blank where it may be left out
    (docs/notifications.md "The document's formats")."""
    return rf"^\s*(?:{format_}){'?' if optional else ''}\s*$"


def _timestamp(**extra: Any) -> Any:
    return Field(
        None,
        description="ISO 8601; local Europe/London time unless an offset is given",
        examples=["2025-10-01T03:20"],
        pattern=_text(TIMESTAMP_FORMAT),
        **extra,
    )


def _day(**extra: Any) -> Any:
    return Field(None, description="ISO 8601 date", examples=["2025-10-01"], pattern=_text(DATE_FORMAT), **extra)


def _nhs_number() -> Any:
    return Field(
        None,
        description="10 digits passing the Modulus 11 check; 3-3-4 groups allowed",
        examples=["943 476 5919"],
        pattern=_text("|".join(NHS_NUMBER_FORMATS)),
    )


def _ods_code(*, optional: bool = True, **extra: Any) -> Any:
    return Field(None if optional else ..., pattern=_text(ODS_CODE_FORMAT, optional=optional), **extra)


def _reference(**extra: Any) -> Any:
    return Field(None, pattern=_text(REFERENCE_FORMAT), **extra)


class SubmissionHeaders(Schema):
    # Read leniently: the view checks the length, so that the error names the header.
    idempotency_key: str | None = Field(
        None,
        alias="Idempotency-Key",
        json_schema_extra={"maxLength": IDEMPOTENCY_KEY_MAX, "pattern": "^[ -~]*$"},
        description=(
            f"Up to {IDEMPOTENCY_KEY_MAX} characters, unique per notification. Replaying the same key with "
            "the same body returns the first response with 200; the same key with another body is refused "
            "with 409."
        ),
    )


# The document (docs/rules/routing.md §2) -------------------------------------------------------


class DocumentPart(BaseModel):
    # Closed, and JSON types are strict, as the service's are: true/false, whole numbers. A
    # plain pydantic model: ninja's Schema reads its input as Python objects, not JSON.
    model_config = ConfigDict(extra="forbid", strict=True)


class Place(DocumentPart):
    type: one_of(PlaceType)
    site: str | None = _ods_code(description="ODS site code when type is hospital")


# Weeks and days may be left out (an empty gestation is no gestation) but are never null.
def _weeks(weeks_range: tuple[int, int]) -> Any:
    return Field(None, ge=weeks_range[0], le=weeks_range[1])


def _days() -> Any:
    return Field(None, ge=GESTATION_DAYS_RANGE[0], le=GESTATION_DAYS_RANGE[1])


class Gestation(DocumentPart):
    """Both weeks and days once either is given"""

    weeks: int = _weeks(GESTATION_WEEKS_RANGE)
    days: int = _days()
    reliable: bool | None = None


class ConfirmedGestation(DocumentPart):
    """Both weeks and days once either is given"""

    weeks: int = _weeks(CONFIRMED_DEATH_WEEKS_RANGE)
    days: int = _days()


class MaternalDeath(DocumentPart):
    died_at: str | None = _timestamp()
    pregnant_at_death: bool | None = None
    pregnancy_ended_on: str | None = _day()
    pregnancy_outcome: one_of(PregnancyOutcome) | None = None


class Mother(DocumentPart):
    nhs_number: str | None = _nhs_number()
    date_of_birth: str | None = _day()
    postcode: str | None = Field(None, description="A full UK postcode", pattern=_text(POSTCODE_FORMAT))
    death: MaternalDeath | None = Field(None, description="Maternal events only")


class Baby(DocumentPart):
    nhs_number: str | None = _nhs_number()
    born_at: str | None = _timestamp()
    gestation: Gestation | None = None
    birth_weight_g: int | None = Field(None, ge=BIRTH_WEIGHT_RANGE_G[0], le=BIRTH_WEIGHT_RANGE_G[1])
    born_alive: bool | None = None
    died_at: str | None = _timestamp()
    multiple_birth: bool | None = None
    death_confirmed_gestation: ConfirmedGestation | None = None
    termination_of_pregnancy: bool | None = None
    congenital_anomaly_caused_outcome: bool | None = None
    alive_at_onset_of_labour: bool | None = None


class Labour(DocumentPart):
    status: one_of(LabourStatus) | None = None


class BrainInjury(DocumentPart):
    diagnosed_day: int | None = Field(None, ge=0)
    therapeutic_hypothermia: bool | None = None
    grade_3_hie: bool | None = None
    decreased_central_tone: bool | None = None
    comatose: bool | None = None
    seizures: bool | None = None
    altered_consciousness: bool | None = None
    hypotonia: bool | None = None
    abnormal_reflexes: bool | None = None
    weak_or_absent_suck: bool | None = None
    mri: one_of(MriResult) | None = None


class NotificationDocument(DocumentPart):
    """The notification document (docs/rules/routing.md §2). Unknown keys are refused."""

    trust: str = _ods_code(optional=False, description="ODS code of the reporting trust (must be the token's trust)")
    event: one_of(EventType)
    place_of_birth: Place | None = None
    place_of_death: Place | None = None
    linked_notification: str | None = _reference(description="Reference of a linked mother's or baby's notification")
    mother: Mother | None = None
    baby: Baby | None = Field(None, description="Baby events only")
    labour: Labour | None = None
    brain_injury: BrainInjury | None = None


class NotADuplicate(DocumentPart):
    """The submitter's word that this is a different event (docs/rules/routing.md §7.3)"""

    of: list[Annotated[str, Field(pattern=_text(REFERENCE_FORMAT, optional=False))]] = Field(
        min_length=1,
        description="References of the trust's notifications this event is not a duplicate of",
        examples=[[REFERENCE_EXAMPLE]],
    )
    reason: str = Field(
        description="Why it is a different event",
        examples=["The second twin"],
        max_length=DISTINCT_REASON_MAX,
        pattern=r"\S",
    )


class NotificationSubmission(NotificationDocument):
    """The notification document (docs/rules/routing.md §2), and optionally the submitter's word
    that it is not a duplicate. Unknown keys are refused."""

    not_a_duplicate: NotADuplicate | None = Field(
        None,
        description=(
            "Not part of the document. Without it, a possible duplicate of one of the trust's notifications is "
            "held for the trust to decide (202)"
        ),
    )


# The routing result (docs/rules/routing.md §4) -------------------------------------------------


class Destination(Closed):
    body: BODY
    category: one_of(Category)
    rules: list[str]
    reason: str
    flags: list[one_of(Flag)]


class OnwardRoute(Closed):
    body: str
    via: BODY
    rules: list[str]


class NotRouted(Closed):
    body: BODY
    rules: list[str]
    reason: str


class Advice(Closed):
    code: str
    text: str


class RoutingResult(Closed):
    """The routing result (docs/rules/routing.md §4)"""

    destinations: list[Destination]
    onward: list[OnwardRoute]
    not_routed: list[NotRouted]
    advice: list[Advice]
    rules_version: str = Field(examples=[RULES_VERSION])


# A notification's status --------------------------------------------------------------


class DeliveryStatus(Closed):
    kind: one_of(Delivery.Kind.values)
    version: int
    idempotency_key: str
    status: DELIVERY_STATUS
    attempts: int
    sent_at: datetime | None
    last_error: str | None


class BodyStatus(Closed):
    body: BODY
    category: one_of(Category) | None
    rules: list[str]
    reason: str
    flags: list[one_of(Flag)]
    due_on: date | None = Field(description="Routing docs/rules/routing.md §6; null when no deadline is published")
    status: DELIVERY_STATUS | None
    body_reference: str | None = Field(description="The body's own reference, once it has acknowledged")
    acknowledged_at: datetime | None
    deliveries: list[DeliveryStatus]


class InformationRequest(Closed):
    body: BODY
    question: str
    asked_at: datetime
    answered_at: datetime | None


class NotificationStatus(Closed):
    reference: str = Field(examples=[REFERENCE_EXAMPLE])
    trust: str
    event: one_of(EventType)
    state: one_of(Notification.State.values) = Field(
        description="submitted; held (a possible duplicate waiting for the trust); discarded; withdrawn (made in error)"
    )
    state_reason: str | None = Field(description="Why it was discarded or withdrawn")
    state_changed_at: datetime | None
    possible_duplicate_of: list[str] = Field(
        description="References of the trust's notifications it may duplicate, found when it was submitted"
    )
    distinct_because: str | None = Field(description="Why it was sent although it may be a duplicate")
    version: int
    created_at: datetime
    updated_at: datetime
    linked_notification: str | None
    rules_version: str
    destinations: list[BodyStatus]
    withdrawn: list[BodyStatus] = Field(description="Bodies an amendment withdrew the notification from")
    not_routed: list[NotRouted]
    onward: list[OnwardRoute]
    advice: list[Advice]
    information_requests: list[InformationRequest]


class NotificationCreated(NotificationStatus):
    status_url: str
    routing: RoutingResult
    possible_duplicates: list[str] = Field(
        description="References of this trust's notifications that may be the same event"
    )
    decision_url: str | None = Field(
        description="Held only: the page where the trust confirms it is a different event or discards it"
    )
