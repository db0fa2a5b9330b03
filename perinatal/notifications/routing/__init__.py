"""Framework-free routing engine for perinatal event notifications.

Spec: docs/rules/routing.md. Usage:

    document = parse_document(data, register=register, now=now)   # or DocumentInvalid
    result = route(document)                                      # RoutingResult
    result.to_dict()                                              # docs/rules/routing.md §4 JSON
    due_dates(document=document, result=result)                   # docs/rules/routing.md §6
    payload_for(body=Body.MNSI, document=document, result=result) # minimised payload

Modules: `document` (the document, its validation and canonical form), `rules` (rule IDs,
thresholds, predicates), `policy` (versioned policies), `engine` (`route` and the reasons),
`result` (the result values), `due_dates` (docs/rules/routing.md §6), `field_sets` (what each body receives),
`register` (the organisation register protocol), `ages`, `timestamps`, `readers`, `errors`.
"""

from perinatal.kernel.london_time import LONDON, parse_timestamp, timestamp_to_iso
from perinatal.notifications.routing.ages import (
    age_at_death_days,
    completed_days,
    days_after_pregnancy_end,
    format_age,
    format_gestation,
    known_gestation_days,
)
from perinatal.notifications.routing.document import (
    DOCUMENT_FIELDS,
    Baby,
    BrainInjury,
    EventType,
    Gestation,
    GestationalAge,
    Labour,
    LabourStatus,
    MaternalDeath,
    Mother,
    MriResult,
    NotificationDocument,
    Place,
    PlaceType,
    PregnancyOutcome,
    parse_document,
)
from perinatal.notifications.routing.due_dates import (
    DUE_DATE_POLICIES,
    DUE_DATE_POLICY_VERSION,
    DueDate,
    DueDatePolicy,
    due_date_for,
    due_date_policy_for,
    due_dates,
    event_date_for,
)
from perinatal.notifications.routing.engine import (
    ADVICE_AMEND_WHEN_MRI_REPORTED,
    ADVICE_NO_NOTIFICATION_NEEDED,
    ADVICE_NOTIFY_LOCAL_CDOP,
    ADVICE_PREGNANCY_END_DATE_NEEDED,
    route,
)
from perinatal.notifications.routing.errors import DocumentInvalid, FieldError
from perinatal.notifications.routing.field_sets import (
    FIELD_SETS,
    FieldSet,
    FieldSpec,
    field_set_for,
    field_set_rows,
    payload_for,
)
from perinatal.notifications.routing.organisation_register import InMemoryRegister, OrganisationRegister
from perinatal.notifications.routing.policy import POLICIES, Policy
from perinatal.notifications.routing.result import (
    BODY_ORDER,
    Advice,
    Body,
    Category,
    Destination,
    Flag,
    NotRouted,
    OnwardRoute,
    RoutingResult,
)
from perinatal.notifications.routing.rules import RULES, RULES_BY_ID, RULES_VERSION, Rule

__all__ = [
    "ADVICE_AMEND_WHEN_MRI_REPORTED",
    "ADVICE_NOTIFY_LOCAL_CDOP",
    "ADVICE_NO_NOTIFICATION_NEEDED",
    "ADVICE_PREGNANCY_END_DATE_NEEDED",
    "BODY_ORDER",
    "DOCUMENT_FIELDS",
    "DUE_DATE_POLICIES",
    "DUE_DATE_POLICY_VERSION",
    "FIELD_SETS",
    "LONDON",
    "POLICIES",
    "RULES",
    "RULES_BY_ID",
    "RULES_VERSION",
    "Advice",
    "Baby",
    "Body",
    "BrainInjury",
    "Category",
    "Destination",
    "DocumentInvalid",
    "DueDate",
    "DueDatePolicy",
    "EventType",
    "FieldError",
    "FieldSet",
    "FieldSpec",
    "Flag",
    "Gestation",
    "GestationalAge",
    "InMemoryRegister",
    "Labour",
    "LabourStatus",
    "MaternalDeath",
    "Mother",
    "MriResult",
    "NotRouted",
    "NotificationDocument",
    "OnwardRoute",
    "OrganisationRegister",
    "Place",
    "PlaceType",
    "Policy",
    "PregnancyOutcome",
    "RoutingResult",
    "Rule",
    "age_at_death_days",
    "completed_days",
    "days_after_pregnancy_end",
    "due_date_for",
    "due_date_policy_for",
    "due_dates",
    "event_date_for",
    "field_set_for",
    "field_set_rows",
    "format_age",
    "format_gestation",
    "known_gestation_days",
    "parse_document",
    "parse_timestamp",
    "payload_for",
    "route",
    "timestamp_to_iso",
]
