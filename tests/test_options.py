"""Options in play: deterrence, reassurance, alliance formation, withdrawal and ceasefires
(SCENARIO_FORMAT.md, "Options"; docs/DOCTRINE.md, "Options").

The doctrine's direction for each factor is a specification: a stronger commitment never
makes an attack more likely, a secret treaty deters only the attacker who knows it, and
each factor of each kind of option moves its chance the way docs/DOCTRINE.md says.
"""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import options
from engine.errors import InvalidAction, NotDue
from engine.events import (
    InjectFired,
    OptionDeclined,
    OptionLapsed,
    OptionOffered,
    OptionTaken,
    TreatyDisclosed,
    WarBegun,
    WarEnded,
    dumps,
    loads,
)
from engine.game import Game
from engine.model import (
    Control,
    Decision,
    DecisionSource,
    Deployment,
    ForceSize,
    Formality,
    Mode,
    Response,
    ScriptEntry,
)
from engine.network import Attack
from engine.state import apply, fold
from engine.world import War
from tests.builders import inject, make_scenario, relation, state, treaty

STATES = [state("USA", power=30, nuclear=True), state("GBR", power=5), state("DEU", power=5),
          state("EST", power=0.2), state("RUS", power=12)]
RELATIONS = [relation("EST", "RUS", threat=0.9), relation("RUS", "EST", threat=0.3)]


def narva(**fields):
    fields = {"target": "EST", "option": True, "until": 3, "resolve": 0.8, **fields}
    return inject("narva", "armed-attack", 1, "RUS", **fields)


def baltic(*, treaty_fields=None, deployments=(), option=None, states=STATES, **fields):
    return make_scenario(states, treaties=[treaty("nato", "USA GBR DEU EST", **(treaty_fields or {}))],
                         injects=[option or narva()], relations=RELATIONS, deployments=tuple(deployments),
                         **fields)


def chance(scenario, inject_id="narva", disclosed=None) -> float:
    """The doctrine's chance that the option's actor takes it, at the start of play (`disclosed`:
    treaty -> the states told of it, folded as the events that tell them)."""
    game = Game.new(scenario)
    gs = game.state
    for treaty_id, to in (disclosed or {}).items():
        apply(gs, TreatyDisclosed(turn=1, treaty=treaty_id, to=tuple(sorted(to))))
    return options.advice(gs, scenario.inject(inject_id)).probability


def fired_share(scenario, runs: int = 60) -> float:
    """The share of seeded stochastic games in which the option is carried out."""
    fired = 0
    for seed in range(runs):
        game = Game.new(scenario, seed=seed, stochastic=True, verbose=False)
        game.play()
        fired += "narva" in game.state.fired
    return fired / runs


# --- deterrence ---------------------------------------------------------------------------------

STRONGER = {
    "open instead of secret": ({"openness": "secret"}, {}),
    "institutionalization raised": ({"institutionalization": 0.1}, {"institutionalization": 0.9}),
    "written down": ({"formality": Formality.VERBAL}, {"formality": Formality.TREATY}),
}


@pytest.mark.parametrize("weaker, stronger", STRONGER.values(), ids=list(STRONGER))
def test_a_stronger_commitment_deters_no_less(weaker, stronger):
    weak, strong = baltic(treaty_fields=weaker), baltic(treaty_fields=stronger)
    assert chance(strong) < chance(weak)
    assert fired_share(strong) <= fired_share(weak)


def test_tripwire_forces_in_the_target_deter_no_less():
    without = baltic()
    brigade = baltic(deployments=[Deployment("USA", "EST", ForceSize.BRIGADE)])
    assert chance(brigade) < chance(without)
    assert fired_share(brigade) <= fired_share(without)


def test_a_secret_treaty_the_attacker_does_not_know_does_not_deter():
    secret = baltic(treaty_fields={"openness": "secret"})
    nothing = make_scenario(STATES, injects=[narva()], relations=RELATIONS)
    assert chance(secret) == pytest.approx(chance(nothing))
    assert chance(secret, disclosed={"nato": ["RUS"]}) < chance(nothing)


