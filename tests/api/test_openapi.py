"""The generated OpenAPI document describes every route the API serves, with its methods;
its notification document schema has the shape the hand-written one had and refuses what
the service refuses; and every response the tests see matches it."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.urls import URLResolver, get_resolver
from pydantic import ValidationError

from perinatal.accounts.roles import Role
from perinatal.api.schemas.notifications import NotificationDocument
from perinatal.notifications.routing import DOCUMENT_FIELDS, DocumentInvalid
from perinatal.notifications.services.api_tokens import issue_api_token
from perinatal.notifications.services.documents import parse
from tests.api.schema_check import KNOWN_KEYWORDS, problems, resolve
from tests.dashboard.factories import birth
from tests.dashboard.import_helpers import clear_dashboard_data, import_records
from tests.helpers import make_user, sign_in
from tests.notifications.factories import brain_injury_event, intrapartum_stillbirth, maternal_event, neonatal_death

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
#: A value for each path converter or parameter the API's URLs use.
SAMPLES = {"reference": "PEN-2026-000001"}
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
#: The hand-written document (before ADR 0017): the top level of the notification document.
OLD_TOP_LEVEL = [
    "trust",
    "event",
    "place_of_birth",
    "place_of_death",
    "linked_notification",
    "mother",
    "baby",
    "labour",
    "brain_injury",
]
OLD_REQUIRED = ["trust", "event"]


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def served_routes() -> list[tuple[str, str]]:
    """(the path as the document writes it, a URL to request) for each URL the project's
    resolver serves in the api's namespace."""
    [api_urls] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]
    prefix = "/" + str(api_urls.pattern)
    assert prefix == PREFIX
    routes = []
    for pattern in api_urls.url_patterns:
        if pattern.name == "api-root":  # ninja's root view: 404, there is nothing at /api/v1/
            continue
        route = str(pattern.pattern)
        routes.append(
            (
                prefix + _PARAMETER.sub(r"{\1}", route),
                prefix + _PARAMETER.sub(lambda match: SAMPLES[match.group(1)], route),
            )
        )
    return routes


def test_every_route_the_api_serves_is_described_with_its_methods(client, spec):
    routes = served_routes()
    assert {path for path, _ in routes} == set(spec["paths"])
    for path, url in routes:
        served = {method for method in METHODS if getattr(client, method)(url).status_code != 405}
        assert served == set(spec["paths"][path]), path


def test_the_root_of_the_api_is_not_found(client):
    assert client.get(PREFIX).status_code == 404


def _schema_nodes(schema, root):
    """Every schema node under `schema` (properties and items), without following $ref."""
    yield schema
    for value in schema.get("properties", {}).values():
        yield from _schema_nodes(value, root)
    if isinstance(schema.get("items"), dict):
        yield from _schema_nodes(schema["items"], root)


def test_the_document_uses_only_the_json_schema_the_checker_knows(spec):
    bodies = [
        media["schema"]
        for operations in spec["paths"].values()
        for operation in operations.values()
        for part in [operation.get("requestBody", {}), *operation["responses"].values()]
        for media in part.get("content", {}).values()
    ]
    for schema in [*spec["components"]["schemas"].values(), *bodies]:
        for node in _schema_nodes(schema, spec):
            assert set(node) <= KNOWN_KEYWORDS, node


def _field_paths(schema, root, prefix=""):
    schema = resolve(root, schema["$ref"]) if "$ref" in schema else schema
    for name, value in schema.get("properties", {}).items():
        yield prefix + name
        yield from _field_paths(value, root, prefix=f"{prefix}{name}.")


def test_the_notification_document_schema_has_the_old_shape_and_every_field_of_the_service(spec):
    preview = spec["paths"]["/api/v1/routing/preview"]["post"]
    assert preview["requestBody"]["required"] is True
    body = preview["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/NotificationDocument"}
    schema = resolve(spec, body["$ref"])
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["required"] == OLD_REQUIRED and list(schema["properties"]) == OLD_TOP_LEVEL
    assert tuple(_field_paths(schema, spec)) == DOCUMENT_FIELDS
    for node in _schema_nodes(schema, spec):
        if "properties" in node:
            assert node["additionalProperties"] is False, node


