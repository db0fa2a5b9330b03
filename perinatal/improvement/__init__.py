"""Improvement support: the Maternity and Neonatal Improvement Support Team's cases, from an
identified concern to exit, with their clocks (docs/rules/improvement.md).

- `clocks`: the clocks of docs/rules/improvement.md §2 over plain dates (diagnostic due, missed
  executive meetings and quarterly reviews, escalation level, stage) and the days they turn
- `transfer`: the files that move cases from the previous programme, read and checked whole,
  and the export rows (docs/rules/improvement.md §3)

Both are framework-free. The Django app around them: `models` (the case and its append-only
history), `services` (every change, refused by field, audited), `selectors` (scoped reads, the
clocks' timeline of a stored case, the case list and export, `case_summary` for the board
report, the evidence pack of a review, the concerns the platform suggests), the
``perinatal improvement`` command, the pages, and the daily clock-turn notices (`tasks`).
"""
