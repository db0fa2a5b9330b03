"""Demo users: one per role, with fixed credentials so that `make run` can print them.

Demo only. Passwords, TOTP keys and backup codes are derived from the email address with
a fixed salt, so running set-up twice gives the same sign-ins and changes nothing.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import AccessRequest, User
from perinatal.accounts.roles import Role
from perinatal.accounts.services import grant_membership
from perinatal.core import clock
from perinatal.organisations.models import ENGLAND_CODE, Organisation

DEMO_PASSWORD = "demo-password-not-for-production"
DEMO_SALT = b"perinatal-demo-credentials"

# (email, full name, role, organisation code)
DEMO_USERS = (
    ("hom.r0a@perinatal.example", "Amina Okafor", Role.LOCAL_AUTHORISER, "R0A"),
    ("midwife.r0a@perinatal.example", "Beth Lewis", Role.REPORTER, "R0A"),
    ("board.r0a@perinatal.example", "Carl Dunn", Role.TRUST_VIEWER, "R0A"),
    ("quad.r0a@perinatal.example", "Jade Brennan", Role.PERINATAL_LEADERSHIP, "R0A"),
    ("exec.r0a@perinatal.example", "Ola Bamidele", Role.EXECUTIVE_LEAD, "R0A"),
    ("exec.rrk@perinatal.example", "Priya Raman", Role.EXECUTIVE_LEAD, "RRK"),
    ("exec.ryr@perinatal.example", "Quinn Harper", Role.EXECUTIVE_LEAD, "RYR"),
    ("hom.rrk@perinatal.example", "Deepa Shah", Role.LOCAL_AUTHORISER, "RRK"),
    ("midwife.rrk@perinatal.example", "Eve Morgan", Role.REPORTER, "RRK"),
    ("hom.ryr@perinatal.example", "Fay Collins", Role.LOCAL_AUTHORISER, "RYR"),
    ("icb.qop@perinatal.example", "Gus Patel", Role.ICB_VIEWER, "QOP"),
    ("region.y62@perinatal.example", "Hana Novak", Role.REGIONAL_VIEWER, "Y62"),
    ("reviewer.mbrrace@perinatal.example", "Ian Reid", Role.NATIONAL_REVIEWER, "MBRRACE_UK"),
    ("reviewer.mnsi@perinatal.example", "Jo Kerr", Role.NATIONAL_REVIEWER, "MNSI"),
    ("reviewer.nhsr@perinatal.example", "Kit Ward", Role.NATIONAL_REVIEWER, "NHSR_EN"),
    ("ist@perinatal.example", "Lena Park", Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE),
    ("programme.admin@perinatal.example", "Max Evans", Role.PROGRAMME_ADMIN, ENGLAND_CODE),
    ("system.admin@perinatal.example", "Nia Hughes", Role.SYSTEM_ADMIN, ENGLAND_CODE),
)

DEMO_ACCESS_REQUESTS = (
    ("Olu Adeyemi", "olu.adeyemi@perinatal.example", "Band 6 midwife", "R0A", Role.REPORTER, "Labour ward, nights"),
    ("Pat Quinn", "pat.quinn@perinatal.example", "Neonatal nurse", "R0A", Role.REPORTER, ""),
    ("Rae Stone", "rae.stone@perinatal.example", "Risk midwife", "RRK", Role.REPORTER, ""),
)


def _derive(email: str, purpose: bytes, length: int) -> bytes:
    return hashlib.sha256(DEMO_SALT + purpose + email.encode()).digest()[:length]


def demo_totp_key(email: str) -> str:
    return _derive(email, b"totp", 20).hex()


def demo_backup_code(email: str) -> str:
    return f"{int.from_bytes(_derive(email, b'static', 4), 'big') % 10**8:08d}"


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    name: str
    role: str
    organisation: str
    password: str
    otpauth_uri: str
    backup_code: str


@transaction.atomic
def load_demo_users() -> list[DemoSignIn]:
    orgs = {
        org.code: org
        for org in Organisation.objects.filter(
            code__in={u[3] for u in DEMO_USERS} | {r[3] for r in DEMO_ACCESS_REQUESTS}
        )
    }
    sign_ins = []
    for email, name, role, org_code in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, full_name=name, password=DEMO_PASSWORD)
        if user.set_up_at is None:  # demo users arrive set up: password and authenticator below
            user.set_up_at = clock.now()
            user.save(update_fields=["set_up_at"])
        grant_membership(user=user, organisation=orgs[org_code], role=role, granted_by=None)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": demo_totp_key(email), "confirmed": True}
        )
        static, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
        if not static.token_set.exists():
            StaticToken.objects.create(device=static, token=demo_backup_code(email))
        secret = b32encode(bytes.fromhex(device.key)).decode()
        sign_ins.append(
            DemoSignIn(
                email=email,
                name=name,
                role=role.label,
                organisation=orgs[org_code].display_name,
                password=DEMO_PASSWORD,
                otpauth_uri=f"otpauth://totp/Perinatal%20safety%20platform:{email}?secret={secret}&issuer=Perinatal%20safety%20platform",
                backup_code=demo_backup_code(email),
            )
        )
    for full_name, email, job, trust_code, role, reason in DEMO_ACCESS_REQUESTS:
        if not AccessRequest.objects.filter(email=email, trust=orgs[trust_code]).exists():
            AccessRequest.objects.create(
                full_name=full_name,
                email=email,
                job_title=job,
                trust=orgs[trust_code],
                role=role.value,
                reason=reason,
                created_at=clock.now(),
            )
    return sign_ins
