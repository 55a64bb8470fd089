"""The victim's invitation and the situation at a treaty's signing (DOCTRINE.md, SCENARIO_FORMAT.md).

An attacked government that asks a state in makes that state's help lawful collective
self-defence and names who attacked it; a treaty whose members have changed since it was
signed fits reality less than one measured only against the game's start.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine.doctrine import Doctrine
from engine.doctrine.data import OBSOLETE
from engine.model import Inject, InjectKind, ObligationType, Regime
from engine.scenario import load
from tests.test_doctrine import BASE, PACT, Setup

DOCTRINE = Doctrine()
DOUBTFUL = BASE.strike(attribution=0.6, severity=0.4)
# The same, Germany outside the pact's obligation: the request is its ground to come.
OUTSIDE = DOUBTFUL.change(triggered=False)


def _asked(setup: Setup, *invited: str, target: str = "EST") -> Setup:
    return setup.change(injects=(Inject("strike", 1, InjectKind.ARMED_ATTACK, actors=("RUS",),
                                        target=target, invites=invited),))


def features(setup: Setup) -> dict[str, float]:
    return DOCTRINE.features(setup.situation())


@pytest.mark.parametrize("setup, invitation, doubt", [
    (OUTSIDE, 0.0, True),                                   # no request
    (_asked(OUTSIDE, "DEU"), 1.0, False),                   # Germany asked in: no doubt left
    (_asked(DOUBTFUL, "DEU"), 0.0, False),                  # asked, but its treaty binds it already
    (_asked(OUTSIDE, "FRA"), 0.0, True),                    # another state asked in
    (_asked(OUTSIDE, "DEU", target="USA"), 0.0, True),      # a request by someone else's target
    (_asked(OUTSIDE, "DEU").change(partner="USA"), 0.0, True),  # Germany deciding on another partner
], ids=["none", "asked", "asked-bound", "another-asked", "other-target", "other-partner"])
def test_only_the_victims_request_to_the_deciding_state_counts(setup, invitation, doubt):
    found = features(setup)
    assert found["invitation"] == invitation
    assert (found["attribution"] > 0) is doubt


def test_the_request_raises_the_chance_of_honouring_and_is_said_in_words():
    before = DOCTRINE.advise(OUTSIDE.situation())
    after = DOCTRINE.advise(_asked(OUTSIDE, "DEU").situation())
    assert after.p_honour(ObligationType.DEFENSE) > before.p_honour(ObligationType.DEFENSE)
    words = {f.name: f.text for f in after.factors}
    assert words["invitation"] == "Estonia asked Germany to come to its help, naming who attacked it"
    assert words["attribution"] == "Estonia's request names who attacked it"


@pytest.mark.parametrize("at_signing, expected", [
    ({}, 0.0),                                          # nothing known of the signing: no drift
    ({"power_at_signing": (("DEU", 16.0),)}, 0.5),      # Germany had twice its power then
    ({"power_at_signing": (("DEU", 8.0),)}, 0.0),       # the same power then as now
    ({"regime_at_signing": (("ITA", Regime.AUTOCRACY),)}, 1.0),  # Italy was an autocracy then
], ids=["unknown", "power-halved", "power-same", "regime-changed"])
def test_obsolescence_measures_change_since_the_signing_where_it_is_known(at_signing, expected):
    setup = BASE.change(treaty=dataclasses.replace(PACT, **at_signing))
    moved, baseline = features(setup)["obsolescence"], features(BASE)["obsolescence"]
    weight = OBSOLETE["regime_change" if "regime_at_signing" in at_signing else "power_change"]
    assert moved - baseline == pytest.approx(weight * expected)


def test_the_loader_reads_invitations_and_the_situation_at_signing(tmp_path: Path):
    text = (Path(__file__).parent / "broken" / "leader-not-member.yaml").read_text()
    body = "\n".join(text.splitlines()[2:]).replace("leader: RUS", "leader: USA\n    at_signing: "
                                                    "{power: {USA: 90}, regime: {EST: autocracy}}")
    path = tmp_path / "asked.yaml"
    path.write_text(body + "\n    invites: [USA]\n")
    scenario = load(str(path))
    assert scenario.injects[0].invites == ("USA",)
    treaty = scenario.treaties[0]
    assert treaty.power_at_signing == (("USA", 90.0),)
    assert treaty.regime_at_signing == (("EST", Regime.AUTOCRACY),)