def test_the_attacker_names_the_allies_it_expects_and_their_tripwires():
    sc = baltic(treaty_fields={"institutionalization": 0.9},
                deployments=[Deployment("USA", "EST", ForceSize.BRIGADE), Deployment("GBR", "EST", ForceSize.BRIGADE)])
    advice = options.advice(Game.new(sc).state, sc.inject("narva"))
    said = advice.said(False)
    assert said.startswith("Russia holds back: it expects")
    assert "United States" in said and "United Kingdom" in said and "(their forces in Estonia)" in said



@st.composite
def alliances(draw):
    """A random target, allies of random power and commitment, and an option attack on it."""
    n = draw(st.integers(1, 4))
    allies = [state(f"A{i}", power=draw(st.floats(0.1, 40)), nuclear=draw(st.booleans())) for i in range(n)]
    states = [*allies, state("VVV", power=draw(st.floats(0.1, 5))), state("XXX", power=draw(st.floats(1, 40)))]
    fields = {"institutionalization": draw(st.floats(0, 1)),
              "openness": draw(st.sampled_from(["open", "secret", "partially-secret"]))}
    # the treaty's other members know it, the attacker only when it is open
    kind = draw(st.sampled_from(["armed-attack", "cyber-attack", "border-incident"]))
    option = inject("narva", kind, 1, "XXX", target="VVV", option=True, until=3,
                    resolve=draw(st.floats(0, 1)), attribution=draw(st.sampled_from([0.4, 0.8, 1.0])))
    return states, fields, option, draw(st.sampled_from(["openness", "institutionalization", "tripwire"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances())
def test_deterrence_is_monotone_in_every_commitment(case):
    states, fields, option, stronger = case
    members = " ".join(s.id for s in states if s.id != "XXX")
    def scenario(tfields, deployments=()):
        return make_scenario(states, treaties=[treaty("t", members, **tfields)], injects=[option],
                             relations=[relation("VVV", "XXX", threat=0.8)], deployments=tuple(deployments))
    weak = scenario(fields)
    if stronger == "openness":
        strong = scenario({**fields, "openness": "open"})
    elif stronger == "institutionalization":
        strong = scenario({**fields, "institutionalization": min(1.0, fields["institutionalization"] + 0.3)})
    else:
        strong = scenario(fields, [Deployment("A0", "VVV", ForceSize.BRIGADE)])
    assert chance(strong) <= chance(weak) + 1e-12
    for seed in range(5):  # the same keyed draws: the stronger world fires only where the weaker does
        a = Game.new(strong, seed=seed, stochastic=True, verbose=False)
        b = Game.new(weak, seed=seed, stochastic=True, verbose=False)
        a.play(1)
        b.play(1)
        assert ("narva" in a.state.fired) <= ("narva" in b.state.fired)


def test_answers_to_earlier_probes_weigh_on_the_next_step():
    """A grey-zone probe answered weakly invites the next step; answered firmly, it deters."""
    sc = baltic()
    probe = Attack.from_inject(inject("probe", "cyber-attack", 1, "RUS", target="EST"))
    chances = []
    for answer in (Response.NEUTRAL, Response.LIMITED):
        gs = Game.new(sc).state
        gs.turn, gs.attacks["probe"], gs.attack_turn["probe"] = 2, probe, 1
        gs.fired.append("probe")  # fired by the umpire on turn 1
        gs.decisions[("probe", "USA")] = Decision(turn=1, state="USA", attack="probe", response=answer,
                                                  source=DecisionSource.DOCTRINE, side="EST", treaty="nato")
        chances.append(options.advice(gs, sc.inject("narva")).probability)
    weak, firm = chances
    assert weak > firm


# --- the other kinds: each factor's direction -------------------------------------------------------

def _advice(sc, inject_id, gs_changes=None):
    """The advice at the start of play, with `gs_changes`: each war as the event that begins it
    (the fold keeps the wars' version), the rest set on the state."""
    gs = Game.new(sc).state
    changes = dict(gs_changes or {})
    for war in changes.pop("wars", ()):
        apply(gs, WarBegun(turn=changes["war_began"][war.pair], aggressor=war.aggressor, defender=war.defender))
    changes.pop("war_began", None)
    for name, value in changes.items():
        setattr(gs, name, value)
    gs.turn = max(gs.turn, 1)
    return options.advice(gs, sc.inject(inject_id))


def test_deployment_reassures_a_fearful_host_and_avoids_provoking():
    def sc(threat=0.9, trade=0.0, resolve=0.5):
        return make_scenario([state("USA", power=30), state("LTU", power=0.3), state("RUS", power=12)],
                             treaties=[treaty("nato", "USA LTU")],
                             injects=[inject("arm", "deployment", 1, "USA", target="LTU", option=True, resolve=resolve)],
                             relations=[relation("LTU", "RUS", threat=threat), relation("USA", "RUS", trade=trade)])
    base = _advice(sc(), "arm").probability
    assert _advice(sc(threat=0.2), "arm").probability < base            # less threat, less need
    assert _advice(sc(trade=0.2), "arm").probability < base             # more to lose by provoking
    assert _advice(sc(resolve=0.9), "arm").probability > base
    assert _advice(sc(), "arm").take and not _advice(sc(threat=0.0, resolve=0.2), "arm").take


def test_treaty_signed_balances_bandwagons_and_follows_reputation():
    def sc(threat=0.9, partner_power=10.0, joins_feared=False, resolve=0.5):
        members = "FIN RUS" if joins_feared else "FIN USA"
        return make_scenario([state("FIN", power=1), state("USA", power=partner_power), state("RUS", power=12)],
                             treaties=[treaty("pact", members)],
                             injects=[inject("join", "treaty-signed", 1, "FIN", treaty="pact", option=True,
                                             resolve=resolve)],
                             relations=[relation("FIN", "RUS", threat=threat)])
    base = _advice(sc(), "join").probability
    assert _advice(sc(threat=0.1), "join").probability < base           # balancing against a threat
    assert _advice(sc(partner_power=0.5), "join").probability < base    # a weak partner balances little
    assert _advice(sc(joins_feared=True), "join").factors[2].value > 0  # bandwagoning with the threat
    rep = {"reputation": {"FIN": 0.5, "USA": 0.1, "RUS": 0.5}}
    assert _advice(sc(), "join", rep).probability < base                # an unreliable partner
    assert _advice(sc(), "join").take and not _advice(sc(threat=0.0, resolve=0.2), "join").take


def test_treaty_withdrawal_follows_entrapment_and_the_threat_outside():
    def sc(own_threat=0.0, ally_threat=0.9, resolve=0.5):
        return make_scenario([state("TUR", power=5), state("USA", power=30), state("CHN", power=50),
                              state("RUS", power=12)],
                             treaties=[treaty("pact", "TUR USA")],
                             injects=[inject("leave", "treaty-withdrawal", 1, "TUR", treaty="pact", option=True,
                                             resolve=resolve)],
                             relations=[relation("USA", "CHN", threat=ally_threat),
                                        relation("TUR", "RUS", threat=own_threat)])
    base = _advice(sc(), "leave").probability
    assert _advice(sc(ally_threat=0.0), "leave").probability < base     # no entrapment, no reason to go
    assert _advice(sc(own_threat=0.9), "leave").probability < base      # it still needs the alliance
    assert _advice(sc(resolve=0.9), "leave").take and not _advice(sc(ally_threat=0.0, resolve=0.3), "leave").take


def _war_world(sc, wars, turn, began):
    return {"wars": [War(a, d) for a, d in wars], "turn": turn,
            "war_began": {frozenset(p): began for p in wars}}


def test_a_ceasefire_is_sought_by_the_losing_side_the_longer_the_war_and_without_allies():
    def sc(own_power=12.0, resolve=0.5):
        return make_scenario([state("RUS", power=own_power), state("EST", power=0.2), state("USA", power=30),
                              state("BLR", power=1)],
                             treaties=[treaty("nato", "USA EST"), treaty("union", "RUS BLR")],
                             injects=[inject("cf", "ceasefire", 1, "RUS", target="EST", option=True, until=9,
                                             resolve=resolve)])
    early = _advice(sc(), "cf", _war_world(sc(), [("RUS", "EST"), ("USA", "RUS")], 2, 2))
    late = _advice(sc(), "cf", _war_world(sc(), [("RUS", "EST"), ("USA", "RUS")], 6, 2))
    assert late.probability > early.probability                          # the cost of the war so far
    strong = _advice(sc(own_power=80), "cf", _war_world(sc(), [("RUS", "EST"), ("USA", "RUS")], 2, 2))
    assert strong.probability < early.probability                        # winning, it fights on
    helped = _advice(sc(), "cf", _war_world(sc(), [("RUS", "EST"), ("USA", "RUS"), ("BLR", "USA")], 2, 2))
    assert helped.factors[3].value < early.factors[3].value              # an ally that came
    assert helped.probability < early.probability


# --- the phase ------------------------------------------------------------------------------------

def test_an_option_taken_fires_in_the_same_turn_and_one_not_taken_lapses():
    taken = Game.new(baltic(option=narva(resolve=1.0), treaty_fields={"openness": "secret"}))
    events = taken.play_turn()
    kinds = [type(e) for e in events]
    assert OptionTaken in kinds and kinds.index(OptionTaken) < kinds.index(InjectFired)
    assert "narva" in taken.state.fired
    held = Game.new(baltic(option=narva(resolve=0.0), treaty_fields={"institutionalization": 1.0}))
    held.play()
    declined = [e for e in held.events if isinstance(e, OptionDeclined)]
    assert [e.turn for e in declined] == [1, 2, 3] and "Russia holds back" in declined[0].rationale
    lapsed = [e for e in held.events if isinstance(e, OptionLapsed)]
    assert [(e.turn, e.inject) for e in lapsed] == [(3, "narva")]
    assert "narva" not in held.state.fired


def test_an_option_waits_for_its_requires():
    sc = make_scenario(STATES, injects=[inject("pretext", "statement", 2, "RUS"),
                                        narva(resolve=1.0, requires=("pretext",))], relations=RELATIONS)
    game = Game.new(sc)
    game.play_turn()
    assert "narva" not in game.state.fired and not any(isinstance(e, OptionDeclined) for e in game.events)
    game.play_turn()
    assert "narva" in game.state.fired


def test_a_player_cells_option_waits_for_the_cell_and_the_umpire_may_override_with_a_reason():
    sc = baltic(option=narva(resolve=0.0))
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"RUS": Control.PLAYER})
    events = game.open_turn()
    assert [e for e in events if isinstance(e, OptionOffered)][0].visibility == ("RUS",)
    game.close_turn()
    assert game.state.awaiting == (("narva", "RUS"),)
    assert game.view_for(frozenset({"RUS"})).options[0].inject == "narva"
    assert not game.view_for(frozenset({"EST"})).options
    with pytest.raises(NotDue):
        game.choose_option("EST", "narva", True)
    game.choose_option("RUS", "narva", False, rationale="not yet")
    game.choose_option("RUS", "narva", True, rationale="now")              # a cell may revise to take it
    assert "narva" in game.state.fired
    with pytest.raises(NotDue, match="cannot be undone"):
        game.choose_option("RUS", "narva", False)
    game.close_turn()
    game.open_turn()                                                        # turn 2: the option is spent
    assert not options.open_options(game.state) and not game.state.options_due


