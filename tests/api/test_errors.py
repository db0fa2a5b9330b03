"""Every error the API answers has the project's body, ninja's own answers included: 405
(before any operation runs), 401 from an auth callable, 404, parameter validation."""

from __future__ import annotations

import pytest
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.testing import TestClient

from perinatal.api.errors import install_handlers


def test_405_has_the_error_body_and_names_what_the_url_does(client):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json() == {"errors": [{"field": "method", "message": "Use POST to submit a notification"}]}
    response = client.post("/api/v1/metrics")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json() == {
        "errors": [{"field": "method", "message": "Use GET to read the dashboard's metric rows"}]
    }


class Thing(Schema):
    count: int


@pytest.fixture
def ninja_client():
    """A small NinjaAPI with the project's handlers, to reach ninja's own errors."""
    api = NinjaAPI(urls_namespace="errors-test")
    install_handlers(api)

    @api.get("/numbers")
    def numbers(request, count: int):
        return {"count": count}

    @api.post("/things")
    def things(request, thing: Thing):
        return {"count": thing.count}

    @api.get("/private", auth=lambda request: None)
    def private(request):
        return {}

    @api.get("/missing")
    def missing(request):
        raise Http404("no such thing")

    @api.get("/busy")
    def busy(request):
        raise HttpError(429, "Too many requests")

    return TestClient(api)


def test_a_parameter_that_fails_validation_is_400_naming_it(ninja_client):
    response = ninja_client.get("/numbers?count=many")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "count" and error["message"]


def test_a_body_that_fails_validation_is_422_naming_the_field(ninja_client):
    response = ninja_client.post("/things", json={"count": "many"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["thing.count"]


def test_ninja_s_own_401_404_and_http_errors_have_the_error_body(ninja_client):
    refused = ninja_client.get("/private")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["errors"][0]["field"] == "Authorization"
    missing = ninja_client.get("/missing")
    assert missing.status_code == 404 and missing.json() == {
        "errors": [{"field": "url", "message": ("There is nothing at /missing")}]
    }
    busy = ninja_client.get("/busy")
    assert busy.status_code == 429 and busy.json() == {"errors": [{"field": "request", "message": "Too many requests"}]}
