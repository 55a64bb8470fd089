"""Charts and diagrams as SVG text: pure functions of their data, no dependencies.

Every builder returns a complete, self-contained `<svg>` element that can be
inlined in HTML or written to a file. The builders know nothing of alliances:
the console draws the alliance network with `network`, the after-action report
its indicators with `line_chart`, and Monte Carlo summaries can use
`bar_chart` (with intervals) and `histogram`.

All text is escaped (scenario files are untrusted), numbers are written with a
fixed precision, and nothing depends on the order of a set or dict, so the
same data always give the same bytes.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape

__all__ = [
    "Node", "Edge", "LegendItem", "Bar", "Series", "network", "circle_layout",
    "bar_chart", "histogram", "histogram_bins", "line_chart", "PALETTE",
]

# Colour-blind-safe qualitative palette (Okabe & Ito 2008).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                            "#D55E00", "#F0E442", "#000000")
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'


def text(value: object) -> str:
    """Escape text for element content."""
    return _escape(str(value))


def attr(value: object) -> str:
    """Escape text for a double-quoted attribute value."""
    return _escape(str(value), {'"': "&quot;", "'": "&#39;"})


def _n(x: float) -> str:
    """A coordinate with one decimal and no negative zero."""
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


def _open(width: int, height: int, title: str, css_class: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="{attr(css_class)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{attr(title)}" {_FONT} font-size="12">',
            f"<title>{text(title)}</title>"]


# --- network ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Node:
    """A node; without x and y it is placed by `network`'s circular layout."""
    id: str
    label: str
    x: float | None = None
    y: float | None = None
    radius: float = 16.0
    fill: str = "#ffffff"
    stroke: str = "#333333"
    stroke_width: float = 1.5
    shape: str = "circle"        # circle | square
    tooltip: str = ""
    label_inside: bool = True
    font_size: float = 10.0      # inside labels; outside ones take the drawing's own size


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    color: str = "#777777"
    width: float = 1.5
    dashed: bool = False
    dotted: bool = False
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    color: str
    dashed: bool = False
    marker: str = "line"          # line | circle | square
    dotted: bool = False


def circle_layout(ids: Sequence[str], cx: float, cy: float, radius: float,
                  start: float = -math.pi / 2) -> dict[str, tuple[float, float]]:
    """Ids evenly around a circle, clockwise from `start` (the top by default)."""
    n = max(len(ids), 1)
    return {i: (cx + radius * math.cos(start + 2 * math.pi * k / n),
                cy + radius * math.sin(start + 2 * math.pi * k / n)) for k, i in enumerate(ids)}


def network(nodes: Sequence[Node], edges: Sequence[Edge], *, width: int = 720, height: int = 560,
            title: str = "network", legend: Sequence[LegendItem] = (), css_class: str = "network") -> str:
    """Nodes and straight edges; nodes without a position go round a circle."""
    legend_h = 22 * ((len(legend) + 2) // 3) if legend else 0
    free = [n.id for n in nodes if n.x is None or n.y is None]
    margin = max((n.radius for n in nodes), default=16) + 34
    radius = max(10.0, min(width, height - legend_h) / 2 - margin)
    placed = circle_layout(free, width / 2, (height - legend_h) / 2, radius)
    pos = dict(placed)
    for n in nodes:  # every node not placed on the circle has its own position
        if n.id not in placed and n.x is not None and n.y is not None:
            pos[n.id] = (n.x, n.y)
    out = _open(width, height, title, css_class)
    out.append('<g class="edges" fill="none">')
    for e in edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        dash = ' stroke-dasharray="6 4"' if e.dashed else (' stroke-dasharray="2 3"' if e.dotted else "")
        tip = f"<title>{text(e.tooltip)}</title>" if e.tooltip else ""
        out.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                   f'stroke="{attr(e.color)}" stroke-width="{_n(e.width)}"{dash}>{tip}</line>')
    out.append("</g>")
    out.append('<g class="nodes">')
    for node in nodes:
        x, y = pos[node.id]
        out.append(_node(node, x, y, width / 2, (height - legend_h) / 2))
    out.append("</g>")
    if legend:
        out.append(_legend(legend, width, height - legend_h + 4, columns=3))
    out.append("</svg>")
    return "\n".join(out)


