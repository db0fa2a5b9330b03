"""The API tests run with the notifications tests' settings (they moved here from there)."""

from tests.notifications.conftest import _immediate_settings, transport  # noqa: F401 (fixtures)
