"""One refusal naming its field: every service's refusal is a `Refused`, so forms, the API and
commands can show any of them the same way."""

from __future__ import annotations

import pytest

from perinatal.accounts.services import AccessRequestRefused
from perinatal.kernel.refusals import WHOLE_FORM, Refused
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.surveillance.services.reference_rates import ReferenceRatesRefused
from perinatal.surveillance.services.safety_checks import SafetyCheckRefused


@pytest.mark.parametrize("refusal", [AccessRequestRefused, InvalidInput, ReferenceRatesRefused, SafetyCheckRefused])
def test_every_service_refusal_names_its_field(refusal):
    error = refusal("email", "Enter an email address")
    assert isinstance(error, Refused) and isinstance(error, ValueError)
    assert (error.field, error.message, str(error)) == ("email", "Enter an email address", "Enter an email address")


def test_a_refusal_of_the_whole_form():
    assert Refused(WHOLE_FORM, "This safety check is completed").field == "__all__"
