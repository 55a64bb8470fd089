"""The console's turn log: a digest per attack (who is bound, who answered what, who blocked).

It replaces a line per obligation; it must still name every bound state and every
answer the viewer may see, and nothing the viewer may not.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken, InvocationResolved, ObligationExamined, Overridden
from engine.game import Game
from engine.model import Control, Mode, ObligationType
from engine.narrative import AttackDigest, digest, is_quiet
from engine.scenario import load
from tests.e2e.support import make_app, narva_under_way

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"


@pytest.fixture(scope="module")
def played() -> Game:
    game = Game.new(load(TEACHING))
    game.play(4)
    return game


@pytest.mark.parametrize("turn", [1, 2, 3, 4])
def test_every_bound_state_and_every_answer_is_in_the_digest(played, turn):
    sc, events = played.scenario, [e for e in played.events if e.turn == turn]
    told = digest(sc, events)
    attacks = [d for d in told if isinstance(d, AttackDigest)]
    for e in events:
        mine = [d for d in attacks if e.__class__ is not InvocationResolved and getattr(e, "attack", None)
                in d.attack.split()]
        if isinstance(e, ObligationExamined) and e.triggered and e.type is not ObligationType.NONAGGRESSION:
            assert any(sc.state(e.ally).name in g.states for d in mine for g in d.bound)
        if isinstance(e, DecisionTaken | Overridden):
            assert any(g.heading == str(e.response) and any(w.startswith(sc.state(e.state).name) for w in g.states)
                       for d in mine for g in d.answers)


@pytest.mark.parametrize("turn", [1, 2, 3, 4])
def test_the_digest_is_a_fraction_of_the_line_per_event_log(played, turn):
    events = [e for e in played.events if e.turn == turn]
    loud = [e for e in events if not is_quiet(e)]
    assert len(digest(played.scenario, events)) <= max(8, len(loud) // 4)


def test_a_cascade_that_meets_the_same_obligations_is_told_once(played):
    events = [e for e in played.events if e.turn == 3]
    bound_by_csto = {e.attack for e in events if isinstance(e, ObligationExamined) and e.triggered
                     and e.treaty == "csto"}
    assert len(bound_by_csto) >= 3                                  # the wars spread: many attacks
    told = digest(played.scenario, events)
    csto = [d for d in told if isinstance(d, AttackDigest)
            and any("Collective Security Treaty" in g.heading for g in d.bound)]
    assert 1 <= len(csto) <= 2                                      # told once or twice, not per war
    assert {a for d in csto for a in d.attack.split()} == bound_by_csto


def test_who_blocked_a_council_is_named(played):
    events = [e for e in played.events if e.turn == 3]
    blocked = [e for e in events if isinstance(e, InvocationResolved) and e.blocked_by]
    assert blocked
    lines = [c for d in digest(played.scenario, events) if isinstance(d, AttackDigest) for c in d.councils]
    for e in blocked:
        names = [played.scenario.state(s).name for s in e.blocked_by]
        # A long list is cut after eight names and says how many block in all.
        said = "blocked by " + ", ".join(names) if len(names) <= 8 else \
            "blocked by " + ", ".join(names[:8]) + f" and {len(names) - 8} more ({len(names)} in all)"
        assert any(line.endswith(said) for line in lines), (said, lines)


def test_cells_still_to_answer_are_told_apart_from_the_doctrine():
    sc = load(TEACHING)
    game = Game.new(sc, mode=Mode.EXERCISE,
                    controls={s.id: Control.PLAYER if s.id == "POL" else Control.NPC for s in sc.states})
    while not game.state.awaiting and not any(s == "POL" for _, s in game.state.pending()):
        game.open_turn()
        if not game.state.pending():
            game.close_turn()
    told = digest(sc, [e for e in game.events if e.turn == game.state.turn])
    heads = {g.heading: g.states for d in told if isinstance(d, AttackDigest) for g in d.answers}
    assert "Poland" in heads["cells still to answer"]
    assert "Poland" not in heads.get("the doctrine answers at the close", ())


def test_the_dashboard_and_the_cell_page_show_the_digest_not_the_flood(tmp_path):
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)
    page = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert "attack-digest" in page and "binds Poland to defend" not in page
    assert 'id="full-log"' in page
    full = umpire.get(f"/x/{ex['id']}/history?turn=2&all=1").get_data(as_text=True)
    assert "binds Poland to defend" in full                               # one click away
