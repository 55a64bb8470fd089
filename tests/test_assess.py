"""`engine.assess`: the framework's questions answered from the engine's own indicators, within
the fog of war, in a stable JSON shape; and the `casus assess` command."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casus.cli import main
from engine.assess import FORMAT, assess
from engine.assess_text import QUESTIONS, VERDICTS, to_text
from engine.doctrine import Doctrine
from engine.scenario import load
from engine.state import GameState
from tests.builders import make_scenario, relation, state, treaty

BALTIC = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"
TREATY_QUESTIONS = list(QUESTIONS)


def _gs(**kw: object) -> GameState:
    return GameState.initial(make_scenario(**kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("relations, powers, verdict", [
    # both fear an outsider, not each other: balancing (Walt 1987)
    ([("A", "X", 0.7), ("B", "X", 0.6)], {"A": 1, "B": 1, "X": 5}, "balancing"),
    # A fears its much stronger partner B: bandwagoning
    ([("A", "B", 0.6)], {"A": 1, "B": 10, "X": 1}, "bandwagoning"),
    # A fears a partner of its own size: tethering (Weitsman 2004)
    ([("A", "B", 0.6)], {"A": 2, "B": 3, "X": 1}, "tethering"),
    # no threat anywhere: an association
    ([], {"A": 1, "B": 1, "X": 1}, "association"),
])
def test_alignment_is_read_off_threats_and_power(relations, powers, verdict):
    gs = _gs(states=[state(s, power=p) for s, p in powers.items()], treaties=[treaty("t", "A B")],
             relations=[relation(a, b, threat=th) for a, b, th in relations])
    assert assess(gs).treaty("t").answer("formation.alignment").verdict == verdict


def _secret_pact() -> GameState:
    return _gs(states=[state("A"), state("B"), state("X", power=3)],
               treaties=[treaty("pact", "A B", openness="secret", institutionalization=0.8)],
               relations=[relation("A", "X", threat=0.8), relation("B", "X", threat=0.8)])


def test_a_secret_treaty_the_adversary_does_not_know_is_not_credible_and_disclosed_it_is():
    gs = _secret_pact()
    hidden = assess(gs).treaty("pact").answer("formation.credibility")
    assert (hidden.verdict, hidden.indicator("credibility"), hidden.indicator("known_to_adversary")) == \
        ("hidden", 0.0, 0.0)
    gs.known_to["pact"] = gs.known_to["pact"] | {"X"}
    told = assess(gs).treaty("pact").answer("formation.credibility")
    assert told.verdict != "hidden" and told.indicator("credibility") > 0


@pytest.mark.parametrize("viewer, sees", [(None, True), (frozenset({"A"}), True), (frozenset({"X"}), False)])
def test_a_cell_is_assessed_only_on_the_treaties_it_knows_and_its_own_states(viewer, sees):
    found = assess(_secret_pact(), viewer)
    assert ("pact" in [t.id for t in found.treaties]) is sees
    assert [s.id for s in found.states] == (["A", "B", "X"] if viewer is None else sorted(viewer))


@pytest.mark.parametrize("viewer, named", [(None, True), (frozenset({"A"}), True), (frozenset({"X"}), False)])
def test_a_cell_reads_an_alliances_mean_fears_and_only_its_own_states_by_name(viewer, named):
    gs = _gs(states=[state("A"), state("B"), state("X", power=3)], treaties=[treaty("open", "A B")],
             relations=[relation("A", "X", threat=0.8), relation("B", "X", threat=0.4)])
    dilemma = assess(gs, viewer).treaty("open").answer("cohesion.security_dilemma")
    assert dilemma.indicator("abandonment") is not None
    most = dilemma.indicator("most_fears_abandonment")
    assert (most is not None) is named and (viewer is None or most is None or most in viewer)


def test_the_numbers_are_the_doctrines_own():
    gs = GameState.initial(load(BALTIC))
    found = assess(gs).treaty("nato")
    world, doctrine = gs.world, Doctrine.for_scenario(gs.scenario)
    assert found.adversary == "RUS"
    assert found.answer("formation.credibility").indicator("credibility") == \
        round(doctrine.credibility(world, "nato", "RUS"), 4)
    fears = [doctrine.fears(world, "nato", m) for m in found.members]
    assert found.answer("cohesion.security_dilemma").indicator("abandonment") == \
        round(sum(f[0] for f in fears) / len(fears), 4)


def test_the_json_shape_is_stable_and_complete():
    data = assess(GameState.initial(load(BALTIC))).data()
    assert data["format"] == FORMAT and data["turn"] == 0 and data["viewer"] is None
    assert json.loads(json.dumps(data)) == data
    for t in data["treaties"]:
        assert set(t) == {"id", "name", "members", "adversary", "questions"}
        assert [q["id"] for q in t["questions"]] == TREATY_QUESTIONS
        for q in t["questions"]:
            assert set(q) == {"id", "theme", "question", "verdict", "answer", "indicators"}
            assert q["verdict"] in VERDICTS[q["id"]] and q["answer"] and q["indicators"]
    assert {s["id"] for s in data["states"]} >= {"EST", "RUS"}


def test_an_assessment_is_deterministic():
    sc = load(BALTIC)
    assert to_text(assess(GameState.initial(sc))) == to_text(assess(GameState.initial(sc)))


@settings(max_examples=30, deadline=None)
@given(threats=st.lists(st.floats(0, 1), min_size=4, max_size=4),
       trades=st.lists(st.floats(0, 0.5), min_size=2, max_size=2),
       powers=st.lists(st.floats(0.1, 100), min_size=3, max_size=3),
       secret=st.booleans())
def test_every_question_has_an_answer_for_any_small_system(threats, trades, powers, secret):
    gs = _gs(states=[state(s, power=p) for s, p in zip("ABX", powers, strict=True)],
             treaties=[treaty("t", "A B", openness="secret" if secret else "open")],
             relations=[relation("A", "X", threat=threats[0], trade=trades[0]),
                        relation("B", "X", threat=threats[1], trade=trades[1]),
                        relation("A", "B", threat=threats[2]), relation("B", "A", threat=threats[3])])
    found = assess(gs)
    for subject in (*found.treaties, *found.states):
        for a in subject.answers:
            assert a.verdict in VERDICTS[a.id] and a.words
            for name in ("credibility", "abandonment", "entrapment", "members_power_share"):
                v = a.indicator(name)
                assert v is None or not isinstance(v, float) or 0.0 <= v <= 1.0


def test_the_command_prints_the_framework(capsys):
    assert main(["assess", str(BALTIC)]) == 0
    out = capsys.readouterr().out
    assert "The alliance security dilemma" in out and "== North Atlantic Treaty" in out


def test_the_command_plays_to_a_turn_and_prints_json(capsys):
    assert main(["assess", str(BALTIC), "--turn", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["turn"] == 3
    nato = next(t for t in data["treaties"] if t["id"] == "nato")
    reliability = next(q for q in nato["questions"] if q["id"] == "cohesion.reliability")
    assert reliability["indicators"]["turn_tested"] == 3.0  # Narva tested NATO on turn 3


@pytest.mark.parametrize("argv, code, says", [
    (["--turn", "99"], 2, "has turns 1 to 14"),
    (["--turn", "0"], 2, "has turns 1 to 14"),
])
def test_a_turn_outside_the_scenario_is_a_usage_error(capsys, argv, code, says):
    assert main(["assess", str(BALTIC), *argv]) == code
    assert says in capsys.readouterr().err


def test_a_missing_file_is_a_usage_error(capsys, tmp_path):
    assert main(["assess", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_the_after_action_report_ends_with_the_framework_turn_1_beside_the_last():
    from engine.aar import after_action
    from engine.aar_write import to_markdown
    from engine.game import Game
    sc = load(BALTIC)
    game = Game.new(sc)
    game.play(8)
    report = after_action(sc, game.events)
    assert report.framework_turns == (1, 8)
    nato = next(g for g in report.framework if g.id == "nato")
    tested = next(r for r in nato.rows if r.question == QUESTIONS["cohesion.reliability"])
    first, last = tested.cells
    assert first is not None and last is not None
    assert last.verdict in ("held", "shaken") and "turn_tested=1.00" not in last.numbers
    warsaw = next(g for g in report.framework if g.id == "warsaw-declaration")  # signed on turn 6
    assert all(r.cells[0] is None and r.cells[1] is not None for r in warsaw.rows)
    md = to_markdown(report)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[-1] == "## The framework: turn 1 beside turn 8"
    assert "(not in force)" in md


def test_a_leak_the_cell_did_not_see_stays_unknown_to_it():
    """The adversary learns of the pact by a leak shown only to it: the umpire's assessment says the
    pact is known to the adversary; the member's cell, which was not told, still reads it as hidden."""
    from engine.events import TreatyDisclosed
    from engine.state import apply
    gs = _secret_pact()
    leak = TreatyDisclosed(turn=1, treaty="pact", to=("X",), visibility=("X",), reason="a leak")
    apply(gs, leak)
    umpire = assess(gs).treaty("pact").answer("formation.credibility")
    cell = assess(gs, frozenset({"A"}), [leak]).treaty("pact").answer("formation.credibility")
    assert umpire.indicator("known_to_adversary") == 1.0
    assert cell.indicator("known_to_adversary") == 0.0 and cell.verdict == "hidden"
    told = TreatyDisclosed(turn=1, treaty="pact", to=("X",), visibility="all", reason="published")
    assert assess(gs, frozenset({"A"}), [told]).treaty("pact").answer(
        "formation.credibility").indicator("known_to_adversary") == 1.0