def test_the_umpire_overrides_an_option_with_a_logged_reason():
    sc = baltic(option=narva(resolve=0.0))
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"RUS": Control.PLAYER})
    game.open_turn()
    with pytest.raises(InvalidAction, match="reason"):
        game.override_option("narva", True, " ")
    events = game.override_option("narva", True, reason="the exercise needs the attack")
    taken = [e for e in events if isinstance(e, OptionTaken)][0]
    assert (taken.source, taken.rationale, taken.visibility) == (DecisionSource.UMPIRE,
                                                                 "the exercise needs the attack", "umpire")
    assert "narva" in game.state.fired and not options.waiting(game.state)
    with pytest.raises(NotDue):
        game.choose_option("RUS", "narva", False)


@pytest.mark.parametrize("entries, fired", [
    ((ScriptEntry(turn=2, state="RUS", response=Response.FULL, inject="narva"),), 2),
    ((ScriptEntry(turn=1, state="RUS", response=Response.NEUTRAL, inject="narva"),), None),
    ((), None),
])
def test_a_replay_takes_the_record(entries, fired):
    sc = dataclasses.replace(baltic(option=narva(resolve=1.0)), script=entries)
    game = Game.new(sc, mode=Mode.REPLAY)
    game.play()
    turns = [e.turn for e in game.events if isinstance(e, InjectFired) and e.inject == "narva"]
    assert turns == ([fired] if fired else [])
    assert all(e.source is DecisionSource.SCRIPT for e in game.events if isinstance(e, OptionTaken | OptionDeclined))