def _node(node: Node, x: float, y: float, cx: float, cy: float) -> str:
    r = node.radius
    tip = f"<title>{text(node.tooltip or node.label)}</title>"
    style = f'fill="{attr(node.fill)}" stroke="{attr(node.stroke)}" stroke-width="{_n(node.stroke_width)}"'
    if node.shape == "square":
        shape = f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}" rx="3" {style}/>'
    else:
        shape = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {style}/>'
    if node.label_inside:
        label = (f'<text x="{_n(x)}" y="{_n(y + 4)}" text-anchor="middle" font-size="{_n(node.font_size)}" '
                 f'font-weight="600">{text(node.label)}</text>')
    else:  # outside, away from the centre of the drawing
        dx, dy = x - cx, y - cy
        d = math.hypot(dx, dy) or 1.0
        lx, ly = x + dx / d * (r + 6), y + dy / d * (r + 6) + 4
        anchor = "start" if dx > r else ("end" if dx < -r else "middle")
        label = f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}">{text(node.label)}</text>'
    return f'<g class="node" data-id="{attr(node.id)}">{tip}{shape}{label}</g>'


def _legend(items: Sequence[LegendItem], width: int, top: float, columns: int = 4) -> str:
    out = ['<g class="legend">']
    col = width / columns
    for k, item in enumerate(items):
        x, y = 10 + col * (k % columns), top + 22 * (k // columns) + 8
        if item.marker == "circle":
            mark = (f'<circle cx="{_n(x + 10)}" cy="{_n(y)}" r="6" fill="#fff" '
                    f'stroke="{attr(item.color)}" stroke-width="2.5"/>')
        elif item.marker == "square":
            mark = f'<rect x="{_n(x + 4)}" y="{_n(y - 6)}" width="12" height="12" fill="{attr(item.color)}"/>'
        else:
            dash = ' stroke-dasharray="6 4"' if item.dashed else (' stroke-dasharray="2 3"' if item.dotted else "")
            mark = (f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 22)}" y2="{_n(y)}" '
                    f'stroke="{attr(item.color)}" stroke-width="2.5"{dash}/>')
        out.append(f'{mark}<text x="{_n(x + 28)}" y="{_n(y + 4)}">{text(item.label)}</text>')
    out.append("</g>")
    return "".join(out)


