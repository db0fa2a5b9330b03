"""Every API error has one body: `{"errors": [{"field": ..., "message": ...}]}`.

Clients of version 1 parse that body for every 4xx, so ninja's own answers (its 422
`{"detail": [...]}` for parameters that fail validation, `{"detail": "Unauthorized"}`,
`{"detail": "Not Found"}` and its plain-text 405) are replaced here by the same body, each
error naming the field, parameter or header it is about.

Views raise `ApiError`; the domain's `DocumentInvalid` (422, one error per field) and
`NotYetLive` (403) are answered here too, so that no view repeats the translation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from perinatal.notifications.routing import DocumentInvalid
from perinatal.notifications.services.submission import NotYetLive

#: The challenge of every 401 (RFC 6750); an invalid token adds `error="invalid_token"`.
BEARER_CHALLENGE = 'Bearer realm="perinatal"'
INVALID_TOKEN_CHALLENGE = 'Bearer realm="perinatal", error="invalid_token"'


class ApiError(Exception):
    """An answer other than success: a status and one or more (field, message) pairs."""

    def __init__(self, status: int, *errors: tuple[str, str], headers: dict[str, str] | None = None):
        super().__init__(*(message for _, message in errors))
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def error_response(
    status: int, errors: Iterable[tuple[str, str]], *, headers: dict[str, str] | None = None
) -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"field": field, "message": message} for field, message in errors]}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return error_response(error.status, error.errors, headers=error.headers)


def _document_invalid(request: HttpRequest, error: DocumentInvalid) -> HttpResponse:
    return error_response(422, [(e.field, e.message) for e in error.errors])


def _not_yet_live(request: HttpRequest, error: NotYetLive) -> HttpResponse:
    return error_response(403, [("trust", str(error))])


def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """ninja's parameter validation: 400 for a query, path or header parameter (a bad
    parameter, as before), 422 for a body; each error names the parameter by its dotted path."""
    pairs = []
    for item in error.errors:
        source, *path = item.get("loc") or ("request",)
        pairs.append((".".join(str(part) for part in path) or str(source), item.get("msg", "is not valid")))
    status = 422 if any((item.get("loc") or ("",))[0] == "body" for item in error.errors) else 400
    return error_response(status, pairs)


def _authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    # Only reached by an auth callable that answers None instead of raising ApiError.
    return error_response(
        401,
        [("Authorization", "Send an API token as 'Authorization: Bearer <token>'")],
        headers={"WWW-Authenticate": BEARER_CHALLENGE},
    )


def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return error_response(error.status_code, [("request", error.message)])


def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(404, [("url", f"There is nothing at {request.path}")])


def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other address under /api/: the API's 404 body, not the web's page."""
    return error_response(404, [("url", "There is nothing at this address: see /api/v1/openapi.json")])


not_found.csrf_exempt = True  # type: ignore[attr-defined]  # any method may reach it, with no session


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a request it could not read: `SuspiciousOperation`, `BadRequest`) under
    /api/: the API's body, not the web's page (`perinatal.urls.handler400`)."""
    return error_response(400, [("request", "The request could not be read")])


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 under /api/ (`perinatal.urls.handler500`): the API's body, not the web's page.
    Said so that a client retries safely: a submission is stored once per Idempotency-Key."""
    return error_response(
        500,
        [
            (
                "request",
                "The service could not answer. Try again later with the same Idempotency-Key "
                "(a submission sent with one is never stored twice)",
            )
        ],
    )


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default error answers with the project's body."""
    for exception, handler in (
        (ApiError, _api_error),
        (DocumentInvalid, _document_invalid),
        (NotYetLive, _not_yet_live),
        (ValidationError, _validation_error),
        (AuthenticationError, _authentication_error),
        (HttpError, _http_error),
        (Http404, _not_found),
    ):
        api.add_exception_handler(exception, handler)


def method_not_allowed(view: Callable[..., HttpResponse], *, action: str) -> Callable[..., HttpResponse]:
    """Wrap a ninja URL view so that its 405 (plain text, before any operation runs) has the
    project's body: `Use POST to submit a notification`, `action` being the operation's summary."""

    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        methods = sorted(response["Allow"].split(", "))
        return error_response(
            405, [("method", f"Use {' or '.join(methods)} to {action}")], headers={"Allow": ", ".join(methods)}
        )

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)  # ninja's views are CSRF exempt
    return wrapper