def test_option_events_round_trip_and_fold():
    game = Game.new(baltic(option=narva(resolve=0.0)), mode=Mode.EXERCISE, controls={"RUS": Control.PLAYER})
    for turn in (1, 2, 3):
        game.open_turn()
        game.choose_option("RUS", "narva", turn == 3)
        game.close_turn()
    assert "narva" in game.state.fired
    assert dumps(loads(dumps(game.events))) == dumps(game.events)
    assert fold(game.scenario, game.events) == game.state


# --- ceasefires ------------------------------------------------------------------------------------

def _at_war(game, a, b):
    return any(w.pair == frozenset((a, b)) for w in game.state.wars)


def ceasefire_scenario(resolve=1.0):
    """RUS attacks EST (turn 1), USA comes to EST under nato; RUS attacks FIN (turn 2), USA comes
    to FIN as well: USA and RUS are at war over both attacks. The ceasefire of turn 3 ends RUS-EST."""
    return make_scenario(
        [state("USA", power=30), state("EST", power=0.2), state("FIN", power=1), state("GBR", power=5),
         state("RUS", power=12)],
        treaties=[treaty("nato", "USA EST GBR"), treaty("nordic", "USA FIN")],
        injects=[inject("narva", "armed-attack", 1, "RUS", target="EST", severity=0.9),
                 inject("karelia", "armed-attack", 2, "RUS", target="FIN", severity=0.9),
                 inject("cf", "ceasefire", 3, "RUS", target="EST", option=True, until=5, resolve=resolve)],
        relations=[relation("USA", "EST", affinity=0.9), relation("GBR", "EST", affinity=0.9),
                   relation("USA", "FIN", affinity=0.9)])


