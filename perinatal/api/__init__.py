"""The JSON API (version 1), on django-ninja: one package on top of the domain apps.

Why a package of its own: the API's HTTP concerns (Bearer tokens, the error body, the
OpenAPI description) were written twice, in `notifications` and `dashboard`, and the
hand-written description had drifted (it did not mention GET /api/v1/metrics). Here they are
written once, and the description is generated from typed schemas (ADR 0017).

The dependency points one way: this package imports the domain apps (their services,
presenters, engines); no domain app imports `perinatal.api`.

- `app`: the NinjaAPI, its routers and GET /api/v1/openapi.json
- `urls`: the URL patterns (included at api/v1/ by `perinatal.urls`)
- `auth`: the Bearer per-trust token, read in one place
- `errors`: `{"errors": [{"field", "message"}]}` for every error, ninja's own included
- `openapi`: the house style of the generated document
- `schemas`: the typed request and response schemas
- `notifications`, `submissions`, `metrics`: the endpoints
"""
