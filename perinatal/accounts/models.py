"""Users, their memberships (organisation + role), access requests, nominations, the links
emailed to set up or recover an account, and the sessions a person is signed in with.

The account lifecycle (docs/adr/0022-account-lifecycle.md): a person is invited (an emailed
set-up link), sets up a password and an authenticator app, and is then active; their trust's
local authoriser can suspend them or remove them from the trust (docs/rules/accounts.md §1–§5).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from perinatal.accounts.roles import CHOICES as ROLE_CHOICES
from perinatal.accounts.roles import Role


class EmailUserManager(UserManager):
    def create_user(self, email, password=None, **extra):
        extra.setdefault("username", email.lower())
        return super().create_user(extra.pop("username"), email=email.lower(), password=password, **extra)


class User(AbstractUser):
    """A person. The username is their email address (lower case)."""

    full_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(unique=True)
    set_up_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person finished setting up their account; empty while invited."
    )
    session_generation = models.PositiveIntegerField(
        default=0,
        help_text="Raised to end every session at once: a session signed in under an older generation is ended.",
    )

    objects = EmailUserManager()

    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def active_memberships(self):
        return self.memberships.active().select_related("organisation")

    @property
    def is_set_up(self) -> bool:
        return self.set_up_at is not None


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Not revoked: held, though perhaps suspended for now."""
        return self.filter(revoked_at__isnull=True)

    def active(self):
        """Held and not suspended: the memberships that give access."""
        return self.filter(revoked_at__isnull=True, suspended_at__isnull=True)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    suspended_at = models.DateTimeField(
        null=True, blank=True, help_text="Suspended by the trust: no access until reinstated."
    )
    suspended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_membership_per_role",
            )
        ]

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class AccessRequest(models.Model):
    """A person asks for access to a trust; its local authoriser decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    job_title = models.CharField(max_length=150)
    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="access_requests")
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    authorisers_told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the trust's authorisers were emailed about this request (and any that followed).",
    )

    class Meta:
        ordering = ["-created_at"]

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class AccessRequestDecision(models.Model):
    """Append-only: who decided what about an access request, when and why."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="decisions")
    status = models.CharField(max_length=10, choices=AccessRequest.Status.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]


class NominationUpload(models.Model):
    """A Head of Midwifery's list of nominated users for go-live."""

    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="nomination_uploads")
    filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at"]


class NominatedUser(models.Model):
    """One person on a nominations list. Someone who already works for another organisation on
    the service is given the role only once they agree (docs/rules/accounts.md §1.1)."""

    class Status(models.TextChoices):
        GRANTED = "granted", "Given the role"
        AWAITING_CONSENT = "awaiting_consent", "Waiting for them to agree"
        ACCEPTED = "accepted", "Agreed: given the role"
        DECLINED = "declined", "Declined"

    upload = models.ForeignKey(NominationUpload, on_delete=models.CASCADE, related_name="nominees")
    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="nominations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GRANTED)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["full_name"]

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class AccountLink(models.Model):
    """A link emailed to one person to set up their account, reset their password or set up a
    new authenticator app. Only the token's SHA-256 hash is stored. A link works until it is
    used, replaced by a newer one of the same purpose, or expires (docs/rules/accounts.md §2)."""

    class Purpose(models.TextChoices):
        SET_UP = "set_up", "Set up your account"
        PASSWORD_RESET = "password_reset", "Reset your password"
        NEW_AUTHENTICATOR = "new_authenticator", "Set up a new authenticator app"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Empty: the person asked."
    )
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text="Replaced by a newer link, or access ended.")
    sent_at = models.DateTimeField(null=True, blank=True)
    send_problem = models.CharField(max_length=200, blank=True, help_text="Why the email was not sent (no addresses).")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose"])]

    def is_open_at(self, moment) -> bool:
        return self.used_at is None and self.cancelled_at is None and moment < self.expires_at


class SignedInSession(models.Model):
    """A session a person signed in with, so that it can be ended at once (docs/rules/accounts.md §4)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_in_at"]


class ThrottledRequest(models.Model):
    """One request of a form anyone may send ("Forgot your password?", docs/rules/accounts.md §3;
    "Request access", docs/rules/accounts.md §6), kept a day to throttle them (services/throttle.py).

    The address is kept only as a keyed hash: the table says how often an address was asked
    for, never which addresses were asked for."""

    PASSWORD_RESET = "password-reset"
    ACCESS_REQUEST = "access-request"

    purpose = models.CharField(max_length=20, default=PASSWORD_RESET, db_index=True)
    requested_at = models.DateTimeField(db_index=True)
    email_digest = models.CharField(max_length=64, db_index=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
