"""The after-action report opens with one debrief page; the full record follows. Chart titles
are never clipped."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import svg
from tests.e2e.support import cell_client, csrf, make_app, narva_under_way

REASON = "Warsaw is told to hold: a teaching point on alliance leadership."


@pytest.fixture
def debriefed(tmp_path):
    """The Narva drill: the United States cell answers, the umpire overrides Poland, the turn closes."""
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)
    us = cell_client(app, ex["cells"]["United States"]["join_url"])
    assert us.post(f"/x/{ex['id']}/cell/decide", data={
        "csrf_token": csrf(us), "state": "USA", "attack": "narva", "response": "full", "turn": "2"}).status_code == 303
    assert umpire.post(f"/x/{ex['id']}/override", data={
        "csrf_token": csrf(umpire), "state": "POL", "attack": "narva", "response": "neutral",
        "reason": REASON}).status_code == 303
    assert umpire.post(f"/x/{ex['id']}/close-turn", data={"csrf_token": csrf(umpire)}).status_code == 303
    return ex, umpire


def test_the_report_opens_with_the_debrief_and_the_full_record_follows(debriefed):
    ex, umpire = debriefed
    page = umpire.get(f"/x/{ex['id']}/report").get_data(as_text=True)
    debrief, full, timeline = page.index('id="debrief"'), page.index("The full record"), page.index("<h2>Timeline</h2>")
    assert debrief < full < timeline
    first = page[debrief:full]
    assert "2 turns played" in first
    assert "Russia against Estonia" in first
    assert REASON in first                                             # the override and why
    assert re.search(r"United States</td><td>Russia against Estonia</td>\s*<td><span class=\"pill answer r-full\">"
                     r"full</span> <span class=\"muted\">by the cell", first)
    assert "by the umpire" in first
    assert "abandoned by Poland" in first and "neutral abandons it" in first
    assert "Fear of abandonment" in first and "<svg" in first          # fears and the charts on the page
    assert page.count("<svg") == first.count("<svg")                   # the charts are not repeated


def test_the_markdown_report_opens_with_the_debrief_too(debriefed):
    ex, umpire = debriefed
    text = umpire.get(f"/x/{ex['id']}/report.md").get_data(as_text=True)
    assert text.index("## Debrief") < text.index("# The full record") < text.index("## Timeline")
    assert REASON in text.split("# The full record")[0]


@given(st.text(alphabet="abcdefghij klmnopqrstuvwxyz()-", min_size=1, max_size=160),
       st.integers(min_value=300, max_value=900))
def test_a_chart_title_fits_its_chart(title, width):
    chart = svg.line_chart([svg.Series("x", [(1, 0.5), (2, 0.6)])], width=width, title=title)
    head = re.search(r'<text x="[^"]+" y="18" text-anchor="middle" font-size="([\d.]+)" '
                     r'font-weight="600">(?:<title>.*?</title>)?(.*?)</text>', chart, re.S)
    assert head, "the chart has its title"
    size, shown = float(head.group(1)), head.group(2)
    from html import unescape
    assert len(unescape(shown)) * 0.6 * size <= width - 16 + 1e-6
    if unescape(shown) != title.strip() and unescape(shown) != title:
        assert "<title>" in chart and shown.endswith("…")


def test_a_cells_decision_stands_beside_the_doctrines_and_historys():
    from pathlib import Path

    from engine import debrief, report
    from engine.game import Game
    from engine.model import Control, Mode
    from engine.scenario import load
    sc = load(Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1914-july-crisis.yaml")
    game = Game.new(sc, mode=Mode.EXERCISE,
                    controls={s.id: Control.PLAYER if s.id == "RUS" else Control.NPC for s in sc.states})
    while game.state.turn < 6:
        game.open_turn()
        for attack, state in game.state.pending():
            if state == "RUS":  # the one cell; the engine answers for the rest
                game.submit(state, attack, "full")
        game.close_turn()
    a = report.after_action(sc, list(game.events), doctrine=game.ctx.doctrine)
    rows = debrief.debrief(sc, a, list(game.events), frozenset({"RUS"})).compared
    serbia = next(c for c in rows if c.attack == "Austria-Hungary against Serbia")
    recorded = next(e for e in sc.script if e.state == "RUS" and e.inject == "aut-srb")
    assert (serbia.answer, serbia.by) == ("full", "the cell")
    assert serbia.history == str(recorded.response) and serbia.history_note == recorded.note
    assert serbia.doctrine is not None
