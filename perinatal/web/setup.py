"""What `perinatal setup` does, in order. Later parts of the platform add their demo data here."""

from __future__ import annotations

from perinatal.demo.board_reports import load_demo_board_reports
from perinatal.demo.dashboard_data import load_demo_data
from perinatal.demo.equity_programme import load_demo_equity_programme
from perinatal.demo.improvement import load_demo_improvement
from perinatal.demo.notifications import load_demo_notifications
from perinatal.demo.organisations import load_demo_register
from perinatal.demo.outcome_signals import load_demo_signals
from perinatal.demo.users import DemoSignIn, load_demo_users
from perinatal.organisations.register import RegisterSummary, load_reference_register


def load_reference() -> RegisterSummary:
    return load_reference_register()


def load_demo(*, small: bool, stdout=None) -> list[DemoSignIn]:
    result = load_demo_register(small=small)
    if stdout is not None:
        stdout.write(f"Demo register: {result['sites']} synthetic sites created.")
    load_demo_data(small=small, stdout=stdout)
    sign_ins = load_demo_users()
    # After the users: a new signal's safety check is announced to the trust's local authorisers.
    load_demo_signals(small=small, stdout=stdout)
    # After the users: the equity programme's plan, teams and sessions are recorded by the demo's
    # programme admin and Heads of Midwifery.
    load_demo_equity_programme(stdout=stdout)
    # Notifications for R0A (full demo only: the small test fixtures stay without them).
    if not small:
        added = load_demo_notifications()
        if stdout is not None:
            stdout.write(f"Demo notifications: {added} added for R0A.")
        # Improvement support cases at each stage (full demo only, as the notifications).
        added = load_demo_improvement()
        if stdout is not None:
            stdout.write(f"Demo improvement support cases: {added} added.")
        # Last: the board reports read every part above (approved months frozen with their PDFs).
        load_demo_board_reports(stdout=stdout)
    return sign_ins


def format_sign_ins(sign_ins: list[DemoSignIn]) -> str:
    lines = [
        "",
        "Demo sign-ins (demo data only; every account uses the same password).",
        "Add a TOTP secret to an authenticator app (or run: python -m perinatal.accounts.totp_now URI),",
        "or use the account's one-time backup code.",
        "",
    ]
    for s in sign_ins:
        lines += [
            f"  {s.role} — {s.organisation}",
            f"    email:       {s.email}",
            f"    password:    {s.password}",
            f"    TOTP secret: {s.otpauth_uri}",
            f"    backup code: {s.backup_code}",
        ]
    return "\n".join(lines) + "\n"
