"""System checks that stop a deploy (perinatal.core.checks)."""

from django.test import override_settings

from perinatal.core.checks import service_base_url_is_public


def test_production_with_links_to_the_loopback_address_is_an_error():
    for url in ("http://127.0.0.1:8000", "http://localhost:8000/", "http://[::1]:8000"):
        with override_settings(PRODUCTION=True, SERVICE_BASE_URL=url):
            assert [error.id for error in service_base_url_is_public(None)] == ["perinatal.E002"], url


def test_a_public_address_or_the_demo_passes():
    with override_settings(PRODUCTION=True, SERVICE_BASE_URL="https://perinatal.example.nhs.uk"):
        assert service_base_url_is_public(None) == []
    with override_settings(PRODUCTION=False, SERVICE_BASE_URL="http://127.0.0.1:8000"):
        assert service_base_url_is_public(None) == []