def test_a_submission_is_the_document_and_the_word_that_it_is_not_a_duplicate(spec):
    """docs/rules/routing.md §7.3: `not_a_duplicate` is the one key a submission adds to the document."""
    submit = spec["paths"]["/api/v1/notifications"]["post"]
    assert submit["requestBody"]["required"] is True
    schema = resolve(spec, submit["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    document = resolve(spec, "#/components/schemas/NotificationDocument")
    assert list(schema["properties"]) == [*OLD_TOP_LEVEL, "not_a_duplicate"]
    assert schema["required"] == OLD_REQUIRED and schema["additionalProperties"] is False
    assert {k: v for k, v in schema["properties"].items() if k != "not_a_duplicate"} == document["properties"]
    claim = schema["properties"]["not_a_duplicate"]
    assert claim["type"] == ["object", "null"] and claim["required"] == ["of", "reason"]
    assert claim["additionalProperties"] is False
    twin = {**intrapartum_stillbirth(), "not_a_duplicate": {"of": ["PEN-2026-000001"], "reason": "The second twin"}}
    assert problems(twin, schema, root=spec) == []
    assert problems({**twin, "not_a_duplicate": {"of": [], "reason": "Twin"}}, schema, root=spec)
    assert problems({**twin, "not_a_duplicate": {"of": ["PEN-2026-000001"]}}, schema, root=spec)
    assert "202" in submit["responses"] and "Location" in submit["responses"]["202"]["headers"]


def _set(path: str, value):
    def change(document):
        *parents, last = path.split(".")
        node = document
        for key in parents:
            node = node[key]
        node[last] = value

    return change


def _drop(key: str):
    return lambda document: document.pop(key)


REFUSED = {
    "no trust": (intrapartum_stillbirth, _drop("trust")),
    "no event": (intrapartum_stillbirth, _drop("event")),
    "a trust that is not text": (intrapartum_stillbirth, _set("trust", 5)),
    "an unknown event": (intrapartum_stillbirth, _set("event", "cat")),
    "an unknown key": (maternal_event, _set("colour", "red")),
    "an unknown key in the baby": (intrapartum_stillbirth, _set("baby.colour", "red")),
    "an unknown place type": (intrapartum_stillbirth, _set("place_of_birth.type", "car")),
    "gestation weeks out of range": (intrapartum_stillbirth, _set("baby.gestation.weeks", 50)),
    "gestation days out of range": (intrapartum_stillbirth, _set("baby.gestation.days", 9)),
    "a birth weight out of range": (intrapartum_stillbirth, _set("baby.birth_weight_g", 50)),
    "born alive as text": (intrapartum_stillbirth, _set("baby.born_alive", "yes")),
    "an unknown MRI result": (brain_injury_event, _set("brain_injury.mri", "maybe")),
    "a negative diagnosis day": (brain_injury_event, _set("brain_injury.diagnosed_day", -1)),
    "an unknown labour status": (intrapartum_stillbirth, _set("labour.status", "maybe")),
    "an unknown pregnancy outcome": (maternal_event, _set("mother.death.pregnancy_outcome", "other")),
    # Formats (issue 13: the description accepted documents the service refuses).
    "an NHS number of 9 digits": (intrapartum_stillbirth, _set("mother.nhs_number", "943476591")),
    "an NHS number in odd groups": (intrapartum_stillbirth, _set("mother.nhs_number", "9434 765 919")),
    "a postcode that is not one": (intrapartum_stillbirth, _set("mother.postcode", "Manchester")),
    "a date of birth in words": (intrapartum_stillbirth, _set("mother.date_of_birth", "1st May 1990")),
    "a time of birth in words": (intrapartum_stillbirth, _set("baby.born_at", "yesterday at 3")),
    "a time of birth without minutes": (intrapartum_stillbirth, _set("baby.born_at", "2025-10-01T03")),
    "a trust code with punctuation": (intrapartum_stillbirth, _set("trust", "R0A;")),
    "a site code with a space inside": (intrapartum_stillbirth, _set("place_of_birth.site", "R0A 02")),
    "a date the pregnancy ended in words": (maternal_event, _set("mother.death.pregnancy_ended_on", "May")),
}


@pytest.mark.parametrize("label", REFUSED)
def test_the_schema_refuses_what_the_service_refuses(spec, label):
    build, change = REFUSED[label]
    document = copy.deepcopy(build())
    change(document)
    with pytest.raises(DocumentInvalid):
        parse(document)
    assert problems(document, {"$ref": "#/components/schemas/NotificationDocument"}, root=spec)
    with pytest.raises(ValidationError):
        NotificationDocument.model_validate_json(json.dumps(document))


def _empty_gestation():
    document = intrapartum_stillbirth()
    document["baby"]["gestation"] = {}
    return document


def _written_loosely():
    """Formats the service accepts as people write them: padding, any case, other groupings."""
    document = intrapartum_stillbirth()
    document["trust"] = f" {document['trust'].lower()} "
    document["mother"].update(nhs_number="943-476-5919", postcode=" m13  9wl ", date_of_birth=" 1990-05-01 ")
    document["baby"]["born_at"] = document["baby"]["born_at"] + ":00.5+01:00"
    return document


def _left_blank():
    document = intrapartum_stillbirth()
    document["mother"].update(nhs_number=" ", postcode="", date_of_birth="")
    document["linked_notification"] = ""
    return document


@pytest.mark.parametrize(
    "build",
    [
        intrapartum_stillbirth,
        neonatal_death,
        brain_injury_event,
        maternal_event,
        _empty_gestation,
        _written_loosely,
        _left_blank,
    ],
)
def test_the_schema_accepts_what_the_service_accepts(spec, build):
    document = build()
    parse(copy.deepcopy(document))
    assert problems(document, {"$ref": "#/components/schemas/NotificationDocument"}, root=spec) == []
    NotificationDocument.model_validate_json(json.dumps(document))


def check(spec, path, method, response, media="application/json"):
    described = spec["paths"][path][method]["responses"][str(response.status_code)]
    schema = described["content"][media]["schema"]
    body = response.json() if media == "application/json" else response.content.decode()
    found = problems(body, schema, root=spec)
    assert not found, found


def test_metrics_responses_match_the_description(client, spec, tmp_path):
    clear_dashboard_data()
    import_records(tmp_path, "births", [birth(f"A{n}", outcome="stillbirth" if n < 3 else "live") for n in range(20)])
    june = {"from": "2025-06-01", "to": "2025-06-30"}
    unauthorised = client.get("/api/v1/metrics", june)
    assert unauthorised.status_code == 401
    check(spec, "/api/v1/metrics", "get", unauthorised)
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    for params in ({**june, "metric": "stillbirth_rate", "public": "1"}, {**june, "by": "month", "level": "trust"}):
        response = client.get("/api/v1/metrics", params)
        assert response.status_code == 200 and response.json()["rows"]
        check(spec, "/api/v1/metrics", "get", response)
    as_csv = client.get("/api/v1/metrics", {**june, "format": "csv"})
    check(spec, "/api/v1/metrics", "get", as_csv, media=as_csv["Content-Type"].split(";")[0])
    bad = client.get("/api/v1/metrics", {**june, "by": "week"})
    assert bad.status_code == 400
    check(spec, "/api/v1/metrics", "get", bad)
    described = {p["name"]: p["required"] for p in spec["paths"]["/api/v1/metrics"]["get"]["parameters"]}
    assert described == {
        "from": True,
        "to": True,
        "level": False,
        "metric": False,
        "format": False,
        "public": False,
        "by": False,
        "stillbirth_denominator": False,
        "org": False,
    }


def test_the_description_is_the_same_on_every_request(client):
    first = client.get("/api/v1/openapi.json").content
    assert json.loads(first) == client.get("/api/v1/openapi.json").json()


def test_real_responses_validate_against_the_response_schemas(client):
    from perinatal.api.schemas.notifications import NotificationCreated, NotificationStatus, RoutingResult
    from tests.notifications.factories import reporter, trust

    plaintext, _ = issue_api_token(trust=trust("R0A"), name="system", user=reporter())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    document = json.dumps(brain_injury_event())
    preview = client.post("/api/v1/routing/preview", data=document, content_type="application/json", **auth)
    RoutingResult.model_validate_json(preview.content)
    created = client.post("/api/v1/notifications", data=document, content_type="application/json", **auth)
    NotificationCreated.model_validate_json(created.content)
    status = client.get(created["Location"], **auth)
    NotificationStatus.model_validate_json(status.content)
