"""Writes for users, memberships, access requests, nominations and second factors."""

from __future__ import annotations

import csv
import io
import math
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.invitations import setup_link
from perinatal.accounts.models import (
    AccessRequest,
    AccessRequestDecision,
    Membership,
    NominatedUser,
    NominationUpload,
    User,
)
from perinatal.accounts.roles import REQUESTABLE_ROLES, Role, role_from_text
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.kernel.refusals import Refused
from perinatal.kernel.tabular_problems import FileRefused, LineProblem
from perinatal.organisations.models import Organisation


class AccessRequestRefused(Refused):
    """A request for access that cannot be made, naming the field it concerns."""


def grant_membership(*, user: User, organisation: Organisation, role: Role, granted_by: User | None) -> Membership:
    if organisation.kind != role.organisation_kind:
        raise ValueError(f"{role.label} is held at a {role.organisation_kind}, not a {organisation.kind}")
    existing = Membership.objects.active().filter(user=user, organisation=organisation, role=role.value).first()
    if existing:
        return existing
    return Membership.objects.create(
        user=user, organisation=organisation, role=role.value, granted_by=granted_by, granted_at=clock.now()
    )


def get_or_create_user(*, email: str, full_name: str) -> tuple[User, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user:
        return user, False
    user = User.objects.create_user(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, True


@transaction.atomic
def request_access(
    *, full_name: str, email: str, job_title: str, trust: Organisation, role: Role, reason: str, request=None
) -> AccessRequest:
    today = clock.today()
    if not trust.is_open_on(today):
        raise AccessRequestRefused(
            "trust",
            f"{trust.display_name} ({trust.code}) closed on {long_date(trust.closed_on)}. "
            "Ask for access to the trust that took over its services.",
        )
    if role not in REQUESTABLE_ROLES:
        raise AccessRequestRefused("role", "Choose a role you can ask a trust for")
    email = email.strip().lower()
    if AccessRequest.objects.filter(trust=trust, email=email, status=AccessRequest.Status.PENDING).exists():
        raise AccessRequestRefused(
            "email", "You have already asked for access to this trust. Its local authoriser will decide soon."
        )
    access_request = AccessRequest.objects.create(
        full_name=full_name.strip(),
        email=email,
        job_title=job_title.strip(),
        trust=trust,
        role=role.value,
        reason=reason.strip(),
        created_at=clock.now(),
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=access_request,
        organisation=trust,
        summary=f"Access request {access_request.pk} made for {role.label}",
        request=request,
    )
    _notify_authorisers(trust, access_request)
    return access_request


def _notify_authorisers(trust: Organisation, access_request: AccessRequest) -> None:
    emails = list(
        Membership.objects.active()
        .filter(organisation=trust, role=Role.LOCAL_AUTHORISER.value)
        .values_list("user__email", flat=True)
    )
    if emails:
        send_mail(
            subject=f"New access request for {trust.display_name}",
            message=(
                f"Someone has asked for access to the {settings.SERVICE_NAME} at {trust.display_name}.\n"
                f"Sign in to review access request {access_request.pk}."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=emails,
            fail_silently=True,
        )


@transaction.atomic
def decide_access_request(
    *, access_request: AccessRequest, approve: bool, reason: str, decided_by: User, request=None
) -> AccessRequestDecision:
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if access_request.status != AccessRequest.Status.PENDING:
        raise AccessRequestRefused("decision", "This request has already been decided")
    if not approve and not reason.strip():
        raise AccessRequestRefused("reason", "Enter why you are rejecting this request")
    status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
    decision = AccessRequestDecision.objects.create(
        access_request=access_request,
        status=status,
        reason=reason.strip(),
        decided_by=decided_by,
        decided_at=clock.now(),
    )
    access_request.status = status
    access_request.save(update_fields=["status"])
    audit.record(
        action=audit.Action.DECIDE,
        obj=access_request,
        organisation=access_request.trust,
        summary=f"Access request {access_request.pk} {status}",
        request=request,
        actor=decided_by,
    )
    if approve:
        user, created = get_or_create_user(email=access_request.email, full_name=access_request.full_name)
        grant_membership(
            user=user, organisation=access_request.trust, role=Role(access_request.role), granted_by=decided_by
        )
        _tell_requester_approved(access_request, user, needs_setup=created or not user.has_usable_password())
    else:
        send_mail(
            subject=f"Your request for access to {access_request.trust.display_name}",
            message=(
                f"Your request for access to the {settings.SERVICE_NAME} at {access_request.trust.display_name} "
                f"was not approved.\n\nReason: {decision.reason}\n\n"
                "Contact your Head of Midwifery if you have questions."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[access_request.email],
            fail_silently=True,
        )
    return decision


def _tell_requester_approved(access_request: AccessRequest, user: User, *, needs_setup: bool) -> None:
    body = (
        f"Your request for access to the {settings.SERVICE_NAME} at {access_request.trust.display_name} was approved."
    )
    if needs_setup:
        body += f"\n\nSet up your account (password and authenticator app): {setup_link(user)}"
    send_mail(
        subject=f"Access approved: {access_request.trust.display_name}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )


class NominationFileInvalid(FileRefused):
    """A nominated-users file refused whole, naming every bad line."""


NOMINATION_COLUMNS = ("name", "email", "role")


def parse_nominations(content: bytes) -> list[tuple[str, str, Role]]:
    """Validate a nominated-users CSV (name, email, role) whole; raise naming every bad line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NominationFileInvalid([LineProblem(None, None, "The file must be a CSV saved as UTF-8")]) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header[:3]) != NOMINATION_COLUMNS:
        raise NominationFileInvalid([LineProblem(1, None, "The first row must be the column names: name, email, role")])
    rows, problems, seen = [], [], {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        record = (record + ["", "", ""])[:3]
        name, email, role_text = (cell.strip() for cell in record)
        if not name:
            problems.append(LineProblem(line, "name", "Enter the person's full name"))
        try:
            validate_email(email)
        except ValidationError:
            problems.append(LineProblem(line, "email", f"'{email}' is not an email address"))
        else:
            if email.lower() in seen:
                problems.append(LineProblem(line, "email", f"is also on line {seen[email.lower()]}"))
            seen[email.lower()] = line
        role = role_from_text(role_text)
        if role not in REQUESTABLE_ROLES:
            problems.append(
                LineProblem(
                    line,
                    "role",
                    f"'{role_text}' is not a role: "
                    "use reporter, trust viewer, perinatal leadership or local authoriser",
                )
            )
        rows.append((name, email.lower(), role))
    if not rows and not problems:
        problems.append(LineProblem(None, None, "The file has no nominated users"))
    if problems:
        raise NominationFileInvalid(problems)
    return rows


@transaction.atomic
def upload_nominations(
    *, trust: Organisation, filename: str, content: bytes, uploaded_by: User, request=None
) -> NominationUpload:
    rows = parse_nominations(content)
    upload = NominationUpload.objects.create(
        trust=trust, filename=filename[:200], uploaded_by=uploaded_by, uploaded_at=clock.now()
    )
    for name, email, role in rows:
        user, _created = get_or_create_user(email=email, full_name=name)
        grant_membership(user=user, organisation=trust, role=role, granted_by=uploaded_by)
        NominatedUser.objects.create(upload=upload, full_name=name, email=email, role=role.value, user=user)
    audit.record(
        action=audit.Action.UPLOAD,
        obj=upload,
        organisation=trust,
        summary=f"Nominated users list uploaded ({len(rows)} people)",
        request=request,
        actor=uploaded_by,
    )
    return upload


# Second factors -------------------------------------------------------------------------


def create_totp_device(*, user: User, confirmed: bool, name: str = "Authenticator app") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)


def create_backup_codes(*, user: User, count: int = 5) -> list[str]:
    """Replace the user's static backup codes; each works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


#: An authenticator app shows 6 digits; backup codes have 8 (create_backup_codes).
TOTP_DIGITS = 6


def match_second_factor(*, user: User, code: str):
    """The device the code belongs to, or None.

    A code is tried only on the kind of device its length says it is for: django-otp's
    ``match_token`` tries every device, so a backup code would first count as a wrong
    authenticator code and start the authenticator's throttle.
    """
    if len(code) == TOTP_DIGITS:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    return next((device for device in devices if device.verify_token(code)), None)


def second_factor_wait_seconds(*, user: User) -> int:
    """Seconds before the user's authenticator may be tried again (0: now).

    django-otp doubles the wait after each wrong code to stop guessing; while it waits,
    even the right code is refused, so the page must say "wait", not "wrong code".
    """
    waits = []
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            # django-otp times its throttle by the real clock, not the service clock.
            waits.append((details["locked_until"] - timezone.now()).total_seconds())
    return max(0, math.ceil(max(waits, default=0)))
