"""The OpenAPI 3.1 description of the API, written by hand to match `api.py`.

tests/notifications/test_openapi.py checks that it is well formed, that every path it names
is served, and that real responses match its schemas.
"""

from __future__ import annotations

from typing import Any

from perinatal.notifications.routing import RULES_VERSION


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _obj(properties: dict[str, Any], *, required: list[str] | None = None, closed: bool = True,
         nullable: bool = False, description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["object", "null"] if nullable else "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


BOOL = _nullable("boolean")
TIMESTAMP = _nullable("string", description="ISO 8601; local Europe/London time unless an offset is given",
                      examples=["2025-10-01T03:20"])
DATE = _nullable("string", format="date")
NHS_NUMBER = _nullable("string", description="10 digits passing the Modulus 11 check; 3-3-4 groups allowed",
                       examples=["943 476 5919"])
BODY = {"type": "string", "enum": ["MBRRACE_UK", "MNSI", "NHSR_EN"]}

PLACE = _obj({"type": {"type": "string", "enum": ["hospital", "home", "born_before_arrival", "other"]},
              "site": _nullable("string", description="ODS site code when type is hospital")},
             required=["type"], nullable=True)
WEEKS_DAYS = {"weeks": {"type": "integer"}, "days": {"type": "integer", "minimum": 0, "maximum": 6}}

DOCUMENT = _obj({
    "trust": {"type": "string", "description": "ODS code of the reporting trust (must be the token's trust)"},
    "event": {"type": "string", "enum": ["baby", "maternal"]},
    "place_of_birth": PLACE,
    "place_of_death": PLACE,
    "linked_notification": _nullable("string", description="Reference of a linked mother's or baby's notification"),
    "mother": _obj({
        "nhs_number": NHS_NUMBER,
        "date_of_birth": DATE,
        "postcode": _nullable("string"),
        "death": _obj({
            "died_at": TIMESTAMP,
            "pregnant_at_death": BOOL,
            "pregnancy_ended_on": DATE,
            "pregnancy_outcome": {"type": ["string", "null"],
                                  "enum": ["birth", "miscarriage", "ectopic", "termination", "unknown", None]},
        }, nullable=True, description="Maternal events only"),
    }, nullable=True),
    "baby": _obj({
        "nhs_number": NHS_NUMBER,
        "born_at": TIMESTAMP,
        "gestation": _obj({**WEEKS_DAYS, "reliable": BOOL}, nullable=True),
        "birth_weight_g": _nullable("integer", minimum=100, maximum=7000),
        "born_alive": BOOL,
        "died_at": TIMESTAMP,
        "multiple_birth": BOOL,
        "death_confirmed_gestation": _obj(dict(WEEKS_DAYS), nullable=True),
        "termination_of_pregnancy": BOOL,
        "congenital_anomaly_caused_outcome": BOOL,
        "alive_at_onset_of_labour": BOOL,
    }, nullable=True, description="Baby events only"),
    "labour": _obj({"status": {"type": ["string", "null"], "enum": ["labour", "no_labour", None]}}, nullable=True),
    "brain_injury": _obj({
        "diagnosed_day": _nullable("integer", minimum=0),
        **{sign: BOOL for sign in ("therapeutic_hypothermia", "grade_3_hie", "decreased_central_tone", "comatose",
                                   "seizures", "altered_consciousness", "hypotonia", "abnormal_reflexes",
                                   "weak_or_absent_suck")},
        "mri": {"type": ["string", "null"], "enum": ["hie", "normal", "pending", "not_done", None]},
    }, nullable=True),
}, required=["trust", "event"], description="The notification document (routing spec §2). Unknown keys are refused.")

DESTINATION = _obj({
    "body": BODY, "category": {"type": "string"}, "rules": {"type": "array", "items": {"type": "string"}},
    "reason": {"type": "string"}, "flags": {"type": "array", "items": {"type": "string"}},
}, required=["body", "category", "rules", "reason", "flags"])
ROUTING_RESULT = _obj({
    "destinations": {"type": "array", "items": DESTINATION},
    "onward": {"type": "array", "items": _obj({"body": {"type": "string"}, "via": BODY,
                                               "rules": {"type": "array", "items": {"type": "string"}}},
                                              required=["body", "via", "rules"])},
    "not_routed": {"type": "array", "items": _obj({"body": BODY, "rules": {"type": "array", "items": {"type": "string"}},
                                                   "reason": {"type": "string"}}, required=["body", "rules", "reason"])},
    "advice": {"type": "array", "items": _obj({"code": {"type": "string"}, "text": {"type": "string"}},
                                              required=["code", "text"])},
    "rules_version": {"type": "string", "examples": [RULES_VERSION]},
}, required=["destinations", "onward", "not_routed", "advice", "rules_version"],
   description="The routing result (routing spec §4)")

DELIVERY = _obj({
    "kind": {"type": "string", "enum": ["notify", "amend", "withdraw", "reference"]},
    "version": {"type": "integer"},
    "idempotency_key": {"type": "string"},
    "status": {"type": "string", "enum": ["queued", "sent", "acknowledged", "failed"]},
    "attempts": {"type": "integer"},
    "sent_at": _nullable("string", format="date-time"),
    "last_error": _nullable("string"),
}, required=["kind", "version", "idempotency_key", "status", "attempts", "sent_at", "last_error"])
BODY_STATUS = _obj({
    "body": BODY,
    "category": _nullable("string"),
    "rules": {"type": "array", "items": {"type": "string"}},
    "reason": {"type": "string"},
    "flags": {"type": "array", "items": {"type": "string"}},
    "due_on": _nullable("string", format="date", description="Routing spec §6; null when no deadline is published"),
    "status": {"type": ["string", "null"], "enum": ["queued", "sent", "acknowledged", "failed", None]},
    "body_reference": _nullable("string", description="The body's own reference, once it has acknowledged"),
    "acknowledged_at": _nullable("string", format="date-time"),
    "deliveries": {"type": "array", "items": DELIVERY},
}, required=["body", "category", "rules", "reason", "flags", "due_on", "status", "body_reference",
             "acknowledged_at", "deliveries"])
STATUS_PROPERTIES = {
    "reference": {"type": "string", "examples": ["PEN-2026-000123"]},
    "trust": {"type": "string"},
    "event": {"type": "string", "enum": ["baby", "maternal"]},
    "version": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "linked_notification": _nullable("string"),
    "rules_version": {"type": "string"},
    "destinations": {"type": "array", "items": _ref("BodyStatus")},
    "withdrawn": {"type": "array", "items": _ref("BodyStatus"),
                  "description": "Bodies an amendment withdrew the notification from"},
    "not_routed": ROUTING_RESULT["properties"]["not_routed"],
    "onward": ROUTING_RESULT["properties"]["onward"],
    "advice": ROUTING_RESULT["properties"]["advice"],
    "information_requests": {"type": "array", "items": _obj({
        "body": BODY, "question": {"type": "string"}, "asked_at": {"type": "string", "format": "date-time"},
        "answered_at": _nullable("string", format="date-time")}, required=["body", "question", "asked_at", "answered_at"])},
}
STATUS_REQUIRED = list(STATUS_PROPERTIES)
NOTIFICATION_STATUS = _obj(STATUS_PROPERTIES, required=STATUS_REQUIRED)
NOTIFICATION_CREATED = _obj({
    **STATUS_PROPERTIES,
    "status_url": {"type": "string"},
    "routing": _ref("RoutingResult"),
    "possible_duplicates": {"type": "array", "items": {"type": "string"},
                            "description": "References of this trust's notifications that may be the same event"},
}, required=[*STATUS_REQUIRED, "status_url", "routing", "possible_duplicates"])
ERRORS = _obj({"errors": {"type": "array", "minItems": 1, "items": _obj(
    {"field": {"type": "string", "description": "Dotted path of the field, e.g. baby.gestation.weeks"},
     "message": {"type": "string"}}, required=["field", "message"])}}, required=["errors"])


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Errors")}}}


def _json(description: str, schema: str, headers: dict | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/json": {"schema": _ref(schema)}}}
    if headers:
        response["headers"] = headers
    return response


IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": ("Up to 200 characters, unique per notification. Replaying the same key with the same body "
                    "returns the first response with 200; the same key with another body is refused with 409."),
    "schema": {"type": "string", "maxLength": 200},
}
DOCUMENT_BODY = {"required": True, "content": {"application/json": {"schema": _ref("NotificationDocument")}}}
AUTH_ERRORS = {
    "401": _error("No token, or a token that is not valid or has been revoked"),
    "403": _error("The document names another trust than the token's, or the trust is not yet live"),
}


