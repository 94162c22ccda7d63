"""Exports: items as CSV, the weekly review as CSV and HTML, and safe file writing.

Two hazards are handled here once, for every export:

* **Formula injection.** A spreadsheet runs a cell that starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return as a formula. Titles, notes
  and customer names come from other people (escalation e-mails, calendar
  invitations), so every text cell goes through ``neutralise_cell``, which puts
  a single quote in front: the spreadsheet then shows the text as typed.
* **Half-written files.** Every export is written with ``io.atomic.write_atomically``
  (a temporary file next to the target, fsynced, renamed over it), so a crash or
  a full disk never leaves a truncated export (or a truncated previous version).

HTML escapes every user text and draws its charts as inline SVG generated here,
so the file is self-contained (no scripts, no network) and safe to mail.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from prioritizer.domain.clock import to_local
from prioritizer.domain.values import ItemView, Quadrant
from prioritizer.reports.colours import KIND_COLOURS, QUADRANT_COLOURS, TARGET_COLOUR
from prioritizer.reports.review import Review, review_charts_data, review_tables, section_title
from prioritizer.services.service import Service
from prioritizer.text.humanize import minutes_text

__all__ = [
    "FORMULA_PREFIXES",
    "ITEM_COLUMNS",
    "KIND_COLOURS",
    "QUADRANT_COLOURS",
    "TARGET_COLOUR",
    "items_csv",
    "neutralise_cell",
    "review_csv",
    "review_html",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The item CSV header, shared by export and import (importers reads these names):
# the editable columns first, so an export can be imported again; the read-only
# facts follow and are ignored by the importer.
CSV_COLUMNS = (
    "title",
    "kind",
    "importance",
    "due",
    "estimate_minutes",
    "strategic",
    "delegated_to",
    "severity",
    "customer",
    "key_customer",
    "start",
    "end",
    "notes",
)
CSV_READ_ONLY = ("id", "quadrant", "status", "minutes_spent", "created_at", "closed_at")
ITEM_COLUMNS = CSV_COLUMNS + CSV_READ_ONLY



def neutralise_cell(value: object) -> str:
    """The text of a CSV cell, made inert if a spreadsheet would run it as a formula.

    Numbers we produce ourselves (``-5`` minutes is impossible, but a negative
    share is not) pass unchanged: only text can carry a formula.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _stamp(value: datetime | None, tz: tzinfo | None) -> str:
    """Local ISO 8601 with its offset: readable in a spreadsheet, exact on re-import."""
    return to_local(value, tz).isoformat(timespec="minutes") if value is not None else ""


def _csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    # The BOM makes Excel read UTF-8 (customer names with accents) correctly.
    return buffer.getvalue().encode("utf-8-sig")


def item_row(view: ItemView, tz: tzinfo | None = None) -> list[object]:
    """One item as the cells of ``ITEM_COLUMNS``."""
    return [
        view.title,
        view.kind.value,
        view.importance.value,
        _stamp(view.due, tz),
        view.estimate_minutes,
        view.strategic,
        view.delegated_to,
        view.severity,
        view.customer,
        view.key_customer,
        _stamp(view.start, tz),
        _stamp(view.end, tz),
        view.notes,
        view.id,
        view.quadrant.value,
        view.status.value,
        view.minutes_spent,
        _stamp(view.created_at, tz),
        _stamp(view.closed_at, tz),
    ]


def items_csv(service: Service, include_closed: bool = True) -> bytes:
    """Every item as CSV (header ``ITEM_COLUMNS``), most pressing first."""
    views = sorted(service.list_items(include_closed=include_closed), key=lambda v: v.id)
    return _csv_bytes([ITEM_COLUMNS, *(item_row(v, service.tz) for v in views)])


