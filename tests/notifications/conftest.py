"""Fixtures for the notifications app: documents, people, and a transport that delivers to
this platform's receiving endpoint in-process (so delivery is tested end to end without a
server)."""

from __future__ import annotations

import pytest
from django.test import Client

from perinatal.notifications import delivery
from tests.notifications.factories import FakeTransport


@pytest.fixture
def transport(monkeypatch):
    """Deliveries go to the receiving endpoint through the Django test client."""
    fake = FakeTransport(Client())
    monkeypatch.setattr(delivery, "transport", fake)
    return fake


@pytest.fixture(autouse=True)
def _immediate_settings(settings):
    settings.SERVICE_BASE_URL = "http://testserver"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 3600
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
