"""Server-drawn SVG charts of the outcome pages, by pygal (a maintained SVG charting library).

Each chart is inline SVG with ``role="img"``, a label and ``aria-describedby`` pointing at the
text summary printed beside it; the numbers are in a table next to it too, so nothing is only
in the picture. pygal's JavaScript (tooltips, loaded from its website by default) is turned
off: the pages load nothing from elsewhere. pygal still writes its configuration as an inline
``<script>`` into every SVG; it is cut out, as nothing reads it and the Content Security Policy
refuses inline scripts (the text inside is XML-escaped, so no ``</script>`` can hide in it).
Its ``<style>`` stays, and the templates mark it with the request's CSP nonce
(``{{ chart.svg|nonce_styles:request }}``); the one style attribute (the hidden tooltip's
``opacity: 0``) becomes the SVG attribute it means, as the policy refuses style attributes.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal import Bar, HorizontalBar, Line
from pygal.style import Style

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#495057",
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    colors=("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"),
)
COMMON = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": True,
    "explicit_size": False,
    "print_values": False,
    "show_y_guides": True,
}


PYGAL_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _accessible(svg: str, *, label: str, described_by: str) -> SafeString:
    svg = PYGAL_SCRIPT.sub("", svg).replace('style="opacity: 0"', 'opacity="0"')
    opening = (
        f'<svg role="img" aria-label="{escape(label)}" aria-describedby="{escape(described_by)}" '
        'class="outcome-chart" '
    )
    # pygal escapes labels in its SVG; the opening tag's values are escaped above.
    return mark_safe(svg.replace("<svg ", opening, 1))  # noqa: S308 # nosec


def change_bars(*, title: str, bars: list[tuple[str, float | None]], described_by: str):
    """Horizontal bars of the mean change per label (None for hidden or empty cells)."""
    chart = HorizontalBar(
        **COMMON, width=640, height=60 + 34 * max(1, len(bars)), show_legend=False
    )
    # pygal draws the first bar at the bottom: reversed, the chart reads like the table.
    chart.x_labels = [label for label, _value in reversed(bars)]
    chart.add(title, [value for _label, value in reversed(bars)])
    return _accessible(chart.render(is_unicode=True), label=title, described_by=described_by)


def change_lines(
    *, title: str, x_labels: list[str], series: list[tuple[str, list]], described_by: str
):
    """One line per series over ``x_labels`` (waves, or cohorts)."""
    chart = Line(
        **COMMON,
        width=640,
        height=380,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_label=-1,
        x_label_rotation=10,
    )
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    return _accessible(chart.render(is_unicode=True), label=title, described_by=described_by)


def score_bars(*, title: str, bars: list[tuple[str, float | None]], described_by: str):
    chart = Bar(**COMMON, width=640, height=300, show_legend=False, range=(-100, 100))
    chart.x_labels = [label for label, _value in bars]
    chart.add(title, [value for _label, value in bars])
    return _accessible(chart.render(is_unicode=True), label=title, described_by=described_by)
