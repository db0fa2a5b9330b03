"""Small rules of written English the service's messages share."""

from __future__ import annotations

__all__ = ["sentence"]


def sentence(text: str) -> str:
    """``text`` as the start of a sentence: its first letter in capitals, the rest unchanged
    ("the baby's NHS number" -> "The baby's NHS number"; "NHS number" stays as it is)."""
    return text[:1].upper() + text[1:]
