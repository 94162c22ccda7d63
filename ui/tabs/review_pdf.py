"""The weekly review as a PDF: title, figures, charts drawn as images, tables.

Text and tables are laid out by a ``QTextDocument`` (it paginates and repeats
nothing by itself); the charts are painted with ``QPainter`` onto images at
print resolution and embedded as document resources, so the PDF looks the same
as the window without needing QtCharts or a display. The command line imports
this module lazily for ``review --pdf`` (offscreen platform).

The chart painters (``paint_days``, ``paint_hbars``, ``paint_trend``) are plain
functions of a painter and a rectangle, usable on any paint device.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen, QTextDocument

from prioritizer.io.exports import neutral_display
from prioritizer.reports.colours import KIND_COLOURS, QUADRANT_COLOURS, TARGET_COLOUR
from prioritizer.reports.review import ChartsData, Review, review_charts_data, review_tables, section_title
from prioritizer.text.humanize import minutes_text

__all__ = ["paint_days", "paint_hbars", "paint_trend", "review_pdf_bytes"]

INK = QColor("#222222")
MUTED = QColor("#666666")
GRID = QColor("#e3e5e8")
CHART_TABLES = ("Time by quadrant", "Time by kind", "Time by day", "Proactive share by week")


def _ensure_app() -> None:
    """Fonts need a QGuiApplication; the command line has none."""
    if QGuiApplication.instance() is None:
        _ensure_app.app = QGuiApplication([])  # type: ignore[attr-defined]  # keep it alive


def _nice_step(top: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 5:
            return float(step)
    return 10.0 ** len(str(int(top)))


def paint_days(painter: QPainter, rect: QRectF, charts: ChartsData, font_px: float = 11) -> None:
    """Stacked bars: hours per day, one colour per quadrant, with a legend."""
    from prioritizer.domain.values import Quadrant

    font = QFont(painter.font())
    font.setPixelSize(max(1, round(font_px)))
    painter.setFont(font)
    metrics_h = font_px * 1.4
    legend_h = metrics_h * 1.6
    left = rect.left() + font_px * 3.6
    bottom = rect.bottom() - metrics_h * 1.4 - legend_h
    top_y = rect.top() + metrics_h * 0.6
    width = rect.right() - left
    totals = [sum(charts.day_minutes[q][i] for q in Quadrant) / 60 for i in range(len(charts.day_labels))]
    top = max([*totals, 1.0])
    step = _nice_step(top)
    top = step * max(1, -(-top // step))
    height = bottom - top_y
    tick = 0.0
    while tick <= top + 1e-9:
        y = bottom - tick / top * height
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(int(left), int(y), int(rect.right()), int(y))
        painter.setPen(MUTED)
        painter.drawText(
            QRectF(rect.left(), y - metrics_h / 2, left - rect.left() - 4, metrics_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{tick:g} h",
        )
        tick += step
    slot = width / max(1, len(charts.day_labels))
    bar_w = slot * 0.58
    for i, label in enumerate(charts.day_labels):
        x = left + i * slot + (slot - bar_w) / 2
        y = bottom
        for q in Quadrant:
            h = charts.day_minutes[q][i] / 60 / top * height
            if h > 0:
                y -= h
                painter.fillRect(QRectF(x, y, bar_w, h), QColor(QUADRANT_COLOURS[q]))
        if totals[i] > 0:
            painter.setPen(INK)
            painter.drawText(
                QRectF(x - slot * 0.2, y - metrics_h, bar_w + slot * 0.4, metrics_h),
                Qt.AlignmentFlag.AlignCenter,
                minutes_text(totals[i] * 60),
            )
        painter.setPen(INK)
        painter.drawText(QRectF(left + i * slot, bottom + 2, slot, metrics_h * 1.2), Qt.AlignmentFlag.AlignCenter, label)
    _legend(painter, [(q.label, QColor(QUADRANT_COLOURS[q])) for q in Quadrant], left, rect.bottom() - legend_h * 0.5, font_px)


def _legend(painter: QPainter, entries: Sequence[tuple[str, QColor]], x: float, y_mid: float, font_px: float) -> None:
    box = font_px * 0.9
    metrics = painter.fontMetrics()
    for name, colour in entries:
        painter.fillRect(QRectF(x, y_mid - box / 2, box, box), colour)
        painter.setPen(INK)
        text_w = metrics.horizontalAdvance(name)
        painter.drawText(QRectF(x + box * 1.4, y_mid - font_px, text_w + 4, font_px * 2), Qt.AlignmentFlag.AlignVCenter, name)
        x += box * 1.4 + text_w + font_px * 1.6


def paint_hbars(painter: QPainter, rect: QRectF, rows: Sequence[tuple[str, float, QColor]], title: str, font_px: float = 11) -> None:
    """Horizontal bars (label, minutes, colour) under a small title, with minutes and share."""
    font = QFont(painter.font())
    font.setPixelSize(max(1, round(font_px)))
    painter.setFont(font)
    title_font = QFont(font)
    title_font.setBold(True)
    painter.setFont(title_font)
    painter.setPen(INK)
    line = font_px * 1.5
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignVCenter, title)
    painter.setFont(font)
    total = sum(r[1] for r in rows) or 1.0
    top = max([r[1] for r in rows] + [1.0])
    label_w = font_px * 7.5
    value_w = font_px * 8.5
    bar_area = rect.width() - label_w - value_w
    row_h = (rect.height() - line) / max(1, len(rows))
    for i, (label, minutes, colour) in enumerate(rows):
        y = rect.top() + line + i * row_h
        painter.setPen(INK)
        painter.drawText(QRectF(rect.left(), y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        w = bar_area * minutes / top
        painter.fillRect(QRectF(rect.left() + label_w, y + row_h * 0.2, max(w, 1 if minutes else 0), row_h * 0.6), colour)
        painter.setPen(MUTED)
        painter.drawText(
            QRectF(rect.left() + label_w + w + 6, y, value_w, row_h),
            Qt.AlignmentFlag.AlignVCenter,
            f"{minutes_text(minutes)}  ({minutes / total * 100:.0f} %)",
        )


def paint_trend(
    painter: QPainter, rect: QRectF, labels: Sequence[str], shares: Sequence[float | None], target: float, font_px: float = 11
) -> None:
    """Proactive share per week as bars, the target as a dashed line; the last week in bold."""
    font = QFont(painter.font())
    font.setPixelSize(max(1, round(font_px)))
    painter.setFont(font)
    line = font_px * 1.4
    left = rect.left() + font_px * 3.6
    bottom = rect.bottom() - line * 1.3
    top_y = rect.top() + line
    height = bottom - top_y
    for pct in (0, 25, 50, 75, 100):
        y = bottom - pct / 100 * height
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(int(left), int(y), int(rect.right()), int(y))
        painter.setPen(MUTED)
        painter.drawText(
            QRectF(rect.left(), y - line / 2, left - rect.left() - 4, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{pct} %",
        )
    slot = (rect.right() - left) / max(1, len(labels))
    bar_w = slot * 0.5
    from prioritizer.domain.values import Quadrant

    good = QColor(QUADRANT_COLOURS[Quadrant.SCHEDULE])
    below = QColor(good)
    below.setAlpha(110)
    for i, (label, share) in enumerate(zip(labels, shares, strict=True)):
        last = i == len(labels) - 1
        bold = QFont(font)
        bold.setBold(last)
        painter.setFont(bold)
        x = left + i * slot + (slot - bar_w) / 2
        if share is None:
            painter.setPen(MUTED)
            painter.drawText(QRectF(x - slot * 0.2, bottom - line, bar_w + slot * 0.4, line), Qt.AlignmentFlag.AlignCenter, "no data")
        else:
            h = share * height
            painter.fillRect(QRectF(x, bottom - h, bar_w, h), good if share >= target else below)
            painter.setPen(INK)
            painter.drawText(
                QRectF(x - slot * 0.2, bottom - h - line, bar_w + slot * 0.4, line), Qt.AlignmentFlag.AlignCenter, f"{share * 100:.0f} %"
            )
        painter.setPen(INK)
        painter.drawText(QRectF(left + i * slot, bottom + 2, slot, line), Qt.AlignmentFlag.AlignCenter, ("this week" if last else label))
    painter.setFont(font)
    y = bottom - target * height
    pen = QPen(QColor(TARGET_COLOUR), max(1.5, font_px / 6), Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.drawLine(int(left), int(y), int(rect.right()), int(y))
    painter.setPen(QColor(TARGET_COLOUR))
    painter.drawText(
        QRectF(rect.right() - font_px * 12, y - line, font_px * 12, line),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        f"target {target * 100:.0f} %",
    )


def _image(width: int, height: int, paint: object) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        paint(painter, QRectF(0, 0, width, height))  # type: ignore[operator]
    finally:
        painter.end()
    return image


def _e(value: object) -> str:
    return html.escape(neutral_display(value))


def _document(review: Review, page_width_px: float) -> QTextDocument:
    """The review as a text document with its charts as image resources."""
    charts = review_charts_data(review)
    scale = 3  # images at 3x the layout size: sharp when printed
    chart_w = int(page_width_px)
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    base = QFont("DejaVu Sans")
    base.setPointSizeF(9)
    doc.setDefaultFont(base)
    doc.setDefaultStyleSheet(
        "h1{font-size:20pt;margin:0} h2{font-size:12.5pt;margin-top:14px;margin-bottom:4px;color:#1f2a44}"
        " .sub{color:#666} th{background:#eef0f3;text-align:left} td.fig{font-size:15pt;font-weight:bold}"
        " .warn{background:#fff4e5} .muted{color:#777}"
    )

    def add(name: str, w: int, h: int, paint: object) -> str:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart://{name}"), _image(w * scale, h * scale, paint))
        return f'<img src="chart://{name}" width="{w}" height="{h}">'

    from prioritizer.domain.values import Quadrant

    days = add("days", chart_w, 230, lambda p, r: paint_days(p, r, charts, 11 * scale))
    half = chart_w // 2 - 8
    quad = add(
        "quadrants",
        half,
        120,
        lambda p, r: paint_hbars(
            p, r, [(q.label, charts.quadrant_minutes[q], QColor(QUADRANT_COLOURS[q])) for q in Quadrant], "By quadrant", 10.5 * scale
        ),
    )
    kind = add(
        "kinds",
        half,
        120,
        lambda p, r: paint_hbars(
            p,
            r,
            [(k.capitalize() + "s", m, QColor(KIND_COLOURS.get(k, "#4a6fa5"))) for k, m in charts.kind_minutes],
            "By kind",
            10.5 * scale,
        ),
    )
    trend = add(
        "trend", chart_w, 190, lambda p, r: paint_trend(p, r, charts.trend_labels, charts.trend_shares, review.target_share, 11 * scale)
    )

    share = review.proactive_share
    share_text = "—" if share is None else f"{share * 100:.0f} %"
    share_colour = "#2e7d32" if share is not None and share >= review.target_share else "#c62828"
    figures = [
        ("Tracked", minutes_text(review.total_minutes), "#222"),
        ("Firefighting", minutes_text(review.firefighting_minutes), "#222"),
        (f"Proactive (target {review.target_share * 100:.0f} %)", share_text, share_colour),
        ("Done", str(len(review.done)), "#222"),
        ("Aged into crisis", str(len(review.aged_into_crisis)), "#c62828" if review.aged_into_crisis else "#222"),
    ]
    out = [
        "<h1>Weekly review</h1>",
        f"<p class='sub'>{_e(review.label)} &nbsp;·&nbsp; as of {_e(review.as_of.astimezone(review.tz).strftime('%a %d %b %Y %H:%M'))}</p>",
        "<table width='100%' cellspacing='6' cellpadding='6' border='0'><tr>",
    ]
    for label, value, colour in figures:
        out.append(
            f"<td bgcolor='#f4f5f7'><span class='muted'>{_e(label)}</span><br>"
            f"<span style='font-size:15pt;font-weight:bold;color:{colour}'>{_e(value)}</span></td>"
        )
    out.append("</tr></table>")
    if review.headlines:
        out.append("<table width='100%' cellpadding='6' border='0'><tr><td bgcolor='#fff4e5'>")
        out.append("<br>".join(f"• {_e(line)}" for line in review.headlines))
        out.append("</td></tr></table>")
    out.append("<h2>Where the time went</h2>")
    out.append(f"<p>{days}</p>")
    out.append(f"<table width='100%' border='0' cellspacing='0' cellpadding='0'><tr><td>{quad}</td><td>{kind}</td></tr></table>")
    out.append("<h2>Proactive share: this week against the four before</h2>")
    out.append(f"<p>{trend}</p>")
    for title, header, rows in review_tables(review):
        if title in CHART_TABLES:
            continue
        heading = section_title(review, title, rows)  # 'Carries over (1,834; first 15 shown)'
        out.append(f"<h2>{_e(title)} <span class='muted'>{_e(heading[len(title) + 1 :])}</span></h2>")
        if not rows:
            out.append("<p class='muted'><i>Nothing this week.</i></p>")
            continue
        out.append("<table width='100%' cellspacing='0' cellpadding='3' border='0'>")
        out.append("<tr>" + "".join(f"<th{_width(h)}>{_e(h)}</th>" for h in header) + "</tr>")
        for n, row in enumerate(rows):
            shade = " bgcolor='#f8f9fa'" if n % 2 else ""
            out.append(f"<tr{shade}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
        out.append("</table>")
    doc.setHtml("".join(out))
    return doc


def _width(header: str) -> str:
    """Narrow columns for ids and small numbers, so titles get the room."""
    if header == "#":
        return " width='5%'"
    if header in ("item", "incident", "suggestion"):
        return " width='42%'"
    return ""


def review_pdf_bytes(review: Review) -> bytes:
    """The review as PDF bytes (A4 portrait)."""
    _ensure_app()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"Weekly review {review.label}")
    writer.setCreator("Prioritizer")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter
        )
    )
    # Lay the document out in points-like units (the page's paintable width at 96 dpi), then scale to the writer.
    paint_rect = writer.pageLayout().paintRectPixels(writer.resolution())
    layout_dpi = 96
    factor = writer.resolution() / layout_dpi
    page_w = paint_rect.width() / factor
    page_h = paint_rect.height() / factor
    content_h = page_h - 18  # the rest is the footer line
    doc = _document(review, page_w)
    doc.setPageSize(QSizeF(page_w, content_h))
    painter = QPainter(writer)
    try:
        painter.scale(factor, factor)
        pages = max(1, doc.pageCount())
        footer = QFont("DejaVu Sans")
        footer.setPixelSize(9)  # layout units: the painter is already scaled to the page
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * content_h)
            doc.drawContents(painter, QRectF(0, page * content_h, page_w, content_h))
            painter.restore()
            painter.setPen(MUTED)
            painter.setFont(footer)
            painter.drawText(
                QRectF(0, content_h + 4, page_w, 14), Qt.AlignmentFlag.AlignRight, f"{review.label} · page {page + 1} of {pages}"
            )
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())
