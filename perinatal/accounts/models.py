"""Users, their memberships (organisation + role), access requests and nominations."""

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

    objects = EmailUserManager()

    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def active_memberships(self):
        return self.memberships.filter(revoked_at__isnull=True).select_related("organisation")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

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
    upload = models.ForeignKey(NominationUpload, on_delete=models.CASCADE, related_name="nominees")
    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="nominations")

    class Meta:
        ordering = ["full_name"]

    @property
    def role_label(self) -> str:
        return Role(self.role).label
