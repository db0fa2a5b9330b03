"""How the register shows an organisation's name (framework-free).

ODS writes names in upper case; people write "King's College Hospital NHS Foundation Trust".
One rule, read by the register's models and by the demo data's synthetic site names.
"""

from __future__ import annotations

__all__ = ["KEEP_UPPER", "SMALL_WORDS", "title_case"]

SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "upon"}
KEEP_UPPER = {"NHS", "ICB", "UK", "II"}


def title_case(name: str) -> str:
    """ODS names are upper case; show them as people write them."""
    if not name.isupper():
        return name
    words = []
    for index, word in enumerate(name.split()):
        if word in KEEP_UPPER:
            words.append(word)
        elif index and word.lower() in SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words).replace("'S ", "'s ")