# --- axes shared by the charts ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Frame:
    left: float
    top: float
    right: float
    bottom: float
    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, v: float) -> float:
        span = (self.x1 - self.x0) or 1.0
        return self.left + (v - self.x0) / span * (self.right - self.left)

    def y(self, v: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        return self.bottom - (v - self.y0) / span * (self.bottom - self.top)


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    out, v = [], first
    while v <= hi + step * 1e-9:
        out.append(round(v, 10))
        v += step
    return out


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _axes(f: _Frame, x_ticks: Iterable[tuple[float, str]], y_ticks: Iterable[float],
          x_label: str, y_label: str) -> list[str]:
    out = ['<g class="axes" stroke="#999" fill="#444">']
    for v in y_ticks:
        y = f.y(v)
        out.append(f'<line x1="{_n(f.left)}" y1="{_n(y)}" x2="{_n(f.right)}" y2="{_n(y)}" stroke="#e4e4e4"/>'
                   f'<text x="{_n(f.left - 6)}" y="{_n(y + 4)}" text-anchor="end" stroke="none">{text(_fmt(v))}</text>')
    for v, label in x_ticks:
        x = f.x(v)
        out.append(f'<line x1="{_n(x)}" y1="{_n(f.bottom)}" x2="{_n(x)}" y2="{_n(f.bottom + 4)}"/>'
                   f'<text x="{_n(x)}" y="{_n(f.bottom + 17)}" text-anchor="middle" stroke="none">{text(label)}</text>')
    out.append(f'<line x1="{_n(f.left)}" y1="{_n(f.bottom)}" x2="{_n(f.right)}" y2="{_n(f.bottom)}"/>')
    out.append(f'<line x1="{_n(f.left)}" y1="{_n(f.top)}" x2="{_n(f.left)}" y2="{_n(f.bottom)}"/>')
    if x_label:
        out.append(f'<text x="{_n((f.left + f.right) / 2)}" y="{_n(f.bottom + 34)}" text-anchor="middle" '
                   f'stroke="none">{text(x_label)}</text>')
    if y_label:
        cy = (f.top + f.bottom) / 2
        out.append(f'<text x="14" y="{_n(cy)}" text-anchor="middle" stroke="none" '
                   f'transform="rotate(-90 14 {_n(cy)})">{text(y_label)}</text>')
    out.append("</g>")
    return out


_BOLD_EM = 0.6       # the width of a bold sans-serif character, in ems (a generous estimate)
_SMALLEST_TITLE = 9  # px: below this a projected title cannot be read


def _heading(title: str, width: int) -> str:
    """The chart's title, never clipped: a long one is set smaller to fit the width, and one too
    long even then is cut with an ellipsis, the whole title kept as its tooltip."""
    if not title:
        return ""
    room = max(width - 16, 40)
    # Rounded down to the one decimal it is written with: rounded up, it would overflow.
    size = min(14.0, math.floor(10 * room / (_BOLD_EM * len(title))) / 10)
    shown, tip = title, ""
    if size < _SMALLEST_TITLE:
        size = _SMALLEST_TITLE
        keep = int(room / (_BOLD_EM * size)) - 1
        shown, tip = title[:keep].rstrip() + "…", f"<title>{text(title)}</title>"
    return (f'<text x="{_n(width / 2)}" y="18" text-anchor="middle" font-size="{_n(size)}" '
            f'font-weight="600">{tip}{text(shown)}</text>')


# --- bar chart with intervals ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Bar:
    """A bar; `low` and `high`, when given, draw an interval (e.g. a 95% interval)."""
    label: str
    value: float
    low: float | None = None
    high: float | None = None
    color: str = PALETTE[0]


def bar_chart(bars: Sequence[Bar], *, width: int = 560, height: int = 300, title: str = "",
              x_label: str = "", y_label: str = "", y_range: tuple[float, float] | None = None,
              value_format: str = "{:.2f}", css_class: str = "chart bar-chart") -> str:
    """Vertical bars, one per item, with optional intervals and the value written above."""
    values = [v for b in bars for v in (b.value, b.low, b.high) if v is not None]
    lo, hi = y_range if y_range else (min(0.0, *values) if values else 0.0,
                                      max(values) * 1.1 if values and max(values) > 0 else 1.0)
    f = _Frame(56, 30, width - 16, height - 48, 0, max(len(bars), 1), lo, hi)
    out = _open(width, height, title or "bar chart", css_class)
    out.append(_heading(title, width))
    out += _axes(f, [(k + 0.5, b.label) for k, b in enumerate(bars)], _ticks(lo, hi), x_label, y_label)
    slot = (f.right - f.left) / max(len(bars), 1)
    for k, b in enumerate(bars):
        x, y, base = f.left + slot * (k + 0.2), f.y(b.value), f.y(max(lo, 0.0))
        out.append(f'<rect class="bar" x="{_n(x)}" y="{_n(min(y, base))}" width="{_n(slot * 0.6)}" '
                   f'height="{_n(abs(base - y))}" fill="{attr(b.color)}"><title>{text(b.label)}: '
                   f'{text(value_format.format(b.value))}</title></rect>')
        mid = f.x(k + 0.5)
        if b.low is not None and b.high is not None:
            y1, y2 = f.y(b.low), f.y(b.high)
            out.append(f'<g class="interval" stroke="#222" stroke-width="1.5">'
                       f'<line x1="{_n(mid)}" y1="{_n(y1)}" x2="{_n(mid)}" y2="{_n(y2)}"/>'
                       f'<line x1="{_n(mid - 6)}" y1="{_n(y1)}" x2="{_n(mid + 6)}" y2="{_n(y1)}"/>'
                       f'<line x1="{_n(mid - 6)}" y1="{_n(y2)}" x2="{_n(mid + 6)}" y2="{_n(y2)}"/></g>')
        top = min(y, f.y(b.high) if b.high is not None else y)
        out.append(f'<text x="{_n(mid)}" y="{_n(top - 5)}" text-anchor="middle">'
                   f'{text(value_format.format(b.value))}</text>')
    out.append("</svg>")
    return "\n".join(o for o in out if o)


# --- histogram --------------------------------------------------------------------------------

def histogram_bins(values: Sequence[float], bins: int = 10,
                   range_: tuple[float, float] | None = None) -> list[tuple[float, float, int]]:
    """(low, high, count) per bin; the last bin includes its upper edge."""
    if bins < 1:
        raise ValueError("a histogram needs at least one bin")
    if range_ is None:
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    else:
        lo, hi = range_
    if hi <= lo:
        hi = lo + 1.0
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        if lo <= v <= hi:
            counts[min(int((v - lo) / width), bins - 1)] += 1
    return [(lo + k * width, lo + (k + 1) * width, counts[k]) for k in range(bins)]


def histogram(values: Sequence[float] = (), *, bins: int = 10, range_: tuple[float, float] | None = None,
              counts: Sequence[tuple[float, float, int]] | None = None, width: int = 560,
              height: int = 300, title: str = "", x_label: str = "", y_label: str = "count",
              color: str = PALETTE[0], css_class: str = "chart histogram") -> str:
    """A histogram of `values`, or of precomputed `counts` as (low, high, count)."""
    cells = list(counts) if counts is not None else histogram_bins(values, bins, range_)
    lo = cells[0][0] if cells else 0.0
    hi = cells[-1][1] if cells else 1.0
    top = max((c for _, _, c in cells), default=0) or 1
    f = _Frame(56, 30, width - 16, height - 48, lo, hi, 0, top * 1.1)
    out = _open(width, height, title or "histogram", css_class)
    out.append(_heading(title, width))
    x_ticks = [(v, _fmt(v)) for v in _ticks(lo, hi, 6)]
    out += _axes(f, x_ticks, [t for t in _ticks(0, top * 1.1) if float(t).is_integer()], x_label, y_label)
    for a, b, c in cells:
        x1, x2, y = f.x(a), f.x(b), f.y(c)
        out.append(f'<rect class="bin" x="{_n(x1 + 0.5)}" y="{_n(y)}" width="{_n(max(x2 - x1 - 1, 0.5))}" '
                   f'height="{_n(f.bottom - y)}" fill="{attr(color)}"><title>{text(_fmt(a))}–'
                   f'{text(_fmt(b))}: {c}</title></rect>')
    out.append("</svg>")
    return "\n".join(o for o in out if o)


# --- line chart ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Series:
    """A line; a point whose y is None breaks the line there."""
    label: str
    points: Sequence[tuple[float, float | None]]
    color: str = PALETTE[0]
    dashed: bool = False


def line_chart(series: Sequence[Series], *, width: int = 560, height: int = 280, title: str = "",
               x_label: str = "", y_label: str = "", y_range: tuple[float, float] | None = None,
               x_ticks: Sequence[tuple[float, str]] | None = None,
               css_class: str = "chart line-chart") -> str:
    """Lines with a dot at every point and a legend under the chart."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points if y is not None]
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    y0, y1 = y_range if y_range else ((min(ys), max(ys)) if ys else (0.0, 1.0))
    if y1 == y0:
        y0, y1 = y0 - 1, y1 + 1
    legend_h = 22 * ((len(series) + 2) // 3)
    f = _Frame(56, 30, width - 20, height - 48 - legend_h, x0, x1, y0, y1)
    out = _open(width, height, title or "line chart", css_class)
    out.append(_heading(title, width))
    ticks = x_ticks if x_ticks is not None else [(v, _fmt(v)) for v in _ticks(x0, x1, 8)]
    out += _axes(f, ticks, _ticks(y0, y1), x_label, y_label)
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for run in _runs(s.points):
            d = " ".join(f"{'M' if k == 0 else 'L'}{_n(f.x(x))},{_n(f.y(y))}" for k, (x, y) in enumerate(run))
            out.append(f'<path d="{d}" fill="none" stroke="{attr(s.color)}" stroke-width="2"{dash}/>')
        for x, y in s.points:
            if y is not None:
                out.append(f'<circle cx="{_n(f.x(x))}" cy="{_n(f.y(y))}" r="3" fill="{attr(s.color)}">'
                           f'<title>{text(s.label)}: {text(_fmt(x))}, {y:.2f}</title></circle>')
    out.append(_legend([LegendItem(s.label, s.color, s.dashed) for s in series], width,
                       height - legend_h + 2, columns=3) if series else "")
    out.append("</svg>")
    return "\n".join(o for o in out if o)


def _runs(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [r for r in runs if r]
