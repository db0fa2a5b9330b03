"""The house style of the generated OpenAPI 3.1 document.

ninja generates the document from the typed schemas (`perinatal.api.schemas`); this module
only reshapes what pydantic writes into the plain JSON Schema the version 1 document has
always used, so that clients (and the tests' checker, tests/api/schema_check.py) read one
small subset:

- a nullable value is `{"type": ["string", "null"]}` rather than `anyOf` with null (a
  nullable object is written out in place, as the hand-written document did);
- a union of plain types is a list of types; a single-value Literal is an `enum`;
- no generated `title`s, no null defaults; status codes are strings; a parameter (text in
  a URL or a header) is never null, an optional one is left out;
- components nothing refers to are left out.

`json_body(Model)` describes a JSON request body that the view reads itself (the
notification document is validated by the service, whose errors name every field), and
puts the model's schema among the components.
"""

from __future__ import annotations

import copy
from typing import Any

from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

REF_PREFIX = "#/components/schemas/"
_NULL = {"type": "null"}

#: Request body models described with json_body(), added to the components.
_BODY_MODELS: dict[str, type[BaseModel]] = {}


def json_body(model: type[BaseModel], *, description: str | None = None) -> dict[str, Any]:
    """The `requestBody` of an operation whose view reads the JSON body itself."""
    _BODY_MODELS[model.__name__] = model
    schema = {"$ref": REF_PREFIX + model.__name__}
    body: dict[str, Any] = {"required": True, "content": {"application/json": {"schema": schema}}}
    if description:
        body["description"] = description
    return body


def _body_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for name, model in _BODY_MODELS.items():
        schema = model.model_json_schema(ref_template=REF_PREFIX + "{model}", schema_generator=NinjaGenerateJsonSchema)
        components.update(schema.pop("$defs", {}))
        components[name] = schema
    return components


def house_style(document: dict[str, Any]) -> dict[str, Any]:
    """The generated document in the house style (a new dict; the argument is not changed)."""
    document = copy.deepcopy(dict(document))
    components = document.setdefault("components", {})
    schemas = {**components.get("schemas", {}), **_body_components()}
    styled = {name: _schema(schema, schemas) for name, schema in schemas.items()}
    components["schemas"] = styled
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _operation(operation, styled)
    referenced = _referenced(document)
    components["schemas"] = {name: schema for name, schema in styled.items() if name in referenced}
    return document


def _operation(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        parameter["schema"] = _without_null(_schema(parameter["schema"], schemas))
    for media in operation.get("requestBody", {}).get("content", {}).values():
        media["schema"] = _schema(media["schema"], schemas)
    responses = {str(status): response for status, response in operation.get("responses", {}).items()}
    for response in responses.values():
        for media in response.get("content", {}).values():
            if "schema" in media:
                media["schema"] = _schema(media["schema"], schemas)
    operation["responses"] = dict(sorted(responses.items()))


def _schema(node: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    node = {key: value for key, value in node.items() if key != "title" and not (key == "default" and value is None)}
    if "anyOf" in node:
        node = _union(node, schemas)
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if "properties" in node:
        node["properties"] = {name: _schema(value, schemas) for name, value in node["properties"].items()}
    if isinstance(node.get("items"), dict):
        node["items"] = _schema(node["items"], schemas)
    if isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = _schema(node["additionalProperties"], schemas)
    return node


def _union(node: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    options = [_schema(option, schemas) for option in node.pop("anyOf")]
    nullable = _NULL in options
    others = [option for option in options if option != _NULL]
    if nullable and len(others) == 1:
        inner = others[0]
        if "$ref" in inner:
            inner = _schema(schemas[inner["$ref"].removeprefix(REF_PREFIX)], schemas)
        merged = {**inner, **node, "type": [*_types(inner), "null"]}
        if "enum" in inner:
            merged["enum"] = [*inner["enum"], None]
        return merged
    if all(set(option) == {"type"} for option in others):
        return {**node, "type": [kind for option in others for kind in _types(option)] + (["null"] if nullable else [])}
    return {**node, "anyOf": options}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is text in a URL or a header, never JSON null: an optional one is left out."""
    kinds = [kind for kind in _types(schema) if kind != "null"]
    if kinds:
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    return schema


def _types(schema: dict[str, Any]) -> list[str]:
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _referenced(document: dict[str, Any]) -> set[str]:
    """The components reachable from the paths."""
    schemas = document["components"]["schemas"]
    found: set[str] = set()
    pending = _refs(document["paths"])
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending |= _refs(schemas.get(name, {}))
    return found


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["$ref"].removeprefix(REF_PREFIX)} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()
