"""The people of a case (docs/rules/improvement.md §1, "People"): added, and ended, never edited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from perinatal.core import audit
from perinatal.improvement.models import Case, CasePerson, CasePersonEnd, PersonRole
from perinatal.improvement.services._common import audited, lock, not_in_future, optional_text, stamp, text
from perinatal.kernel.refusals import Refused


@transaction.atomic
def add_person(
    *, case: Case, role: str, name: str, by, job_title: str = "", email: str = "", request=None
) -> CasePerson:
    case = lock(case)
    if role not in PersonRole.values:
        raise Refused("role", "Select the person's role on the case")
    name = text(name, field="name", empty="Enter the person's name", words="The name", max_length=150)
    job_title = optional_text(job_title, field="job_title", words="The job title", max_length=150)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refused("email", "Enter an email address in the correct format, like name@nhs.net") from None
    person = CasePerson.objects.create(case=case, role=role, name=name, job_title=job_title, email=email, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"{PersonRole(role).label.lower()} added (person {person.pk})",
        by=by,
        request=request,
    )
    return person


@transaction.atomic
def end_person(*, person: CasePerson, ended_on: date, by, reason: str = "", request=None) -> CasePersonEnd:
    case = lock(person.case)
    if hasattr(person, "end"):
        raise Refused("__all__", "This person's role on the case has already ended")
    if ended_on is None:
        raise Refused("ended_on", "Enter the date the role ended")
    not_in_future(ended_on, field="ended_on", words="The date the role ended")
    reason = optional_text(reason, field="reason", words="The reason", max_length=300)
    end = CasePersonEnd.objects.create(person=person, ended_on=ended_on, reason=reason, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"person {person.pk} no longer in their role",
        by=by,
        request=request,
    )
    return end
