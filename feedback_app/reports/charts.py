"""Hand-written inline SVG bar charts: labelled bars that read in greyscale, with a title and description."""
from markupsafe import Markup, escape

ROW_HEIGHT = 28
LABEL_WIDTH = 260
BAR_WIDTH = 300
VALUE_WIDTH = 120
# Second series is outlined and hatched, so the two read apart without colour.
SERIES_STYLES = (
    {"fill": "#0b0c0c", "stroke": "#0b0c0c"},
    {"fill": "url(#{id}-hatch)", "stroke": "#0b0c0c"},
)


def _shorten(text, limit=38):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(chart_id, title, description, rows, series_names=None):
    """An SVG of horizontal bars.

    rows: [(label, values, texts)] where values are numbers or None (suppressed: no bar is drawn, so
    the bar cannot give the number away) and texts are what is written at the end of each bar.
    """
    series_count = len(rows[0][1]) if rows else 1
    peak = max([value for _, values, _ in rows for value in values if value is not None] or [1]) or 1
    row_height = ROW_HEIGHT * series_count + 8
    legend_height = 24 if series_names else 0
    height = legend_height + row_height * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#ffffff"/><path d="M0,6 L6,0" stroke="#0b0c0c" stroke-width="1.5"/>'
        f'</pattern></defs>',
    ]
    if series_names:
        x = LABEL_WIDTH
        for index, name in enumerate(series_names):
            style = SERIES_STYLES[index % 2]
            fill = style["fill"].format(id=chart_id)
            parts.append(f'<rect x="{x}" y="4" width="14" height="14" fill="{fill}" stroke="{style["stroke"]}"/>'
                         f'<text x="{x + 20}" y="16" font-size="13">{escape(name)}</text>')
            x += 160
    if not rows:
        parts.append(f'<text x="0" y="{legend_height + 20}" font-size="14">No comments to show</text>')
    for row_index, (label, values, texts) in enumerate(rows):
        top = legend_height + row_index * row_height
        parts.append(f'<text x="0" y="{top + 18}" font-size="14">{escape(_shorten(label))}</text>')
        for index, (value, text) in enumerate(zip(values, texts)):
            y = top + index * ROW_HEIGHT + 2
            length = 0 if value is None else round(BAR_WIDTH * value / peak)
            style = SERIES_STYLES[index % 2]
            if length:
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{ROW_HEIGHT - 6}" '
                             f'fill="{style["fill"].format(id=chart_id)}" stroke="{style["stroke"]}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" font-size="13">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