# ---------------------------------------------------------------- the review
def review_csv(review: Review) -> bytes:
    """The review as CSV: one block per section (title row, header row, rows, blank row)."""
    rows: list[Sequence[object]] = []
    for title, header, body in review_tables(review):
        rows.append([title])
        rows.append(header)
        rows.extend(body)
        rows.append([])
    return _csv_bytes(rows)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def svg_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    width: int = 640,
    height: int = 220,
    unit: str = "h",
    scale: float = 1 / 60,
) -> str:
    """A stacked vertical bar chart as inline SVG.

    ``series`` is (name, colour, values per label); values are minutes, shown in hours.
    """
    pad_left, pad_bottom, pad_top, legend_h = 40, 24, 10, 22
    plot_w, plot_h = width - pad_left - 10, height - pad_bottom - pad_top - legend_h
    totals = [sum(s[2][i] for s in series) * scale for i in range(len(labels))]
    top = max([*totals, 1.0])
    step = _nice_step(top)
    top = step * max(1, -(-top // step))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" font-family="sans-serif" font-size="11">'
    ]
    tick = 0.0
    while tick <= top + 1e-9:
        y = pad_top + plot_h - tick / top * plot_h
        parts.append(f'<line x1="{pad_left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e3e5e8"/>')
        parts.append(f'<text x="{pad_left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick:g} {unit}</text>')
        tick += step
    slot = plot_w / max(1, len(labels))
    bar_w = slot * 0.6
    for i, label in enumerate(labels):
        x = pad_left + i * slot + (slot - bar_w) / 2
        y = pad_top + plot_h
        for name, colour, values in series:
            h = values[i] * scale / top * plot_h
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{_e(label)} {_e(name)}: {_e(minutes_text(values[i]))}</title></rect>"
                )
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{pad_top + plot_h + 16}" text-anchor="middle" fill="#333">{_e(label)}</text>')
    parts.append(_svg_legend([(n, c) for n, c, _ in series], pad_left, height - 6))
    parts.append("</svg>")
    return "".join(parts)


