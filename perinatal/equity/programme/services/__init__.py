"""Writes for the equity programme (docs/rules/equity.md §3), one module per part of it.

Import each service from the module that holds it; this package re-exports nothing.

- ``history``: the programme's history entry and audit event every change writes, and
  ``ProgrammeRefused``, a change refused naming its field.
- ``plan``: the programme's start, intakes, and which sites are in which (national team).
- ``notices``: telling a trust when its sites are due to be onboarded, and sending what is pending.
- ``teams``: a site's team, executive backing, the five elements and the surveys (the trust).
- ``sessions``: the sessions the national team runs for an intake, and who attended.

Every service takes keyword-only arguments, runs in one transaction, checks everything before
it writes and refuses with :class:`~.history.ProgrammeRefused` naming the form field.
"""
