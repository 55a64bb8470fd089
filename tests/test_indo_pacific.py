"""The Indo-Pacific teaching scenario: what it must show, whatever numbers the option doctrine
gives. It validates, plays to the end deterministically, offers alliance formation as options
(each with what it teaches), and its assessment names the dilemmas it was built for."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from casus.cli import main
from engine import events as ev
from engine.assess import assess
from engine.assess_text import to_text
from engine.game import Game
from engine.model import InjectKind, Scenario
from engine.scenario import load
from engine.state import GameState, Status

PATH = Path(__file__).resolve().parents[1] / "scenarios" / "indo-pacific-2028.yaml"
TEXT = PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return load(PATH)


def test_it_validates(capsys):
    assert main(["validate", str(PATH)]) == 0
    assert capsys.readouterr().out.strip().endswith("ok")


def test_the_states_and_treaties_of_the_region_are_there(sc):
    assert {"USA", "JPN", "KOR", "AUS", "PHL", "CHN", "PRK"} <= set(sc.state_by_id)
    assert {"us-japan", "us-rok", "anzus", "us-phl-mdt", "china-dprk", "aukus", "japan-australia",
            "quad"} <= set(sc.treaty_by_id)


@pytest.mark.parametrize("treaty", ["aukus", "japan-australia", "quad", "camp-david"])
def test_the_looser_arrangements_pledge_no_defence(sc, treaty):
    assert {str(o.type) for o in sc.treaty(treaty).obligations} == {"consultation"}


@pytest.mark.parametrize("kind, at_least", [
    (InjectKind.TREATY_SIGNED, 3),        # formation: Japan-Philippines, ROK in a trilateral, the tilt
    (InjectKind.TREATY_WITHDRAWAL, 1),    # abandonment
    (InjectKind.DEPLOYMENT, 1),           # reassurance
    (InjectKind.CEASEFIRE, 1),            # war's end
])
def test_alliance_formation_and_its_counterparts_are_options(sc, kind, at_least):
    options = [i for i in sc.injects if i.option and i.kind is kind]
    assert len(options) >= at_least
    assert all(i.actors for i in options)


def test_chinas_grey_zone_steps_are_options_with_a_resolve(sc):
    steps = [i for i in sc.injects if i.option and i.actors == ("CHN",) and i.target in ("PHL", "JPN")
             and i.kind not in (InjectKind.CEASEFIRE,)]
    assert {i.target for i in steps} == {"PHL", "JPN"}
    assert all(0 < i.resolve < 1 and "resolve:" in _block(i.id) for i in steps)


def _block(inject_id: str) -> str:
    """The inject's lines in the file, with the comment block above it."""
    m = re.search(rf"((?:  #.*\n)*)  - id: {re.escape(inject_id)}\n((?:    .*\n)*)", TEXT)
    assert m, inject_id
    return m.group(0)


def test_every_option_says_what_it_teaches(sc):
    for i in sc.injects:
        if i.option:
            assert "TEACHES" in _block(i.id), i.id


def _play(sc: Scenario, seed: int = 0) -> Game:
    game = Game.new(sc, seed=seed)
    game.play()
    return game


def test_it_plays_to_the_end_and_replays_byte_for_byte(sc):
    first, second = _play(sc), _play(sc)
    assert first.state.status is Status.FINISHED
    assert ev.dumps(first.events) == ev.dumps(second.events)
    half = [e for e in first.events if e.turn <= 5]
    resumed = Game.from_log(sc, half)
    resumed.play()
    assert ev.dumps(resumed.events) == ev.dumps(first.events)


def test_the_assessment_names_the_security_dilemma_for_every_alliance(sc):
    found = assess(GameState.initial(sc))
    assert "The alliance security dilemma" in to_text(found)
    for t in found.treaties:
        assert t.answer("cohesion.security_dilemma").verdict in ("quiet", "abandonment", "entrapment", "torn")
    # the spokes balance against China or North Korea before turn 1
    for s in ("JPN", "PHL", "AUS"):
        assert found.state(s).answer("formation.alignment").verdict == "balancing"


def test_the_philippines_tilt_reads_as_bandwagoning(sc):
    gs = GameState.initial(sc)
    gs.members_in_force["china-philippines"] = frozenset({"CHN", "PHL"})
    found = assess(gs)
    assert found.treaty("china-philippines").answer("formation.alignment").verdict == "bandwagoning"
    assert found.state("PHL").answer("formation.alignment").verdict == "bandwagoning"


def test_a_japan_philippines_pact_is_assessed_once_signed(sc):
    gs = GameState.initial(sc)
    assert "japan-philippines" not in [t.id for t in assess(gs).treaties]
    gs.members_in_force["japan-philippines"] = frozenset({"JPN", "PHL"})
    pact = assess(gs).treaty("japan-philippines")
    assert pact.adversary == "CHN"
    assert pact.answer("formation.alignment").verdict == "balancing"
    assert pact.answer("formation.moral_hazard").verdict == "managed"  # its non-provocation clause


def test_after_the_last_turn_every_answer_is_a_documented_verdict(sc):
    from engine.assess_text import VERDICTS
    found = assess(_play(sc).state)
    assert found.turn == sc.turns
    for subject in (*found.treaties, *found.states):
        assert [a.id for a in subject.answers]
        assert all(a.verdict in VERDICTS[a.id] for a in subject.answers)


ATOP = Path(__file__).resolve().parents[2] / "shared" / "data" / "atop" / "atop4_01a.csv"
COW = {"USA": 2, "JPN": 740, "KOR": 732, "AUS": 900, "NZL": 920, "PHL": 840, "CHN": 710, "PRK": 731}


@pytest.mark.skipif(not ATOP.exists(), reason="the ATOP reference data is not beside the repository")
def test_the_treaties_coded_in_atop_have_atops_members():
    import csv

    import yaml
    raw = yaml.safe_load(TEXT)
    rows = {r["atopid"]: r for r in csv.DictReader(ATOP.open(encoding="utf-8"))}
    coded = [t for t in raw["treaties"] if "x-atop" in t]
    assert len(coded) == 5
    for t in coded:
        row = rows[str(t["x-atop"])]
        members = {int(float(row[f"mem{i}"])) for i in range(1, 60) if row.get(f"mem{i}") not in (None, "", ".")
                   and float(row[f"mem{i}"]) > 0}
        assert members == {COW[m] for m in t["members"]}, t["id"]
        assert row["defense"] == "1", t["id"]
