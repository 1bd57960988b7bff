"""Charts as inline SVG, drawn here so the report needs no script and no network: each claimant's
figure as the interval its words allow, and a claimant's figures over time. Every string that
reaches the SVG came from an article, so every one is escaped."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

from crosstally.stories.compare import interval

WIDTH = 480
LEFT, RIGHT = 10, 26  # room for an open end's arrow on the right
ROW = 48
LABEL_CHARS = 38
PALETTE = ("#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#01665e", "#8c510a", "#c51b7d")
OWN_VOICE = "#6b6b6b"


def fmt(x: float) -> str:
    """A figure as a reader writes it: 6,000; 2.5; 1.2 million."""
    if x >= 1_000_000 and x % 100_000 == 0:
        return f"{x / 1_000_000:g} million"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def _colours(names: list[str | None]) -> dict[str | None, str]:
    out: dict[str | None, str] = {None: OWN_VOICE}
    for name in names:
        if name not in out:
            out[name] = PALETTE[(len(out) - 1) % len(PALETTE)]
    return out


def _circle(x: float, y: float, colour: str, open_: bool) -> str:
    fill = "#ffffff" if open_ else colour
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{colour}" stroke-width="2"/>'


def interval_chart(figures: list[dict], measure: str) -> Markup:
    """One row per figure: the claimant and their words, a band over the values the words allow
    (open-ended to the right for "more than"), a dot at the stated figure, hollow where the words
    exclude it ("more than 2,870" does not include 2,870)."""
    if not figures:
        return Markup("")
    spans = [interval(f["value"], f["qualifier"], f.get("low")) for f in figures]
    finite = [v for s, f in zip(spans, figures, strict=True) for v in (s.low, s.high, f["value"]) if math.isfinite(v)]
    ticks = nice_ticks(max(finite) * 1.08)
    top = ticks[-1] or 1.0
    span_px = WIDTH - LEFT - RIGHT

    def x(v: float) -> float:
        return LEFT + span_px * (min(v, top) / top)

    colours = _colours([f["claimant"] for f in figures])
    height = ROW * len(figures) + 34
    out = [f'<svg class="chart interval-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(measure)}: each claimant\'s figure as an interval">']
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="6" x2="{x(t):.1f}" y2="{height - 24}" stroke="#e3e3e3"/>')
    for i, (f, s) in enumerate(zip(figures, spans, strict=True)):
        y = 8 + i * ROW
        colour = colours[f["claimant"]]
        who = f["claimant"] or "the outlet's own voice"
        sources = f"{f['outlets']} source" + ("s" if f["outlets"] != 1 else "")
        label = f"{who}: {f['quote']}"
        out.append(f'<g class="figure"><title>{escape(label)} ({escape(f["qualifier"])}; carried by {sources})</title>')
        # The label line holds about LABEL_CHARS characters beside the sources count on the right.
        quote = _clip(f["quote"], 22)
        out.append(f'<text x="{LEFT}" y="{y + 14}" font-size="15" fill="#222">'
                   f'{escape(_clip(who, max(12, LABEL_CHARS - len(quote))))}'
                   f'<tspan fill="{colour}" font-weight="bold"> {escape(quote)}</tspan></text>'
                   f'<text x="{WIDTH - 4}" y="{y + 14}" font-size="12" fill="#666" text-anchor="end">{sources}</text>')
        bar_y = y + 28
        hi = s.high if math.isfinite(s.high) else top
        out.append(f'<rect x="{x(s.low):.1f}" y="{bar_y - 5}" width="{max(x(hi) - x(s.low), 2):.1f}" height="10" '
                   f'fill="{colour}" fill-opacity="0.3" rx="2"/>')
        if not math.isfinite(s.high):
            end = WIDTH - RIGHT + 4
            out.append(f'<line x1="{x(s.low):.1f}" y1="{bar_y}" x2="{end}" y2="{bar_y}" stroke="{colour}" '
                       f'stroke-width="2" stroke-dasharray="5 3"/>')
            out.append(f'<polygon points="{end},{bar_y - 6} {end + 10},{bar_y} {end},{bar_y + 6}" fill="{colour}"/>')
        q = f["qualifier"]
        if q == "range" and f.get("low") is not None:
            out.append(_circle(x(f["low"]), bar_y, colour, False))
        out.append(_circle(x(f["value"]), bar_y, colour, q in ("more_than", "fewer_than")))
        out.append("</g>")
    axis_y = height - 22
    out.append(f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}" stroke="#888"/>')
    for t in ticks:
        anchor = "start" if t == 0 else "end" if t == top else "middle"
        out.append(f'<text x="{x(t):.1f}" y="{axis_y + 16}" font-size="13" fill="#555" text-anchor="{anchor}">'
                   f"{escape(fmt(t))}</text>")
    out.append("</svg>")
    return Markup("".join(out))


def timeline_chart(timeline: dict) -> Markup:
    """A claimant's figures for one quantity by day: days evenly spaced in order (an earlier figure
    first, undated ones left out of the drawing), values on a scale from zero."""
    # One mark per figure and day: the same words repeated in an article are one point.
    points = list({(p["as_of"], p["quote"], p["value"]): p for p in timeline["points"] if p.get("as_of")}.values())
    if not points:
        return Markup("")
    days = sorted({p["as_of"] for p in points}, key=lambda d: ("" if d == "earlier" else d))
    top = nice_ticks(max(p["value"] for p in points) * 1.1)[-1] or 1.0
    height, left, right, base = 200, 48, 24, 160

    def px(day: str) -> float:
        return left + (WIDTH - left - right) * ((days.index(day) + 0.5) / len(days))

    def py(v: float) -> float:
        return base - (base - 20) * (v / top)

    out = [f'<svg class="chart timeline-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(timeline["claimant"])}: '
           f'{escape(timeline["measure"])} over time">']
    for t in nice_ticks(top, 4):
        if t <= top:
            out.append(f'<line x1="{left}" y1="{py(t):.1f}" x2="{WIDTH - right}" y2="{py(t):.1f}" stroke="#e3e3e3"/>'
                       f'<text x="{left - 6}" y="{py(t) + 4:.1f}" font-size="11" fill="#555" text-anchor="end">'
                       f"{escape(fmt(t))}</text>")
    line = " ".join(f"{px(p['as_of']):.1f},{py(p['value']):.1f}" for p in points)
    out.append(f'<polyline points="{line}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    # Labels sit right of their point; figures of one day are stacked so their labels never overlap.
    label_y: dict[int, float] = {}
    for day in days:
        previous = -math.inf
        for i in sorted((i for i, p in enumerate(points) if p["as_of"] == day), key=lambda i: py(points[i]["value"])):
            label_y[i] = previous = max(py(points[i]["value"]) + 4, previous + 15)
    for i, p in enumerate(points):
        x, y = px(p["as_of"]), py(p["value"])
        out.append(f'<g class="point"><title>{escape(p["quote"])} ({escape(p["as_of"])}, {escape(p["article"])}'
                   f'{", a revision" if p.get("revision") else ""})</title>{_bound_arrow(x, y, p.get("qualifier"))}'
                   f'{_circle(x, y, PALETTE[0], p.get("qualifier") in ("more_than", "fewer_than"))}'
                   f'<text x="{x + 9:.1f}" y="{label_y[i]:.1f}" font-size="12" fill="#222">'
                   f'{escape(_clip(p["quote"], 22))}</text></g>')
    for d in days:
        out.append(f'<text x="{px(d):.1f}" y="{base + 20}" font-size="11" fill="#555" text-anchor="middle">'
                   f"{escape(d)}</text>")
    out.append("</svg>")
    return Markup("".join(out))


def _bound_arrow(x: float, y: float, qualifier: str | None) -> str:
    """A short arrow from a figure its words leave open: up for "more than" and "at least", down for
    "up to", "fewer than" and "almost"."""
    direction = {"more_than": -1, "at_least": -1, "at_most": 1, "fewer_than": 1, "almost": 1}.get(qualifier or "")
    if direction is None:
        return ""
    tip = y + direction * 18
    return (f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{tip:.1f}" stroke="{PALETTE[0]}" stroke-width="1.5"/>'
            f'<polygon points="{x - 4:.1f},{tip - direction * 5:.1f} {x + 4:.1f},{tip - direction * 5:.1f} '
            f'{x:.1f},{tip + direction * 1:.1f}" fill="{PALETTE[0]}"/>')


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
