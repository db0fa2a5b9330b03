"""Writes of board reports (docs/rules/board_report.md §2). Every service takes keyword
arguments, runs in one transaction, refuses bad input before it writes anything (naming the
field), appends rows with who and when (never edits them), and records an audit event.

- ``drafts``: a report and its first version (by a person or the scheduled job)
- ``entries``: the author's parts (cover, summary, risks) and the minimum data set items
- ``workflow``: submit, return, approve (freezing the files) and corrections
- ``schedule``: the drafts of every live trust on the 5th working day, and the authors' notices
"""
