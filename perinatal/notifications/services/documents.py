"""Reading a notification document, and the checks submission and amendment share.

``parse`` validates a document against the register as it is now (the journey, the API and
the ``route`` command call it too). ``refuse``, ``linked_notification`` and
``copy_matching_fields`` are for :mod:`.submission` and :mod:`.amendment`: both refuse with
the routing engine's ``DocumentInvalid``, resolve the linked notification and copy the fields
duplicates are matched on.
"""

from __future__ import annotations

from perinatal.core import clock
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, normalise_nhs_number
from perinatal.notifications.database_register import register_for
from perinatal.notifications.models import Notification
from perinatal.notifications.routing import DocumentInvalid, FieldError, NotificationDocument, parse_document
from perinatal.organisations.models import Organisation


def parse(document: object, *, trust: Organisation | None = None) -> NotificationDocument:
    """Validate a notification document against the register, now. Raises DocumentInvalid.
    `trust`: the submitting trust, already read (the register is not asked again that it exists)."""
    register = register_for(document)
    if trust is not None and trust.kind == Organisation.Kind.TRUST:
        register.know_trust(trust.code)
    return parse_document(document, register=register, now=clock.now())


def refuse(*errors: tuple[str, str]) -> None:
    raise DocumentInvalid([FieldError(field, message) for field, message in errors])


def linkable_notification(reference: str, *, trust_code: str, mother_nhs_number: str | None) -> Notification | None:
    """The notification a new one may name as linked: the trust's own, or another trust's about
    the same mother (her NHS number on both: a mother's and her baby's notifications may come
    from different trusts). Any other answers as if it did not exist, so that a trust cannot
    learn which references exist elsewhere (issue 13)."""
    linked = Notification.objects.filter(reference=(reference or "").strip().upper()).select_related("trust").first()
    if linked is None:
        return None
    if linked.trust.code == trust_code:
        return linked
    try:
        mother = normalise_nhs_number(mother_nhs_number) if mother_nhs_number else ""
    except InvalidNhsNumber:
        mother = ""
    return linked if mother and linked.mother_nhs_number == mother else None


def linked_notification(parsed: NotificationDocument, *, not_this: Notification | None = None) -> Notification | None:
    reference = parsed.linked_notification
    if not reference:
        return None
    linked = linkable_notification(
        reference, trust_code=parsed.trust, mother_nhs_number=parsed.mother.nhs_number if parsed.mother else None
    )
    if linked is None:
        refuse(
            (
                "linked_notification",
                f"There is no notification with reference {reference} for your trust or this mother. "
                "Check the reference, like PEN-2026-000123",
            )
        )
    if not_this is not None and linked.pk == not_this.pk:
        refuse(("linked_notification", "A notification cannot be linked to itself"))
    return linked


def copy_matching_fields(notification: Notification, parsed: NotificationDocument) -> None:
    mother, baby = parsed.mother, parsed.baby
    notification.mother_nhs_number = (mother.nhs_number if mother else None) or ""
    notification.baby_nhs_number = (baby.nhs_number if baby else None) or ""
    notification.born_at = baby.born_at if baby else None
    notification.multiple_birth = baby.multiple_birth if baby else None
    death = parsed.maternal_death
    notification.mother_died_at = death.died_at if death else None
