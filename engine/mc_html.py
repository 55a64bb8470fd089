"""The results of a batch as a self-contained HTML page: tables and SVG charts, no scripts.

Drawn from `Results.data` alone (see `engine.mc_results`), so a page can be
written again from saved JSON.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import svg
from .mc_results import LEVELS, Results, first_number

__all__ = ["report_html"]

def report_html(results: Results, *, max_attacks: int = 12) -> str:
    """A self-contained page: tables and SVG charts of the results (no scripts, no fetches)."""
    d = results.data
    esc = svg.text
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(d['title'])}: {d['runs']} runs</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 8px;border-bottom:1px solid #ddd;"
        "text-align:right}td:first-child,th:first-child,.l{text-align:left}figure{margin:1em 0}"
        "h2{margin-top:2em}.note{color:#555}</style></head><body>",
        f"<h1>{esc(d['title'])}</h1>",
        f"<p>{d['runs']} runs of {d['requested']} (master seed {d['seed']})"
        + (" &mdash; <strong>interrupted</strong>" if d["interrupted"] else "")
        + (", weights varied: " + ", ".join(esc(f"{v['name']} {v['low']:g}:{v['high']:g}")
                                            for v in d["vary"]) if d["vary"] else "")
        + ". Intervals are 95% Wilson intervals.</p>",
    ]
    parts += _html_honour(d, max_attacks)
    parts += _html_cohesion(d)
    parts += _html_injects(d)
    parts += _html_wars(d)
    parts += _html_history(d)
    parts += _html_sensitivity(d)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_honour(d: Mapping[str, Any], max_attacks: int) -> list[str]:
    out = ["<h2>Who honours, attack by attack</h2>",
           '<p class="note">Probability that the state kept every commitment put to the test, '
           "in the runs where one was.</p>"]
    by_attack: dict[str, list[Mapping[str, Any]]] = {}
    for row in d["decisions"]:
        if row["scenario_attack"] and row["honour"]["n"]:
            by_attack.setdefault(row["attack"], []).append(row)
    for attack, rows in list(by_attack.items())[:max_attacks]:
        bars = [svg.Bar(r["state"], r["honour"]["p"], r["honour"]["low"], r["honour"]["high"])
                for r in rows]
        out.append("<figure>" + svg.bar_chart(
            bars, width=max(560, 46 * len(bars) + 80), title=f"{attack}: P(honoured)",
            y_label="probability", y_range=(0.0, 1.0)) + "</figure>")
    if len(by_attack) > max_attacks:
        out.append(f'<p class="note">{len(by_attack) - max_attacks} more attacks in the JSON and CSV.</p>')
    return out + _honour_table(d["decisions"])


def _honour_table(decisions: list[Mapping[str, Any]]) -> list[str]:
    esc = svg.text
    out = ["<table><tr><th>turn</th><th class=l>attack</th><th class=l>state</th><th>asked</th>"
           + "".join(f"<th>{lvl}</th>" for lvl in LEVELS) + "<th>honoured [95%]</th></tr>"]
    for row in decisions:
        if not row["scenario_attack"]:
            continue
        h = row["honour"]
        honour = (f"{h['p']:.2f} [{h['low']:.2f}&ndash;{h['high']:.2f}] of {h['n']}" if h["n"] else "&ndash;")
        out.append(f"<tr><td>{row['turn']}</td><td class=l>{esc(row['attack'])}</td>"
                   f"<td class=l>{esc(row['state'])}</td><td>{row['asked']['p']:.2f}</td>"
                   + "".join(f"<td>{row['responses'][lvl]['p']:.2f}</td>" if row['responses'][lvl]['p']
                             is not None else "<td>&ndash;</td>" for lvl in LEVELS)
                   + f"<td>{honour}</td></tr>")
    out.append("</table>")
    return out


def _html_cohesion(d: Mapping[str, Any]) -> list[str]:
    esc = svg.text
    out = ["<h2>Cohesion by treaty</h2>",
           "<table><tr><th>treaty</th><th>id</th><th>runs</th><th>mean</th><th>p5</th><th>p50</th><th>p95</th></tr>"]
    for c in d["cohesion"]:
        q = c["quantiles"]
        cells = "".join(f"<td>{v:.2f}</td>" if v is not None else "<td>&ndash;</td>"
                        for v in (c["mean"], q["p5"], q["p50"], q["p95"]))
        out.append(f"<tr><td class=l>{esc(c['name'])}</td><td class=l>{esc(c['treaty'])}</td>"
                   f"<td>{c['runs']}</td>{cells}</tr>")
    out.append("</table>")
    for c in d["cohesion"]:
        if c["runs"]:
            out.append("<figure>" + svg.histogram(
                counts=[tuple(cell) for cell in c["histogram"]], title=f"{c['treaty']}: cohesion per run",
                x_label="cohesion", y_label="runs") + "</figure>")
    return out


def _html_injects(d: Mapping[str, Any]) -> list[str]:
    injects = d.get("injects") or {}
    if not injects:
        return []
    esc = svg.text
    out = ["<h2>Which injects fired</h2>",
           '<p class="note">The share of runs in which each inject fired, and on which turn: an option '
           "its actor may not take, or an inject waiting on another, fires in some runs only.</p>",
           '<table><tr><th>inject</th><th>fired</th><th class="l">by turn</th></tr>']
    for name, row in injects.items():
        turns = ", ".join(f"turn {esc(t)}: {p:.1%}" for t, p in row["turn"].items()) or "&ndash;"
        fired = row["fired"]
        out.append(f"<tr><td>{esc(name)}</td><td>{'&ndash;' if fired is None else f'{fired:.1%}'}</td>"
                   f'<td class="l">{turns}</td></tr>')
    return out + ["</table>"]


def _html_wars(d: Mapping[str, Any]) -> list[str]:
    spread, first = d["war_spread"], d["first_war"]
    out = ["<h2>How far the war spreads, and when it starts</h2>"]
    n = max(d["runs"], 1)
    bars = [svg.Bar(k, v / n) for k, v in spread["counts"].items()]
    if bars:
        out.append("<figure>" + svg.bar_chart(
            bars, width=max(560, 30 * len(bars) + 80), title="belligerents at the end",
            x_label="states at war", y_label="share of runs", y_range=(0.0, 1.0)) + "</figure>")
    bars = [svg.Bar(k, v / n) for k, v in first["counts"].items()]
    bars.append(svg.Bar("none", first["none"] / n, color=svg.PALETTE[1]))
    out.append("<figure>" + svg.bar_chart(
        bars, width=max(560, 30 * len(bars) + 80), title="turn of the first armed clash",
        x_label="turn", y_label="share of runs", y_range=(0.0, 1.0)) + "</figure>")
    return out


def _html_history(d: Mapping[str, Any]) -> list[str]:
    h = d.get("history")
    if not h:
        return []
    r = h["reproduced"]
    bars = [svg.Bar(f"{e['state']} t{e['turn']}", e["matched"]["p"] or 0.0, e["matched"]["low"],
                    e["matched"]["high"]) for e in h["entries"]]
    return ["<h2>History</h2>",
            f"<p>Every script entry reproduced in {r['count']} of {r['n']} runs "
            f"({r['p']:.3f}, 95% interval {r['low']:.3f}&ndash;{r['high']:.3f}).</p>",
            "<figure>" + svg.bar_chart(bars, width=max(560, 40 * len(bars) + 80),
                                       title="share of runs matching each recorded decision",
                                       y_label="probability", y_range=(0.0, 1.0)) + "</figure>"]


def _html_sensitivity(d: Mapping[str, Any]) -> list[str]:
    s = d.get("sensitivity")
    if not s:
        return []
    bars = [svg.Bar(w["weight"], first_number(w["honour_rate"])) for w in s["weights"]]
    out = ["<h2>Which factor moves the outcome most</h2>",
           f'<p class="note">Standardized regression coefficient of each varied weight on the run\'s '
           f"honour rate ({s['runs']} runs); the table adds correlations and the war spread.</p>",
           "<figure>" + svg.bar_chart(bars, width=max(560, 70 * len(bars) + 80),
                                      title="effect on the honour rate (beta)") + "</figure>",
           "<table><tr><th>weight</th><th>range</th><th>honour r</th><th>beta</th>"
           "<th>spread r</th><th>beta</th></tr>"]
    for w in s["weights"]:
        cells = "".join(f"<td>{v:.3f}</td>" if v is not None else "<td>&ndash;</td>" for v in
                        (w["honour_rate"]["r"], w["honour_rate"]["beta"],
                         w["war_spread"]["r"], w["war_spread"]["beta"]))
        out.append(f"<tr><td class=l>{svg.text(w['weight'])}</td><td>{w['low']:g}:{w['high']:g}</td>{cells}</tr>")
    out.append("</table>")
    return out
