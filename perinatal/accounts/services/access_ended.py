"""What else ends when a person's access ends: the hooks named by ``PERINATAL_ACCESS_ENDED_HOOKS``.

Accounts sits below the apps that hold other credentials (the API tokens of
``perinatal.notifications``), so it cannot call them; the setting names, as dotted paths, the
functions to call when someone is suspended or removed at a trust. Each is called inside the
same transaction as ``hook(user=…, trust=…, everywhere=…, by=…, request=…)`` — `everywhere`
when the person has no access left at all — and if one fails, nothing is changed
(docs/rules/accounts.md §4).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from perinatal.accounts.models import User
from perinatal.organisations.models import Organisation


def run_access_ended_hooks(*, user: User, trust: Organisation, everywhere: bool, by: User | None, request=None) -> None:
    for path in getattr(settings, "PERINATAL_ACCESS_ENDED_HOOKS", ()):
        import_string(path)(user=user, trust=trust, everywhere=everywhere, by=by, request=request)
