"""A Head of Midwifery's list of nominated users: checked whole, stored, and everyone on it invited.

Someone who already works for another organisation on the service, and holds no role at this
trust, is asked first: the role is theirs only once they agree (docs/rules/accounts.md §1.1), so
that one trust's list cannot put another organisation's staff on its books unasked."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from perinatal.accounts import emails
from perinatal.accounts.models import Membership, NominatedUser, NominationUpload, User
from perinatal.accounts.roles import REQUESTABLE_ROLES, Role, role_from_text
from perinatal.accounts.services.invitations import invite
from perinatal.accounts.services.links import email_person_after_commit
from perinatal.accounts.services.memberships import get_or_create_user, grant_membership
from perinatal.accounts.work_email import is_personal_email
from perinatal.core import audit, clock
from perinatal.kernel.hostile_text import unstorable
from perinatal.kernel.refusals import Refused
from perinatal.kernel.tabular_problems import FileRefused, LineProblem
from perinatal.organisations.models import Organisation


class NominationFileInvalid(FileRefused):
    """A nominated-users file refused whole, naming every bad line."""


class NominationRefused(Refused):
    """A decision on a nomination that cannot be made, naming the field it concerns."""


NOMINATION_COLUMNS = ("name", "email", "role")
UNREADABLE_CELL = "Remove the NUL or other invalid character from this cell"


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
        unreadable = [
            LineProblem(line, header[i] if i < len(header) and header[i] else f"{i + 1}", UNREADABLE_CELL)
            for i, cell in enumerate(record)
            if unstorable(cell)
        ]
        if unreadable:
            # A NUL cannot be stored (PostgreSQL refuses it in text) nor shown: the row is not
            # checked further, so no other message repeats the cell.
            problems.extend(unreadable)
            continue
        record = (record + ["", "", ""])[:3]
        name, email, role_text = (cell.strip() for cell in record)
        if not name:
            problems.append(LineProblem(line, "name", "Enter the person's full name"))
        elif len(name) > 150:
            problems.append(LineProblem(line, "name", "The name must be 150 characters or fewer"))
        try:
            validate_email(email)
        except ValidationError:
            problems.append(LineProblem(line, "email", f"'{email}' is not an email address"))
        else:
            if is_personal_email(email):
                # docs/rules/accounts.md §6: set-up links go to work addresses only.
                problems.append(
                    LineProblem(
                        line,
                        "email",
                        f"'{email}' is a personal email address: use the person's NHSmail or trust address",
                    )
                )
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
    """Store the list, give each person their role at the trust, and invite each of them
    (docs/rules/accounts.md §1): a set-up link to anyone not yet set up, a note to the others."""
    rows = parse_nominations(content)
    upload = NominationUpload.objects.create(
        trust=trust, filename=filename[:200], uploaded_by=uploaded_by, uploaded_at=clock.now()
    )
    to_invite, to_ask = {}, {}
    for name, email, role in rows:
        user, _created = get_or_create_user(email=email, full_name=name)
        if _works_elsewhere_only(user=user, trust=trust):
            NominatedUser.objects.create(
                upload=upload,
                full_name=name,
                email=email,
                role=role.value,
                user=user,
                status=NominatedUser.Status.AWAITING_CONSENT,
            )
            to_ask[user.pk] = user
            continue
        held = Membership.objects.current().filter(user=user, organisation=trust, role=role.value).exists()
        grant_membership(user=user, organisation=trust, role=role, granted_by=uploaded_by)
        NominatedUser.objects.create(upload=upload, full_name=name, email=email, role=role.value, user=user)
        # Someone on the list again who already set up and held the role needs no email.
        if not held or not user.is_set_up:
            to_invite[user.pk] = user
    for user in to_invite.values():
        invite(user=user, trust=trust, invited_by=uploaded_by)
    for user in to_ask.values():
        subject, body = emails.nomination_to_agree(trust_name=trust.display_name)
        email_person_after_commit(user=user, subject=subject, body=body, reference=f"nomination-{upload.pk}-{user.pk}")
    asked = f"; {len(to_ask)} who work for another organisation asked to agree first" if to_ask else ""
    audit.record(
        action=audit.Action.UPLOAD,
        obj=upload,
        organisation=trust,
        summary=f"Nominated users list uploaded ({len(rows)} people); each invited by email{asked}",
        request=request,
        actor=uploaded_by,
    )
    return upload


def _works_elsewhere_only(*, user: User, trust: Organisation) -> bool:
    """The person holds a role at another organisation and none at this trust."""
    current = Membership.objects.current().filter(user=user)
    return current.exclude(organisation=trust).exists() and not current.filter(organisation=trust).exists()


@transaction.atomic
def decide_nomination(*, nomination_id: int, user: User, agree: bool, request=None) -> NominatedUser:
    """The nominated person agrees (and is given the role) or declines. Only they may decide, once."""
    nomination = (
        NominatedUser.objects.select_for_update()
        .select_related("upload__trust", "upload__uploaded_by")
        .filter(pk=nomination_id, user=user)
        .first()
    )
    if nomination is None or nomination.status != NominatedUser.Status.AWAITING_CONSENT:
        raise NominationRefused("decision", "This nomination is not waiting for your answer")
    trust = nomination.upload.trust
    if agree:
        grant_membership(
            user=user, organisation=trust, role=Role(nomination.role), granted_by=nomination.upload.uploaded_by
        )
        nomination.status = NominatedUser.Status.ACCEPTED
    else:
        nomination.status = NominatedUser.Status.DECLINED
    nomination.decided_at = clock.now()
    nomination.save(update_fields=["status", "decided_at"])
    audit.record(
        action=audit.Action.DECIDE,
        obj=nomination.upload,
        organisation=trust,
        summary=(
            f"User {user.pk} {'agreed to' if agree else 'declined'} the nomination as {Role(nomination.role).label}"
        ),
        request=request,
        actor=user,
    )
    return nomination
