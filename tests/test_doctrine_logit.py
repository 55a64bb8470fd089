"""The doctrine's ordered logit: from the score to a distribution, an answer and a draw; the armed-attack threshold.

The worlds are tests/test_doctrine.py's (the Baltic Pact, Germany deciding on Estonia).
"""
from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.doctrine import (
    DATA,
    DEFAULT_CUTS,
    DEFAULT_WEIGHTS,
    FACTORS,
    Advice,
    Doctrine,
)
from engine.doctrine.data import KIND_CLARITY, kind_clarity
from engine.doctrine.logit import banded
from engine.model import (
    KIND_TRAITS,
    RESPONSES,
    Deployment,
    InjectKind,
    ObligationType,
    Response,
)
from tests.test_doctrine import BASE, DOCTRINE, STRIKE

# --- the ordered logit ------------------------------------------------------------

def test_the_score_is_linear_in_the_weights_and_the_link_is_an_ordered_logit():
    situation = BASE.change(deployments=(Deployment("DEU", "EST"),)).situation()
    advice = DOCTRINE.advise(situation)
    x = DOCTRINE.features(situation)
    assert advice.score == pytest.approx(sum(DEFAULT_WEIGHTS[k] * x[k] for k in FACTORS))
    cumulative = 0.0
    for k, cut in enumerate(DEFAULT_CUTS):
        cumulative += advice.probabilities[k]
        assert cumulative == pytest.approx(1 / (1 + math.exp(-(cut - advice.score))))


@settings(max_examples=200, deadline=None)
@given(st.floats(-30, 30), st.floats(-30, 30))
def test_probabilities_sum_to_one_and_rise_with_the_score(low, high):
    low, high = sorted((low, high))
    p_low, p_high = DOCTRINE.distribution(low), DOCTRINE.distribution(high)
    for p in (p_low, p_high):
        assert len(p) == len(RESPONSES)
        assert all(q >= 0 for q in p)
        assert sum(p) == pytest.approx(1.0)
    def rank(p):
        return sum(k * q for k, q in enumerate(p))
    assert rank(p_high) >= rank(p_low) - 1e-12
    for k in range(1, len(RESPONSES)):  # every "at least level k" grows with the score
        assert sum(p_high[k:]) >= sum(p_low[k:]) - 1e-12


def test_p_honour_sums_the_levels_that_honour_each_obligation_type():
    advice = Advice((0.1, 0.2, 0.3, 0.25, 0.15), (), 0.0)
    assert advice.p_honour(ObligationType.DEFENSE) == pytest.approx(0.4)
    assert advice.p_honour(ObligationType.OFFENSE) == pytest.approx(0.4)
    assert advice.p_honour(ObligationType.CONSULTATION) == pytest.approx(0.7)
    assert advice.p_honour(ObligationType.NEUTRALITY) == pytest.approx(0.9)
    assert advice.p_honour("nonaggression") == pytest.approx(0.9)


@pytest.mark.parametrize("probabilities, expected", [
    ((0.1, 0.2, 0.3, 0.25, 0.15), Response.DIPLOMATIC),
    ((0.0, 0.4, 0.1, 0.4, 0.1), Response.DIPLOMATIC),   # cumulative 0.5 reached at diplomatic
    ((0.45, 0.05, 0.0, 0.0, 0.5), Response.NEUTRAL),    # the median, not the mode (full)
    ((0.0, 0.0, 0.0, 0.3, 0.7), Response.FULL),
])
def test_the_response_is_the_median_level(probabilities, expected):
    assert Advice(probabilities, (), 0.0).response is expected


@pytest.mark.parametrize("setup", [BASE, BASE.change(ally="CHN", treaty=None),
                                   BASE.change(leader_response=Response.FULL),
                                   BASE.strike(kind=InjectKind.CYBER_ATTACK)],
                         ids=["ally", "bystander", "leader-in", "cyber"])
def test_deterministic_mode_answers_with_the_band_that_holds_the_score(setup):
    response, advice = DOCTRINE.decide(setup.situation())
    assert response is advice.response
    assert response is banded(DOCTRINE.bands, advice.score, setup.attack.short_of_armed_attack)


@pytest.mark.parametrize("level", list(Response))
def test_every_level_is_the_answer_for_some_score(level):
    """Under the shipped bands each level is the answer for the scores of its band: the
    score midway between its two edges (or beyond the outer ones)."""
    edges, k = DOCTRINE.bands, level.rank
    score = (edges[0] - 1.0 if k == 0 else edges[-1] + 1.0 if k == len(edges)
             else (edges[k - 1] + edges[k]) / 2)
    assert banded(edges, score) is level


