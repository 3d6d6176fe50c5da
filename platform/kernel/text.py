"""Accent folding, the one way French text is made comparable (search, commune names, slugs).

In Python so PostgreSQL needs no `unaccent` extension.
"""

from __future__ import annotations

import re
import unicodedata

# What NFKD does not split: ligatures, the German sharp s, and the typographic apostrophe.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "\u2019": "'"})
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lowercase and strip accents and ligatures: 'Œuvre Mobilité' → 'oeuvre mobilite'.

    Spacing and punctuation are kept; callers that compare words build on top of this.
    """
    text = (text or "").lower().translate(_LIGATURES)
    if text.isascii():  # most text: skip the decomposition
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def unaccent(text: str | None) -> str:
    """Folded, with whitespace collapsed: 'Mobilité  Œuvre' → 'mobilite oeuvre' (search text)."""
    return _SPACES.sub(" ", fold(text)).strip()
