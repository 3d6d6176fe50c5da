"""One accent folding for search, commune names and slugs."""

from __future__ import annotations

import pytest
from kernel.text import fold, unaccent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mobilité", "mobilite"),
        ("ŒUVRE Æther", "oeuvre aether"),
        ("L'Haÿ-les-Roses", "l'hay-les-roses"),
        ("l\u2019aide", "l'aide"),  # the typographic apostrophe is the plain one
        ("Straße", "strasse"),
        ("ﬁn²", "fin2"),  # compatibility forms are decomposed too
        ("  deux  espaces ", "  deux  espaces "),  # spacing is the caller's business
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_unaccent_collapses_whitespace_for_search():
    assert unaccent("  Mobilité \t Œuvre\n") == "mobilite oeuvre"
    assert unaccent(None) == ""


def test_folding_is_idempotent():
    for text in ("Élève à Noisy-le-Sec", "Saint-Étienne-du-Rouvray", "Œ"):
        assert fold(fold(text)) == fold(text)