def description() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Submit a Perinatal Event Notification API",
            "version": "1.0.0",
            "description": ("Enter a perinatal event once; the service routes it to MBRRACE-UK, MNSI and NHS "
                            "Resolution by the published criteria and delivers each body only its fields. "
                            f"Routing rules version {RULES_VERSION}."),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/routing/preview": {"post": {
                "operationId": "previewRouting",
                "summary": "Route a notification document without storing it",
                "requestBody": DOCUMENT_BODY,
                "responses": {
                    "200": _json("Where the notification would go and why", "RoutingResult"),
                    "400": _error("The body is not JSON"),
                    **AUTH_ERRORS,
                    "422": _error("The document is not valid; each error names its field"),
                },
            }},
            "/api/v1/notifications": {"post": {
                "operationId": "submitNotification",
                "summary": "Validate, store and route a notification, and queue its delivery",
                "parameters": [IDEMPOTENCY_HEADER],
                "requestBody": DOCUMENT_BODY,
                "responses": {
                    "201": _json("Stored and queued for delivery", "NotificationCreated",
                                 headers={"Location": {"description": "The status URL", "schema": {"type": "string"}}}),
                    "200": _json("A replay of an earlier request with the same Idempotency-Key and body",
                                 "NotificationCreated"),
                    "400": _error("The body is not JSON, or the Idempotency-Key is too long"),
                    **AUTH_ERRORS,
                    "409": _error("The Idempotency-Key was used before with a different body"),
                    "422": _error("The document is not valid; each error names its field"),
                },
            }},
            "/api/v1/notifications/{reference}": {"get": {
                "operationId": "getNotification",
                "summary": "A notification's routing, delivery status and the bodies' references",
                "parameters": [{"name": "reference", "in": "path", "required": True,
                                "schema": {"type": "string", "examples": ["PEN-2026-000123"]}}],
                "responses": {
                    "200": _json("The notification's status", "NotificationStatus"),
                    "401": AUTH_ERRORS["401"],
                    "404": _error("No such notification for the token's trust"),
                },
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "getOpenApiDescription",
                "summary": "This description",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 description",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A per-trust API token issued by the system admin"}},
            "schemas": {
                "NotificationDocument": DOCUMENT,
                "RoutingResult": ROUTING_RESULT,
                "BodyStatus": BODY_STATUS,
                "NotificationStatus": NOTIFICATION_STATUS,
                "NotificationCreated": NOTIFICATION_CREATED,
                "Errors": ERRORS,
            },
        },
    }
