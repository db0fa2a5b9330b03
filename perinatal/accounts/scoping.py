"""The one accessor through which record-level data is read.

Every view that shows records belonging to an organisation asks ``scope_for(request)``
and filters through ``Scope.restrict``. A user of trust A can therefore never read trust
B's records: the filter is built from the user's own active memberships, never from the
URL. Aggregate published statistics (the dashboard) are not record-level data and are
not scoped (docs/rules/dashboard.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet
from django.http import Http404

from perinatal.accounts.roles import NATIONAL_ROLES, TRUST_ROLES, Role
from perinatal.core import clock
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import trusts_in

# Which roles read which record-level data. Each view names the purpose it reads for.
READ_TRUST_RECORDS = frozenset(TRUST_ROLES | {Role.ICB_VIEWER, Role.REGIONAL_VIEWER} | NATIONAL_ROLES)
AUTHORISE_USERS = frozenset({Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN})
READ_AUDIT = frozenset({Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN})
# MOSS critical safety checks are recorded by the trust's perinatal leadership (its local
# authoriser, the Head or Director of Midwifery); everyone who reads trust records reads them.
RECORD_SAFETY_CHECKS = frozenset({Role.LOCAL_AUTHORISER})
# Identifiable perinatal event notifications: the trust's own staff only (national reviewers
# read them through their body's inbox, which shows only their body's fields).
READ_NOTIFICATIONS = frozenset({Role.REPORTER, Role.LOCAL_AUTHORISER, Role.TRUST_VIEWER})
AMEND_NOTIFICATIONS = frozenset({Role.REPORTER, Role.LOCAL_AUTHORISER})
# The mother's and the baby's identifiers on a notification (NHS numbers, the mother's date of
# birth and postcode), and searching by NHS number: those who report, correct and answer for it.
# The trust's board, executives and analysts (trust viewers) see every event without them; each
# national body sees the identifiers its field set sends it (docs/adr/0021-who-sees-identifiers.md).
SEE_NOTIFICATION_IDENTIFIERS = frozenset({Role.REPORTER, Role.LOCAL_AUTHORISER})
# Starting and submitting a notification in the web journey (their own drafts only).
SUBMIT_NOTIFICATIONS = frozenset({Role.REPORTER, Role.LOCAL_AUTHORISER})
MANAGE_API_TOKENS = frozenset({Role.SYSTEM_ADMIN})
# Dashboard uploads (a file, its rows and errors) are record-level: the uploading trust's
# own staff and national admins only (docs/rules/dashboard.md §5); ICB and regional viewers see none.
READ_DASHBOARD_UPLOADS = frozenset(TRUST_ROLES | {Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN})
# Uploading a dashboard dataset file on the upload page: national programme admins, any dataset
# for any trust; a trust's Head of Midwifery, perinatal leadership and analysts (trust viewers)
# their own trust's births, neonatal care and inductions only (docs/rules/dashboard.md §5).
UPLOAD_DASHBOARD_DATA = frozenset({Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN})
UPLOAD_OWN_TRUST_DATA = frozenset({Role.LOCAL_AUTHORISER, Role.PERINATAL_LEADERSHIP, Role.TRUST_VIEWER})
# Improvement support cases (docs/rules/improvement.md §1): the trust sees its own (its local
# authoriser, board and executives; not every reporter), its ICB and region theirs, the national
# team all. Only the Improvement Support Team and the region triage, open and change a case and
# agree its plan; the trust updates its plan's actions and answers service-user feedback.
READ_IMPROVEMENT_CASES = frozenset(
    {Role.LOCAL_AUTHORISER, Role.TRUST_VIEWER, Role.ICB_VIEWER, Role.REGIONAL_VIEWER} | NATIONAL_ROLES
)
MANAGE_IMPROVEMENT_CASES = frozenset({Role.REGIONAL_VIEWER, Role.IMPROVEMENT_SUPPORT})
UPDATE_IMPROVEMENT_ACTIONS = frozenset({Role.LOCAL_AUTHORISER, Role.TRUST_VIEWER} | MANAGE_IMPROVEMENT_CASES)

# The Perinatal Equity and Anti-Discrimination Programme (docs/rules/equity.md §3). The national
# programme team (programme admins) plans the intakes and records the sessions; a trust's
# perinatal leadership (its local authoriser, the Head or Director of Midwifery, and those they
# grant perinatal leadership) records its own teams and progress; the trust's board and
# executives, its ICB and its region read it. Nobody else sees the programme.
PLAN_EQUITY_PROGRAMME = frozenset({Role.PROGRAMME_ADMIN})
RECORD_EQUITY_TEAMS = frozenset({Role.LOCAL_AUTHORISER, Role.PERINATAL_LEADERSHIP})
READ_EQUITY_PROGRAMME = frozenset(
    RECORD_EQUITY_TEAMS | PLAN_EQUITY_PROGRAMME | {Role.TRUST_VIEWER, Role.ICB_VIEWER, Role.REGIONAL_VIEWER}
)
# Team members' names, job titles and work emails: the trust's own leadership and board, and
# the programme team who run the sessions. ICBs and regions see which roles are filled, not who.
SEE_EQUITY_TEAM_NAMES = frozenset(RECORD_EQUITY_TEAMS | PLAN_EQUITY_PROGRAMME | {Role.TRUST_VIEWER})

# The monthly board report (docs/rules/board_report.md §2). Its author is the trust's Head or
# Director of Midwifery (local authoriser) or a delegate they grant perinatal leadership; the
# executive lead approves or returns it. Drafts are the trust's own; once approved the trust's
# ICB, its region and the national teams read it too.
WRITE_BOARD_REPORTS = frozenset({Role.LOCAL_AUTHORISER, Role.PERINATAL_LEADERSHIP})
APPROVE_BOARD_REPORTS = frozenset({Role.EXECUTIVE_LEAD})
READ_BOARD_REPORT_DRAFTS = frozenset(TRUST_ROLES)
READ_APPROVED_BOARD_REPORTS = READ_TRUST_RECORDS


@dataclass(frozen=True)
class Grant:
    role: Role
    organisation: Organisation


class Scope:
    def __init__(self, user):
        self.user = user
        if user is None or not user.is_authenticated or not user.is_active:
            self.grants: tuple[Grant, ...] = ()
        else:
            self.grants = tuple(
                Grant(Role(m.role), m.organisation)
                # Active memberships only: a suspended role gives no access (docs/rules/accounts.md §4).
                for m in user.memberships.active().select_related("organisation", "organisation__region")
            )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def primary_organisation(self) -> Organisation | None:
        return self.grants[0].organisation if self.grants else None

    @property
    def organisations(self) -> list[Organisation]:
        seen, result = set(), []
        for grant in self.grants:
            if grant.organisation.pk not in seen:
                seen.add(grant.organisation.pk)
                result.append(grant.organisation)
        return result

    def is_national(self, purpose: frozenset[Role] = READ_TRUST_RECORDS) -> bool:
        return any(grant.role in NATIONAL_ROLES and grant.role in purpose for grant in self.grants)

    @cached_property
    def _trust_ids_cache(self) -> dict[frozenset[Role], frozenset[int] | None]:
        return {}

    def trust_ids(self, purpose: frozenset[Role] = READ_TRUST_RECORDS) -> frozenset[int] | None:
        """Ids of the trusts whose records the user may read for this purpose; None = every trust."""
        if purpose in self._trust_ids_cache:
            return self._trust_ids_cache[purpose]

        today = clock.today()
        ids: set[int] = set()
        result: frozenset[int] | None
        if self.is_national(purpose):
            result = None
        else:
            for grant in self.grants:
                if grant.role not in purpose:
                    continue
                if grant.organisation.kind == Organisation.Kind.TRUST:
                    ids.add(grant.organisation.pk)
                elif grant.organisation.kind in (Organisation.Kind.ICB, Organisation.Kind.REGION):
                    ids.update(trusts_in(grant.organisation, today).values_list("pk", flat=True))
            result = frozenset(ids)
        self._trust_ids_cache[purpose] = result
        return result

    def restrict(
        self, queryset: QuerySet, *, trust_field: str = "trust", purpose: frozenset[Role] = READ_TRUST_RECORDS
    ) -> QuerySet:
        """Filter any queryset of trust-owned records to what this user may read."""
        ids = self.trust_ids(purpose)
        if ids is None:
            return queryset
        return queryset.filter(Q(**{f"{trust_field}__in": ids}))

    def can_read_trust(self, trust: Organisation, purpose: frozenset[Role] = READ_TRUST_RECORDS) -> bool:
        ids = self.trust_ids(purpose)
        return ids is None or trust.pk in ids

    def get_or_404(self, queryset: QuerySet, *, trust_field: str = "trust", purpose=READ_TRUST_RECORDS, **lookup):
        """Fetch one record within scope; a record outside it is indistinguishable from a missing one."""
        try:
            return self.restrict(queryset, trust_field=trust_field, purpose=purpose).get(**lookup)
        except queryset.model.DoesNotExist:
            raise Http404("No such record in your organisations") from None

    def trusts_for(self, purpose: frozenset[Role]) -> QuerySet[Organisation]:
        queryset = Organisation.objects.filter(kind=Organisation.Kind.TRUST)
        ids = self.trust_ids(purpose)
        return queryset if ids is None else queryset.filter(pk__in=ids)

    def body_codes(self) -> frozenset[str]:
        """National bodies whose inbox this user reviews."""
        return frozenset(g.organisation.code for g in self.grants if g.role is Role.NATIONAL_REVIEWER)


def scope_for(request_or_user) -> Scope:
    """The scope of the signed-in user, cached on the request."""
    request = request_or_user if hasattr(request_or_user, "META") else None
    if request is None:
        return Scope(request_or_user)
    cached = getattr(request, "_perinatal_scope", None)
    if cached is None:
        cached = Scope(getattr(request, "user", None))
        request._perinatal_scope = cached
    return cached


def acting_organisation(request) -> Organisation | None:
    """The organisation an audit event records its actor acting for (settings'
    ``PERINATAL_ACTING_ORGANISATION`` names this function for `perinatal.core.audit`)."""
    return scope_for(request).primary_organisation