def test_short_of_an_armed_attack_the_top_band_answers_limited():
    assert banded(DOCTRINE.bands, DOCTRINE.bands[-1] + 1.0, capped=True) is Response.LIMITED


@given(st.floats(min_value=-20, max_value=20), st.floats(min_value=0.01, max_value=5))
def test_the_answer_never_falls_as_the_score_rises(score, rise):
    assert banded(DOCTRINE.bands, score + rise).rank >= banded(DOCTRINE.bands, score).rank


class CountingRandom(random.Random):
    calls = 0

    def random(self) -> float:
        self.calls += 1
        return super().random()


def test_stochastic_mode_draws_exactly_once_and_is_reproducible():
    situation = BASE.situation()
    rng = CountingRandom(7)
    DOCTRINE.decide(situation, rng)
    assert rng.calls == 1
    first = [DOCTRINE.decide(situation, random.Random(42))[0] for _ in range(3)]
    again = [DOCTRINE.decide(situation, random.Random(42))[0] for _ in range(3)]
    assert first == again
    a, b = random.Random(3), random.Random(3)
    assert ([DOCTRINE.decide(situation, a)[0] for _ in range(50)]
            == [DOCTRINE.decide(situation, b)[0] for _ in range(50)])


@pytest.mark.parametrize("setup", [BASE, BASE.change(ally="CHN", treaty=None)],
                         ids=["ally", "bystander"])
def test_stochastic_frequencies_match_the_probabilities(setup):
    situation, n = setup.situation(), 2000
    rng = random.Random(2024)
    counts = Counter(DOCTRINE.decide(situation, rng)[0] for _ in range(n))
    probabilities = DOCTRINE.advise(situation).probabilities
    for response, p in zip(RESPONSES, probabilities):
        tolerance = 4.5 * math.sqrt(p * (1 - p) / n) + 1e-3
        assert abs(counts[response] / n - p) <= tolerance, response


# --- the armed-attack threshold ----------------------------------------------------

@pytest.mark.parametrize("kind, capped", [
    (InjectKind.ARMED_ATTACK, False), (InjectKind.TERRORIST_ATTACK, False),
    (InjectKind.CYBER_ATTACK, True), (InjectKind.HYBRID_ATTACK, True), (InjectKind.BORDER_INCIDENT, True),
])
@pytest.mark.parametrize("leader", [None, Response.FULL], ids=["alone", "leader-in"])
def test_no_combat_forces_for_an_attack_short_of_an_armed_attack(kind, capped, leader):
    # Pushed hard toward honouring, so that the logit puts most of its mass on `full`.
    doctrine = Doctrine(DEFAULT_WEIGHTS | {"casus_foederis": 6.0})
    situation = BASE.change(attack=dataclasses.replace(STRIKE, kind=kind), leader_response=leader).situation()
    advice = doctrine.advise(situation)
    logit = doctrine.distribution(advice.score)
    assert capped is not KIND_TRAITS[kind].armed_attack  # the table the engine reads agrees
    assert math.isclose(sum(advice.probabilities), 1.0)
    if capped:
        assert advice.probabilities == (*logit[:3], logit[3] + logit[4], 0.0)
        assert advice.ceiling is Response.LIMITED and advice.response is Response.LIMITED
        assert "short of an armed attack" in advice.explain()
        assert all(doctrine.decide(situation, random.Random(i))[0] is not Response.FULL for i in range(200))
    else:
        assert advice.probabilities == logit and advice.ceiling is None
        assert advice.response is Response.FULL


def test_every_kind_of_attack_and_only_an_attack_has_a_clarity():
    assert set(KIND_CLARITY) == {kind for kind, traits in KIND_TRAITS.items() if traits.attack}
    assert all(0.0 <= c <= 1.0 for c in KIND_CLARITY.values())


CLARITY = dict(DATA["factors"][FACTORS.index("attribution")]["parts"]["kind_clarity"])


@pytest.mark.parametrize("table, words", [
    ({k: v for k, v in CLARITY.items() if k != "cyber-attack"}, "no value for the attack kind(s) cyber-attack"),
    (CLARITY | {"election": 0.9}, "a value for election, which is no kind of attack"),
], ids=["missing", "not-an-attack"])
def test_a_clarity_table_out_of_step_with_the_kinds_of_attack_is_refused(table, words):
    with pytest.raises(ValueError, match=r"engine/doctrine.json: factors\[attribution\]") as raised:
        kind_clarity(table)
    assert words in str(raised.value)
