"""The game as a fold over its events: turns, decisions, undo, branch, fog of war.

Decisions here come from a script (replay mode) or from cells (exercise mode),
so the rules of play are tested apart from the doctrine's judgement.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import events as ev
from engine.errors import GameError
from engine.events import Kind
from engine.game import Game
from engine.model import Control, Response, ScriptEntry
from engine.state import Mode, Status, fold
from tests.builders import consultation, defense, inject, make_scenario, neutrality, state, treaty


def script(*entries: tuple) -> tuple[ScriptEntry, ...]:
    """(turn, state, inject, treaty, response[, side]) rows."""
    return tuple(ScriptEntry(turn=t, state=s, inject=i, treaty=tr, response=Response(r),
                             side=side[0] if side else None)
                 for t, s, i, tr, r, *side in entries)


def kinds(events, kind):
    return [e for e in events if e.kind is kind]


@pytest.fixture
def july():
    """A small 1914: Austria attacks Serbia; Russia comes; Germany and France follow."""
    return make_scenario(
        states="AUH SRB RUS GER FRA GBR BEL",
        treaties=[
            treaty("dual", "GER AUH", defense(adversaries="RUS"), name="Dual Alliance"),
            treaty("franco-russian", "FRA RUS", defense(adversaries="GER AUH"), name="Franco-Russian Alliance"),
            treaty("london-1839", "GBR FRA", defense(), beneficiaries="BEL", name="Treaty of London"),
        ],
        injects=[inject("sarajevo", actor="AUH", target="SRB", turn=1),
                 inject("belgium", actor="GER", target="BEL", turn=2)],
        # Germany's and France's answers are given on later links of the chain, each for an
        # ally attacked there: the side they are read on says which link.
        script=script((1, "RUS", "sarajevo", None, "full"), (1, "GER", "sarajevo", "dual", "full", "AUH"),
                      (1, "FRA", "sarajevo", "franco-russian", "full", "RUS"),
                      (2, "GBR", "belgium", "london-1839", "full"), (2, "FRA", "belgium", "london-1839", "full")),
        turns=3)


def test_one_attack_pulls_in_four_states_through_three_treaties(july):
    game = Game.new(july, mode=Mode.REPLAY)
    game.play()
    wars = {frozenset((w.aggressor, w.defender)) for w in game.state.wars}
    assert frozenset({"AUH", "SRB"}) in wars
    assert frozenset({"RUS", "AUH"}) in wars
    assert frozenset({"GER", "RUS"}) in wars
    assert frozenset({"FRA", "GER"}) in wars
    assert frozenset({"GBR", "GER"}) in wars
    rounds = [e.round for e in kinds(game.events, Kind.CASCADE_ROUND) if e.turn == 1]
    # Russia's war brings Germany in, Germany's brings France, France's is examined last
    assert rounds == [2, 3, 4]
    assert game.state.status is Status.FINISHED


def test_fold_of_the_log_equals_the_state_built_step_by_step(july):
    game = Game.new(july, mode=Mode.REPLAY)
    game.play()
    folded = fold(july, game.events)
    for name in ("turn", "status", "fired", "decisions", "wars", "reputation", "members_in_force",
                 "indicators", "attacks"):
        assert getattr(folded, name) == getattr(game.state, name), name


def test_events_round_trip_through_json_lines(july):
    game = Game.new(july, mode=Mode.REPLAY)
    game.play()
    text = ev.dumps(game.events)
    assert ev.loads(text) == list(game.events)
    assert ev.dumps(ev.loads(text)) == text


def test_undo_drops_the_last_turn_and_replaying_gives_the_same_events(july):
    game = Game.new(july, mode=Mode.REPLAY)
    game.play(2)
    before = ev.dumps(game.events)
    dropped = game.undo()
    assert dropped[0].kind is Kind.TURN_OPENED and dropped[0].turn == 2
    assert game.state.turn == 1
    game.play_turn()
    assert ev.dumps(game.events) == before


def test_branch_starts_a_what_if_before_the_turn(july):
    game = Game.new(july, mode=Mode.REPLAY)
    game.play()
    what_if = game.branch(2)
    assert what_if.state.turn == 1 and game.state.turn == 3
    assert len(what_if.events) == game.turn_start(2)


def test_nothing_to_undo_before_the_first_turn(july):
    with pytest.raises(GameError, match="nothing to undo"):
        Game.new(july).undo()


def test_a_held_inject_waits_for_the_injects_it_requires():
    sc = make_scenario(states="RUS EST", injects=[
        inject("ultimatum", kind="statement", turn=2, actor="RUS", manual=True),
        inject("invasion", actor="RUS", target="EST", turn=2, requires="ultimatum")])
    game = Game.new(sc)
    game.play_turn()
    events = game.open_turn()
    assert kinds(events, Kind.INJECT_AWAITING)[0].inject == "ultimatum"
    held = kinds(events, Kind.INJECT_HELD)[0]
    assert (held.inject, held.missing) == ("invasion", ("ultimatum",))
    game.trigger("ultimatum")
    assert "ultimatum" in game.state.fired
    with pytest.raises(GameError, match="not waiting"):
        game.trigger("ultimatum")


def test_a_treaty_signed_in_play_binds_only_from_its_inject():
    sc = make_scenario(
        states="USA EST RUS",
        treaties=[treaty("pact", "USA EST", defense())],
        injects=[inject("attack-1", actor="RUS", target="EST", turn=1),
                 inject("signing", kind="treaty-signed", turn=2, treaty="pact"),
                 inject("attack-2", actor="RUS", target="EST", turn=3)])
    game = Game.new(sc)
    game.play()
    bound = {(e.attack, e.ally) for e in kinds(game.events, Kind.OBLIGATION)
             if e.triggered}
    assert ("attack-1", "USA") not in bound
    assert ("attack-2", "USA") in bound


def test_effects_change_the_world():
    sc = make_scenario(states="EST RUS", injects=[
        inject("jam", kind="statement", turn=1, actor="RUS",
               effects=[("relations.EST.RUS.threat", 0.9), ("states.RUS.power", 40)])])
    game = Game.new(sc)
    game.play_turn()
    assert game.state.world.relation("EST", "RUS").threat == 0.9
    assert game.state.world.state("RUS").power == 40


@pytest.fixture
def council():
    return make_scenario(
        states="USA GBR TUR HUN EST RUS",
        treaties=[treaty("nato", "USA GBR TUR HUN EST", consultation(article="4"),
                         defense(article="5"), invocation="consensus", leader="USA", name="NATO")],
        injects=[inject("narva", actor="RUS", target="EST", turn=1)],
        script=script((1, "USA", "narva", "nato", "full"), (1, "GBR", "narva", "nato", "limited"),
                      (1, "TUR", "narva", "nato", "diplomatic"), (1, "HUN", "narva", "nato", "limited")),
        turns=2)


def test_consensus_is_blocked_by_one_member_and_the_log_names_it(council):
    game = Game.new(council, mode=Mode.REPLAY)
    game.play_turn()
    inv = [e for e in kinds(game.events, Kind.INVOCATION)]
    assert inv and not inv[0].declared
    assert inv[0].blocked_by == ("TUR",)
    assert not kinds(game.events, Kind.BREACH)  # no casus foederis declared, nobody abandons


def test_the_leader_answers_first(council):
    game = Game.new(council, mode=Mode.REPLAY)
    game.play_turn()
    order = [e.state for e in kinds(game.events, Kind.DECISION)]
    assert order[0] == "USA"


def test_cells_decide_and_the_umpire_overrides(council):
    game = Game.new(council, mode=Mode.EXERCISE, controls={"TUR": Control.PLAYER, "USA": Control.PLAYER})
    game.open_turn()
    assert {("narva", "TUR"), ("narva", "USA")} <= set(game.state.pending())
    game.close_turn()
    assert game.state.status is Status.OPEN  # waiting for the cells
    assert kinds(game.events, Kind.AWAITING)
    game.submit("USA", "narva", "full", rationale="Article 5 is the core", statement="We stand by Estonia")
    game.submit("TUR", "narva", "neutral")
    game.submit("TUR", "narva", "diplomatic")  # revised before the close
    with pytest.raises(GameError, match="reason"):
        game.override("HUN", "narva", "full", reason=" ")
    game.override("TUR", "narva", "limited", reason="teaching point: Ankara comes round")
    game.close_turn()
    assert game.state.status is Status.READY
    d = game.state.decisions[("narva", "TUR")]
    assert d.response is Response.LIMITED and d.source == "umpire"


def test_a_cell_cannot_answer_for_an_attack_it_is_not_asked_about(council):
    game = Game.new(council, mode=Mode.EXERCISE, controls={"TUR": Control.PLAYER})
    game.open_turn()
    with pytest.raises(GameError, match="no decision due"):
        game.submit("RUS", "narva", "full")


def test_secret_treaties_stay_out_of_other_cells_views():
    sc = make_scenario(
        states="ITA FRA GER AUH",
        treaties=[treaty("triple", "GER AUH ITA", defense(), name="Triple Alliance"),
                  treaty("prinetti-barrere", "ITA FRA", neutrality(only_if_attacked=True),
                         openness="secret", name="Prinetti-Barrere Agreement")],
        injects=[inject("war", actor="GER", target="FRA", turn=1)], turns=1)
    game = Game.new(sc)
    game.play()
    german = ev.dumps(game.view(frozenset({"GER"})))
    italian = ev.dumps(game.view(frozenset({"ITA"})))
    assert "prinetti-barrere" not in german
    assert "prinetti-barrere" in italian
    assert "prinetti-barrere" in ev.dumps(game.view(None))


def test_a_disclosure_reveals_the_secret_treaty_to_the_named_states():
    sc = make_scenario(
        states="ITA FRA GER",
        treaties=[treaty("pact", "ITA FRA", neutrality(), openness="secret")],
        injects=[inject("leak", kind="disclosure", turn=1, treaty="pact", visibility=("GER",))],
        turns=1)
    game = Game.new(sc)
    game.play()
    assert game.state.world.knows("GER", "pact")


def test_the_record_can_answer_on_a_later_turn():
    """Britain and France answered the attack on Poland two days later."""
    sc = make_scenario(
        states="GER POL GBR",
        treaties=[treaty("anglo-polish", "GBR POL", defense(adversaries="GER"))],
        injects=[inject("fall-weiss", actor="GER", target="POL", turn=1)],
        script=script((3, "GBR", "fall-weiss", "anglo-polish", "full")), turns=3)
    game = Game.new(sc, mode=Mode.REPLAY)
    game.play_turn()
    assert kinds(game.events, Kind.DECISION_DEFERRED)
    assert not game.state.world.at_war("GBR", "GER")
    game.play()
    assert game.state.world.at_war("GBR", "GER")
    assert game.state.decisions[("fall-weiss", "GBR")].turn == 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31), n_turns=st.integers(1, 4))
def test_the_same_seed_gives_the_same_bytes(july, seed, n_turns):
    one = Game.new(july, seed=seed, stochastic=True)
    two = Game.new(july, seed=seed, stochastic=True)
    one.play(n_turns)
    two.play(n_turns)
    assert ev.dumps(one.events) == ev.dumps(two.events)


ids_ = st.sampled_from(["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"])


@st.composite
def random_games(draw):
    states = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    treaties = []
    for i in range(draw(st.integers(0, 5))):
        members = draw(st.lists(ids_, min_size=2, max_size=4, unique=True))
        ob = draw(st.sampled_from([defense(), neutrality(), consultation(), defense(non_provocation=True)]))
        treaties.append(treaty(f"t{i}", members, ob))
    injects = []
    for i in range(draw(st.integers(1, 4))):
        a, t = draw(st.lists(ids_, min_size=2, max_size=2, unique=True))
        injects.append(inject(f"i{i}", actor=a, target=t, turn=draw(st.integers(1, 3)),
                              provoked=draw(st.booleans())))
    return make_scenario(states=[state(s, power=float(k + 1)) for k, s in enumerate(states)],
                         treaties=treaties, injects=injects, turns=3), draw(st.integers(0, 1000))


@settings(max_examples=40, deadline=None)
@given(random_games())
def test_property_fold_equals_stepwise_state_and_undo_replays_identically(case):
    scenario, seed = case
    game = Game.new(scenario, seed=seed, stochastic=True)
    game.play()
    folded = fold(scenario, game.events)
    assert folded.decisions == game.state.decisions
    assert folded.wars == game.state.wars
    assert folded.reputation == game.state.reputation
    full = ev.dumps(game.events)
    game.undo()
    game.play()
    assert ev.dumps(game.events) == full


def test_a_copy_is_independent_and_equal_to_a_fold(july):
    game = Game.new(july, mode=Mode.REPLAY)
    game.play(1)
    twin = game.copy()
    twin.play()
    assert game.state.turn == 1 and twin.state.turn == 3
    assert fold(july, twin.events).decisions == twin.state.decisions
    assert fold(july, game.events).decisions == game.state.decisions


def test_advice_weighs_the_weightiest_article_in_play(council):
    game = Game.new(council, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER})
    game.open_turn()
    advice = game.advise("USA", "narva")
    casus = next(f for f in advice.factors if f.name == "casus_foederis")
    assert "art. 5 (defense)" in casus.text