def svg_hbars(rows: Sequence[tuple[str, float, str]], *, width: int = 640, bar_h: int = 22) -> str:
    """Horizontal bars (label, minutes, colour), largest first, as inline SVG."""
    label_w = 170
    height = bar_h * len(rows) + 8
    top = max([r[1] for r in rows] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" font-family="sans-serif" font-size="12">'
    ]
    for i, (label, minutes, colour) in enumerate(rows):
        y = 4 + i * bar_h
        w = (width - label_w - 90) * minutes / top
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h * 0.68:.1f}" text-anchor="end" fill="#333">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="{colour}" rx="2"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.68:.1f}" fill="#333">{_e(minutes_text(minutes))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_trend(labels: Sequence[str], shares: Sequence[float | None], target: float, *, width: int = 640, height: int = 200) -> str:
    """Proactive share per week (bars) against the target (dashed line), as inline SVG."""
    pad_left, pad_bottom, pad_top = 40, 24, 12
    plot_w, plot_h = width - pad_left - 10, height - pad_bottom - pad_top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" font-family="sans-serif" font-size="11">'
    ]
    for pct in (0, 25, 50, 75, 100):
        y = pad_top + plot_h - pct / 100 * plot_h
        parts.append(f'<line x1="{pad_left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e3e5e8"/>')
        parts.append(f'<text x="{pad_left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{pct} %</text>')
    slot = plot_w / max(1, len(labels))
    bar_w = slot * 0.5
    for i, (label, share) in enumerate(zip(labels, shares, strict=True)):
        x = pad_left + i * slot + (slot - bar_w) / 2
        last = i == len(labels) - 1
        if share is not None:
            h = share * plot_h
            colour = QUADRANT_COLOURS[Quadrant.SCHEDULE] if share >= target else "#9cc3a9"
            parts.append(f'<rect x="{x:.1f}" y="{pad_top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>')
            bold = ' font-weight="bold"' if last else ""
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{pad_top + plot_h - h - 3:.1f}" text-anchor="middle" fill="#333"{bold}>'
                f"{share * 100:.0f} %</text>"
            )
        else:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{pad_top + plot_h - 3:.1f}" text-anchor="middle" fill="#999">no data</text>')
        weight = ' font-weight="bold"' if last else ""
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{pad_top + plot_h + 16}" text-anchor="middle" fill="#333"{weight}>{_e(label)}</text>'
        )
    ty = pad_top + plot_h - target * plot_h
    parts.append(
        f'<line x1="{pad_left}" y1="{ty:.1f}" x2="{width - 10}" y2="{ty:.1f}" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(f'<text x="{width - 12}" y="{ty - 4:.1f}" text-anchor="end" fill="{TARGET_COLOUR}">target {target * 100:.0f} %</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_legend(entries: Sequence[tuple[str, str]], x: float, y: float) -> str:
    parts = []
    for name, colour in entries:
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="#333">{_e(name)}</text>')
        x += 24 + 7 * len(name)
    return "".join(parts)


def _nice_step(top: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 6:
            return float(step)
    return float(10 ** len(str(int(top))))


_CSS = """
body{font-family:-apple-system,'Segoe UI',Roboto,sans-serif;max-width:900px;margin:2em auto;color:#222;line-height:1.4;padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.sub{color:#666}.figs{display:flex;gap:1em;flex-wrap:wrap}.fig{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:150px}
.fig b{display:block;font-size:1.6em}.warn{background:#fff4e5;border-left:4px solid #d9902f;padding:.5em 1em}
.bad{color:#b3261e}.good{color:#2f7d4f}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;vertical-align:top}th{background:#f6f7f9}
td.n,th.n{text-align:right}.empty{color:#888;font-style:italic}
"""


def review_html(review: Review) -> str:
    """The review as a self-contained HTML page (inline CSS and SVG, every user text escaped)."""
    tz = review.tz
    charts = review_charts_data(review)
    share = review.proactive_share
    target = review.target_share
    verdict_class = "good" if share is not None and share >= target else "bad"
    share_text = f"{share * 100:.0f} %" if share is not None else "no tracked time"
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Weekly review {_e(review.label)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Weekly review</h1><p class='sub'>{_e(review.label)} &middot; generated {_e(_stamp(review.generated_at, tz)[:16])}</p>",
        "<div class='figs'>",
        f"<div class='fig'>Tracked<b>{_e(minutes_text(review.total_minutes))}</b></div>",
        f"<div class='fig'>Firefighting<b>{_e(minutes_text(review.firefighting_minutes))}</b></div>",
        f"<div class='fig'>Proactive<b class='{verdict_class}'>{_e(share_text)}</b>target {target * 100:.0f} %</div>",
        f"<div class='fig'>Done<b>{len(review.done)}</b></div>",
        f"<div class='fig'>Aged into crisis<b>{len(review.aged_into_crisis)}</b></div>",
        "</div>",
    ]
    for line in review.headlines:
        out.append(f"<p class='warn'>{_e(line)}</p>")
    out.append("<h2>Where the time went</h2>")
    out.append(
        svg_bars(
            charts.day_labels,
            [(q.label, QUADRANT_COLOURS[q], charts.day_minutes[q]) for q in Quadrant],
        )
    )
    out.append(svg_hbars([(q.label, charts.quadrant_minutes[q], QUADRANT_COLOURS[q]) for q in Quadrant]))
    out.append(svg_hbars([(k.capitalize(), m, KIND_COLOURS.get(k, "#4a6fa5")) for k, m in charts.kind_minutes]))
    out.append("<h2>Proactive share, this week against the four before</h2>")
    out.append(svg_trend(charts.trend_labels, charts.trend_shares, target))
    for title, header, body in review_tables(review):
        if title in ("Time by quadrant", "Time by kind", "Time by day", "Proactive share by week"):
            continue  # shown as charts above
        out.append(f"<h2>{_e(section_title(review, title, body))}</h2>")  # with its count, e.g. of a capped list
        if not body:
            out.append("<p class='empty'>Nothing this week.</p>")
            continue
        out.append("<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>")
        for row in body:
            out.append("<tr>" + "".join(f"<td>{_e(neutral_display(c))}</td>" for c in row) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def neutral_display(value: object) -> str:
    """A table cell as display text (no formula neutralising: HTML is not a spreadsheet)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
