"""Accessible SVG bar charts, drawn by our own few lines (no charting library, no JavaScript).

Each chart is `role="img"` with a <title> and a <desc> that says what it shows; the data table
follows it on the page, so screen readers and printouts get the exact figures.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .privacy import SUPPRESSED

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 18
GAP = 6
SERIES_FILL = ("var(--brand, #1D4ED8)", "#6B7280", "#B45309")


def _number(value) -> float:
    return 0.0 if value == SUPPRESSED or value is None else float(value)


def bar_chart(*, chart_id: str, title: str, description: str, rows: list[dict],
              columns: list[str]) -> SafeString:  # fmt: skip
    """Horizontal bars, one group per row, one bar per column (at most three series)."""
    series = columns[:3]
    biggest = max((_number(v) for row in rows for v in row["values"][: len(series)]), default=0)
    scale = (WIDTH - LABEL_WIDTH - 60) / biggest if biggest else 0
    group_height = len(series) * BAR_HEIGHT + GAP
    height = max(len(rows), 1) * group_height + GAP + (20 if len(series) > 1 else 0)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)} Les chiffres exacts sont dans le '
        f"tableau qui suit.</desc>",
    ]
    y = GAP
    if len(series) > 1:
        x = LABEL_WIDTH
        for index, name in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="{y}" width="12" height="12" fill="{SERIES_FILL[index]}"/>'
                f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(name)}</text>'
            )
            x += 20 + 8 * len(name)
        y += 20
    if not rows:
        parts.append(f'<text x="0" y="{y + 13}" font-size="13">Pas encore de données.</text>')
    for row in rows:
        label = row["label"] if len(row["label"]) <= 34 else row["label"][:33] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" font-size="13" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        for index, value in enumerate(row["values"][: len(series)]):
            bar_y = y + index * BAR_HEIGHT
            if value == SUPPRESSED:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{bar_y + 2}" width="24" height="{BAR_HEIGHT - 4}" '
                    f'fill="none" stroke="#6B7280" stroke-dasharray="3 2"/>'
                    f'<text x="{LABEL_WIDTH + 30}" y="{bar_y + 13}" font-size="12">'
                    "moins de 10</text>"
                )
                continue
            width = max(_number(value) * scale, 1 if _number(value) else 0)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y + 2}" width="{width:.1f}" '
                f'height="{BAR_HEIGHT - 4}" fill="{SERIES_FILL[index]}"/>'
                f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{bar_y + 13}" font-size="12">'
                f"{escape(value)}</text>"
            )
        y += group_height
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic part is escaped above