def _override_answers(game, answers):
    for (attack, state_id), response in answers.items():
        game.override(state_id, attack, response, reason="the test's premise")


def test_a_ceasefire_ends_the_war_and_its_cascade_but_not_a_war_fought_for_another_reason():
    game = Game.new(ceasefire_scenario(), mode=Mode.EXERCISE)
    game.open_turn()
    _override_answers(game, {("narva", "USA"): "full", ("narva", "GBR"): "full"})
    game.close_turn()
    game.open_turn()
    _override_answers(game, {("karelia", "USA"): "full"})
    game.close_turn()
    assert all(_at_war(game, *p) for p in [("RUS", "EST"), ("GBR", "RUS"), ("USA", "RUS"), ("RUS", "FIN")])
    events = game.play_turn()
    ended = {frozenset((e.aggressor, e.defender)) for e in events if isinstance(e, WarEnded)}
    assert ended == {frozenset(("RUS", "EST")), frozenset(("GBR", "RUS"))}
    assert not _at_war(game, "RUS", "EST") and not _at_war(game, "GBR", "RUS")
    assert _at_war(game, "USA", "RUS") and _at_war(game, "RUS", "FIN")     # fought over Karelia too
    assert game.state.ceased == {"narva": None}


def test_a_scripted_ceasefire_ends_the_war_and_the_narrative_says_so():
    from engine.narrative import event_line
    from engine.network_picture import network_picture
    sc = make_scenario([state("RUS", power=12), state("EST", power=1)],
                       injects=[inject("narva", "armed-attack", 1, "RUS", target="EST"),
                                inject("cf", "ceasefire", 2, "RUS", target="EST")])
    game = Game.new(sc)
    game.play()
    ended = [e for e in game.events if isinstance(e, WarEnded)]
    assert len(ended) == 1 and not game.state.wars
    assert event_line(sc, ended[0]) == "No longer at war: Russia and Estonia (cf)"
    picture = network_picture(game.state)
    truce = [e for e in picture.edges if e.tooltip.startswith("ceasefire")]
    assert len(truce) == 1 and truce[0].dashed and "ceasefire" in [item.label for item in picture.legend]
    assert not [e for e in picture.edges if e.tooltip.startswith("war:")]


