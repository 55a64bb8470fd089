"""Numbers said in words: the doctrine's advice, the indicators defined where shown, the fears,
the openness of a treaty, why one answer keeps one commitment and breaks another, names not ids."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import words
from engine.game import Game
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.e2e.support import cell_client, csrf, make_app, narva_under_way

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"
RAW_TERM = re.compile(r"p=0\.\d\d")


@pytest.mark.parametrize(("x", "word"), [(0.0, "very low"), (0.19, "very low"), (0.2, "low"), (0.5, "moderate"),
                                         (0.65, "high"), (0.95, "very high"), (None, "not measured")])
def test_a_measure_is_a_word_with_its_number_beside(x, word):
    assert words.level(x) == word
    if x is not None:
        assert words.measure(x) == f"{word} ({x:.2f})"


@pytest.mark.parametrize(("kind", "response", "verdict"), [
    ("consultation", "diplomatic", "honours"), ("defense", "diplomatic", "abandons"),
    ("defense", "limited", "honours"), ("neutrality", "neutral", "honours"), ("consultation", "neutral", "abandons")])
def test_why_one_answer_keeps_one_commitment_and_breaks_another(kind, response, verdict):
    text = words.why_kept(ObligationType(kind), Response(response))
    assert text.startswith(f"{response} {verdict} it")
    assert kind[:5] in text or "pact" in text


def test_the_doctrines_advice_is_in_sentences_with_numbers_beside():
    game = Game.new(load(TEACHING))
    game.play(2)
    game.open_turn()
    attack, state = next(iter(game.state.requests))
    text = words.advice(game.advise(state, attack))
    assert "doctrine's answer is" in text and " in 100)" in text
    assert RAW_TERM.search(text) is None
    assert re.search(r"\((strongly|moderately|slightly), [+-]\d\.\d\d\)", text)


@pytest.fixture
def closed(tmp_path):
    """The Narva drill with turn 2 played out: indicators and fears measured."""
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)
    assert umpire.post(f"/x/{ex['id']}/close-by-doctrine", data={"csrf_token": csrf(umpire)}).status_code == 303
    return app, ex, umpire


def test_the_dashboard_says_its_numbers_in_words(closed):
    app, ex, umpire = closed
    page = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert "Seen by</th>" not in page and "<th>Openness</th>" in page
    assert "public: every state knows the treaty" in page
    for term in ("cohesion", "credibility", "abandonment", "entrapment"):
        assert words.DEFINITIONS[term][:40] in page.replace("&#39;", "'")
    assert 'id="fears"' in page and "Fear of abandonment" in page
    assert re.search(r"(very low|low|moderate|high|very high) \(\d\.\d\d\)", page)
    assert RAW_TERM.search(page) is None


def test_a_cell_sees_the_fears_of_its_own_states_only(closed):
    app, ex, _ = closed
    us = cell_client(app, ex["cells"]["United States"]["join_url"])
    page = us.get(f"/x/{ex['id']}/cell").get_data(as_text=True)
    fears = page[page.index('id="fears"'):page.index("<h2>Treaties</h2>")]
    assert "United States" in fears and "Fear of entrapment" in fears
    assert "Poland" not in fears


def test_attacks_and_states_go_by_their_names(tmp_path):
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)
    page = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert "on Russia against Estonia" in page and "on narva" not in page
    links = umpire.get(f"/x/{ex['id']}/links").get_data(as_text=True)
    assert "You play: Poland" in links and "You play: POL" not in links


@pytest.mark.parametrize(("attack", "label"), [
    ("narva-incursion/USA>RUS", "United States against Russia"),
    ("narva-incursion", "Russia against Estonia"),
    ("adhoc-4-1", "the umpire's inject 4.1"),
])
def test_an_attack_is_named_from_its_id(attack, label):
    from engine.narrative import attack_label
    assert attack_label(load(TEACHING), attack) == label


def test_an_explanation_logged_in_terms_is_said_in_words():
    logged = "Most likely: limited (p=0.38). Pushing toward honouring: a tripwire (+1.14); against: distance (-0.12)."
    text = words.reword(logged)
    assert RAW_TERM.search(text) is None and "(+1.14)" not in text
    assert "likeliest answer: limited (unlikely, 38 in 100)" in text
    assert "(strongly, +1.14)" in text and "(slightly, -0.12)" in text
    assert words.reword(logged.replace("Most likely:", "Answer:")).startswith("The doctrine's answer: limited")


def test_the_report_and_the_history_name_attacks_by_their_states(closed):
    _, ex, umpire = closed
    for path in ("report", "history?turn=2"):
        page = umpire.get(f"/x/{ex['id']}/{path}").get_data(as_text=True)
        assert "<td>Russia against Estonia</td>" in page and "<td>narva</td>" not in page
