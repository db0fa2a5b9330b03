"""What every API request must be before a view reads it (issue 13).

- A body is JSON by its Content-Type (`application/json`, UTF-8 if a charset is named): 415
  otherwise, so a form post or a `text/plain` body is never read as a notification (checked
  when the view reads it, so that a method the address does not take is still 405).
- A body is at most `API_MAX_BODY_BYTES`: 413 (by Content-Length before it is read, or when it
  is read without one).
- No NUL character, unpaired surrogate or other control character but white space in the
  address or its query (`kernel.hostile_text.refused_address_part`, the rule every web page
  keeps too), and no query value that was not UTF-8 (decoded to U+FFFD): 404 or 400.
  A query of more than `DATA_UPLOAD_MAX_NUMBER_FIELDS` fields: 400.
- A JSON document is UTF-8, nests at most `MAX_DEPTH` deep and holds no NUL character or
  unpaired surrogate in any key or string: 400 or 422 naming where.

Each answer is the API's error body (`errors.error_response`), never an HTML page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse

from perinatal.api.errors import ApiError, error_response
from perinatal.kernel.hostile_text import refused_address_part
from perinatal.kernel.hostile_text import unstorable as _bad_text

API_PREFIX = "/api/"
#: A notification document is a few kilobytes; 1 MiB leaves room for long free text.
API_MAX_BODY_BYTES = 1024 * 1024
#: A notification document nests four or five levels; 32 is generous and keeps parsing shallow.
MAX_DEPTH = 32
JSON_MEDIA_TYPE = "application/json"
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _too_big() -> ApiError:
    limit = API_MAX_BODY_BYTES // 1024
    return ApiError(413, ("document", f"The request body must be {limit} KB or smaller"))


def _not_utf8(value: str) -> bool:
    # Every API query value is a code or a date: U+FFFD there is bytes that were not UTF-8.
    return "\ufffd" in value


def refusal(request: HttpRequest) -> ApiError | None:
    """Why an API request is refused before any view runs, or None."""
    try:
        refused = refused_address_part(request.path, request.GET.lists, also_refuse=_not_utf8)
    except TooManyFieldsSent:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return ApiError(400, ("query", f"The query string must have {limit} fields or fewer"))
    if refused is not None and refused.part == "path":
        return ApiError(404, ("url", "There is nothing at this address"))
    if refused is not None:
        return ApiError(400, (refused.field or "query", "Remove the control or invalid characters"))
    if request.method not in _BODY_METHODS:
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ApiError(400, ("Content-Length", "The Content-Length header must be a number of bytes"))
    if length > API_MAX_BODY_BYTES:
        return _too_big()
    return None


def content_type_refusal(request: HttpRequest) -> ApiError | None:
    """415 unless the body is declared JSON (UTF-8 if a charset is named). Checked by the views
    that read a body, after routing, so that a wrong method is still answered 405."""
    media_type, _, parameters = (request.META.get("CONTENT_TYPE") or "").partition(";")
    if media_type.strip().lower() != JSON_MEDIA_TYPE:
        return ApiError(
            415,
            ("Content-Type", f"Send the document as JSON with 'Content-Type: {JSON_MEDIA_TYPE}'"),
            headers={"Accept-Post": JSON_MEDIA_TYPE},
        )
    charset = next(
        (
            p.split("=", 1)[1].strip().strip('"').lower()
            for p in parameters.split(";")
            if p.strip().lower().startswith("charset=")
        ),
        "utf-8",
    )
    if charset not in ("utf-8", "utf8"):
        return ApiError(415, ("Content-Type", "Send the document in UTF-8 (charset=utf-8)"))
    return None


class ApiEdgeMiddleware:
    """Applies `refusal` to requests under /api/ (the web pages have their own forms)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX) or request.path.startswith(API_PREFIX):
            refused = refusal(request)
            if refused is not None:
                return error_response(refused.status, refused.errors, headers=refused.headers)
        return self.get_response(request)


def _check_value(value: Any, *, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ApiError(400, ("document", f"The document nests more than {MAX_DEPTH} levels deep"))
    if isinstance(value, str):
        if _bad_text(value):
            raise ApiError(422, (where or "document", "Remove the NUL or invalid character from this value"))
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if _bad_text(key):
                raise ApiError(422, (where or "document", "Remove the NUL or invalid character from a field name"))
            _check_value(item, where=path, depth=depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, where=f"{where}[{index}]", depth=depth + 1)


def read_json(request: HttpRequest) -> Any:
    """The request's JSON document, refused (ApiError) when it is not UTF-8 JSON within the limits."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise _too_big() from None
    refused = content_type_refusal(request) if raw else None
    if refused is not None:
        raise refused
    if len(raw) > API_MAX_BODY_BYTES:
        raise _too_big()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, ("document", "The request body must be JSON in UTF-8")) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ApiError(400, ("document", f"The document nests more than {MAX_DEPTH} levels deep")) from None
    except ValueError:
        raise ApiError(400, ("document", "The request body must be a JSON notification document")) from None
    _check_value(data, where="", depth=0)
    return data


__all__ = ["API_MAX_BODY_BYTES", "ApiEdgeMiddleware", "MAX_DEPTH", "read_json", "refusal"]
