"""Reads of improvement support cases: scoped lists, a case's timeline for the clocks, its parts."""
