"""Text normalisation for French search, in Python so PostgreSQL needs no `unaccent` extension."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Ligatures NFKD does not split.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "\u2019": "'", "ß": "ss"})


def unaccent(text: str) -> str:
    """Lowercase, strip accents and collapse whitespace: 'Mobilité  Œuvre' → 'mobilite oeuvre'."""
    text = (text or "").lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()
