"""French dates: "1er" for the first of a month, month names in full, the service's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.template import Context, Template
from kernel.dates import french_date, french_format


def test_french_dates_read_as_written_in_french():
    assert french_date(date(2026, 10, 1)) == "1er octobre 2026"
    assert french_date(date(2026, 12, 6)) == "6 décembre 2026"
    assert french_date("2009-10-06") == "6 octobre 2009"  # an ISO string, as an API dict holds
    assert french_date(None) == "" and french_date("pas une date") == ""
    # 23:30 UTC on 31 August is already 1 September in Paris.
    assert french_date(datetime(2026, 8, 31, 23, 30, tzinfo=UTC)) == "1er septembre 2026"
    assert french_format(datetime(2026, 8, 31, 23, 30, tzinfo=UTC), "l j F, H\\hi") == (
        "mardi 1er septembre, 01h30"
    )
    assert french_format(date(2026, 10, 11), "j F") == "11 octobre"  # not "11er"


def test_template_filters():
    template = Template(
        '{% load french %}{{ d|french_date }} · {{ t|french_datetime:"j F à H:i" }}'
    )
    text = template.render(Context({"d": "2026-10-01", "t": datetime(2026, 5, 1, 12, tzinfo=UTC)}))
    assert text == "1er octobre 2026 · 1er mai à 14:00"
