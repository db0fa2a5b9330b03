"""Writes of improvement support cases (docs/rules/improvement.md §1), one module per part of a
case. Every service takes keyword arguments, runs in one transaction, refuses bad input with
`perinatal.kernel.refusals.Refused` naming the field before it writes anything, appends rows
(never edits them) with who and when, and records an audit event."""
