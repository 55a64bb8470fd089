"""The console shows what a decision answers, from the engine's data: a threat that calls
for consultation (Article 4), an attack its target does not resist, the conditions of the
obligation in play (owed to whom, triggered by a mobilization) and the side an answer is on.
The umpire's dashboard and the cell's page say the same words (engine.words)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import words
from engine.model import Obligation, ObligationTrigger, ObligationType
from tests.e2e.support import UMPIRE_TOKEN, cell_client, csrf, make_app, umpire_client

# Britain's one-sided guarantee to Poland, owed to Poland alone and triggered by a German
# mobilization as well as by an attack; Germany mobilizes (turn 1), then occupies (turn 2).
GUARANTEE = """\
format: casus/1
id: guarantee
title: A guarantee
start: 1939-03-31
turns: 3
states:
  - {id: GBR, name: United Kingdom, power: 30, regime: democracy, region: europe, control: player}
  - {id: POL, name: Poland, power: 8, regime: hybrid, region: europe}
  - {id: ROU, name: Romania, power: 4, regime: hybrid, region: europe}
  - {id: DEU, name: Germany, power: 40, regime: autocracy, region: europe}
treaties:
  - id: guarantee
    name: British guarantee
    members: [GBR, POL, ROU]
    obligations:
      - {type: defense, asymmetric_to: [GBR], owed_to: [POL], adversaries: [DEU], trigger: mobilization}
injects:
  - {id: troops, turn: 1, kind: mobilization, actor: DEU, target: POL, text: "German divisions mass on the border."}
  - {id: occupation, turn: 2, kind: armed-attack, actor: DEU, target: POL, resisted: false, region: europe,
     text: "German troops march in; Poland does not resist."}
"""


@pytest.fixture
def exercise(tmp_path: Path):
    path = tmp_path / "guarantee.yaml"
    path.write_text(GUARANTEE, encoding="utf-8")
    app = make_app(tmp_path, SCENARIO_PATHS=[str(path)])
    r = app.test_client().post("/api/v1/exercises", json={"scenario": "guarantee.yaml"},
                               headers={"Authorization": f"Bearer {UMPIRE_TOKEN}"})
    assert r.status_code == 201, r.get_data(as_text=True)
    ex = r.get_json()
    umpire = umpire_client(app)
    assert umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)}).status_code == 303
    cell = cell_client(app, ex["cells"]["United Kingdom"]["join_url"])
    return ex["id"], umpire, cell


def _pages(eid: str, umpire, cell) -> tuple[str, str]:
    return (umpire.get(f"/x/{eid}").get_data(as_text=True),
            cell.get(f"/x/{eid}/cell").get_data(as_text=True))


def _step(eid: str, umpire, *steps: str) -> None:
    for step in steps:
        assert umpire.post(f"/x/{eid}/{step}", data={"csrf_token": csrf(umpire)}).status_code == 303


THREAT = "a threat (mobilization), short of an attack: consultation is owed (Article 4), and no war begins"


@pytest.mark.parametrize("words_shown", [
    THREAT,
    "owed to Poland only (one-sided)",
    "triggered by a mobilization as well as by an attack",
])
def test_a_threat_and_the_obligations_conditions_show_on_both_pages(exercise, words_shown: str) -> None:
    eid, umpire, cell = exercise
    for page in _pages(eid, umpire, cell):
        assert words_shown in page


def test_the_side_of_an_answer_shows_once_given(exercise) -> None:
    eid, umpire, cell = exercise
    assert "on Poland&#39;s side" not in _pages(eid, umpire, cell)[1]
    r = cell.post(f"/x/{eid}/cell/decide", data={"csrf_token": csrf(cell), "state": "GBR", "attack": "troops",
                                                 "response": "limited", "turn": "1"})
    assert r.status_code == 303
    for page in _pages(eid, umpire, cell):
        assert "on Poland&#39;s side" in page


def test_an_attack_not_resisted_shows_as_an_occupation(exercise) -> None:
    eid, umpire, cell = exercise
    cell.post(f"/x/{eid}/cell/decide", data={"csrf_token": csrf(cell), "state": "GBR", "attack": "troops",
                                             "response": "diplomatic", "turn": "1"})
    _step(eid, umpire, "close-turn", "open-turn")
    occupied = "Poland does not resist: occupied without a war, its allies still bound"
    for page in _pages(eid, umpire, cell):
        assert occupied in page and THREAT not in page


def test_the_cells_own_answers_say_their_side_after_the_turn(exercise) -> None:
    eid, umpire, cell = exercise
    cell.post(f"/x/{eid}/cell/decide", data={"csrf_token": csrf(cell), "state": "GBR", "attack": "troops",
                                             "response": "limited", "turn": "1"})
    _step(eid, umpire, "close-turn", "open-turn")
    page = _pages(eid, umpire, cell)[1]
    answers = page[page.index("Your answers"):]
    assert "on Poland&#39;s side" in answers[:answers.index("</section>")]


# --- the words themselves --------------------------------------------------------------------------

def _ob(**fields) -> Obligation:
    return Obligation(type=ObligationType.DEFENSE, **fields)


@pytest.mark.parametrize("ob, expected", [
    (_ob(), []),
    (_ob(conditional_on=("FRA",)), ["conditional on FRA's answer: owed only once FRA has honoured its own obligation"]),
    (_ob(conditional_on=("FRA", "GBR")),
     ["conditional on FRA, GBR's answer: owed only once FRA, GBR have honoured their own obligation"]),
    (_ob(asymmetric_to=("GBR",), owed_to=("POL",)), ["owed to POL only (one-sided)"]),
    (_ob(trigger=ObligationTrigger.MOBILIZATION), ["triggered by a mobilization as well as by an attack"]),
])
def test_the_conditions_in_words(ob: Obligation, expected: list[str]) -> None:
    assert words.conditions(ob, str) == expected


@pytest.mark.parametrize("attacker, response, expected", [
    (False, "limited", "on Poland's side"),
    (True, "limited", "beside Poland, the attacker"),
    (True, "full", "beside Poland, the attacker: at war with its victim"),
])
def test_the_side_in_words(attacker: bool, response: str, expected: str) -> None:
    assert words.side("Poland", attacker, response) == expected