@pytest.mark.parametrize("late", ["diplomatic", "neutral", "limited"])
def test_an_answer_the_record_gives_after_the_ceasefire_does_not_begin_the_ended_war_again(late):
    """Britain answers Narva only on turn 3 (the record's date), after the ceasefire of turn 2:
    the attack is at issue again on turn 3, but its war began on turn 1 and stays ended."""
    sc = make_scenario([state("RUS", power=12), state("EST", power=1), state("GBR", power=5)],
                       treaties=[treaty("pact", "EST GBR")],
                       injects=[inject("narva", "armed-attack", 1, "RUS", target="EST"),
                                inject("cf", "ceasefire", 2, "RUS", target="EST"),
                                inject("riga", "armed-attack", 5, "RUS", target="EST")],
                       script=(ScriptEntry(3, "GBR", Response(late), inject="narva", treaty="pact"),
                               ScriptEntry(5, "GBR", Response.DIPLOMATIC, inject="riga", treaty="pact")))
    game = Game.new(sc, mode=Mode.REPLAY)
    game.play()
    begun = [(e.turn, e.aggressor, e.defender) for e in game.events if isinstance(e, WarBegun)]
    assert begun == [(1, "RUS", "EST"), (5, "RUS", "EST")]   # the later attack begins its own war
    assert game.state.decisions[("narva", "GBR")].response is Response(late)


def test_a_ceasefire_option_is_open_only_while_its_parties_are_at_war():
    sc = make_scenario([state("RUS", power=12), state("EST", power=1)],
                       injects=[inject("cf", "ceasefire", 1, "RUS", target="EST", option=True, until=2, resolve=1.0)])
    game = Game.new(sc)
    game.play()
    assert not any(isinstance(e, OptionTaken | OptionDeclined) for e in game.events)
    assert [e.inject for e in game.events if isinstance(e, OptionLapsed)] == ["cf"]


# --- Monte Carlo: an option's resolve may vary ----------------------------------------------------

def test_monte_carlo_may_vary_an_options_resolve():
    from engine import montecarlo as mc
    vary = mc.parse_vary("narva.resolve=0.0:0.05")
    assert (vary.name, vary.low, vary.high) == ("narva.resolve", 0.0, 0.05)
    with pytest.raises(ValueError, match="from 0 to 1"):
        mc.parse_vary("narva.resolve=0.5:1.5")
    with pytest.raises(ValueError, match="unknown doctrine weight"):
        mc.Plan(baltic(), 1, vary=(mc.parse_vary("nothing.resolve=0:1"),))
    sc = baltic(treaty_fields={"openness": "secret"})
    wars = []
    for low, high in ((0.0, 0.05), (0.95, 1.0)):
        data = mc.simulate(sc, 20, seed=1, vary=[f"narva.resolve={low}:{high}"]).data
        wars.append(data["first_war"]["war"]["p"])
    assert wars[0] < wars[1]


def test_at_the_deadline_the_doctrine_chooses_for_a_cell_that_has_not():
    sc = baltic(option=narva(resolve=1.0), treaty_fields={"openness": "secret"})
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"RUS": Control.PLAYER})
    game.open_turn()
    events = game.answer_for_missing()
    taken = [e for e in events if isinstance(e, OptionTaken)]
    assert taken and taken[0].source is DecisionSource.DOCTRINE and "did not choose by the deadline" in taken[0].reason
    assert "narva" in game.state.fired and not options.waiting(game.state)


# --- the terminal ---------------------------------------------------------------------------------

BALTIC = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml")


@pytest.mark.parametrize("answers, fired", [("y\n" * 6, True), ("", False)])
def test_casus_play_asks_the_terminal_for_a_states_options(capsys, monkeypatch, answers, fired):
    import io

    from casus.cli import main
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    assert main(["play", BALTIC, "--turns", "2", "--options-for", "RUS", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "Russia may carry out cable-cut" in err and "the doctrine: Russia" in err
    log = loads(out)
    chosen = [e for e in log if isinstance(e, OptionTaken | OptionDeclined) and e.inject == "cable-cut"]
    assert [(type(e) is OptionTaken, e.source) for e in chosen] == [(fired, DecisionSource.PLAYER)]


def test_casus_play_refuses_an_unknown_state_for_options(capsys):
    from casus.cli import main
    assert main(["play", BALTIC, "--options-for", "XXX"]) == 2
    assert "no such state" in capsys.readouterr().err


def test_a_what_if_plays_on_from_a_turn_where_a_cell_has_not_chosen_yet():
    from engine import montecarlo as mc
    sc = baltic(option=narva(resolve=1.0), treaty_fields={"openness": "secret"})
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"RUS": Control.PLAYER})
    game.open_turn()
    assert options.waiting(game.state)
    data = mc.simulate(sc, 5, seed=2, events_prefix=game.events).data
    assert data["runs"] == 5 and data["first_war"]["war"]["p"] == 1.0  # the doctrine took it for the cell
