# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A stacked bar chart in plain HTML, shown inline on the KPI dashboard.

Plain ``div`` bars with inline styles: no JavaScript asset to load, nothing the HTML
field's sanitizer strips, and it prints. Every label and amount is escaped.
"""

from markupsafe import Markup, escape

# One colour per series, in the order the series are given (colour-blind friendly).
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
BAR_HEIGHT_PX = 160


def stacked_bar_chart(columns, series, values, format_amount, empty_text):
    """``columns``: [(key, label)] along the x axis; ``series``: [(key, label)] stacked
    in each bar; ``values``: {(column key, series key): amount}; ``format_amount``:
    amount -> text. Returns Markup."""
    totals = {
        column: sum(values.get((column, s), 0.0) for s, _label in series) for column, _l in columns
    }
    highest = max(totals.values(), default=0.0)
    if highest <= 0:
        return Markup('<p class="text-muted o_relance_chart_empty">%s</p>') % empty_text
    colours = {key: PALETTE[index % len(PALETTE)] for index, (key, _label) in enumerate(series)}
    bars = Markup("").join(
        _bar(column, label, series, values, totals[column], highest, colours, format_amount)
        for column, label in columns
    )
    legend = Markup("").join(
        Markup(
            '<span class="me-3"><span style="display:inline-block;width:10px;height:10px;'
            'background:%s" class="me-1"></span>%s</span>'
        )
        % (colours[key], label)
        for key, label in series
        if any(values.get((column, key)) for column, _l in columns)
    )
    return Markup(
        '<div class="o_relance_chart"><div style="display:flex;align-items:flex-end;gap:4px;'
        'height:%spx;border-bottom:1px solid #999">%s</div>'
        '<div class="small mt-2">%s</div></div>'
    ) % (BAR_HEIGHT_PX + 20, bars, legend)


def _bar(column, label, series, values, total, highest, colours, format_amount):
    """One column: its segments bottom-up, its total on hover, its label below."""
    segments = Markup("").join(
        Markup(
            '<div class="o_relance_chart_segment" title="%s: %s" style="height:%spx;background:%s">'
            "</div>"
        )
        % (series_label, format_amount(amount), _height(amount, highest), colours[key])
        for key, series_label in reversed(series)
        if (amount := values.get((column, key), 0.0)) > 0
    )
    return Markup(
        '<div class="o_relance_chart_bar" style="flex:1;min-width:14px;display:flex;'
        'flex-direction:column;justify-content:flex-end" title="%s: %s">%s'
        '<div class="small text-muted text-center text-nowrap" style="height:20px;'
        'overflow:hidden">%s</div></div>'
    ) % (label, format_amount(total), segments, escape(label))


def _height(amount, highest):
    return max(1, round(amount / highest * BAR_HEIGHT_PX))
